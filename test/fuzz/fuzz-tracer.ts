/**
 * A hostile tracer on the relay's tracer port: it goes through the relay's handshake (usually
 * correctly, so the session opens and the relay's session logic is reached; sometimes wrongly),
 * answers every request the relay forwards with a hostile response, and sends hostile frames
 * when told (events, stray responses, reverse requests, broken envelopes, broken framing).
 */
import type { Socket } from 'node:net';
import { FuzzRandom } from './fuzz-random.js';
import { FuzzPeer, openLoopback } from './fuzz-peer.js';
import { frame, wireFrame, type WireFrame } from './dap-wire.js';
import { SeqCounter, tracerResponse, unpromptedTracerMessage } from './tracer-messages.js';
import { encodeDapMessage } from '../../src-main/dap/framing.js';

/** What the relay asks during its handshake with a dialled-in tracer. */
const HANDSHAKE = new Set([
  'pydevdSystemInfo',
  'initialize',
  'attach',
  'setBreakpoints',
  'setExceptionBreakpoints',
  'setFunctionBreakpoints',
  'configurationDone',
]);

/** Options of {@link FuzzTracer.dial}. */
export interface FuzzTracerOptions {
  /** Chance of a hostile answer to a handshake request (0 for a tracer that must stay). */
  pHostileHandshake: number;
  /** Chance that a frame's framing is broken (0 for a tracer that must stay). */
  pBrokenFrame: number;
  /** The pid it claims in `pydevdSystemInfo` (default a fixed one no process has). */
  pid?: number;
  /** The body of its `initialize` answer, as JSON text (default: plain capabilities). */
  initializeBody?: string;
}

/** See the module comment. */
export class FuzzTracer extends FuzzPeer {
  private readonly seq = new SeqCounter();
  /** Requests the relay sent this tracer. */
  requestsSeen = 0;

  private constructor(
    socket: Socket,
    private readonly inputs: FuzzRandom,
    private readonly answers: FuzzRandom,
    private readonly options: FuzzTracerOptions,
  ) {
    super(socket, (m) => this.onMessage(m));
  }

  /** Dials the tracer port; `rng` makes its inputs, and a generator derived from it its answers. */
  static async dial(
    port: number,
    rng: FuzzRandom,
    options: FuzzTracerOptions,
  ): Promise<FuzzTracer> {
    const socket = await openLoopback(port);
    return new FuzzTracer(socket, rng, FuzzRandom.derive(rng.seed, 'answers'), options);
  }

  /**
   * Sends the inputs numbered `first`…`first + count - 1` (one frame each, several frames
   * sometimes in one write). Returns how many were sent; stops early once a frame is broken
   * (the relay drops the connection) or the connection is closed.
   */
  send(first: number, count: number): number {
    const frames: WireFrame[] = [];
    let sent = 0;
    while (sent < count && !this.closed) {
      const text = unpromptedTracerMessage(this.inputs, this.seq);
      const wire = wireFrame(this.inputs, text, this.options.pBrokenFrame);
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

  /** True once an input broke the framing: the relay should drop this connection. */
  brokeFraming = false;

  /** Sends `texts` as they are, each in a correct frame (known hostile inputs). */
  sendRaw(first: number, texts: readonly string[]): void {
    texts.forEach((text, i) => this.remember(first + i, 'known input', text));
    this.write(
      texts.map((text) => ({
        writes: [frame(Buffer.from(text))],
        broken: false,
        mutation: 'known input',
      })),
      false,
    );
  }

  private onMessage(message: Record<string, unknown>): void {
    if (message.type !== 'request' || this.closed) return;
    this.requestsSeen++;
    const command = typeof message.command === 'string' ? message.command : '';
    const requestSeq = typeof message.seq === 'number' ? message.seq : 0;
    const rng = this.answers;
    if (HANDSHAKE.has(command) && !rng.chance(this.options.pHostileHandshake)) {
      if (command === 'initialize' && this.options.initializeBody !== undefined) {
        this.socket.write(
          frame(
            Buffer.from(
              `{"seq":0,"type":"response","request_seq":${requestSeq},"success":true,"command":"initialize","body":${this.options.initializeBody}}`,
            ),
          ),
        );
      } else {
        this.socket.write(encodeDapMessage(plainAnswer(requestSeq, command, this.options.pid)));
      }
      if (command === 'attach')
        this.socket.write(encodeDapMessage({ seq: 0, type: 'event', event: 'initialized' }));
      return;
    }
    if (rng.chance(0.08)) return; // never answered
    const text = tracerResponse(rng, this.seq, requestSeq, command);
    this.write([wireFrame(rng, text, this.options.pBrokenFrame / 4)], false);
    if (command === 'attach' && rng.chance(0.8))
      this.socket.write(encodeDapMessage({ seq: 0, type: 'event', event: 'initialized' }));
  }
}

/** A plain, correct answer to a handshake request. */
function plainAnswer(requestSeq: number, command: string, pid = 3_999_999): object {
  const body =
    command === 'initialize'
      ? { supportsConfigurationDoneRequest: true, supportsConditionalBreakpoints: true }
      : command === 'pydevdSystemInfo'
        ? { process: { pid, ppid: 1 } }
        : command === 'setBreakpoints'
          ? { breakpoints: [] }
          : {};
  return { seq: 0, type: 'response', request_seq: requestSeq, success: true, command, body };
}
