import { describe, expect, it } from 'vitest';
import { matchMapping, suggestMapping } from '../../../../../src-common/path-mapping.js';
import {
  explainBreakpoint,
  isLibraryPath,
} from '../../../../../src-renderer/stores/breakpoints/unverified-reason.js';

const NOT_FOUND = 'Breakpoint in file that does not exist.';
const EXCLUDED =
  'Breakpoint in file excluded by filters.\nNote: may be excluded because of "justMyCode" option (default == true).';

describe('path mappings as debugpy applies them', () => {
  it('matches the first mapping whose local root is a prefix at a separator', () => {
    const mappings = [
      { localRoot: '/home/me/app2', remoteRoot: '/x' },
      { localRoot: '/home/me/app/', remoteRoot: '/srv/app' },
    ];
    expect(matchMapping('/home/me/app/pkg/m.py', mappings)).toEqual({
      index: 1,
      mapping: mappings[1],
      remotePath: '/srv/app/pkg/m.py',
    });
    expect(matchMapping('/home/me/application/m.py', mappings)).toBeNull();
  });

  it('suggests roots from the common tail of the laptop file and the remote program', () => {
    expect(suggestMapping('/home/me/app/main.py', '/srv/app/main.py')).toEqual({
      localRoot: '/home/me',
      remoteRoot: '/srv',
    });
    expect(suggestMapping('/l/a.py', '/r/b.py')).toBeNull();
    expect(suggestMapping('/same/a.py', '/same/a.py')).toBeNull();
    expect(suggestMapping('/l/a.py', 'a.py')).toBeNull();
  });
});

describe('explainBreakpoint', () => {
  it('no mapping matches: says so and offers the mapping to the launched program', () => {
    const e = explainBreakpoint(
      '/laptop/proj/main.py',
      4,
      { line: 4, verified: false, message: NOT_FOUND, id: 1 },
      { mappings: [], programPath: '/srv/proj/main.py' },
    );
    expect(e?.kind).toBe('no-mapping');
    expect(e?.text).toContain('no path mappings');
    expect(e?.text).toContain('/laptop/proj/main.py');
    expect(e?.fixes).toEqual([
      { kind: 'set-mapping', mapping: { localRoot: '/laptop', remoteRoot: '/srv' } },
      { kind: 'edit-mappings', draft: { localRoot: '/laptop', remoteRoot: '/srv' } },
    ]);
  });

  it('a mapping matches but the remote file is missing: names the remote path, offers to replace it', () => {
    const e = explainBreakpoint(
      '/laptop/proj/main.py',
      4,
      { line: 4, verified: false, message: NOT_FOUND, id: 1 },
      {
        mappings: [{ localRoot: '/laptop/proj', remoteRoot: '/wrong/proj' }],
        programPath: '/srv/app/main.py',
      },
    );
    expect(e?.kind).toBe('remote-file-missing');
    expect(e?.text).toContain('/wrong/proj/main.py');
    expect(e?.text).toContain('does not exist on the remote machine');
    expect(e?.fixes[0]).toEqual({
      kind: 'set-mapping',
      mapping: { localRoot: '/laptop/proj', remoteRoot: '/srv/app' },
      replaceIndex: 0,
    });
  });

  it('justMyCode hides library code', () => {
    const e = explainBreakpoint(
      '/usr/lib/python3.11/json/__init__.py',
      10,
      { line: 10, verified: false, message: EXCLUDED, id: 2 },
      { mappings: [], programPath: null },
    );
    expect(e?.kind).toBe('just-my-code');
    expect(e?.text).toContain('library code');
    expect(e?.fixes).toEqual([{ kind: 'just-my-code-off' }]);
    expect(isLibraryPath('/venv/lib/python3.12/site-packages/requests/api.py')).toBe(true);
    expect(isLibraryPath('/home/me/app/main.py')).toBe(false);
  });

  it('line without code: moved by debugpy, or never hit', () => {
    const moved = explainBreakpoint(
      '/a.py',
      6,
      { line: 6, verified: true, id: 3, actualLine: 5 },
      { mappings: [], programPath: null },
    );
    expect(moved?.kind).toBe('line-moved');
    expect(moved?.text).toContain('line 5');
    expect(moved?.fixes).toEqual([{ kind: 'move-line', line: 5 }]);
    const comment = explainBreakpoint(
      '/a.py',
      1,
      { line: 1, verified: true, id: 4 },
      { mappings: [], programPath: null, lineText: '  # a comment' },
    );
    expect(comment?.kind).toBe('no-code');
    expect(
      explainBreakpoint(
        '/a.py',
        2,
        { line: 2, verified: true, id: 5 },
        { mappings: [], programPath: null, lineText: 'x = 1' },
      ),
    ).toBeNull();
  });

  it('other refusals keep the debugger text', () => {
    const e = explainBreakpoint(
      '/a.py',
      2,
      { line: 2, verified: false, message: 'Nope', id: 9 },
      { mappings: [], programPath: null },
    );
    expect(e).toMatchObject({ kind: 'other', text: 'debugpy: Nope', fixes: [] });
    const failed = explainBreakpoint(
      '/a.py',
      2,
      { line: 2, verified: false, message: 'timeout' },
      { mappings: [], programPath: null },
    );
    expect(failed?.kind).toBe('request-failed');
  });
});
