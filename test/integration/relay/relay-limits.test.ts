/**
 * The relay's lifecycle and limits with real dialled-in tracers: attach and inactivity timeouts,
 * the sweep (detach or terminate), caps on tracers and clients, and an output flood kept in
 * bounded memory with an explicit drop marker.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppEventMessage } from '../../../src-common/protocol/client-protocol.js';
import { silentLogger } from '../../../src-main/log/logger.js';
import { ProfileStore } from '../../../src-main/profiles/profile-store.js';
import { Backend } from '../../../src-main/backend/backend.js';
import type { RelayLimits } from '../../../src-main/relay/relay-limits.js';
import { RelayTestClient } from '../../harness/relay-test-client.js';
import {
  DIAL_IN_PROGRAM,
  FLOOD_PROGRAM,
  killAll,
  startDialIn,
  waitForSessions,
  type DialInProcess,
} from './dial-in-helpers.js';

describe('relay lifecycle and limits', () => {
  let dir: string;
  let relay: Backend;
  let port: number;
  let processes: DialInProcess[];

  async function startRelay(limits: Partial<RelayLimits>): Promise<void> {
    relay = new Backend({
      profileStore: await ProfileStore.open(dir, { logger: silentLogger }),
      dataDir: dir,
      logger: silentLogger,
      limits,
    });
    port = (await relay.openTracerPort()).port;
  }

  function dial(program: string, args: string[]): DialInProcess {
    const p = startDialIn(program, port, args);
    processes.push(p);
    return p;
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'periscope-limits-'));
    processes = [];
  });

  afterEach(async () => {
    killAll(processes);
    await relay?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('detaches a session no client joined within the attach timeout; the program runs on', async () => {
    await startRelay({ attachTimeoutMs: 400, sweepIntervalMs: 100, orphanAction: 'detach' });
    const program = dial(DIAL_IN_PROGRAM, ['15', '0.1']);
    const [ended] = await waitForSessions(relay, (s) => s[0]?.state === 'ended');
    expect(ended?.endReason).toMatch(/^detached: no client joined within the attach timeout/);
    // Detached, not killed: the program finishes its work.
    expect(await program.exited).toBe(0);
    expect(program.stdout()).toContain('done, total=120');
  });

  it('terminates a session whose last client left, after the inactivity timeout', async () => {
    await startRelay({ inactivityTimeoutMs: 500, sweepIntervalMs: 100, orphanAction: 'terminate' });
    const program = dial(DIAL_IN_PROGRAM, ['400', '0.05']);
    const [info] = await waitForSessions(relay, (s) => s[0]?.state === 'running');
    const a = new RelayTestClient('a');
    relay.connectClient(a);
    await a.app('session.join', { sessionId: info?.id ?? '' });
    // While a client is there, nothing is swept.
    await new Promise((r) => setTimeout(r, 800));
    expect(relay.listSessions()[0]?.state).toBe('running');
    const leftAt = Date.now();
    a.close('gone');
    const [ended] = await waitForSessions(relay, (s) => s[0]?.state === 'ended');
    expect(Date.now() - leftAt).toBeGreaterThanOrEqual(450);
    expect(ended?.endReason).toMatch(/^ended: no client for the inactivity timeout/);
    await program.exited;
    expect(program.stdout()).not.toContain('done');
  });

  it('refuses tracers and clients beyond their caps with a clear reason', async () => {
    await startRelay({ maxTracers: 1, maxClients: 2 });
    dial(DIAL_IN_PROGRAM, ['400', '0.05']);
    await waitForSessions(relay, (s) => s.length === 1 && s[0]?.state === 'running');
    const second = dial(DIAL_IN_PROGRAM, ['3', '0.05']);
    // The second program is not debugged, but it runs to its end.
    expect(await second.exited).toBe(0);
    expect(second.stdout()).toContain('done, total=6');
    expect(relay.listSessions()).toHaveLength(1);

    const clients = ['a', 'b', 'c'].map((label) => {
      const c = new RelayTestClient(label);
      relay.connectClient(c);
      return c;
    });
    expect(clients[0]?.closedWith).toBeUndefined();
    expect(clients[1]?.closedWith).toBeUndefined();
    expect(clients[2]?.closedWith).toBe(
      'Periscope refused this client: the relay already has 2 clients (limit 2)',
    );
  });

  it('keeps a flood of output in bounded memory, batched, with a drop marker for late joiners', async () => {
    const ringChars = 64 * 1024;
    await startRelay({ outputRingChars: ringChars, outputBatchMs: 50 });
    dial(FLOOD_PROGRAM, ['5000']);
    const [info] = await waitForSessions(relay, (s) => s[0]?.state === 'running');
    const sessionId = info?.id ?? '';
    const early = new RelayTestClient('early');
    relay.connectClient(early);
    await early.app('session.join', { sessionId });
    const deadline = Date.now() + 30_000;
    while (!early.output(sessionId).includes('flood finished')) {
      if (Date.now() > deadline) throw new Error('the flood never finished');
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 300));
    const outputEvents = early.received.filter(
      (m): m is AppEventMessage<'session.output'> =>
        m.type === 'app-event' && m.event === 'session.output',
    );
    // pydevd sends each print as several output events; the client got far fewer, batched.
    expect(early.output(sessionId)).toContain('flood finished');
    expect(outputEvents.length).toBeLessThan(2000);
    // Replay on join and the live batches never overlap: each line arrives once, in order.
    const numbers = early
      .output(sessionId)
      .split('\n')
      .filter((l) => l.startsWith('flood line'))
      .map((l) => Number(l.slice(11, 17)));
    expect(numbers.every((n, i) => i === 0 || n > (numbers[i - 1] ?? -1))).toBe(true);

    // A late joiner gets the tail, after an explicit marker of what was dropped.
    const late = new RelayTestClient('late');
    relay.connectClient(late);
    await late.app('session.join', { sessionId });
    const replay = late.output(sessionId);
    expect(replay).toMatch(/^\[\d+ lines of output dropped\]\n/);
    expect(replay).toContain('flood finished');
    expect(replay.length).toBeLessThanOrEqual(ringChars + 100);
    const dropped = Number(/^\[(\d+) lines/.exec(replay)?.[1]);
    const kept = replay.split('\n').filter((l) => l.startsWith('flood line')).length;
    expect(dropped + kept).toBe(5000);
  });
});
