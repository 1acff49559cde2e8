/**
 * Client requests forwarded to the tracer (per-client seq mapping). Each client numbers its
 * requests itself; the relay sends each one on its own connection to the tracer, under that
 * connection's seq numbers (`DapConnection`), and answers the client that asked with the client's
 * own `request_seq` ({@link replyTo}). Each client may have a bounded number of requests in flight,
 * and each waits a bounded time. Read-only requests after a stop are answered from what the relay
 * prefetched (`stop-cache.ts`).
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { SessionLimits } from './session-limits.js';
import type { LocalAnswer } from './relay-answered.js';
import type { SessionClient } from './session-clients.js';
import { StopCache } from './stop-cache.js';
import type { TracerLink } from './tracer-link.js';
import { errorMessage } from '../../src-common/errors.js';

/** How long a forwarded client request may wait for the tracer, in ms. */
export const CLIENT_REQUEST_TIMEOUT_MS = 30_000;
/** Default most requests one client may have in flight on one session. */
export const MAX_PENDING_PER_CLIENT = 64;

/**
 * Answers `client`'s `request` on session `sessionId`: the response gets the client's
 * `request_seq` and `command` (its `seq` is the client's own numbering,
 * `backend/clients/client-handle.ts`). Given the tracer's whole response, its envelope fields are
 * replaced in the one copy made (the answer to one client; the tracer's object may be shared by
 * the stop cache).
 */
export function replyTo(
  sessionId: string,
  client: SessionClient,
  request: DebugProtocol.Request,
): (response: LocalAnswer | DebugProtocol.Response) => void {
  return (response) =>
    client.sendDap(sessionId, {
      ...response,
      seq: 0,
      type: 'response',
      request_seq: request.seq,
      command: request.command,
    });
}

/** See the module comment. */
export class RequestForwarding {
  /** Requests in flight, per client. */
  private readonly pending = new Map<SessionClient, number>();
  private readonly requestTimeoutMs: number;
  private readonly maxPendingPerClient: number;
  /** Read-only answers after a stop, prefetched and shared by the clients (`stop-cache.ts`). */
  private readonly stopCache: StopCache;

  /**
   * @param tracer its `connection` is read at each request (it changes on re-attach).
   * @param onAfterError told when reading an answer (the `after` of {@link forward}) threw; the
   *   client already has its answer.
   */
  constructor(
    private readonly tracer: TracerLink,
    limits: Pick<SessionLimits, 'requestTimeoutMs' | 'maxPendingPerClient'>,
    private readonly onAfterError?: (command: string, error: unknown) => void,
  ) {
    this.requestTimeoutMs = limits.requestTimeoutMs ?? CLIENT_REQUEST_TIMEOUT_MS;
    this.maxPendingPerClient = limits.maxPendingPerClient ?? MAX_PENDING_PER_CLIENT;
    this.stopCache = new StopCache((command, args) =>
      this.tracer.connection.sendRequest(command, args, { timeoutMs: this.requestTimeoutMs }),
    );
  }

  /** Keeps the stop cache right: a stop prefetches; anything but output may change the state. */
  onTracerEvent(event: DebugProtocol.Event): void {
    if (event.event === 'stopped') {
      const threadId = (event.body as { threadId?: unknown } | undefined)?.threadId;
      this.stopCache.onStopped(Number.isSafeInteger(threadId) ? (threadId as number) : undefined);
    } else if (event.event !== 'output') {
      this.stopCache.clear();
    }
  }

  /**
   * Sends `request` to the tracer and answers with its response, then calls `after` with it.
   * Answers with an error instead when the tracer fails or times out, or when `client` already has
   * its most requests in flight. Never rejects.
   */
  async forward(
    client: SessionClient,
    request: DebugProtocol.Request,
    answer: (response: LocalAnswer | DebugProtocol.Response) => void,
    after: (response: DebugProtocol.Response) => void,
  ): Promise<void> {
    const inFlight = this.pending.get(client) ?? 0;
    if (inFlight >= this.maxPendingPerClient) {
      answer({
        success: false,
        message: `Too many requests in flight: this client already has ${inFlight} unanswered requests (limit ${this.maxPendingPerClient}). Wait for the tracer's answers.`,
      });
      return;
    }
    this.pending.set(client, inFlight + 1);
    try {
      const response = await (this.stopCache.lookup(request.command, request.arguments) ??
        this.tracer.connection.sendRequest(request.command, request.arguments, {
          timeoutMs: this.requestTimeoutMs,
        }));
      answer(response);
      // What the session reads from the answer must not answer the client a second time.
      try {
        after(response);
      } catch (error) {
        this.onAfterError?.(request.command, error);
      }
    } catch (error) {
      answer({ success: false, message: errorMessage(error) });
    } finally {
      const left = (this.pending.get(client) ?? 1) - 1;
      if (left > 0) this.pending.set(client, left);
      else this.pending.delete(client);
    }
  }

  /** Forgets `client`'s requests in flight (it left; their answers go nowhere). */
  drop(client: SessionClient): void {
    this.pending.delete(client);
  }
}
