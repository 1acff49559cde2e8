/**
 * A dropped SSH link against a real sshd: the link and its tunnel come back by themselves after
 * the server restarts; a changed host key, a refused key or the user's close stop the retries.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ReconnectingSsh,
  type LinkStatus,
} from '../../../src-main/ssh/connection/reconnecting-ssh.js';
import { KeptLocalForward } from '../../../src-main/ssh/forwards/kept-local-forward.js';
import { startSshd, type TestSshd } from '../../harness/sshd.js';
import { echoServer, roundTrip } from '../../harness/tcp-echo.js';
import { connectTo, policyIn, tempDir } from './ssh-test-kit.js';

function waitForState(
  link: ReconnectingSsh,
  state: LinkStatus['state'],
  ms = 20_000,
): Promise<LinkStatus> {
  if (link.state.state === state) return Promise.resolve(link.state);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`still ${link.state.state}, not ${state}`)),
      ms,
    );
    const off = link.onStatus((status) => {
      if (status.state !== state) return;
      clearTimeout(timer);
      off();
      resolve(status);
    });
  });
}

describe('reconnecting SSH link and tunnel', () => {
  let tmp: { dir: string; remove(): Promise<void> };
  let echo: { port: number; close: () => Promise<void> };
  let echoPort: number;
  const cleanup: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    tmp = await tempDir('periscope-reconnect-');
    echo = await echoServer();
    echoPort = echo.port;
  });
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step().catch(() => undefined);
  });
  afterAll(async () => {
    await echo?.close();
    await tmp?.remove();
  });

  async function linkTo(
    sshd: TestSshd,
    counter = { connects: 0 },
    backoff = { baseDelayMs: 200, maxDelayMs: 1000 },
  ) {
    await writeFile(path.join(tmp.dir, 'known_hosts'), `${sshd.knownHostsLine()}\n`);
    const policy = policyIn(tmp.dir);
    const link = await ReconnectingSsh.open(() => {
      counter.connects += 1;
      return connectTo(sshd, policy);
    }, backoff);
    cleanup.push(() => link.close());
    return link;
  }

  it('after sshd restarts, the link and the tunnel come back on the same local port', async () => {
    const sshd = await startSshd();
    cleanup.push(() => sshd.stop());
    const link = await linkTo(sshd);
    const tunnel = await KeptLocalForward.open(link, '127.0.0.1', echoPort);
    cleanup.push(() => tunnel.close());
    expect(await roundTrip(tunnel.localPort, 'before')).toBe('before');

    const states: string[] = [];
    link.onStatus((s) => states.push(s.state));
    await sshd.restart({ dropSessions: true, downMs: 1200 });
    await waitForState(link, 'up');
    expect(states[0]).toBe('reconnecting');
    expect(states.at(-1)).toBe('up');
    expect(states.filter((s) => s === 'reconnecting').length).toBeGreaterThanOrEqual(2);

    expect(await roundTrip(tunnel.localPort, 'after the restart')).toBe('after the restart');
    expect(tunnel.info()).toMatchObject({
      state: 'up',
      localPort: tunnel.localPort,
      bytesOut: 'before'.length + 'after the restart'.length,
      bytesIn: 'before'.length + 'after the restart'.length,
    });
  });

  it('"try now" cuts a long backoff wait short once the server is back', async () => {
    const sshd = await startSshd();
    cleanup.push(() => sshd.stop());
    const counter = { connects: 0 };
    // A 30 s first step: without "try now" the link would stay down far past this test's wait.
    const link = await linkTo(sshd, counter, { baseDelayMs: 30_000, maxDelayMs: 60_000 });
    expect(link.retryNow()).toBe(false); // up: nothing to cut short
    const down = waitForState(link, 'reconnecting');
    await sshd.dropSessions();
    const status = await down;
    expect(status.retryAt! - Date.now()).toBeGreaterThan(10_000);
    const started = Date.now();
    expect(link.retryNow()).toBe(true);
    await waitForState(link, 'up', 10_000);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(counter.connects).toBe(2);
  });

  it('shows the tunnel as reconnecting with the reason while the link is down', async () => {
    const sshd = await startSshd();
    cleanup.push(() => sshd.stop());
    const link = await linkTo(sshd);
    const tunnel = await KeptLocalForward.open(link, '127.0.0.1', echoPort);
    cleanup.push(() => tunnel.close());
    const down = waitForState(link, 'reconnecting');
    await sshd.dropSessions();
    await down;
    expect(tunnel.info()).toMatchObject({
      state: 'reconnecting',
      reason: expect.stringMatching(/lost/) as unknown,
    });
    await expect(roundTrip(tunnel.localPort, 'x')).rejects.toThrow();
    await waitForState(link, 'up');
    expect(tunnel.info().state).toBe('up');
  });

  it('gives up at once, without retrying, when the host key changed meanwhile', async () => {
    const first = await startSshd();
    const counter = { connects: 0 };
    const link = await linkTo(first, counter);
    await first.dropSessions();
    await first.stop();
    const impostor = await startSshd({ port: first.port });
    cleanup.push(() => impostor.stop());
    const failed = await waitForState(link, 'failed');
    expect(failed.reason).toMatch(/host key for \[127\.0\.0\.1\]:\d+ has CHANGED/);
    const attempts = counter.connects;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(counter.connects).toBe(attempts);
    expect(link.current).toBeUndefined();
  });

  it('gives up when the server no longer accepts the key', async () => {
    const sshd = await startSshd();
    cleanup.push(() => sshd.stop());
    const counter = { connects: 0 };
    const link = await linkTo(sshd, counter);
    await writeFile(path.join(sshd.dir, 'authorized_keys'), '');
    await sshd.dropSessions();
    const failed = await waitForState(link, 'failed');
    expect(failed.reason).toMatch(/rejected the key/);
    const attempts = counter.connects;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(counter.connects).toBe(attempts);
  });

  it("stops for good when the user closes it while it's reconnecting", async () => {
    const sshd = await startSshd();
    cleanup.push(() => sshd.stop());
    const counter = { connects: 0 };
    const link = await linkTo(sshd, counter);
    await sshd.dropSessions();
    await sshd.stop();
    await waitForState(link, 'reconnecting');
    await link.close();
    const attempts = counter.connects;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(counter.connects).toBe(attempts);
    expect(link.state.state).toBe('closed');
  });
});
