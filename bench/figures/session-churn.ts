/**
 * Session churn: the relay's resident memory per live session, and after 1,000 sessions opened
 * and closed. `periscope relay` runs in its own process; each session is a tracer that dials in
 * (`debugpy.connect`'s way), answers the handshake (a protocol-level stand-in answering every
 * request: the relay's own bookkeeping is what is measured), prints 64 KiB of output and hangs
 * up. Baseline: the same relay warmed up with 100 sessions opened and closed, measured the same
 * way in the same run. Issue 15's target: no growth (within GC noise, 16 MiB). The relay runs
 * with its V8 heap capped (`--max-old-space-size=128`) so that V8 collects rather than growing
 * its heap into free memory: what stays is what the relay keeps (without the cap, RSS rises
 * ~50 MiB over the first 1,000 sessions and then stays there — measured over 5,000).
 */
import { readFileSync } from 'node:fs';
import {
  buildCli,
  startRelayProcess,
  type RelayProcess,
} from '../../test/harness/relay-process.js';
import { HostileTracer } from '../../test/fixtures/hostile-tracer.js';

/** Growth allowed after the churn (the heap and allocator settle at their own pace), bytes. */
const GROWTH_TARGET_BYTES = 16 * 1024 * 1024;
const OUTPUT = 'y'.repeat(1023) + '\n';

/** The figure. */
export interface ChurnFigure {
  figure: 'session churn';
  sessions: number;
  /** RSS of the warmed-up, idle relay, bytes. */
  warmRssBytes: number;
  /** RSS with 50 sessions live, less the warm RSS, per session, bytes. */
  perLiveSessionBytes: number;
  /** RSS after `sessions` sessions opened and closed, bytes. */
  afterRssBytes: number;
  /** Sessions listed afterwards (ended ones kept: at most --max-ended-sessions). */
  listed: number;
  target: string;
  met: boolean;
}

function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
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

/** Runs the figure: `sessions` sessions opened and closed after a warm-up of 100. */
export async function sessionChurn(sessions: number): Promise<ChurnFigure> {
  const built = await buildCli();
  const relay = await startRelayProcess(
    built,
    ['--log-level', 'error', '--max-tracers', '64'],
    ['--max-old-space-size=128'],
  );
  try {
    const pid = relay.child.pid as number;
    await churn(relay, 100);
    await settle(relay);
    const warmRssBytes = rssBytes(pid);
    const live = await Promise.all(Array.from({ length: 50 }, () => openSession(relay)));
    await new Promise((r) => setTimeout(r, 300));
    const perLiveSessionBytes = (rssBytes(pid) - warmRssBytes) / live.length;
    await Promise.all(live.map((t) => t.end()));
    await churn(relay, sessions);
    const listed = await settle(relay);
    const afterRssBytes = rssBytes(pid);
    return {
      figure: 'session churn',
      sessions,
      warmRssBytes,
      perLiveSessionBytes,
      afterRssBytes,
      listed,
      target: `growth ≤ ${GROWTH_TARGET_BYTES / 1048576} MiB`,
      met: afterRssBytes - warmRssBytes <= GROWTH_TARGET_BYTES,
    };
  } finally {
    await relay.stop();
    await built.dispose();
  }
}
