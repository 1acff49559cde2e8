import {
  chmod,
  lstat,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeLaunchJsonFile } from '../../../../src-main/profiles/launch-json-file.js';

describe('writeLaunchJsonFile', () => {
  let project: string;

  beforeEach(async () => {
    project = await mkdtemp(join(tmpdir(), 'periscope-launch-json-'));
  });
  afterEach(async () => {
    await rm(project, { recursive: true, force: true });
  });

  it('creates .vscode and the file, and leaves no temp file behind', async () => {
    const file = join(project, '.vscode', 'launch.json');
    await writeLaunchJsonFile(file, '{ "configurations": [] }\n');
    expect(await readFile(file, 'utf8')).toBe('{ "configurations": [] }\n');
    expect(await readdir(join(project, '.vscode'))).toEqual(['launch.json']);
  });

  it("keeps an existing file's mode, and writes through a symlink to its target", async () => {
    const shared = join(project, 'shared-launch.json');
    await writeFile(shared, '{}');
    await chmod(shared, 0o640);
    await writeLaunchJsonFile(join(project, '.vscode', 'placeholder'), '');
    const link = join(project, '.vscode', 'launch.json');
    await symlink(shared, link);
    await writeLaunchJsonFile(link, '{ "version": "0.2.0" }');
    expect(await readFile(shared, 'utf8')).toBe('{ "version": "0.2.0" }');
    expect((await stat(shared)).mode & 0o777).toBe(0o640);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect((await readdir(join(project, '.vscode'))).sort()).toEqual([
      'launch.json',
      'placeholder',
    ]);
  });

  it('rejects, changing nothing, when .vscode is not a folder', async () => {
    const notDir = join(project, '.vscode');
    await writeFile(notDir, 'a file');
    await expect(writeLaunchJsonFile(join(notDir, 'launch.json'), 'new')).rejects.toMatchObject({
      code: expect.stringMatching(/^(EEXIST|ENOTDIR)$/) as unknown,
    });
    expect(await readFile(notDir, 'utf8')).toBe('a file');
    expect(await readdir(project)).toEqual(['.vscode']);
  });
});
