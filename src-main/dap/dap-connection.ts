/**
 * One DAP conversation over a byte stream: the "connection" layer above the framing transport
 * (compare microsoft/vscode `abstractDebugAdapter.ts`). It numbers what it sends, correlates
 * responses with pending requests, applies per-request timeouts, and delivers the peer's events,
 * responses and reverse requests in wire order.
 */
import type { Duplex } from 'node:stream';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { createLogger, type Logger } from '../log/logger.js';
import type {
  DapCommand,
  DapCommandArgs,
  DapCommandResponse,
} from '../../src-common/dap-commands.js';
import { DapConnectionClosedError, DapRequestError, DapTimeoutError } from './dap-errors.js';
import { classifyDapMessage } from './dap-message-shape.js';
import { DapFrameDecoder, DapFramingError, encodeDapMessage } from './framing.js';
import { InboundQueue } from './inbound-queue.js';
import { ListenerSet } from './listener-set.js';

/** Default time a request may wait for its response, in milliseconds. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/**
 * Bytes written to the peer and not yet taken by it above which reading from the peer pauses
 * (until the stream drains), in bytes. Well above any one message a session sends.
 */
export const MAX_UNSENT_BYTES = 4 * 1024 * 1024;

/** Received messages waiting for delivery above which reading from the peer pauses. */
export const MAX_WAITING_MESSAGES = 256;
/** ...and below which it resumes. */
const RESUME_WAITING_MESSAGES = 64;

/** Options of a {@link DapConnection}. */
export interface DapConnectionOptions {
  /** Names the peer in logs and errors, e.g. `tracer-1`. */
  name: string;
  /** Receives `dap:<name>` lines; defaults to a stderr logger. */
  logger?: Logger;
  /** Default per-request timeout in ms (default 10 000); 0 means no timeout. */
  requestTimeoutMs?: number;
}

/** Options of one request. */
export interface DapRequestOptions {
  /** Timeout in ms for this request; 0 means none (e.g. debugpy's `attach`). */
  timeoutMs?: number;
}

interface PendingRequest {
  command: string;
  resolve: (response: DebugProtocol.Response) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout | undefined;
  /** When it was sent, ms since the epoch. */
  sentAt: number;
}

/**
 * A DAP endpoint over a Node `Duplex` (a `net.Socket`, or an in-memory pair in tests). Either side
 * of the protocol can use it: a client calls {@link sendRequest}, a fake tracer answers with
 * {@link sendResponse} and {@link sendEvent}.
 *
 * Ordering: messages from the peer are delivered in wire order. Like VS Code's debug adapter
 * layer, a task boundary (`setImmediate`) separates each delivery from the next unless both are
 * events, so the code awaiting a response runs (its microtasks drain) before a later event is
 * delivered: a `stopped` sent after the `continue` response is seen after it.
 *
 * Robustness: bad bytes from the peer never throw out of the stream handler. A framing error closes
 * the connection (messages completed before it are still delivered); a well-framed message that is
 * not DAP, or a response to no pending request, is logged and dropped. A throwing listener is
 * logged and the others still run.
 */
export class DapConnection {
  /** The name given in the options. */
  readonly name: string;
  private readonly log: Logger;
  private readonly defaultTimeoutMs: number;
  private readonly decoder = new DapFrameDecoder();
  private readonly pending = new Map<number, PendingRequest>();
  private readonly inbound: InboundQueue;
  private readonly eventListeners = new ListenerSet<DebugProtocol.Event>();
  private readonly requestListeners = new ListenerSet<DebugProtocol.Request>();
  private readonly closeListeners = new ListenerSet<string>();
  private nextSeq = 1;
  /** When bytes last came from the peer (or the connection was made), ms since the epoch. */
  private lastReceived = Date.now();
  /** Set when closing starts; no more sends from then on. */
  private closeReason: string | undefined;
  private closeFinished = false;
  /**
   * Why reading from the peer is paused: it does not read what we sent (`unsent`, see
   * {@link write}), or it sends faster than its messages are delivered (`inbound`). Reading
   * resumes when no reason is left.
   */
  private readonly pausedFor = new Set<'unsent' | 'inbound'>();

  constructor(
    private readonly stream: Duplex,
    options: DapConnectionOptions,
  ) {
    this.name = options.name;
    this.log = (options.logger ?? createLogger()).child(`dap:${options.name}`);
    this.defaultTimeoutMs = checkTimeout(options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS);
    this.inbound = new InboundQueue(
      (message) => this.dispatch(message),
      (reason) => this.finishClose(reason),
      (error) => this.log.error('failed to deliver a message', { error: String(error) }),
      (waiting) => this.onInboundProgress(waiting),
    );
    stream.on('data', (chunk: Buffer | string) => this.receive(chunk));
    stream.on('end', () => this.beginClose('the peer ended the stream'));
    stream.on('error', (error: Error) => this.beginClose(`stream error: ${error.message}`));
    stream.on('close', () => this.beginClose('the stream closed'));
  }

  /** Bytes of an unfinished frame from the peer held now (0 once closed). */
  get bufferedBytes(): number {
    return this.decoder.bufferedBytes;
  }

  /** True while reading from the peer is paused because it does not read (see {@link write}). */
  get isReadPaused(): boolean {
    return this.pausedFor.size > 0;
  }

  /** True once the connection is closing or closed: sends fail from then on. */
  get isClosed(): boolean {
    return this.closeReason !== undefined;
  }

  /** Requests sent and not yet answered, timed out or rejected. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** When bytes last came from the peer (the connection's creation before any), ms since the epoch. */
  get lastReceivedAt(): number {
    return this.lastReceived;
  }

  /** When the longest-waiting request still unanswered was sent (ms since the epoch), if any. */
  get oldestPendingSentAt(): number | undefined {
    // A Map iterates in insertion order: the first entry is the oldest.
    return this.pending.values().next().value?.sentAt;
  }

  /**
   * Sends a request and resolves with the peer's response, successful or not (`success: false`
   * responses resolve too: the relay forwards them as they are).
   *
   * @throws {DapTimeoutError} (rejection) after `timeoutMs` (default: the connection's); the
   *   pending entry is forgotten and a late response is logged and dropped.
   * @throws {DapConnectionClosedError} (rejection) if the connection is closed or closes first.
   */
  sendRequest(
    command: string,
    args?: unknown,
    options: DapRequestOptions = {},
  ): Promise<DebugProtocol.Response> {
    if (this.closeReason !== undefined) {
      return Promise.reject(new DapConnectionClosedError(command, this.name, this.closeReason));
    }
    const timeoutMs = checkTimeout(options.timeoutMs ?? this.defaultTimeoutMs);
    const seq = this.nextSeq++;
    return new Promise<DebugProtocol.Response>((resolve, reject) => {
      const entry: PendingRequest = {
        command,
        resolve,
        reject,
        timer: undefined,
        sentAt: Date.now(),
      };
      if (timeoutMs > 0) {
        entry.timer = setTimeout(() => {
          this.pending.delete(seq);
          this.log.warn('request timed out', { command, seq, timeoutMs });
          reject(new DapTimeoutError(command, timeoutMs));
        }, timeoutMs);
      }
      this.pending.set(seq, entry);
      const request: DebugProtocol.Request = { seq, type: 'request', command };
      if (args !== undefined) request.arguments = args;
      this.write(request);
    });
  }

  /**
   * Sends a standard DAP request with typed arguments and resolves with its typed response, or
   * rejects with {@link DapRequestError} (carrying the response) when `success` is false. Other
   * rejections as {@link sendRequest}.
   */
  async call<C extends DapCommand>(
    command: C,
    args: DapCommandArgs<C>,
    options?: DapRequestOptions,
  ): Promise<DapCommandResponse<C>> {
    const response = await this.sendRequest(command, args, options);
    if (!response.success) throw new DapRequestError(response);
    return response;
  }

  /**
   * Answers a request from the peer (a reverse request such as `runInTerminal`, or any request
   * when this side plays the tracer). With `error`, sends `success: false` and `message: error`.
   * Returns false (and logs) if the connection is closed.
   */
  sendResponse(request: DebugProtocol.Request, body?: unknown, error?: string): boolean {
    const response: DebugProtocol.Response = {
      seq: 0,
      type: 'response',
      request_seq: request.seq,
      command: request.command,
      success: error === undefined,
    };
    if (error !== undefined) response.message = error;
    if (body !== undefined) response.body = body;
    return this.sendNumbered(response);
  }

  /** Sends an event (`body` optional). Returns false (and logs) if the connection is closed. */
  sendEvent(event: string, body?: unknown): boolean {
    const message: DebugProtocol.Event = { seq: 0, type: 'event', event };
    if (body !== undefined) message.body = body;
    return this.sendNumbered(message);
  }

  /** Calls `listener` for each event from the peer, in wire order. Returns an unsubscribe. */
  onEvent(listener: (event: DebugProtocol.Event) => void): () => void {
    return this.eventListeners.add(listener);
  }

  /**
   * Calls `listener` for each request from the peer (reverse requests such as `runInTerminal`);
   * the listener answers with {@link sendResponse}. While no listener is registered, requests are
   * answered at once with an error, so the peer never waits forever. Returns an unsubscribe.
   */
  onRequest(listener: (request: DebugProtocol.Request) => void): () => void {
    return this.requestListeners.add(listener);
  }

  /**
   * Calls `listener` once with the reason when the connection has closed (after every message
   * received before the close was delivered). Registered after that, it is called on the next
   * microtask. Returns an unsubscribe.
   */
  onClose(listener: (reason: string) => void): () => void {
    if (this.closeFinished) {
      const reason = this.closeReason ?? 'closed';
      queueMicrotask(() => this.closeListeners.emitTo(listener, reason, this.log, 'close'));
      return () => undefined;
    }
    return this.closeListeners.add(listener);
  }

  /**
   * Closes now: ends the stream (flushing what was written), drops undelivered messages, rejects
   * every pending request with {@link DapConnectionClosedError} and fires the close listeners once.
   * Calling it again does nothing.
   */
  close(reason: string): void {
    if (this.closeFinished) return;
    this.beginClose(reason);
    const dropped = this.inbound.clear();
    if (dropped > 0) this.log.debug('dropped undelivered messages on close', { dropped });
    this.finishClose(this.closeReason ?? reason);
  }

  private sendNumbered(message: DebugProtocol.ProtocolMessage): boolean {
    if (this.closeReason !== undefined) {
      this.log.debug('not sent: connection closed', { type: message.type });
      return false;
    }
    message.seq = this.nextSeq++;
    this.write(message);
    return true;
  }

  private write(message: DebugProtocol.ProtocolMessage): void {
    if (!this.stream.writable) {
      this.beginClose('the stream is no longer writable');
      return;
    }
    this.stream.write(encodeDapMessage(message));
    // Backpressure: a peer that sends requests (or anything we answer) but never reads would
    // grow our unsent buffer without bound; stop reading from it until it has read, so its own
    // writes block instead (TCP flow control carries the wait back to it).
    if (!this.pausedFor.has('unsent') && this.stream.writableLength > MAX_UNSENT_BYTES) {
      this.pauseFor('unsent');
      this.log.warn('the peer is not reading; reading from it paused until it does', {
        unsentBytes: this.stream.writableLength,
      });
      this.stream.once('drain', () => this.resumeFrom('unsent'));
    }
  }

  private pauseFor(reason: 'unsent' | 'inbound'): void {
    if (this.pausedFor.size === 0) this.stream.pause();
    this.pausedFor.add(reason);
  }

  private resumeFrom(reason: 'unsent' | 'inbound'): void {
    if (!this.pausedFor.delete(reason)) return;
    if (this.pausedFor.size === 0 && this.closeReason === undefined) this.stream.resume();
  }

  /** Messages waiting for delivery: past {@link MAX_WAITING_MESSAGES}, reading pauses. */
  private onInboundProgress(waiting: number): void {
    if (waiting <= RESUME_WAITING_MESSAGES) this.resumeFrom('inbound');
  }

  private receive(chunk: Buffer | string): void {
    if (this.closeReason !== undefined) return;
    this.lastReceived = Date.now();
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    let messages: readonly unknown[];
    try {
      messages = this.decoder.push(bytes);
    } catch (error) {
      const reason = error instanceof DapFramingError ? error.reason : String(error);
      if (error instanceof DapFramingError)
        error.precedingMessages.forEach((m) => this.inbound.push(m));
      this.log.error('framing error from peer; closing', { reason });
      this.beginClose(`framing error from peer: ${reason}`);
      this.stream.destroy();
      return;
    }
    for (const message of messages) this.inbound.push(message);
    // A peer that writes small frames faster than they are delivered (one per task) would grow
    // the queue without bound: stop reading until it has drained.
    if (this.inbound.length > MAX_WAITING_MESSAGES && !this.pausedFor.has('inbound'))
      this.pauseFor('inbound');
  }

  private dispatch(value: unknown): void {
    const classified = classifyDapMessage(value);
    switch (classified.kind) {
      case 'invalid':
        this.log.warn('dropped invalid message from peer', { problem: classified.problem });
        return;
      case 'event':
        this.eventListeners.emit(classified.message, this.log, 'event');
        return;
      case 'request':
        if (this.requestListeners.size === 0) {
          const { command } = classified.message;
          this.log.warn('no handler for request from peer', { command });
          this.sendResponse(classified.message, undefined, `request "${command}" is not handled`);
          return;
        }
        this.requestListeners.emit(classified.message, this.log, 'request');
        return;
      case 'response': {
        const response = classified.message;
        const entry = this.pending.get(response.request_seq);
        if (!entry) {
          this.log.warn('dropped response to no pending request (late or unknown)', {
            command: response.command,
            request_seq: response.request_seq,
          });
          return;
        }
        this.pending.delete(response.request_seq);
        if (entry.timer) clearTimeout(entry.timer);
        entry.resolve(response);
        return;
      }
    }
  }

  /** Stops sending at once; the close completes after already-received messages are delivered. */
  private beginClose(reason: string): void {
    if (this.closeReason !== undefined) return;
    this.closeReason = reason;
    this.decoder.discard();
    this.log.info('connection closing', { reason });
    this.inbound.pushClose(reason);
  }

  private endStream(): void {
    if (this.stream.destroyed) return;
    if (!this.stream.writableEnded) this.stream.end();
    setTimeout(() => {
      if (!this.stream.destroyed) this.stream.destroy();
    }, CLOSE_GRACE_MS).unref();
  }

  private finishClose(reason: string): void {
    if (this.closeFinished) return;
    this.closeFinished = true;
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const entry of pending) {
      if (entry.timer) clearTimeout(entry.timer);
      entry.reject(new DapConnectionClosedError(entry.command, this.name, reason));
    }
    this.endStream();
    this.closeListeners.emit(reason, this.log, 'close');
    this.closeListeners.clear();
    this.eventListeners.clear();
    this.requestListeners.clear();
  }
}

/**
 * Time a closed connection's stream gets to flush and see the peer's end before it is destroyed,
 * in ms (so a peer that never closes its side cannot keep a half-open socket alive).
 */
export const CLOSE_GRACE_MS = 2_000;

function checkTimeout(ms: number): number {
  if (!Number.isFinite(ms) || ms < 0) {
    throw new RangeError(`request timeout must be a finite number of ms >= 0, got ${ms}`);
  }
  return ms;
}
