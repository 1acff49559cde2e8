/**
 * Fan-out: N tracers dialled in to one relay (debugpy.connect, qdb's way), 3 clients on each
 * session over the relay's real WebSocket endpoint. All programs wait for one trigger file, then
 * hit `debugpy.breakpoint()`; the figure is the time from creating the file until every client of
 * every session has its `stopped` event. Baseline: 1 tracer × 1 client, same measure, same run.
 * Also reports the relay's resident memory per session.
 */
import { spawn, type ChildProcess } from 'node:child_process';
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

const FAN_OUT = resolve('bench/programs/fan_out.py');

/** The fan-out figure. */
export interface FanOutFigure {
  figure: 'fan-out';
  tracers: number;
  clientsPerSession: number;
  baselineMs: number;
  periscopeMs: number;
  ratio: number;
  target: string;
  met: boolean;
  /** Growth of the relay process's resident set per session, bytes. */
  relayRssPerSessionBytes: number;
  /**
   * Of `periscopeMs`, the part after the relay had the last `stopped` event from a tracer: the
   * relay's own fan-out (the rest is the tracers waking and stopping, 50 Python processes on
   * this machine's 2 cores).
   */
  relayShareMs: number;
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
async function measure(
  tracers: number,
  clientsPerSession: number,
): Promise<{ ms: number; rssPerSession: number; relayShareMs: number }> {
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
    for (let i = 0; i < tracers; i++) {
      programs.push(
        spawn('/usr/bin/python3', ['-Xfrozen_modules=off', FAN_OUT, String(port), trigger], {
          env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: '1' },
          stdio: 'ignore',
        }),
      );
    }
    const sessions = (
      (await allThere) as { body: { sessions: SessionInfo[] } }
    ).body.sessions.filter((s) => s.state === 'running');
    const stops: Promise<DebugProtocol.Event>[] = [];
    for (const session of sessions) {
      for (let c = 0; c < clientsPerSession; c++) {
        const client = await WsRelayClient.connect(server.port, token);
        clients.push(client);
        await client.app('session.join', { sessionId: session.id });
        stops.push(client.dapEvent(session.id, 'stopped'));
      }
    }
    const rssPerSession = (process.memoryUsage().rss - rssBefore) / tracers;
    const start = performance.now();
    await writeFile(trigger, 'go');
    await Promise.all(stops);
    const end = performance.now();
    const lastAtRelay = Math.max(...relayStops);
    return { ms: end - start, rssPerSession, relayShareMs: end - lastAtRelay };
  } finally {
    for (const client of clients) client.close();
    for (const program of programs) program.kill('SIGKILL');
    await relay.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs the figure: `tracers` × 3 clients against 1 × 1. */
export async function fanOut(tracers: number): Promise<FanOutFigure> {
  const baseline = await measure(1, 1);
  const wide = await measure(tracers, 3);
  const ratio = wide.ms / baseline.ms;
  return {
    figure: 'fan-out',
    tracers,
    clientsPerSession: 3,
    baselineMs: baseline.ms,
    periscopeMs: wide.ms,
    ratio,
    target: '≤ 2.00×',
    met: ratio <= 2,
    relayRssPerSessionBytes: wide.rssPerSession,
    relayShareMs: wide.relayShareMs,
  };
}
