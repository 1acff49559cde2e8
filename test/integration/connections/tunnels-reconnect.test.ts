/**
 * The Tunnels panel's and log tabs' relay side through a dropped SSH connection (issue 3: "on a
 * dropped connection, reconnect … re-open every forward"): with a real OpenSSH sshd restarted
 * with its sessions killed, the dial-in remote forward, forwards opened by hand (-L and -R) and a
 * log tail all go `reconnecting` (pushed to the client, with the reason), then come back by
 * themselves — the dial-in forward on the same remote port (programs have it pasted in) so a new
 * program dials in as a session, the -L by hand on the same local port and the -R by hand on the
 * same remote port carrying bytes, the log tail delivering what was appended during the drop
 * exactly once.
 */
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEventMessage } from '../../../src-common/protocol/client-protocol.js';
import type { ForwardInfo } from '../../../src-common/protocol/connections.js';
import { loopbackRelay } from '../../harness/loopback-relay.js';
import { RelayTestClient } from '../../harness/relay-test-client.js';
import { startSshd, type TestSshd } from '../../harness/sshd.js';
import { echoServer, roundTrip, until } from '../../harness/tcp-echo.js';
import {
  DIAL_IN_PROGRAM,
  killAll,
  startDialIn,
  waitForSessions,
  type DialInProcess,
} from '../relay/dial-in-helpers.js';

/** Listens on 127.0.0.1:`port`, retrying for a few seconds while it is still in use. */
async function holdPort(server: net.Server, port: number): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

describe('tunnels and log tails through an sshd restart', () => {
  let sshd: TestSshd;
  let root: string;
  const programs: DialInProcess[] = [];

  beforeAll(async () => {
    sshd = await startSshd();
    root = await mkdtemp(join(tmpdir(), 'periscope-tunnels-reconnect-'));
  });
  afterAll(async () => {
    killAll(programs);
    await sshd?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('shows every forward and the log tail reconnecting, then brings them back', async () => {
    const { relay, profile } = await loopbackRelay(join(root, 'a'), sshd, 'flaky box');
    const echo = await echoServer();
    const echoPort = echo.port;
    try {
      const ui = new RelayTestClient('ui');
      relay.connectClient(ui);
      const { tunnel: dialIn } = await ui.app('tracerTunnel.open', { profileId: profile.id });
      const { tunnel: manual } = await ui.app('tunnels.open', {
        profileId: profile.id,
        remoteHost: '127.0.0.1',
        remotePort: echoPort,
      });
      const { tunnel: reverse } = await ui.app('tunnels.open', {
        profileId: profile.id,
        direction: 'remote',
        remoteHost: '127.0.0.1',
        remotePort: 0,
        localPort: echoPort,
      });
      const logPath = join(root, 'app.log');
      await writeFile(logPath, 'before the drop\n');
      const { logId } = await ui.app('logs.open', { profileId: profile.id, path: logPath });
      const logText = (): string =>
        ui.received
          .filter(
            (m): m is AppEventMessage<'logs.output'> =>
              m.type === 'app-event' &&
              m.event === 'logs.output' &&
              (m.body as { logId?: string }).logId === logId,
          )
          .map((m) => m.body.text)
          .join('');
      await until(() => logText().includes('before the drop\n'), 'first log line');

      // Every forward pushed to the client; the states it saw, per forward id.
      const seen = new Map<string, ForwardInfo[]>();
      const record = (): void => {
        seen.clear();
        for (const m of ui.received) {
          if (m.type !== 'app-event' || m.event !== 'tunnels.changed') continue;
          for (const t of (m as AppEventMessage<'tunnels.changed'>).body.tunnels) {
            seen.set(t.id, [...(seen.get(t.id) ?? []), t]);
          }
        }
      };
      const states = (id: string): string[] => {
        record();
        return (seen.get(id) ?? []).map((t) => t.state);
      };
      const dialInId = `dial-in/${profile.id}`;

      await sshd.restart({ dropSessions: true });
      await appendFile(logPath, 'during the drop\n');

      // Both forwards went through `reconnecting` with a reason, and came back `up`.
      await until(
        () =>
          states(dialInId).includes('reconnecting') &&
          states(manual.id).includes('reconnecting') &&
          states(dialInId).at(-1) === 'up' &&
          states(manual.id).at(-1) === 'up' &&
          states(reverse.id).includes('reconnecting') &&
          states(reverse.id).at(-1) === 'up',
        'forwards reconnecting then up',
      );
      const reconnecting = seen.get(dialInId)?.find((t) => t.state === 'reconnecting');
      expect(reconnecting?.reason).toBeTruthy();
      const statuses = ui.received
        .filter(
          (m): m is AppEventMessage<'logs.status'> =>
            m.type === 'app-event' &&
            m.event === 'logs.status' &&
            (m.body as { logId?: string }).logId === logId,
        )
        .map((m) => `${m.body.state}: ${m.body.message ?? ''}`);
      expect(statuses.some((s) => s.startsWith('reconnecting: Reconnecting:'))).toBe(true);
      await until(
        () =>
          ui.received.some(
            (m) =>
              m.type === 'app-event' &&
              m.event === 'logs.status' &&
              (m as AppEventMessage<'logs.status'>).body.message?.startsWith('Reconnected') ===
                true,
          ),
        'the log tab told it is back',
      );

      // The dial-in forward is back on the same remote port: a program dials in as a session.
      const { tunnels } = await ui.app('tunnels.list', {});
      expect(tunnels.find((t) => t.id === dialInId)).toMatchObject({
        state: 'up',
        remotePort: dialIn.remotePort,
      });
      const program = startDialIn(DIAL_IN_PROGRAM, dialIn.remotePort, ['400', '0.05']);
      programs.push(program);
      const [session] = await waitForSessions(
        relay,
        (s) => s[0]?.state === 'running' && s[0].pid !== undefined,
      );
      expect(session).toMatchObject({ origin: 'connect', profileId: profile.id });

      // The forward by hand is back on the same local port.
      expect(tunnels.find((t) => t.id === manual.id)?.localPort).toBe(manual.localPort);
      expect(await roundTrip(manual.localPort, 'after the drop')).toBe('after the drop');
      // The remote forward by hand is back on the same remote port.
      expect(tunnels.find((t) => t.id === reverse.id)?.remotePort).toBe(reverse.remotePort);
      expect(await roundTrip(reverse.remotePort, 'reverse')).toBe('reverse');

      // The log tail resumed at the next unread byte: the line written during the drop, once.
      await appendFile(logPath, 'after the drop\n');
      await until(() => logText().includes('after the drop\n'), 'log after the drop', 20_000);
      expect(logText()).toBe('before the drop\nduring the drop\nafter the drop\n');
    } finally {
      await relay.close();
      await echo.close();
    }
  }, 90_000);

  it('keeps asking for the same remote port while something else holds it, saying so', async () => {
    const { relay, profile } = await loopbackRelay(join(root, 'b'), sshd, 'held port');
    // The sshd runs on this machine, so "the remote side" is this machine's loopback.
    const squatter = net.createServer();
    try {
      const ui = new RelayTestClient('ui');
      relay.connectClient(ui);
      const { tunnel } = await ui.app('tracerTunnel.open', { profileId: profile.id });
      const id = `dial-in/${profile.id}`;
      await sshd.restart({ dropSessions: true });
      // As the old connection's sshd would after a network drop, hold the port for a while.
      await holdPort(squatter, tunnel.remotePort);
      const held = await ui.appEvent(
        'tunnels.changed',
        (b) => b.tunnels.some((t) => t.id === id && /still hold port/.test(t.reason ?? '')),
        20_000,
      );
      expect(held.tunnels.find((t) => t.id === id)).toMatchObject({ state: 'reconnecting' });
      expect(held.tunnels.find((t) => t.id === id)?.reason).toContain(String(tunnel.remotePort));
      await new Promise((r) => squatter.close(r));
      const back = await ui.appEvent(
        'tunnels.changed',
        (b) => b.tunnels.some((t) => t.id === id && t.state === 'up'),
        20_000,
      );
      expect(back.tunnels.find((t) => t.id === id)?.remotePort).toBe(tunnel.remotePort);
    } finally {
      if (squatter.listening) squatter.close();
      await relay.close();
    }
  }, 90_000);
});
