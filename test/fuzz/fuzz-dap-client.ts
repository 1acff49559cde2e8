/**
 * A hostile DAP client of a session's DAP endpoint: hostile requests (`client-requests.ts`) in
 * hostile framing (`dap-wire.ts`), and hostile answers to the relay's reverse requests
 * (`startDebugging`).
 */
import type { Socket } from 'node:net';
import { FuzzRandom } from './fuzz-random.js';
import { FuzzPeer, openLoopback } from './fuzz-peer.js';
import { wireFrame, type WireFrame } from './dap-wire.js';
import { clientRequest } from './client-requests.js';
import { SeqCounter, tracerResponse } from './tracer-messages.js';

/** See the module comment. */
export class FuzzDapClient extends FuzzPeer {
  private nextSeq = 1;
  private readonly answerSeq = new SeqCounter();
  /** True once an input broke the framing: the relay should drop this connection. */
  brokeFraming = false;

  private constructor(
    socket: Socket,
    private readonly inputs: FuzzRandom,
    private readonly answers: FuzzRandom,
    private readonly pBrokenFrame: number,
  ) {
    super(socket, (m) => this.onMessage(m));
  }

  /** Connects to a DAP endpoint at `port`. */
  static async dial(port: number, rng: FuzzRandom, pBrokenFrame: number): Promise<FuzzDapClient> {
    const socket = await openLoopback(port);
    return new FuzzDapClient(socket, rng, FuzzRandom.derive(rng.seed, 'answers'), pBrokenFrame);
  }

  /** Sends inputs `first`… (up to `count`); returns how many (see `FuzzTracer.send`). */
  send(first: number, count: number): number {
    const frames: WireFrame[] = [];
    let sent = 0;
    while (sent < count && !this.closed) {
      const text = clientRequest(this.inputs, this.nextSeq++);
      const wire = wireFrame(this.inputs, text, this.pBrokenFrame);
      this.remember(first + sent, wire.mutation, text);
      frames.push(wire);
      sent++;
      if (wire.broken) {
        this.brokeFraming = true;
        break;
      }
    }
    this.write(frames, this.inputs.chance(0.5));
    return sent;
  }

  private onMessage(message: Record<string, unknown>): void {
    if (message.type !== 'request' || this.closed) return;
    const rng = this.answers;
    if (rng.chance(0.2)) return;
    const requestSeq = typeof message.seq === 'number' ? message.seq : 0;
    const command = typeof message.command === 'string' ? message.command : '';
    this.write(
      [wireFrame(rng, tracerResponse(rng, this.answerSeq, requestSeq, command), 0)],
      false,
    );
  }
}
