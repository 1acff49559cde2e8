/**
 * No remote `tail` outlives its {@link RemoteFileTail}, against a real sshd, in the case where the
 * old tail really survives a drop: a SILENT drop (the per-connection sshd processes SIGSTOPped, as
 * when a VPN goes away), so the old tail's stdout reader is alive and GNU tail has no broken pipe
 * to notice. The tail on the next connection kills it; `stop()` while the link is down kills it
 * once the link is back. Remote tails are counted with pgrep (the sshd runs on this machine).
 */
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openSshConnection } from '../../../src-main/ssh/connection/ssh-connection.js';
import type { SshConnection } from '../../../src-main/ssh/connection/ssh-connection.js';
import { ReconnectingSsh } from '../../../src-main/ssh/connection/reconnecting-ssh.js';
import { RemoteFileTail } from '../../../src-main/remote/tail/remote-file-tail.js';
import { startSshd, type TestSshd } from '../../harness/sshd.js';
import { until } from '../../harness/tcp-echo.js';
import { policyIn, tempDir } from '../ssh/ssh-test-kit.js';

function tailsOf(path: string): number[] {
  try {
    const out = execFileSync('pgrep', ['-f', `^tail .*-F ${path}$`], { encoding: 'utf8' });
    return out.split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

describe('remote tails left by a silent drop', () => {
  let sshd: TestSshd;
  let tmp: { dir: string; remove(): Promise<void> };
  const cleanup: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    sshd = await startSshd();
    tmp = await tempDir('periscope-tail-reap-');
    await writeFile(`${tmp.dir}/known_hosts`, `${sshd.knownHostsLine()}\n`);
  });
  afterEach(async () => {
    await sshd.thawSessions();
    for (const step of cleanup.splice(0).reverse()) await step().catch(() => undefined);
  });
  afterAll(async () => {
    await sshd?.stop();
    await tmp?.remove();
  });

  // A short keepalive notices the silent drop in ~2 s.
  const connect = (): Promise<SshConnection> =>
    openSshConnection(
      {
        host: sshd.host,
        port: sshd.port,
        user: sshd.user,
        auth: { kind: 'key', keyPath: sshd.userKeyPath },
      },
      policyIn(tmp.dir),
      { readyTimeoutMs: 10_000, keepaliveIntervalMs: 500 },
    );

  async function following(
    path: string,
  ): Promise<{ link: ReconnectingSsh; tail: RemoteFileTail; text: () => string }> {
    await writeFile(path, 'first\n');
    const link = await ReconnectingSsh.open(connect, { baseDelayMs: 200, maxDelayMs: 1000 });
    cleanup.push(() => link.close());
    let text = '';
    const tail = RemoteFileTail.start(link, {
      path,
      fromByte: 0,
      onData: (chunk) => (text += chunk.toString()),
    });
    cleanup.push(() => tail.stop());
    await until(() => text === 'first\n' && tail.pid !== undefined, 'the first tail');
    return { link, tail, text: () => text };
  }

  it('kills the old tail from the next connection', async () => {
    const path = `${tmp.dir}/silent.log`;
    const { link, tail, text } = await following(path);
    const old = tail.pid!;
    expect(tailsOf(path)).toEqual([old]);

    await sshd.freezeSessions();
    await until(() => link.state.state === 'reconnecting', 'the drop noticed', 10_000);
    await until(() => tail.pid !== undefined && tail.pid !== old, 'a new tail', 15_000);
    // The frozen session's tail is alive but for the kill; only the new one is left.
    await until(() => !tailsOf(path).includes(old), 'the old tail killed', 5000);
    expect(tailsOf(path)).toEqual([tail.pid]);
    expect(text()).toBe('first\n');

    await tail.stop();
    expect(tailsOf(path)).toEqual([]);
  }, 60_000);

  it('stop() while the link is down kills the tail once the link is back', async () => {
    const path = `${tmp.dir}/stopped-while-down.log`;
    const { link, tail } = await following(path);
    const old = tail.pid!;

    await sshd.freezeSessions();
    const restarted = sshd.restart({ downMs: 4000 }); // frozen sessions stay; no new ones
    await until(() => link.state.state === 'reconnecting', 'the drop noticed', 10_000);
    let stopped = false;
    const stopping = tail.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(stopped).toBe(false); // waiting for the link
    expect(tailsOf(path)).toEqual([old]);
    await restarted;
    await stopping;
    expect(link.state.state).toBe('up');
    expect(tailsOf(path)).toEqual([]);
  }, 60_000);
});
