/**
 * The Tunnels panel's and log tabs' relay side against a real OpenSSH sshd (and a real debugpy
 * for a launched session): forwards listed with state and byte counters that grow as bytes flow,
 * `tunnels.changed` pushed, forwards opened and closed by hand; a remote `tail -F` streamed to
 * the client that opened it, tail's own message for a missing file, and no `tail` left on the
 * server after the tab is closed or the client goes away (checked with pgrep).
 */
import { execFileSync } from 'node:child_process';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AppEventMessage } from '../../../src-common/protocol/client-protocol.js';
import type { Profile } from '../../../src-common/protocol/profile.js';
import type { Backend } from '../../../src-main/backend/backend.js';
import { loopbackRelay } from '../../harness/loopback-relay.js';
import { RelayTestClient } from '../../harness/relay-test-client.js';
import { startSshd, type TestSshd } from '../../harness/sshd.js';
import { freePort } from '../../harness/free-port.js';
import { echoServer, roundTrip, until } from '../../harness/tcp-echo.js';

const ticker = resolve('test/fixtures/programs/ticker.py');

/** Pids of remote `tail` processes following `path` (the sshd runs on this machine). */
function tailsOf(path: string): number[] {
  try {
    const out = execFileSync('pgrep', ['-f', `^tail .*-F ${path}$`], { encoding: 'utf8' });
    return out.split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

describe('tunnels and log tails over a real sshd', () => {
  let sshd: TestSshd;
  let root: string;
  let profile: Profile;
  let relay: Backend;

  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  beforeEach(async (context) => {
    root = await mkdtemp(join(tmpdir(), 'periscope-tunnels-it-'));
    ({ relay, profile } = await loopbackRelay(root, sshd));
    context.onTestFinished(async () => {
      await relay.close();
      await rm(root, { recursive: true, force: true });
    });
  });

  function client(): RelayTestClient {
    const c = new RelayTestClient('ui');
    relay.connectClient(c);
    return c;
  }

  it("lists a launched session's forward as up, with byte counters that grow", async () => {
    const ui = client();
    const { session } = await ui.app('session.launch', {
      profileId: profile.id,
      target: { kind: 'file', path: ticker },
      args: ['10000'],
      cwd: '',
      breakpoints: [],
    });
    const { tunnels } = await ui.app('tunnels.list', {});
    expect(tunnels).toHaveLength(1);
    const forward = tunnels[0]!;
    expect(forward).toMatchObject({
      direction: 'local',
      owner: { kind: 'session', sessionId: session.id },
      profileName: 'loopback',
      localHost: '127.0.0.1',
      remoteHost: '127.0.0.1',
      state: 'up',
      connections: 1,
    });
    // The attach handshake went through it both ways.
    expect(forward.bytesOut).toBeGreaterThan(0);
    expect(forward.bytesIn).toBeGreaterThan(0);

    // More DAP traffic: a pushed `tunnels.changed` shows the counters grown.
    const grown = ui.appEvent('tunnels.changed', (b) =>
      b.tunnels.some((t) => t.id === forward.id && t.bytesIn > forward.bytesIn + 50),
    );
    await ui.app('session.join', { sessionId: session.id });
    for (let seq = 1; seq <= 5; seq++) await ui.dap(session.id, seq, 'threads');
    await grown;

    // Closing a session's forward ends the session.
    await ui.app('tunnels.close', { id: forward.id });
    await until(() => relay.listSessions()[0]?.state === 'ended');
    expect((await ui.app('tunnels.list', {})).tunnels).toEqual([]);
  }, 90_000);

  it('opens a local forward by hand, counts its bytes, throttles events, and closes it', async () => {
    const echo = await echoServer();
    try {
      const ui = client();
      const { tunnel } = await ui.app('tunnels.open', {
        profileId: profile.id,
        remoteHost: '127.0.0.1',
        remotePort: echo.port,
      });
      expect(tunnel).toMatchObject({
        direction: 'local',
        owner: { kind: 'manual' },
        remotePort: echo.port,
        state: 'up',
        bytesIn: 0,
        bytesOut: 0,
      });
      expect(tunnel.localPort).toBeGreaterThan(0);

      const payload = 'x'.repeat(10_000);
      const counted = ui.appEvent('tunnels.changed', (b) =>
        b.tunnels.some((t) => t.id === tunnel.id && t.bytesIn === 10_000 && t.bytesOut === 10_000),
      );
      expect(await roundTrip(tunnel.localPort, payload)).toBe(payload);
      await counted;

      // While bytes move, at most one `tunnels.changed` every 500 ms.
      const start = ui.received.length;
      for (let i = 0; i < 20; i++) await roundTrip(tunnel.localPort, 'ping');
      await new Promise((r) => setTimeout(r, 600));
      const times = ui.received
        .slice(start)
        .filter(
          (m): m is AppEventMessage<'tunnels.changed'> =>
            m.type === 'app-event' && m.event === 'tunnels.changed',
        );
      expect(times.length).toBeGreaterThan(0);
      expect(times.length).toBeLessThanOrEqual(4);

      // A second forward on the same local port is refused with the reason; nothing is listed.
      const taken = await ui.appRaw('tunnels.open', {
        profileId: profile.id,
        remoteHost: '127.0.0.1',
        remotePort: echo.port,
        localPort: tunnel.localPort,
      });
      expect(taken).toMatchObject({ ok: false, error: { code: 'ssh-failed' } });
      expect(!taken.ok && taken.error.message).toContain(`127.0.0.1:${tunnel.localPort}`);
      expect((await ui.app('tunnels.list', {})).tunnels.map((t) => t.id)).toEqual([tunnel.id]);

      await ui.app('tunnels.close', { id: tunnel.id });
      expect((await ui.app('tunnels.list', {})).tunnels).toEqual([]);
      await expect(roundTrip(tunnel.localPort, 'gone')).rejects.toThrow(/ECONNREFUSED/);
      const unknown = await ui.appRaw('tunnels.close', { id: tunnel.id });
      expect(unknown).toMatchObject({ ok: false, error: { code: 'not-found' } });
    } finally {
      await echo.close();
    }
  }, 60_000);

  it('says on the row when the remote side refuses the connections of a forward that is up', async () => {
    const ui = client();
    const nothing = await freePort();
    const { tunnel } = await ui.app('tunnels.open', {
      profileId: profile.id,
      remoteHost: '127.0.0.1',
      remotePort: nothing,
    });
    await expect(roundTrip(tunnel.localPort, 'hello?')).rejects.toThrow(/closed after 0/);
    const refused = await ui.appEvent('tunnels.changed', (b) =>
      b.tunnels.some(
        (t) => t.id === tunnel.id && /refused on the remote side/.test(t.reason ?? ''),
      ),
    );
    expect(refused.tunnels.find((t) => t.id === tunnel.id)?.state).toBe('up');
    await ui.app('tunnels.close', { id: tunnel.id });
  }, 60_000);

  it('opens a remote forward (-R) by hand: the remote port reaches a service of the laptop', async () => {
    const echo = await echoServer();
    try {
      const ui = client();
      const { tunnel } = await ui.app('tunnels.open', {
        profileId: profile.id,
        direction: 'remote',
        remoteHost: '127.0.0.1',
        remotePort: 0,
        localPort: echo.port,
      });
      expect(tunnel).toMatchObject({
        direction: 'remote',
        owner: { kind: 'manual' },
        remoteHost: '127.0.0.1',
        localHost: '127.0.0.1',
        localPort: echo.port,
        state: 'up',
      });
      expect(tunnel.remotePort).toBeGreaterThan(0);
      // The sshd runs on this machine: its 127.0.0.1 is "the remote machine".
      const payload = 'from the remote side '.repeat(100);
      const counted = ui.appEvent('tunnels.changed', (b) =>
        b.tunnels.some(
          (t) =>
            t.id === tunnel.id && t.bytesIn === payload.length && t.bytesOut === payload.length,
        ),
      );
      expect(await roundTrip(tunnel.remotePort, payload)).toBe(payload);
      await counted;

      // The laptop's service goes away: the row says why the next connection failed.
      await echo.close();
      await expect(roundTrip(tunnel.remotePort, 'anyone?')).rejects.toThrow(/closed after 0/);
      const refused = await ui.appEvent('tunnels.changed', (b) =>
        b.tunnels.some((t) => t.id === tunnel.id && /could not reach/.test(t.reason ?? '')),
      );
      expect(refused.tunnels.find((t) => t.id === tunnel.id)?.state).toBe('up');

      await ui.app('tunnels.close', { id: tunnel.id });
      expect((await ui.app('tunnels.list', {})).tunnels).toEqual([]);
      await expect(roundTrip(tunnel.remotePort, 'gone')).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      await echo.close().catch(() => undefined);
    }
  }, 60_000);

  it('refuses a remote forward without a laptop port, changing nothing', async () => {
    const ui = client();
    const answer = await ui.appRaw('tunnels.open', {
      profileId: profile.id,
      direction: 'remote',
      remoteHost: '127.0.0.1',
      remotePort: 0,
    });
    expect(answer).toMatchObject({ ok: false, error: { code: 'invalid-message' } });
    expect(!answer.ok && answer.error.message).toContain('localPort');
    expect((await ui.app('tunnels.list', {})).tunnels).toEqual([]);
  });

  it('lists the dial-in remote forward and closes it by hand', async () => {
    const ui = client();
    const { tunnel } = await ui.app('tracerTunnel.open', { profileId: profile.id });
    const { tunnels } = await ui.app('tunnels.list', {});
    const port = relay.tracerPort();
    expect(tunnels).toEqual([
      expect.objectContaining({
        id: `dial-in/${profile.id}`,
        direction: 'remote',
        owner: { kind: 'dial-in' },
        remoteHost: '127.0.0.1',
        remotePort: tunnel.remotePort,
        localPort: port?.port,
        state: 'up',
      }),
    ]);
    await ui.app('tunnels.close', { id: `dial-in/${profile.id}` });
    expect((await ui.app('tracerPort.info', {})).tunnels).toEqual([]);
  }, 60_000);

  it('tails a log file: the last 200 lines, then what is appended; closing kills the remote tail', async () => {
    const path = join(root, 'app.log');
    const lines = Array.from({ length: 300 }, (_, i) => `line ${i + 1}`);
    await writeFile(path, lines.join('\n') + '\n');
    const ui = client();
    const other = client();
    const { logId } = await ui.app('logs.open', { profileId: profile.id, path });
    const text = (): string =>
      ui.received
        .filter(
          (m): m is AppEventMessage<'logs.output'> =>
            m.type === 'app-event' &&
            m.event === 'logs.output' &&
            (m.body as { logId?: string }).logId === logId,
        )
        .map((m) => m.body.text)
        .join('');
    await until(() => text().includes('line 300\n'));
    expect(text().startsWith('line 101\n')).toBe(true);
    expect(tailsOf(path)).toHaveLength(1);

    await appendFile(path, 'appended \x1b[31mred\x1b[0m line\n');
    await until(() => text().includes('appended \x1b[31mred\x1b[0m line\n'));
    // Only the client that opened it gets it.
    expect(other.received.some((m) => m.type === 'app-event' && m.event === 'logs.output')).toBe(
      false,
    );
    // Another client cannot close it.
    expect(await other.appRaw('logs.close', { logId })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });

    await ui.app('logs.close', { logId });
    expect(tailsOf(path)).toEqual([]);
    await appendFile(path, 'after close\n');
    await new Promise((r) => setTimeout(r, 500));
    expect(text()).not.toContain('after close');
  }, 60_000);

  it("shows tail's message for a missing file, follows it once it appears, and stops when the client goes", async () => {
    const path = join(root, 'later.log');
    const ui = client();
    const { logId } = await ui.app('logs.open', { profileId: profile.id, path });
    const status = await ui.appEvent('logs.status', (b) => b.logId === logId && !!b.message);
    expect(status.state).toBe('following');
    expect(status.message).toMatch(/cannot open .*later\.log.*No such file or directory/);

    await writeFile(path, 'first\nsecond\n');
    const output = await ui.appEvent('logs.output', (b) => b.logId === logId, 10_000);
    expect(output.text).toBe('first\nsecond\n');
    expect(tailsOf(path)).toHaveLength(1);

    ui.close('test over');
    await until(() => tailsOf(path).length === 0);
  }, 60_000);
});
