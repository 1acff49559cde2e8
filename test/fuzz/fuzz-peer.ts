/**
 * A fuzzing peer on one TCP connection to the relay: decodes what the relay sends (so requests
 * can be answered), writes hostile frames, remembers the last inputs it sent (for the failure
 * report), and knows when the relay dropped it. The tracer and DAP-client fuzzers build on it.
 */
import { connect, type Socket } from 'node:net';
import { DapFrameDecoder } from '../../src-main/dap/framing.js';
import type { WireFrame } from './dap-wire.js';

/** One input as the failure report shows it. */
export interface SentInput {
  /** Which input of the run it was (0-based, per target). */
  index: number;
  mutation: string;
  /** The message's JSON text, cut to a readable length. */
  text: string;
}

/** Inputs kept for the report, per peer. */
const KEPT_INPUTS = 8;
/** Characters of each input's text kept for the report. */
const KEPT_CHARS = 600;

/** See the module comment. */
export class FuzzPeer {
  readonly recent: SentInput[] = [];
  private readonly decoder = new DapFrameDecoder();
  private closedFlag = false;
  private readonly closedPromise: Promise<void>;

  protected constructor(
    readonly socket: Socket,
    onMessage: (message: Record<string, unknown>) => void,
  ) {
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    this.closedPromise = new Promise((done) =>
      socket.once('close', () => {
        this.closedFlag = true;
        done();
      }),
    );
    socket.on('data', (chunk: Buffer) => {
      let messages: unknown[];
      try {
        messages = this.decoder.push(chunk);
      } catch {
        // The relay never sends a broken frame; if it did, the harness would see no answers.
        socket.destroy();
        return;
      }
      for (const m of messages) onMessage(m as Record<string, unknown>);
    });
  }

  /** True once the connection closed (either side). */
  get closed(): boolean {
    return this.closedFlag || this.socket.destroyed;
  }

  /** Resolves when the connection has closed. */
  whenClosed(): Promise<void> {
    return this.closedPromise;
  }

  /** Writes `frames` (each possibly split), concatenated into one write when `coalesce`. */
  write(frames: WireFrame[], coalesce: boolean): void {
    if (this.closed) return;
    if (coalesce) this.socket.write(Buffer.concat(frames.flatMap((f) => f.writes)));
    else for (const f of frames) for (const w of f.writes) this.socket.write(w);
  }

  /** Records an input for the report. */
  remember(index: number, mutation: string, text: string): void {
    this.recent.push({
      index,
      mutation,
      text:
        text.length > KEPT_CHARS ? `${text.slice(0, KEPT_CHARS)}… (${text.length} chars)` : text,
    });
    if (this.recent.length > KEPT_INPUTS) this.recent.shift();
  }

  /**
   * Resolves once fewer than `bytes` wait to be sent (so a fast fuzzer does not pile up memory).
   * A relay that reads nothing for `timeoutMs` gets the connection destroyed instead.
   */
  async drained(bytes = 1 << 20, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && this.socket.writableLength > bytes) {
      if (Date.now() > deadline) {
        this.socket.destroy();
        return;
      }
      await new Promise<void>((done) => {
        const timer = setTimeout(done, 200);
        this.socket.once('drain', () => {
          clearTimeout(timer);
          done();
        });
      });
    }
  }

  /** Half-closes, then destroys after `graceMs` if the relay keeps it open. */
  async end(graceMs = 500): Promise<void> {
    if (this.closed) return;
    this.socket.end();
    const timer = setTimeout(() => this.socket.destroy(), graceMs);
    await this.closedPromise;
    clearTimeout(timer);
  }
}

/** Opens a TCP connection to 127.0.0.1:`port` (for a {@link FuzzPeer}). */
export function openLoopback(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  return new Promise((done, fail) => {
    socket.once('connect', () => done(socket));
    socket.once('error', fail);
  });
}
