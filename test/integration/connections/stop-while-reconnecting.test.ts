/**
 * Stop pressed while the session's SSH link is reconnecting (the server is restarting): the relay
 * waits for the link, trying at once, and then really ends the remote program — it used to tell
 * the user the session ended and leave the program running on the server.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loopbackRelay } from '../../harness/loopback-relay.js';
import { RelayTestClient } from '../../harness/relay-test-client.js';
import { startSshd, type TestSshd } from '../../harness/sshd.js';
import { until } from '../../harness/tcp-echo.js';

const ticker = resolve('test/fixtures/programs/ticker.py');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('stop while the SSH link reconnects', () => {
  let sshd: TestSshd;
  let root: string;
  beforeAll(async () => {
    sshd = await startSshd();
    root = await mkdtemp(join(tmpdir(), 'periscope-stop-reconnecting-'));
  });
  afterAll(async () => {
    await sshd?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('waits for the link and ends the remote program for certain', async () => {
    const { relay, profile } = await loopbackRelay(root, sshd);
    try {
      const ui = new RelayTestClient('ui');
      relay.connectClient(ui);
      const { session } = await ui.app('session.launch', {
        profileId: profile.id,
        target: { kind: 'file', path: ticker },
        args: ['100000'],
        cwd: '',
        breakpoints: [],
      });
      await until(() => ui.output(session.id).includes('tick 2\n'), 'ticks', 20_000);
      const pid = relay.listSessions()[0]?.pid;
      expect(pid).toBeGreaterThan(0);

      const reconnecting = ui.appEvent(
        'sessions.changed',
        (b) => b.sessions[0]?.link?.state === 'reconnecting',
        20_000,
      );
      const restarted = sshd.restart({ dropSessions: true, downMs: 2500 });
      await reconnecting;
      expect(alive(pid!)).toBe(true); // the drop alone does not end it
      await ui.app('session.close', { sessionId: session.id });
      await restarted;
      await until(() => !alive(pid!), 'the remote program ended', 10_000);
      expect(relay.listSessions()[0]?.state).toBe('ended');
    } finally {
      await relay.close();
    }
  }, 90_000);
});
