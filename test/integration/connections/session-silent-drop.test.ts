/**
 * A launched session and a SILENT connection drop (a VPN gone without FIN or RST), simulated by
 * SIGSTOPping the per-connection sshd processes: the client notices by its keepalive, while the
 * old connection's sshd lives on and keeps debugpy's only client slot. The relay ends that stale
 * sshd over the new connection and re-attaches, and the program is never restarted. When the
 * re-attach cannot succeed (another debugger took the slot), the session detaches and the program
 * keeps running. Real sshd, real debugpy, the relay's client protocol.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DapConnection } from '../../../src-main/dap/dap-connection.js';
import { createLogger, silentLogger, type LogLevel } from '../../../src-main/log/logger.js';
import type { Profile } from '../../../src-common/protocol/profile.js';
import type { SessionInfo } from '../../../src-common/protocol/client-protocol.js';
import { attachToDebugpy } from '../../../src-main/tracer/attach-handshake.js';
import { connectLoopback } from '../../../src-main/tracer/loopback-socket.js';
import type { Backend } from '../../../src-main/backend/backend.js';
import { startRemoteTracer, type StartedTracer } from '../../../src-main/tracer/launch-tracer.js';
import { loopbackRelay } from '../../harness/loopback-relay.js';
import { RelayTestClient } from '../../harness/relay-test-client.js';
import { startSshd, type TestSshd } from '../../harness/sshd.js';

const execFileAsync = promisify(execFile);
const ticker = resolve('test/fixtures/programs/ticker.py');
const SLEEP_LINE = 10; // `time.sleep(0.2)` in ticker.py

/** Is `pid` a live (not zombie) process? */
async function alive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return !/^\S+ \(.*\) [ZX]/.test(stat);
  } catch {
    return false;
  }
}

describe('session across a silent connection drop', () => {
  let sshd: TestSshd;
  let root: string;
  let relay: Backend;
  let profile: Profile;
  const logs: { level: LogLevel; message: string; fields?: Record<string, unknown> }[] = [];
  const tracers: StartedTracer[] = [];
  /** Process groups of the launched programs, killed after each test (detached ones run on). */
  const launched: number[] = [];

  beforeAll(async () => {
    sshd = await startSshd();
    root = await mkdtemp(join(tmpdir(), 'periscope-silent-drop-it-'));
    ({ relay, profile } = await loopbackRelay(root, sshd, {
      profile: { env: [] },
      backend: {
        logger: createLogger('it', (level, _scope, message, fields) =>
          logs.push({ level, message, ...(fields ? { fields } : {}) }),
        ),
        // A short keepalive notices the silent drop in ~2 s (the default, 10 s × 3, takes ~40 s).
        startTracer: async (p, params, hostKeys, log, progress, extras) => {
          const tracer = await startRemoteTracer(p, params, hostKeys, log, progress, {
            ...extras,
            keepaliveIntervalMs: 500,
          });
          tracer.reattachWithinMs = 6000;
          tracers.push(tracer);
          return tracer;
        },
      },
    }));
  });
  afterEach(async () => {
    await sshd.thawSessions();
    for (const group of launched.splice(0)) {
      try {
        process.kill(-group, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
  afterAll(async () => {
    await relay?.close();
    await sshd?.stop();
    await rm(root, { recursive: true, force: true });
  });

  /** Launches the ticker and waits for its output and its pid. */
  async function launchTicker(
    client: RelayTestClient,
  ): Promise<{ session: SessionInfo; pid: number }> {
    const withPid = client.appEvent(
      'sessions.changed',
      (b) => b.sessions.some((s) => s.pid !== undefined && s.state !== 'ended'),
      20_000,
    );
    const { session } = await client.app('session.launch', {
      profileId: profile.id,
      target: { kind: 'file', path: ticker },
      args: ['400'],
      cwd: '',
      breakpoints: [],
    });
    const pid = (await withPid).sessions.find((s) => s.id === session.id)!.pid!;
    launched.push(Number((await execFileAsync('ps', ['-o', 'pgid=', '-p', String(pid)])).stdout));
    await expect.poll(() => client.output(session.id), { timeout: 20_000 }).toContain('tick 3\n');
    expect(await alive(pid)).toBe(true);
    return { session, pid };
  }

  it('comes back by itself, the stale sshd is ended, and the program is never restarted', async () => {
    const client = new RelayTestClient();
    relay.connectClient(client);
    const { session, pid } = await launchTicker(client);

    const reconnecting = client.appEvent(
      'sessions.changed',
      (b) => b.sessions.find((s) => s.id === session.id)?.link?.state === 'reconnecting',
      20_000,
    );
    const frozen = await sshd.freezeSessions();
    expect(frozen.length).toBeGreaterThan(0);
    const during = (await reconnecting).sessions.find((s) => s.id === session.id)!;
    expect(during.state).toBe('running');
    expect(during.link?.reason).toMatch(/keepalive/i);

    const back = await client.appEvent(
      'sessions.changed',
      (b) => {
        const s = b.sessions.find((x) => x.id === session.id);
        return s?.link === undefined && s?.state === 'running';
      },
      30_000,
    );
    expect(back.sessions.find((s) => s.id === session.id)?.endReason).toBeUndefined();
    // The relay ended the frozen connection's sshd (the one that held debugpy's client slot).
    const ended = logs.filter((l) => l.message === 'ended a stale sshd that held the debugger');
    expect(ended).toHaveLength(1);
    const stalePid = ended[0]!.fields!.pid as number;
    expect(frozen).toContain(stalePid);
    expect(await alive(stalePid)).toBe(false);

    // The new DAP connection debugs the SAME process: a breakpoint is hit, a step works.
    const stopped = client.dapEvent(session.id, 'stopped', 30_000);
    const set = await client.dap(session.id, 9001, 'setBreakpoints', {
      source: { path: ticker },
      breakpoints: [{ line: SLEEP_LINE }],
    });
    expect(set.success).toBe(true);
    const stop = (await stopped).body as DebugProtocol.StoppedEvent['body'];
    expect(stop.reason).toBe('breakpoint');
    const stack = await client.dap(session.id, 9002, 'stackTrace', { threadId: stop.threadId });
    const frameId = (stack.body as DebugProtocol.StackTraceResponse['body']).stackFrames[0]!.id;
    const getpid = await client.dap(session.id, 9003, 'evaluate', {
      expression: "__import__('os').getpid()",
      frameId,
      context: 'watch',
    });
    expect((getpid.body as DebugProtocol.EvaluateResponse['body']).result).toBe(String(pid));
    const stepped = client.dapEvent(session.id, 'stopped', 30_000);
    const next = await client.dap(session.id, 9004, 'next', { threadId: stop.threadId });
    expect(next.success).toBe(true);
    expect(((await stepped).body as DebugProtocol.StoppedEvent['body']).reason).toBe('step');

    await client.dap(session.id, 9005, 'setBreakpoints', {
      source: { path: ticker },
      breakpoints: [],
    });
    await client.dap(session.id, 9006, 'continue', { threadId: stop.threadId });
    const before = client.output(session.id).length;
    await expect
      .poll(() => client.output(session.id).slice(before), { timeout: 20_000 })
      .toMatch(/tick \d+\n(.|\n)*tick \d+\n/);
    // One program from start to end: the ticks never restarted from 1.
    const ticks = client
      .output(session.id)
      .split('\n')
      .filter((l) => /^tick \d+$/.test(l))
      .map((l) => Number(l.slice(5)));
    expect(ticks).toEqual(Array.from({ length: ticks.length }, (_, i) => i + 1));

    await client.app('session.close', { sessionId: session.id });
    await expect.poll(() => alive(pid), { timeout: 10_000 }).toBe(false);
  }, 60_000);

  it('detaches, leaving the program running, when another debugger took the slot', async () => {
    const client = new RelayTestClient();
    relay.connectClient(client);
    const { session, pid } = await launchTicker(client);
    const tracer = tracers.at(-1)!;
    const remotePort = tracer.tunnels!()[0]!.remotePort;

    // The connection drops (cleanly) and, while sshd is down, another debugger attaches to the
    // adapter directly (this test runs on the "remote" machine): it is no sshd of ours, so the
    // relay must leave it alone, and the adapter refuses the relay's re-attach.
    const restarted = sshd.restart({ dropSessions: true, downMs: 3000 });
    const other = await (async () => {
      for (let attempt = 0; ; attempt++) {
        const socket = await connectLoopback(remotePort);
        const dap = new DapConnection(socket, { name: 'other debugger', logger: silentLogger });
        try {
          await attachToDebugpy(dap, { name: 'other', justMyCode: true, pathMappings: [] }, [], {
            stepTimeoutMs: 2000,
          });
          return dap;
        } catch (error) {
          dap.close('retry');
          if (attempt > 20) throw error;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    })();
    await restarted;

    const endedEvent = await client.appEvent(
      'sessions.changed',
      (b) => b.sessions.find((s) => s.id === session.id)?.state === 'ended',
      30_000,
    );
    const ended = endedEvent.sessions.find((s) => s.id === session.id)!;
    expect(ended.endReason).toMatch(/already being debugged/);
    expect(ended.endReason).toContain(`the program (process ${pid}) is still running on`);
    expect(ended.endReason).toMatch(/use Launch → Attach to port \d+ to debug it again/);
    expect(
      logs.some(
        (l) =>
          l.message === 'left a holder of the debugger alone' &&
          /not an sshd/.test(String(l.fields?.why)),
      ),
    ).toBe(true);
    // The program was not terminated; the forward is closed.
    expect(await alive(pid)).toBe(true);
    expect(tracer.tunnels!()[0]!.state).toBe('closed');
    await new Promise((r) => setTimeout(r, 1000));
    expect(await alive(pid)).toBe(true);
    // The other debugger still debugs it.
    const threads = await other.sendRequest('threads', {}, { timeoutMs: 5000 });
    expect(threads.success).toBe(true);
    other.close('done');
  }, 60_000);
});
