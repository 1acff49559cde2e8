/**
 * Step latency without the relay, to isolate the TCP_NODELAY hook: `next` until the new top
 * frame, its scopes and locals are known, on stock debugpy and on debugpy with the hook.
 */
import { resolve } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { DapConnection } from '../../src-main/dap/dap-connection.js';
import { attachBareClient, call, loadTopFrame, nextEvent } from '../lib/bare-client.js';
import { startLocalDebugpy } from '../lib/local-debugpy.js';
import { since, summarise, type Summary } from '../lib/stats.js';

export const STEPPER = resolve('bench/programs/stepper.py');
export const STEPPER_BREAK_LINE = 13;

/** Steps `reps` times and returns the per-step times (ms). */
export async function measureSteps(
  connection: DapConnection,
  threadId: number,
  reps: number,
): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < reps; i++) {
    const start = performance.now();
    const stopped = nextEvent(connection, 'stopped');
    await call(connection, 'next', { threadId });
    await stopped;
    await loadTopFrame(connection, threadId);
    samples.push(since(start));
  }
  return samples;
}

/** Starts the stepper, attaches a bare client, runs to the breakpoint. */
export async function stepperAtBreakpoint(nodelay: boolean): Promise<{
  connection: DapConnection;
  threadId: number;
  stop: () => Promise<void>;
}> {
  const debuggee = await startLocalDebugpy(STEPPER, [], nodelay);
  const connection = await attachBareClient(debuggee.port, STEPPER, [STEPPER_BREAK_LINE]);
  const stopped = (await nextEvent(connection, 'stopped')) as DebugProtocol.StoppedEvent;
  const threadId = stopped.body.threadId ?? 0;
  await loadTopFrame(connection, threadId);
  // Step from here on; the breakpoint would make every `next` land on the same line.
  await call(connection, 'setBreakpoints', { source: { path: STEPPER }, breakpoints: [] });
  return {
    connection,
    threadId,
    stop: async () => {
      connection.close('benchmark done');
      await debuggee.stop();
    },
  };
}

/** Median step time, stock vs hook, both with a bare client. */
export async function stepLatencyLocal(
  reps: number,
): Promise<{ stock: Summary; nodelay: Summary }> {
  const results: Record<'stock' | 'nodelay', Summary> = {} as never;
  for (const variant of ['stock', 'nodelay'] as const) {
    const session = await stepperAtBreakpoint(variant === 'nodelay');
    try {
      await measureSteps(session.connection, session.threadId, 3); // warm-up
      results[variant] = summarise(await measureSteps(session.connection, session.threadId, reps));
    } finally {
      await session.stop();
    }
  }
  return results;
}
