/**
 * Fuzzes a session's DAP endpoint (`relay/dap-endpoint.ts`): a well-behaved fuzz tracer backs a
 * session (its answers to forwarded requests are still hostile), the observer opens the session's
 * DAP endpoint, and parallel lanes of hostile DAP clients (`fuzz-dap-client.ts`) send hostile
 * requests in hostile framing. When the session or its endpoint goes (a client's `disconnect`
 * may end it), a new backing session is made.
 */
import { FuzzRandom } from '../fuzz-random.js';
import type { FuzzBudget } from '../fuzz-budget.js';
import { FuzzTracer } from '../fuzz-tracer.js';
import { FuzzDapClient } from '../fuzz-dap-client.js';
import {
  yieldToIo,
  type FuzzContext,
  type FuzzTarget,
  type RecentInputs,
  type TargetStats,
} from './target-types.js';

/** DAP clients connected at once. */
const LANES = 2;
/** A pid no real process has, to find the backing session in the list. */
let nextBackingPid = 4_100_000;

interface Backing {
  tracer: FuzzTracer;
  port: number;
}

/** See the module comment. */
export class DapEndpointTarget implements FuzzTarget {
  readonly name = 'DAP endpoint';
  private last: FuzzDapClient[] = [];
  private backing: Promise<Backing> | undefined;

  async runBatch(context: FuzzContext, batch: number, budget: FuzzBudget): Promise<TargetStats> {
    const stats: TargetStats = { inputs: 0, connections: 0, dropped: 0 };
    await Promise.all(
      Array.from({ length: LANES }, (_, lane) => this.lane(context, batch, lane, budget, stats)),
    );
    const backing = this.backing;
    this.backing = undefined;
    await backing?.then((b) => b.tracer.end()).catch(() => undefined);
    return stats;
  }

  recent(): RecentInputs {
    return this.last.flatMap((c) => c.recent);
  }

  /** A backing session with an open DAP endpoint (made once, shared by the lanes). */
  private endpoint(context: FuzzContext, batch: number): Promise<Backing> {
    this.backing ??= makeBacking(context, batch);
    return this.backing;
  }

  private async lane(
    context: FuzzContext,
    batch: number,
    lane: number,
    budget: FuzzBudget,
    stats: TargetStats,
  ): Promise<void> {
    for (let n = 0; budget.remaining > 0; n++) {
      const rng = FuzzRandom.derive(context.seed, 'dap-endpoint', batch, lane, n);
      const backing = this.endpoint(context, batch);
      let client: FuzzDapClient;
      try {
        const { port, tracer } = await backing;
        if (tracer.closed) throw new Error('the backing tracer is gone');
        client = await FuzzDapClient.dial(port, rng, context.pBrokenFrame);
      } catch {
        // The endpoint closed with its session: make a new one (once, for both lanes).
        if (this.backing === backing) this.backing = undefined;
        await backing.then((b) => b.tracer.end()).catch(() => undefined);
        continue;
      }
      this.last[lane] = client;
      stats.connections++;
      const lifetime = rng.range(20, 1000);
      let sent = 0;
      while (sent < lifetime && !client.closed && !client.brokeFraming && budget.remaining > 0) {
        const { first, granted } = budget.take(rng.range(1, 6));
        const done = client.send(first, granted);
        budget.giveBack(granted - done);
        sent += done;
        stats.inputs += done;
        await client.drained();
        await yieldToIo();
      }
      await client.end();
    }
  }
}

/** Dials a backing tracer, waits for its session, and opens the session's DAP endpoint. */
async function makeBacking(context: FuzzContext, batch: number): Promise<Backing> {
  const pid = nextBackingPid++;
  const tracer = await FuzzTracer.dial(
    context.relay.tracerPort,
    FuzzRandom.derive(context.seed, 'backing', batch, pid),
    {
      pHostileHandshake: 0,
      pBrokenFrame: 0,
      pid,
    },
  );
  const deadline = Date.now() + 10_000;
  for (;;) {
    const session = context.observer.byPid(pid);
    if (session?.state === 'running') {
      const reply = await context.observer.app('session.dapEndpoint.open', {
        sessionId: session.id,
      });
      const port = (reply.result as { endpoint?: { port?: number } } | undefined)?.endpoint?.port;
      if (reply.ok !== true || typeof port !== 'number')
        throw new Error(`no DAP endpoint: ${JSON.stringify(reply)}`);
      return { tracer, port };
    }
    if (Date.now() > deadline || tracer.closed) {
      await tracer.end();
      throw new Error('the backing session never ran');
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}
