import { describe, expect, it } from 'vitest';
import { toLocalPath, toRemotePath } from '../../../src-common/path-mapping.js';

describe('path mappings', () => {
  const mappings = [{ localRoot: '/home/me/app/', remoteRoot: '/srv/app' }];
  it('maps laptop paths to remote paths and back, by whole segments', () => {
    expect(toRemotePath('/home/me/app/pkg/mod.py', mappings)).toBe('/srv/app/pkg/mod.py');
    expect(toLocalPath('/srv/app/pkg/mod.py', mappings)).toBe('/home/me/app/pkg/mod.py');
    expect(toRemotePath('/home/me/application/x.py', mappings)).toBe('/home/me/application/x.py');
    expect(toRemotePath('/elsewhere/x.py', mappings)).toBe('/elsewhere/x.py');
  });
});
