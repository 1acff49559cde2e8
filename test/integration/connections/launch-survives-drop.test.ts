/**
 * What happens to a program launched over SSH when the connection drops (sshd's per-connection
 * processes killed, as on a network cut or a server restart), against the real sshd:
 * - stdout on the exec channel's pipe: the program dies at its next print (EPIPE → Python's
 *   BrokenPipeError);
 * - stdout/stderr in remote files followed by `tail -F` (`remote-file-tail.ts`): it keeps running,
 *   and the tail resumes at the next unread byte after the reconnect, losing and repeating nothing.
 */
import { resolve } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ReconnectingSsh } from '../../../src-main/ssh/connection/reconnecting-ssh.js';
import { RemoteFileTail } from '../../../src-main/remote/tail/remote-file-tail.js';
import type { SshConnection } from '../../../src-main/ssh/connection/ssh-connection.js';
import { startSshd, type TestSshd } from '../../harness/sshd.js';
import { until } from '../../harness/tcp-echo.js';
import { connectTo, policyIn, tempDir } from '../ssh/ssh-test-kit.js';

const ticker = resolve('test/fixtures/programs/ticker.py');

async function alive(connection: SshConnection, pid: number): Promise<boolean> {
  return (await connection.run(`kill -0 ${pid} 2>/dev/null`)).code === 0;
}

describe('a launched program across an SSH drop', () => {
  let sshd: TestSshd;
  let tmp: { dir: string; remove(): Promise<void> };
  const pids: number[] = [];
  const cleanup: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    sshd = await startSshd();
    tmp = await tempDir('periscope-drop-');
    await writeFile(`${tmp.dir}/known_hosts`, `${sshd.knownHostsLine()}\n`);
  });
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step().catch(() => undefined);
  });
  afterAll(async () => {
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    await sshd?.stop();
    await tmp?.remove();
  });

  const connect = (): Promise<SshConnection> => connectTo(sshd, policyIn(tmp.dir));

  it('dies at its next print when its stdout was the SSH channel', async () => {
    const first = await connect();
    const remote = await first.exec(`echo $$; exec /usr/bin/python3 -u ${ticker}`);
    let out = '';
    remote.stdout.on('data', (c: Buffer) => (out += c.toString()));
    remote.stderr.resume();
    await until(() => out.includes('tick 2'), 'tick 2', 15_000);
    const pid = Number(out.split('\n')[0]);
    pids.push(pid);
    await sshd.dropSessions();
    const second = await connect();
    cleanup.push(() => second.close());
    await until(async () => !(await alive(second, pid)), 'the program died', 5000);
  });

  it('keeps running with its output in files, and the tail resumes after the reconnect', async () => {
    const link = await ReconnectingSsh.open(connect, { baseDelayMs: 200, maxDelayMs: 1000 });
    cleanup.push(() => link.close());
    const dir = (await link.current!.run('mktemp -d')).stdout.trim();
    cleanup.push(() => connect().then((c) => c.run(`rm -rf ${dir}`).finally(() => c.close())));
    const started = await link.current!.run(
      `/usr/bin/python3 -u ${ticker} 40 > ${dir}/out 2>&1 < /dev/null & echo $!`,
    );
    const pid = Number(started.stdout.trim());
    pids.push(pid);
    let text = '';
    const tail = RemoteFileTail.start(link, {
      path: `${dir}/out`,
      fromByte: 0,
      untilPid: pid,
      onData: (chunk) => (text += chunk.toString()),
    });
    await until(() => text.includes('tick 3'), 'tick 3', 15_000);
    await sshd.dropSessions();
    await until(() => link.state.state === 'reconnecting', 'reconnecting', 15_000);
    await until(() => link.state.state === 'up', 'link up', 15_000);
    expect(await alive(link.current!, pid)).toBe(true);
    await tail.done; // tail --pid: ends once the program has exited and the file is read
    const lines = text.trim().split('\n');
    expect(lines.filter((l) => /^tick \d+$/.test(l))).toEqual(
      Array.from({ length: 40 }, (_, i) => `tick ${i + 1}`),
    );
    expect(lines.at(-1)).toBe('ticker done');
  });

  it('stop() ends a remote tail -F for certain (killed by pid)', async () => {
    const link = await ReconnectingSsh.open(connect, { baseDelayMs: 200 });
    cleanup.push(() => link.close());
    const tail = RemoteFileTail.start(link, {
      path: '/tmp/periscope-no-such-log',
      fromByte: 0,
      onData: () => {},
    });
    await until(() => tail.pid !== undefined, 'the tail pid', 15_000);
    const pid = tail.pid!;
    expect(await alive(link.current!, pid)).toBe(true);
    await tail.stop();
    await until(async () => !(await alive(link.current!, pid)), 'the tail killed', 3000);
  });
});
