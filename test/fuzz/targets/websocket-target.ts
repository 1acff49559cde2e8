/**
 * Fuzzes the client endpoint (the app's WebSocket protocol) with authenticated raw clients
 * (`raw-ws-client.ts`): lanes sending hostile client messages (`client-messages.ts`) as text frames
 * (sometimes fragmented), and a lane sending a few messages then a hostile frame sequence
 * (`ws-frames.ts`), which usually costs it the connection.
 */
import { FuzzRandom } from '../fuzz-random.js';
import type { FuzzBudget } from '../fuzz-budget.js';
import type { SentInput } from '../fuzz-peer.js';
import { RawWsClient } from '../raw-ws-client.js';
import { clientMessage } from '../client-messages.js';
import { HOSTILE_FRAMES, textFrames } from '../ws-frames.js';
import {
  yieldToIo,
  type FuzzContext,
  type FuzzTarget,
  type RecentInputs,
  type TargetStats,
} from './target-types.js';

/** Lanes of hostile messages, and one of hostile frames. */
const MESSAGE_LANES = 2;
const KEPT = 8;

/** See the module comment. */
export class WebSocketTarget implements FuzzTarget {
  readonly name = 'WebSocket';
  private readonly kept: SentInput[][] = [];

  async runBatch(context: FuzzContext, batch: number, budget: FuzzBudget): Promise<TargetStats> {
    const stats: TargetStats = { inputs: 0, connections: 0, dropped: 0 };
    await Promise.all([
      ...Array.from({ length: MESSAGE_LANES }, (_, lane) =>
        this.lane(context, batch, lane, budget, stats, false),
      ),
      this.lane(context, batch, MESSAGE_LANES, budget, stats, true),
    ]);
    return stats;
  }

  recent(): RecentInputs {
    return this.kept.flat();
  }

  private remember(lane: number, input: SentInput): void {
    const list = (this.kept[lane] ??= []);
    list.push({
      ...input,
      text:
        input.text.length > 600
          ? `${input.text.slice(0, 600)}… (${input.text.length} chars)`
          : input.text,
    });
    if (list.length > KEPT) list.shift();
  }

  private async lane(
    context: FuzzContext,
    batch: number,
    lane: number,
    budget: FuzzBudget,
    stats: TargetStats,
    frames: boolean,
  ): Promise<void> {
    const { relay, observer } = context;
    const ids = { live: [] as string[], isProtected: context.isProtectedId };
    for (let n = 0; budget.remaining > 0; n++) {
      const rng = FuzzRandom.derive(context.seed, 'websocket', batch, lane, n);
      const client = await RawWsClient.open(relay.clientPort, relay.token);
      stats.connections++;
      const lifetime = frames ? rng.range(1, 6) : rng.range(50, 1500);
      for (let sent = 0; sent < lifetime && !client.closed && budget.remaining > 0; sent++) {
        const { first } = budget.take(1);
        ids.live = observer.liveIds();
        if (frames && sent === lifetime - 1) {
          const [name, fatal, make] = rng.pick(HOSTILE_FRAMES);
          this.remember(lane, { index: first, mutation: name, text: '(raw frames)' });
          client.write(make(rng));
          stats.inputs++;
          if (fatal) {
            const dropped = await Promise.race([
              new Promise<boolean>((r) => client.socket.once('close', () => r(true))),
              new Promise<boolean>((r) => setTimeout(() => r(false), 1000)),
            ]);
            if (dropped) stats.dropped++;
          }
          break;
        }
        const text = clientMessage(rng, first + 1, ids);
        this.remember(lane, { index: first, mutation: 'message', text });
        client.write(textFrames(rng, text));
        stats.inputs++;
        if (sent % 4 === 3) {
          await client.drained();
          await yieldToIo();
        }
      }
      await client.end();
    }
  }
}
