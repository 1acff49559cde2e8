/**
 * The position of a tail in the CURRENT file stays exact across rotations while the link is up,
 * even when the new file's first lines are there at once (real sshd, GNU tail -F): tail's notice
 * that it switched files must not arrive after those lines (it did when stderr went apart: sshd
 * sends stdout's bytes first when both pipes have data), or a resume after a drop replays them.
 */
import { appendFile, rename, stat, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReconnectingSsh } from '../../../src-main/ssh/connection/reconnecting-ssh.js';
import { RemoteFileTail } from '../../../src-main/remote/tail/remote-file-tail.js';
import type { SshConnection } from '../../../src-main/ssh/connection/ssh-connection.js';
import { startSshd, type TestSshd } from '../../harness/sshd.js';
import { until } from '../../harness/tcp-echo.js';
import { connectTo, policyIn, tempDir } from '../ssh/ssh-test-kit.js';

describe('a tail across rotations', () => {
  let sshd: TestSshd;
  let tmp: { dir: string; remove(): Promise<void> };

  beforeAll(async () => {
    sshd = await startSshd();
    tmp = await tempDir('periscope-rotate-');
    await writeFile(`${tmp.dir}/known_hosts`, `${sshd.knownHostsLine()}\n`);
  });
  afterAll(async () => {
    await sshd?.stop();
    await tmp?.remove();
  });

  it('counts bytes of the new file from its first byte, rotation after rotation', async () => {
    const connect = (): Promise<SshConnection> => connectTo(sshd, policyIn(tmp.dir));
    const link = await ReconnectingSsh.open(connect, { baseDelayMs: 200 });
    const file = `${tmp.dir}/app.log`;
    await writeFile(file, 'start\n');
    let text = '';
    const notices: string[] = [];
    const tail = RemoteFileTail.start(link, {
      path: file,
      fromByte: 0,
      onData: (chunk) => (text += chunk.toString()),
      onMessage: (line) => notices.push(line),
    });
    try {
      await until(() => text === 'start\n', 'the first file', 15_000);
      let expected = 'start\n';
      for (let round = 1; round <= 8; round++) {
        await rename(file, `${file}.${round}`);
        const fresh = `round ${round} a\nround ${round} b\nround ${round} c\n`;
        await writeFile(file, fresh); // the new file's first lines, there at once
        expected += fresh;
        await until(() => text === expected, `round ${round}`, 10_000);
        await appendFile(file, `round ${round} d\n`);
        expected += `round ${round} d\n`;
        await until(() => text === expected, `round ${round} appended`, 10_000);
        expect(tail.position, `round ${round}`).toBe((await stat(file)).size);
      }
      // tail's notices reached onMessage, none of them as file data.
      expect(notices.some((n) => /following new file/.test(n))).toBe(true);
      expect(text).not.toContain('tail:');
    } finally {
      await tail.stop();
      await link.close();
    }
  }, 120_000);
});
