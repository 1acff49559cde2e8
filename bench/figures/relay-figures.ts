/**
 * Figures that compare Periscope's path (relay + WebSocket client, launcher with TCP_NODELAY)
 * with a bare DAP client, measured alternately in the same run so machine noise hits both.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { DapConnection } from '../../src-main/dap/dap-connection.js';
import type { TestSshd } from '../../test/harness/sshd.js';
import { call, loadTopFrame, nextEvent } from '../lib/bare-client.js';
import { startPeriscope, type PeriscopeWorld } from '../lib/periscope-world.js';
import { bareOverSsh } from '../lib/ssh-baseline.js';
import { startWsEcho } from '../lib/ws-echo.js';
import { since, summarise, type Summary } from '../lib/stats.js';
import { STEPPER, STEPPER_BREAK_LINE, stepperAtBreakpoint } from './step-latency-local.js';

/** One figure's outcome. */
export interface Figure {
  figure: string;
  variant: string;
  baseline: Summary;
  periscope: Summary;
  /** periscope median / baseline median. */
  ratio: number;
  target: string;
  met: boolean;
  /** Where the difference goes, measured in the same run (relay overhead only). */
  breakdown?: { wsHopMs: number; relayOwnMs: number };
}

type Bare = { connection: DapConnection; threadId: number; stop: () => Promise<void> };

async function bare(sshd: TestSshd | undefined, tcpNoDelay: boolean): Promise<Bare> {
  return sshd
    ? bareOverSsh(sshd, STEPPER, STEPPER_BREAK_LINE, tcpNoDelay)
    : stepperAtBreakpoint(tcpNoDelay);
}

async function periscope(sshd: TestSshd | undefined): Promise<PeriscopeWorld> {
  const world = await startPeriscope(STEPPER, [], STEPPER_BREAK_LINE, sshd);
  await world.client.loadTopFrame(world.sessionId, world.threadId);
  await world.client.dap(world.sessionId, 'setBreakpoints', {
    source: { path: STEPPER },
    breakpoints: [],
  });
  return world;
}

/** `stackTrace` round trip: relay client endpoint vs the same request straight to the tracer. */
export async function relayOverhead(reps: number, sshd?: TestSshd): Promise<Figure> {
  const base = await bare(sshd, true);
  const world = await periscope(sshd);
  // The relay's answer to this stackTrace is ~300 bytes; the request ~150.
  const echo = await startWsEcho(300);
  try {
    const a: number[] = [];
    const b: number[] = [];
    const hop: number[] = [];
    // A different `levels` each time, so every request reaches the tracer: the relay's stop
    // cache (stop-cache.ts) would otherwise answer repeats itself, faster than the tracer.
    const args = (threadId: number, i: number): DebugProtocol.StackTraceArguments => ({
      threadId,
      startFrame: 0,
      levels: 20 + i,
    });
    for (let i = 0; i < reps + 5; i++) {
      let start = performance.now();
      await call(base.connection, 'stackTrace', args(base.threadId, i));
      const ta = since(start);
      start = performance.now();
      await world.client.dap(world.sessionId, 'stackTrace', args(world.threadId, i));
      const tb = since(start);
      start = performance.now();
      await echo.roundTrip(
        JSON.stringify({
          type: 'dap',
          sessionId: world.sessionId,
          message: {
            seq: i,
            type: 'request',
            command: 'stackTrace',
            arguments: args(world.threadId, i),
          },
        }),
      );
      const th = since(start);
      if (i >= 5) {
        a.push(ta);
        b.push(tb);
        hop.push(th);
      }
    }
    const result = figure(
      'relay overhead',
      sshd ? 'ssh forward' : 'loopback',
      a,
      b,
      1.1,
      '≤ 1.10×',
    );
    const wsHopMs = summarise(hop).median;
    return {
      ...result,
      breakdown: {
        wsHopMs,
        relayOwnMs: result.periscope.median - result.baseline.median - wsHopMs,
      },
    };
  } finally {
    await echo.close();
    await world.close();
    await base.stop();
  }
}

/** `next` until top frame, scopes and locals are known: Periscope vs stock debugpy + bare client. */
export async function stepLatency(reps: number, sshd?: TestSshd): Promise<Figure> {
  const base = await bare(sshd, false);
  const world = await periscope(sshd);
  try {
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < reps + 2; i++) {
      let start = performance.now();
      const stoppedA = nextEvent(base.connection, 'stopped');
      await call(base.connection, 'next', { threadId: base.threadId });
      await stoppedA;
      await loadTopFrame(base.connection, base.threadId);
      const ta = since(start);
      start = performance.now();
      const stoppedB = world.client.dapEvent(world.sessionId, 'stopped');
      await world.client.dap(world.sessionId, 'next', { threadId: world.threadId });
      await stoppedB;
      await world.client.loadTopFrame(world.sessionId, world.threadId);
      const tb = since(start);
      if (i >= 2) {
        a.push(ta);
        b.push(tb);
      }
    }
    return figure('step latency', sshd ? 'ssh forward' : 'loopback', a, b, 0.4, '≤ 0.40×');
  } finally {
    await world.close();
    await base.stop();
  }
}

function figure(
  name: string,
  variant: string,
  a: number[],
  b: number[],
  limit: number,
  target: string,
): Figure {
  const baseline = summarise(a);
  const periscopeSummary = summarise(b);
  const ratio = periscopeSummary.median / baseline.median;
  return {
    figure: name,
    variant,
    baseline,
    periscope: periscopeSummary,
    ratio,
    target,
    met: ratio <= limit,
  };
}
