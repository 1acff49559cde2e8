/**
 * A session's program output on its way to the clients: batched for the joined clients, and kept
 * in a bounded ring for late joiners (`output-ring.ts`). App clients get `session.output` app
 * events (with the chunk's stream offsets); DAP clients get DAP `output` events.
 */
import type { SessionLimits } from './session-limits.js';
import { OutputBatcher, OutputRing, type OutputCategory, type OutputChunk } from './output-ring.js';
import type { SessionClient } from './session-clients.js';

/** See the module comment. */
export class SessionOutput {
  private readonly ring: OutputRing;
  private readonly batcher: OutputBatcher;

  /**
   * @param sessionId the session whose output this is.
   * @param clients the joined clients, read at each delivery.
   */
  constructor(
    private readonly sessionId: string,
    clients: Iterable<SessionClient>,
    limits: Pick<SessionLimits, 'outputRingChars' | 'outputBatchMs' | 'outputBatchChars'>,
  ) {
    this.ring = new OutputRing(limits.outputRingChars);
    this.batcher = new OutputBatcher({
      deliver: (chunks) => this.deliver(chunks, clients),
      ...(limits.outputBatchMs !== undefined ? { intervalMs: limits.outputBatchMs } : {}),
      ...(limits.outputBatchChars !== undefined ? { maxBatchChars: limits.outputBatchChars } : {}),
    });
  }

  /** Characters of output held for late joiners (bounded by the ring). */
  get held(): number {
    return this.ring.size;
  }

  /** Queues output for every client (batched) and the late-joiner ring. */
  push(category: OutputCategory, text: string): void {
    this.batcher.push(this.ring.push({ category, text }));
  }

  /** Delivers what is queued now, to the clients joined now. */
  flush(): void {
    this.batcher.flush();
  }

  /** Delivers what is queued and stops batching (the session ended). */
  close(): void {
    this.batcher.flush();
    this.batcher.dispose();
  }

  /** Sends `client` the output held so far. */
  replayTo(client: SessionClient): void {
    const chunks = this.ring.replay();
    if (chunks.length > 0) this.deliver(chunks, [client]);
  }

  private deliver(chunks: OutputChunk[], clients: Iterable<SessionClient>): void {
    for (const client of clients) {
      for (const { category, text, start, end } of chunks) {
        if (client.kind === 'app') {
          const range = start !== undefined && end !== undefined ? { start, end } : {};
          client.sendEvent('session.output', {
            sessionId: this.sessionId,
            category,
            text,
            ...range,
          });
        } else {
          client.sendDap(this.sessionId, {
            seq: 0,
            type: 'event',
            event: 'output',
            body: { category, output: text },
          });
        }
      }
    }
  }
}
