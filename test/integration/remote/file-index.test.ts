/**
 * Quick open's index over a real sshd (issue 16): 20,000 Python files in a generated tree come
 * back in one answer, without the VCS, cache and virtualenv directories, and a missing root is
 * named.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SshConnection } from '../../../src-main/ssh/connection/ssh-connection.js';
import { indexRemoteFiles } from '../../../src-main/remote/files/file-index.js';
import { startSshd, type TestSshd } from '../../harness/sshd.js';
import { connectTo, policyIn, tempDir } from '../ssh/ssh-test-kit.js';

describe('remote file index', () => {
  let tmp: { dir: string; remove(): Promise<void> };
  let sshd: TestSshd;
  let connection: SshConnection;
  let project: string;

  beforeAll(async () => {
    tmp = await tempDir('periscope-index-');
    sshd = await startSshd();
    await writeFile(path.join(tmp.dir, 'known_hosts'), `${sshd.knownHostsLine()}\n`);
    connection = await connectTo(sshd, policyIn(tmp.dir));
    project = path.join(tmp.dir, 'project');
    // 200 packages × 100 modules, plus what must be skipped.
    for (let p = 0; p < 200; p++) {
      const pkg = path.join(project, `pkg${p}`, 'sub');
      await mkdir(pkg, { recursive: true });
      await Promise.all(
        Array.from({ length: 100 }, (_, m) => writeFile(path.join(pkg, `mod_${m}.py`), '')),
      );
    }
    for (const skipped of ['.git', '__pycache__', '.venv/lib', 'node_modules/x']) {
      await mkdir(path.join(project, skipped), { recursive: true });
      await writeFile(path.join(project, skipped, 'hidden.py'), '');
    }
    await writeFile(path.join(project, 'README.md'), '');
    await writeFile(path.join(project, 'app.pyi'), '');
  }, 120_000);

  afterAll(async () => {
    await connection?.close();
    await sshd?.stop();
    await tmp?.remove();
  });

  it('lists 20,000 files under the root in one run, skipping what is not the project', async () => {
    const started = Date.now();
    const index = await indexRemoteFiles(connection, '/usr/bin/python3', project);
    const ms = Date.now() - started;
    console.log(`file index: ${index.files.length} files in ${ms} ms`);
    expect(index.root).toBe(project);
    expect(index.truncated).toBe(false);
    expect(index.files).toHaveLength(20_001);
    expect(index.files).toContain('pkg17/sub/mod_42.py');
    expect(index.files).toContain('app.pyi');
    expect(index.files.some((f) => f.includes('hidden.py'))).toBe(false);
    expect(index.files.some((f) => f.endsWith('.md'))).toBe(false);
  });

  it('names a root that is not a directory', async () => {
    await expect(
      indexRemoteFiles(connection, '/usr/bin/python3', path.join(tmp.dir, 'nope')),
    ).rejects.toThrow(/nope is not a directory on this machine/);
  });
});
