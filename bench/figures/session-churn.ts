/**
 * Session churn: the relay's memory per live session, and whether it grows as sessions are
 * opened and closed. `periscope relay` runs in its own process (started with `--inspect` so the
 * bench can force a full GC in it and read `process.memoryUsage()`: `process-inspector.ts`);
 * each session is a tracer that dials in (`debugpy.connect`'s way), answers the handshake (a
 * protocol-level stand-in answering every request: the relay's own bookkeeping is what is
 * measured), prints 64 KiB of output and hangs up. Measured on the idle relay after a full GC:
 * at the start, after a warm-up of sessions (the relay keeps the last 50 ended sessions listed
 * with their output: ~5 MiB of heap that is working size, not growth), and after `sessions`
 * more. Issue 15's target: no growth after the warm-up, within the noise of two measurements.
 * (Measured without a forced GC, RSS rose ~20 MiB over the first 1,000 sessions and then stayed
 * there: V8 sizing its heap, not the relay keeping anything.)
 */
import {
  buildCli,
  startRelayProcess,
  type RelayProcess,
} from '../../test/harness/relay-process.js';
import { HostileTracer } from '../../test/fixtures/hostile-tracer.js';
import { ProcessInspector } from '../lib/process-inspector.js';

/**
 * "No growth", after a full GC: the V8 heap's noise between two idle measurements is ~0.4 MiB
 * (measured 16.3–16.7 MiB from 500 to 2,000 sessions); 1 MiB is ~1 KiB per session of 1,000,
 * less than any per-session record the relay keeps. RSS moves more (the allocator keeps freed
 * pages): ±1.5 MiB measured.
 */
const HEAP_GROWTH_TARGET_BYTES = 1024 * 1024;
const RSS_GROWTH_TARGET_BYTES = 4 * 1024 * 1024;
const OUTPUT = 'y'.repeat(1023) + '\n';

/** The figure. */
export interface ChurnFigure {
  figure: 'session churn';
  /** Sessions opened and closed after the warm-up. */
  sessions: number;
  /** Sessions opened and closed first, before the warm point. */
  warmup: number;
  /** The idle relay before any session, after a full GC. */
  start: ChurnPoint;
  /** The idle relay after the warm-up, after a full GC. */
  warm: ChurnPoint;
  /** The idle relay after the warm-up and `sessions` more, after a full GC. */
  after: ChurnPoint;
  /** RSS (after a GC) with 50 sessions live, less the warm RSS, per session, bytes. */
  perLiveSessionBytes: number;
  /** Sessions listed afterwards (ended ones kept: at most --max-ended-sessions). */
  listed: number;
  target: string;
  met: boolean;
}

async function openSession(relay: RelayProcess): Promise<HostileTracer> {
  const tracer = await HostileTracer.dial(relay.tracerPort, () => ({}));
  await tracer.waitForCommand('configurationDone');
  for (let i = 0; i < 64; i++) tracer.event('output', { category: 'stdout', output: OUTPUT });
  return tracer;
}

async function churn(relay: RelayProcess, total: number): Promise<void> {
  for (let done = 0; done < total; done += 10) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(10, total - done) }, () => openSession(relay)),
    );
    await Promise.all(batch.map((t) => t.end()));
  }
}

async function settle(relay: RelayProcess): Promise<number> {
  const client = await relay.connectClient();
  try {
    for (let i = 0; i < 200; i++) {
      const reply = await client.app('sessions.list');
      const sessions = (reply.result as { sessions: { state: string }[] }).sessions;
      if (sessions.every((s) => s.state === 'ended')) {
        await new Promise((r) => setTimeout(r, 500));
        return sessions.length;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the sessions never ended');
  } finally {
    client.close();
  }
}

/** One point of the series: memory of the idle relay after a full GC, `sessions` ended so far. */
export interface ChurnPoint {
  sessions: number;
  rssBytes: number;
  heapUsedBytes: number;
}

/** Runs the churn in steps and measures after each: the idle relay, after a full GC. */
export async function sessionChurnSeries(
  checkpoints: number[],
  nodeArgs: string[] = [],
): Promise<{ points: ChurnPoint[]; perLiveSessionBytes: number; listed: number }> {
  const built = await buildCli();
  const relay = await startRelayProcess(
    built,
    ['--log-level', 'error', '--max-tracers', '64'],
    ['--inspect=127.0.0.1:0', ...nodeArgs],
  );
  let inspector: ProcessInspector | undefined;
  try {
    inspector = await ProcessInspector.fromLog(relay.log());
    const measure = async (sessions: number): Promise<ChurnPoint> => {
      const memory = await (inspector as ProcessInspector).memoryAfterGc();
      return { sessions, rssBytes: memory.rss, heapUsedBytes: memory.heapUsed };
    };
    const points: ChurnPoint[] = [await measure(0)];
    let done = 0;
    let listed = 0;
    let perLiveSessionBytes = 0;
    for (const target of checkpoints) {
      await churn(relay, target - done);
      done = target;
      listed = await settle(relay);
      const point = await measure(done);
      points.push(point);
      if (perLiveSessionBytes === 0) {
        const live = await Promise.all(Array.from({ length: 50 }, () => openSession(relay)));
        await new Promise((r) => setTimeout(r, 300));
        const withLive = await inspector.memoryAfterGc();
        perLiveSessionBytes = (withLive.rss - point.rssBytes) / live.length;
        await Promise.all(live.map((t) => t.end()));
        await settle(relay);
        done += live.length;
      }
    }
    return { points, perLiveSessionBytes, listed };
  } finally {
    inspector?.close();
    await relay.stop();
    await built.dispose();
  }
}

/**
 * Runs the figure: a warm-up of `warmup` sessions opened and closed (the relay's heap reaches its
 * working size: the ended sessions it keeps listed, with their output, fill up), then `sessions`
 * more; the idle relay measured after a full GC at the start, after the warm-up and at the end.
 */
export async function sessionChurn(sessions: number, warmup: number): Promise<ChurnFigure> {
  const { points, perLiveSessionBytes, listed } = await sessionChurnSeries([
    warmup,
    warmup + sessions,
  ]);
  const [start, warm, after] = points as [ChurnPoint, ChurnPoint, ChurnPoint];
  const heapGrowth = after.heapUsedBytes - warm.heapUsedBytes;
  const rssGrowth = after.rssBytes - warm.rssBytes;
  return {
    figure: 'session churn',
    sessions,
    warmup,
    start,
    warm,
    after,
    perLiveSessionBytes,
    listed,
    target: `after the warm-up, heap growth ≤ ${HEAP_GROWTH_TARGET_BYTES / 1048576} MiB and RSS growth ≤ ${RSS_GROWTH_TARGET_BYTES / 1048576} MiB`,
    met: heapGrowth <= HEAP_GROWTH_TARGET_BYTES && rssGrowth <= RSS_GROWTH_TARGET_BYTES,
  };
}
