/**
 * Idle peers on the tracer port (issue 17, item 10): connections that never speak DAP must not
 * fill the port. Before, 32 of them took every tracer slot and a real program dialling in
 * meanwhile ran undebugged; now a peer that does not answer within 5 s is closed, and peers not
 * yet identified never count against the tracer limit.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src-main/log/logger.js';
import { ProfileStore } from '../../../src-main/profiles/profile-store.js';
import { Backend } from '../../../src-main/backend/backend.js';
import { DEFAULT_RELAY_LIMITS } from '../../../src-main/relay/relay-limits.js';
import { IDENTIFY_TIMEOUT_MS } from '../../../src-main/tracer/tracer-identification.js';
import {
  DIAL_IN_PROGRAM,
  killAll,
  startDialIn,
  waitForSessions,
  type DialInProcess,
} from './dial-in-helpers.js';

/** Idle connections that say nothing; each one closed by the relay is opened again at once. */
class IdlePeers {
  readonly open = new Set<Socket>();
  /** How long each closed socket had been open, in ms. */
  readonly lifetimes: number[] = [];
  maxOpen = 0;
  private stopped = false;

  constructor(
    private readonly port: number,
    private readonly reopen: boolean,
  ) {}

  async hold(count: number): Promise<void> {
    await Promise.all(Array.from({ length: count }, () => this.openOne()));
  }

  private openOne(): Promise<void> {
    return new Promise((resolve) => {
      const openedAt = Date.now();
      const socket = connect(this.port, '127.0.0.1', () => {
        this.open.add(socket);
        this.maxOpen = Math.max(this.maxOpen, this.open.size);
        resolve();
      });
      socket.on('data', () => undefined);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        this.open.delete(socket);
        this.lifetimes.push(Date.now() - openedAt);
        resolve();
        if (this.reopen && !this.stopped) void this.openOne();
      });
    });
  }

  stop(): void {
    this.stopped = true;
    for (const s of this.open) s.destroy();
  }
}

describe('idle peers on the tracer port', () => {
  let dir: string;
  let relay: Backend;
  let port: number;
  let processes: DialInProcess[];
  let idle: IdlePeers | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'periscope-idle-'));
    processes = [];
    relay = new Backend({
      profileStore: await ProfileStore.open(dir, { logger: silentLogger }),
      dataDir: dir,
      logger: silentLogger,
    });
    port = (await relay.openTracerPort()).port;
  });

  afterEach(async () => {
    idle?.stop();
    killAll(processes);
    await relay.close();
    await rm(dir, { recursive: true, force: true });
  });

  function dial(): DialInProcess {
    const p = startDialIn(DIAL_IN_PROGRAM, port, ['400', '0.05']);
    processes.push(p);
    return p;
  }

  /** Waits until the session of `program` is attached (`running`) and returns its id. */
  async function debugged(program: DialInProcess): Promise<string> {
    const sessions = await waitForSessions(relay, (s) =>
      s.some((x) => x.pid === program.child.pid && x.state === 'running'),
    );
    return sessions.find((x) => x.pid === program.child.pid)?.id ?? '';
  }

  it('debugs programs that dial in while more idle connections than the tracer limit are held', async () => {
    const held = DEFAULT_RELAY_LIMITS.maxTracers + 8;
    idle = new IdlePeers(port, true);
    await idle.hold(held);
    const first = dial();
    expect(await debugged(first)).not.toBe('');
    // Past the deadline the first idle peers were closed and opened again; still room.
    await new Promise((r) => setTimeout(r, IDENTIFY_TIMEOUT_MS + 500));
    expect(idle.lifetimes.length).toBeGreaterThanOrEqual(held);
    const second = dial();
    expect(await debugged(second)).not.toBe('');
    // Idle peers never became sessions; each was closed about at the deadline.
    expect(relay.listSessions()).toHaveLength(2);
    for (const ms of idle.lifetimes) {
      expect(ms).toBeGreaterThanOrEqual(IDENTIFY_TIMEOUT_MS - 100);
      expect(ms).toBeLessThan(IDENTIFY_TIMEOUT_MS + 2000);
    }
    console.log(
      `idle peers: ${idle.maxOpen} held at once, ${idle.lifetimes.length} closed by the relay, ` +
        `lifetimes ${Math.min(...idle.lifetimes)}–${Math.max(...idle.lifetimes)} ms`,
    );
  });

  it('sheds the longest-waiting idle peer when too many wait, so a program still gets in', async () => {
    idle = new IdlePeers(port, false);
    await idle.hold(100);
    const program = dial();
    const startedAt = Date.now();
    expect(await debugged(program)).not.toBe('');
    // Shed to make room, not after the deadline: at most 64 wait, the rest went at once.
    expect(idle.lifetimes.length).toBeGreaterThanOrEqual(36);
    expect(Date.now() - startedAt).toBeLessThan(IDENTIFY_TIMEOUT_MS);
    expect(relay.listSessions()).toHaveLength(1);
  });
});
