import { describe, expect, it } from 'vitest';
import { matchMapping, toLocalPath, toRemotePath } from '../../../src-common/path-mapping.js';

describe('path mappings', () => {
  const mappings = [{ localRoot: '/home/me/app/', remoteRoot: '/srv/app' }];
  it('maps laptop paths to remote paths and back, by whole segments', () => {
    expect(toRemotePath('/home/me/app/pkg/mod.py', mappings)).toBe('/srv/app/pkg/mod.py');
    expect(toLocalPath('/srv/app/pkg/mod.py', mappings)).toBe('/home/me/app/pkg/mod.py');
    expect(toRemotePath('/home/me/application/x.py', mappings)).toBe('/home/me/application/x.py');
    expect(toRemotePath('/elsewhere/x.py', mappings)).toBe('/elsewhere/x.py');
  });
});

describe('one path mapping for the relay and the renderer', () => {
  it('maps under a root of / without doubling the separator', () => {
    const toRoot = [{ localRoot: '/home/me', remoteRoot: '/' }];
    expect(toRemotePath('/home/me/app/x.py', toRoot)).toBe('/app/x.py');
    expect(matchMapping('/home/me/app/x.py', toRoot)?.remotePath).toBe('/app/x.py');
    expect(toLocalPath('/app/x.py', [{ localRoot: '/', remoteRoot: '/srv' }])).toBe('/app/x.py');
    expect(toLocalPath('/srv/app/x.py', [{ localRoot: '/', remoteRoot: '/srv' }])).toBe(
      '/app/x.py',
    );
  });

  it('ignores whitespace and trailing separators around roots, both ways', () => {
    const padded = [{ localRoot: ' /home/me/app/ ', remoteRoot: ' /srv/app/ ' }];
    expect(toRemotePath('/home/me/app/x.py', padded)).toBe('/srv/app/x.py');
    expect(toLocalPath('/srv/app/x.py', padded)).toBe('/home/me/app/x.py');
    expect(matchMapping('/home/me/app', padded)).toEqual({
      index: 0,
      mapping: padded[0],
      remotePath: '/srv/app',
    });
  });
});
