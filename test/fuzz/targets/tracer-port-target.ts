/**
 * Fuzzes the relay's tracer port: parallel lanes of hostile tracers (`fuzz-tracer.ts`), each
 * connection going through the handshake, then sending hostile frames in bursts until its share
 * of the batch is sent, it breaks the framing (the relay must then drop it, and only it), or it
 * decides to leave. Every connection becomes a session the observer joins.
 */
import { FuzzRandom } from '../fuzz-random.js';
import type { FuzzBudget } from '../fuzz-budget.js';
import { FuzzTracer } from '../fuzz-tracer.js';
import {
  yieldToIo,
  type FuzzContext,
  type FuzzTarget,
  type RecentInputs,
  type TargetStats,
} from './target-types.js';

/** Hostile tracers connected at once (the relay takes 32; the probe needs one). */
const LANES = 4;

/** See the module comment. */
export class TracerPortTarget implements FuzzTarget {
  readonly name = 'tracer port';
  private last: FuzzTracer[] = [];

  async runBatch(context: FuzzContext, batch: number, budget: FuzzBudget): Promise<TargetStats> {
    const stats: TargetStats = { inputs: 0, connections: 0, dropped: 0 };
    await Promise.all(
      Array.from({ length: LANES }, (_, lane) => this.lane(context, batch, lane, budget, stats)),
    );
    return stats;
  }

  recent(): RecentInputs {
    return this.last.flatMap((t) => t.recent);
  }

  private async lane(
    context: FuzzContext,
    batch: number,
    lane: number,
    budget: FuzzBudget,
    stats: TargetStats,
  ): Promise<void> {
    for (let n = 0; budget.remaining > 0; n++) {
      const rng = FuzzRandom.derive(context.seed, 'tracer', batch, lane, n);
      const tracer = await FuzzTracer.dial(context.relay.tracerPort, rng, {
        pHostileHandshake: 0.03,
        pBrokenFrame: context.pBrokenFrame,
      });
      this.last[lane] = tracer;
      stats.connections++;
      // Let the handshake run, so most inputs reach a session rather than a connection.
      for (let i = 0; i < 100 && tracer.requestsSeen < 3 && !tracer.closed; i++)
        await new Promise((r) => setTimeout(r, 10));
      const lifetime = rng.range(50, 2000);
      let sent = 0;
      while (sent < lifetime && !tracer.closed && !tracer.brokeFraming && budget.remaining > 0) {
        const { first, granted } = budget.take(rng.range(1, 8));
        const done = tracer.send(first, granted);
        budget.giveBack(granted - done);
        sent += done;
        stats.inputs += done;
        await tracer.drained();
        await yieldToIo();
      }
      if (tracer.brokeFraming) {
        // The relay must drop a peer that broke the framing; give it a moment, then leave anyway.
        const dropped = await Promise.race([
          tracer.whenClosed().then(() => true),
          new Promise<boolean>((r) => setTimeout(() => r(false), 2000)),
        ]);
        if (dropped) stats.dropped++;
      }
      await tracer.end();
    }
  }
}
