import { describe, expect, it } from 'vitest';
import { parsePathAndLine } from '../../../../src-renderer/editor/source-path.js';

describe('parsePathAndLine ("Open file" input)', () => {
  it('reads path:line and path:line:column', () => {
    expect(parsePathAndLine('/srv/app/views.py:42')).toEqual({
      path: '/srv/app/views.py',
      line: 42,
    });
    expect(parsePathAndLine(' /srv/app/views.py:42:7 ')).toEqual({
      path: '/srv/app/views.py',
      line: 42,
    });
  });

  it('reads the line of a traceback entry', () => {
    expect(parsePathAndLine('File "/srv/app/views.py", line 12, in index')).toEqual({
      path: '/srv/app/views.py',
      line: 12,
    });
  });

  it('leaves a plain path, a Windows drive and a colon inside a name alone', () => {
    expect(parsePathAndLine('/srv/app/views.py')).toEqual({
      path: '/srv/app/views.py',
      line: null,
    });
    expect(parsePathAndLine('C:\\work\\app.py')).toEqual({ path: 'C:\\work\\app.py', line: null });
    expect(parsePathAndLine('/tmp/a:b/x.py')).toEqual({ path: '/tmp/a:b/x.py', line: null });
    expect(parsePathAndLine('/srv/x.py:0')).toEqual({ path: '/srv/x.py:0', line: null });
  });
});
