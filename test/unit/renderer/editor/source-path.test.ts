import { describe, expect, it } from 'vitest';
import { splitSourcePath } from '../../../../src-renderer/editor/source-path.js';

describe('splitSourcePath', () => {
  it.each([
    ['/home/me/app/main.py', '/home/me/app/', 'main.py'],
    ['main.py', '', 'main.py'],
    ['C:\\work\\app\\main.py', 'C:\\work\\app\\', 'main.py'],
    ['/srv/dir/', '/srv/dir/', ''],
    ['', '', ''],
  ])('%s', (path, directory, fileName) => {
    expect(splitSourcePath(path)).toEqual({ directory, fileName });
  });
});
