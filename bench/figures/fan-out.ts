/**
 * Fan-out: N tracers dialled in to one relay (debugpy.connect, qdb's way), 3 clients on each
 * session over the relay's real WebSocket endpoint. All programs wait for one trigger file, then
 * hit `debugpy.breakpoint()`; the figure is the time from creating the file until every client of
 * every session has its `stopped` event. Baseline: the same N tracers, each dialling a bare DAP
 * client of its own (no relay: one `DapConnection` per program, the attach handshake, then the
 * `stopped` event), measured the same way in the same run — so both sides pay for N Python
 * processes waking on this machine's cores, and the ratio is the relay's fan-out cost. Also
 * reports the relay's resident memory per session and its own share after the last `stopped`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { silentLogger } from '../../src-main/log/logger.js';
import type { SessionInfo } from '../../src-common/protocol/client-protocol.js';
import { ProfileStore } from '../../src-main/profiles/profile-store.js';
import { createClientToken } from '../../src-main/web/client-token.js';
import { DebugSession } from '../../src-main/relay/debug-session.js';
import { Backend } from '../../src-main/backend/backend.js';
import { startWebServer } from '../../src-main/web/web-server.js';
import { WsRelayClient } from '../lib/ws-relay-client.js';
import { DapConnection } from '../../src-main/dap/dap-connection.js';
import { attachToDebugpy } from '../../src-main/tracer/attach-handshake.js';
import { nextEvent } from '../lib/bare-client.js';

const FAN_OUT = resolve('bench/programs/fan_out.py');

/**
 * How long both sides leave the tracers alone before the trigger, in ms: pydevd goes on working
 * for a while after its attach answers, which would otherwise be billed to whichever side
 * triggers sooner after attaching.
 */
const SETTLE_MS = 500;

/** The fan-out figure. */
export interface FanOutFigure {
  figure: 'fan-out';
  tracers: number;
  clientsPerSession: number;
  /** Runs of each side; every figure below is the median of its runs (absent: one run). */
  runs?: number;
  baselineMs: number;
  periscopeMs: number;
  ratio: number;
  target: string;
  met: boolean;
  /** What the baseline is, in words (for the results table). */
  baseline: string;
  /** Growth of the relay process's resident set per session, bytes. */
  relayRssPerSessionBytes: number;
  /**
   * Of `periscopeMs`, the part after the relay had the last `stopped` event from a tracer: the
   * relay's own fan-out (the rest is the tracers waking and stopping, 50 Python processes on
   * this machine's 2 cores).
   */
  relayShareMs: number;
  /** Where the time goes, ms from creating the trigger file (see {@link FanOutBreakdown}). */
  breakdown?: FanOutBreakdown;
}

/**
 * Stamps of a fan-out, in ms from creating the trigger file (medians of the runs): when the first
 * and the last tracer's `stopped` reached the bare clients (baseline) and the relay, and when the
 * last relay client had its own.
 */
export interface FanOutBreakdown {
  bareFirstStop: number;
  bareLastStop: number;
  relayFirstStop: number;
  relayLastStop: number;
  lastClientStop: number;
}

/** Called around the measured part of the relay side (a profiler starts and stops there). */
export interface FanOutProbe {
  /** Every client is joined and waiting; the trigger file is written when this resolves. */
  armed(): Promise<void>;
  /** Every client has its `stopped`. */
  done(): Promise<void>;
}

/** Arrival times (performance.now()) of `stopped` events at the relay, for the figure. */
const relayStops: number[] = [];
let watchingRelay = false;

/** Notes when the relay receives `stopped` from a tracer (wraps DebugSession's event handler). */
function watchRelayStops(): void {
  if (watchingRelay) return;
  watchingRelay = true;
  const proto = DebugSession.prototype as unknown as {
    onTracerEvent: (event: DebugProtocol.Event) => void;
  };
  const original = proto.onTracerEvent;
  proto.onTracerEvent = function (this: unknown, event: DebugProtocol.Event) {
    if (event.event === 'stopped') relayStops.push(performance.now());
    original.call(this, event);
  };
}

/** Time (ms) from the trigger until all `clients` × `tracers` stopped events arrived. */
export async function measure(
  tracers: number,
  clientsPerSession: number,
  probe?: FanOutProbe,
): Promise<{
  ms: number;
  rssPerSession: number;
  relayShareMs: number;
  stamps: Pick<FanOutBreakdown, 'relayFirstStop' | 'relayLastStop' | 'lastClientStop'>;
}> {
  watchRelayStops();
  relayStops.length = 0;
  const dir = await mkdtemp(join(tmpdir(), 'periscope-fanout-'));
  const store = await ProfileStore.open(join(dir, 'data'), { logger: silentLogger });
  const relay = new Backend({
    profileStore: store,
    dataDir: join(dir, 'data'),
    logger: silentLogger,
    limits: { maxClients: tracers * clientsPerSession + 8, maxTracers: tracers + 4 },
  });
  const token = createClientToken();
  const server = await startWebServer({
    relay,
    staticDir: join(dir, 'none'),
    token,
    logger: silentLogger,
  });
  const programs: ChildProcess[] = [];
  const clients: WsRelayClient[] = [];
  try {
    const { port } = await relay.openTracerPort({ host: '127.0.0.1', port: 0 });
    const watcher = await WsRelayClient.connect(server.port, token);
    const rssBefore = process.memoryUsage().rss;
    const trigger = join(dir, 'go');
    const allThere = watcher.waitFor(
      (m) =>
        m.type === 'app-event' &&
        m.event === 'sessions.changed' &&
        (m.body as { sessions: SessionInfo[] }).sessions.filter((s) => s.state === 'running')
          .length >= tracers,
      120_000,
    );
    programs.push(...spawnTracers(tracers, port, trigger));
    const sessions = (
      (await allThere) as { body: { sessions: SessionInfo[] } }
    ).body.sessions.filter((s) => s.state === 'running');
    const stops: Promise<DebugProtocol.Event>[] = [];
    // The last join's session list is still on its way to every client after the join answers.
    const settled = watcher.waitFor(
      (m) =>
        m.type === 'app-event' &&
        m.event === 'sessions.changed' &&
        (m.body as { sessions: SessionInfo[] }).sessions.filter(
          (s) => (s.clients?.length ?? 0) >= clientsPerSession,
        ).length >= tracers,
      120_000,
    );
    for (const session of sessions) {
      for (let c = 0; c < clientsPerSession; c++) {
        const client = await WsRelayClient.connect(server.port, token, skipSessionLists);
        clients.push(client);
        await client.app('session.join', { sessionId: session.id });
        stops.push(client.dapEvent(session.id, 'stopped'));
      }
    }
    const rssPerSession = (process.memoryUsage().rss - rssBefore) / tracers;
    await settled;
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    await probe?.armed();
    const start = performance.now();
    await writeFile(trigger, 'go');
    await Promise.all(stops);
    const end = performance.now();
    await probe?.done();
    const lastAtRelay = Math.max(...relayStops);
    return {
      ms: end - start,
      rssPerSession,
      relayShareMs: end - lastAtRelay,
      stamps: {
        relayFirstStop: Math.min(...relayStops) - start,
        relayLastStop: lastAtRelay - start,
        lastClientStop: end - start,
      },
    };
  } finally {
    for (const client of clients) client.close();
    for (const program of programs) program.kill('SIGKILL');
    await relay.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * What the fan-out's clients leave unparsed: the session list and its patches. They are in the
 * relay's process, and 150 of them parsing each list (50 sessions) cost the relay's event loop
 * more than the fan-out itself; a browser parses its own.
 */
const SESSION_LIST = Buffer.from('{"type":"app-event","event":"sessions.');
function skipSessionLists(raw: Buffer): boolean {
  return raw.subarray(0, SESSION_LIST.length).equals(SESSION_LIST);
}

/** Starts `tracers` fan_out.py programs dialling `port`, each waiting for `trigger`. */
function spawnTracers(tracers: number, port: number, trigger: string): ChildProcess[] {
  const programs: ChildProcess[] = [];
  for (let i = 0; i < tracers; i++) {
    programs.push(
      spawn('/usr/bin/python3', ['-Xfrozen_modules=off', FAN_OUT, String(port), trigger], {
        env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: '1' },
        stdio: 'ignore',
      }),
    );
  }
  return programs;
}

/**
 * The baseline: `tracers` programs dial a plain TCP server; each connection gets one bare DAP
 * client (attach handshake, no relay). Time (ms) from the trigger until every client has its
 * `stopped` event.
 */
export async function measureBare(
  tracers: number,
): Promise<{ ms: number; firstStop: number; lastStop: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'periscope-fanout-bare-'));
  const connections: DapConnection[] = [];
  const attached: Promise<{ stop: Promise<DebugProtocol.Event> }>[] = [];
  const server: Server = createServer((socket: Socket) => {
    socket.setNoDelay(true);
    const connection = new DapConnection(socket, {
      name: 'bench',
      logger: silentLogger,
      requestTimeoutMs: 120_000,
    });
    connections.push(connection);
    attached.push(
      attachToDebugpy(connection, { name: 'bench', justMyCode: true, pathMappings: [] }, []).then(
        () => ({ stop: nextEvent(connection, 'stopped', 120_000) }),
      ),
    );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as { port: number }).port;
  const trigger = join(dir, 'go');
  const programs = spawnTracers(tracers, port, trigger);
  try {
    const deadline = Date.now() + 120_000;
    while (attached.length < tracers && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    if (attached.length < tracers) throw new Error(`only ${attached.length} tracers dialled in`);
    const arrivals: number[] = [];
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const stops = (await Promise.all(attached)).map((a) =>
      a.stop.then(() => arrivals.push(performance.now())),
    );
    const start = performance.now();
    await writeFile(trigger, 'go');
    await Promise.all(stops);
    const ms = performance.now() - start;
    return {
      ms,
      firstStop: Math.min(...arrivals) - start,
      lastStop: Math.max(...arrivals) - start,
    };
  } finally {
    for (const connection of connections) connection.close('bench done');
    for (const program of programs) program.kill('SIGKILL');
    await new Promise<void>((done) => server.close(() => done()));
    await rm(dir, { recursive: true, force: true });
  }
}

/** The median of `values` (the lower middle one of an even count). */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? NaN;
}

/**
 * Runs the figure: `tracers` × 3 clients through the relay against the same `tracers` each with
 * one bare client (issue 15: target ≤ 1.2×, and the relay's share after the last `stopped` ≤ 2 ms),
 * `runs` times each, alternately; every figure is the median of its runs (one run of 50 Python
 * processes on 2 cores varies by ±50%).
 */
export async function fanOut(tracers: number, runs = 5): Promise<FanOutFigure> {
  const bare: Awaited<ReturnType<typeof measureBare>>[] = [];
  const wide: Awaited<ReturnType<typeof measure>>[] = [];
  for (let run = 0; run < runs; run++) {
    bare.push(await measureBare(tracers));
    wide.push(await measure(tracers, 3));
  }
  const baselineMs = median(bare.map((b) => b.ms));
  const periscopeMs = median(wide.map((w) => w.ms));
  const relayShareMs = median(wide.map((w) => w.relayShareMs));
  const ratio = periscopeMs / baselineMs;
  return {
    figure: 'fan-out',
    tracers,
    clientsPerSession: 3,
    runs,
    baseline: `${tracers} tracers, one bare DAP client each`,
    baselineMs,
    periscopeMs,
    ratio,
    target: '≤ 1.20×, relay share ≤ 2 ms',
    met: ratio <= 1.2 && relayShareMs <= 2,
    relayRssPerSessionBytes: median(wide.map((w) => w.rssPerSession)),
    relayShareMs,
    breakdown: {
      bareFirstStop: median(bare.map((b) => b.firstStop)),
      bareLastStop: median(bare.map((b) => b.lastStop)),
      relayFirstStop: median(wide.map((w) => w.stamps.relayFirstStop)),
      relayLastStop: median(wide.map((w) => w.stamps.relayLastStop)),
      lastClientStop: median(wide.map((w) => w.stamps.lastClientStop)),
    },
  };
}
