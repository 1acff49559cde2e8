import type { DebugProtocol } from '@vscode/debugprotocol';
import type {
  AppErrorCode,
  AppEventName,
  AppEvents,
  AppMethod,
  AppMethods,
  ClientMessage,
  RelayMessage,
} from '../../src-common/protocol/client-protocol.js';
import type { RelayTransport } from './relay-transport.js';
import { errorMessage } from '../../src-common/errors.js';

/** Connection to the relay, as the UI shows it. */
export type ConnectionState = 'connecting' | 'connected' | 'lost';

/** A failed app request: `code` is the relay's error code, `message` one plain sentence. */
export class RelayRequestError extends Error {
  constructor(
    readonly code: AppErrorCode | 'timeout' | 'disconnected',
    message: string,
  ) {
    super(message);
    this.name = 'RelayRequestError';
  }
}

/** Default time limit for DAP requests and app requests other than `session.launch`, in ms. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** App methods that wait on the user (host-key prompt) and so get no time limit. */
const UNTIMED_METHODS: ReadonlySet<AppMethod> = new Set<AppMethod>([
  'session.launch',
  'tunnels.open',
  'logs.open',
]);

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

type DapEventListener = (sessionId: string, event: DebugProtocol.Event) => void;
type AppEventListener<E extends AppEventName> = (body: AppEvents[E]) => void;

/** Options of {@link RelayClient}. */
export interface RelayClientOptions {
  /** Time limit for requests, ms (default {@link DEFAULT_REQUEST_TIMEOUT_MS}). */
  timeoutMs?: number;
}

/**
 * The renderer's side of the client protocol (`src-common/protocol/client-protocol.ts`): correlates
 * app requests by `id` and DAP requests by the client's own `seq` (answered as `request_seq`), fans
 * out DAP events per session and app events by name, and rejects everything pending when the link
 * drops.
 */
export class RelayClient {
  private nextAppId = 1;
  private nextSeq = 1;
  private readonly pendingApp = new Map<number, Pending>();
  private readonly pendingDap = new Map<string, Pending>();
  private readonly dapListeners = new Set<DapEventListener>();
  private readonly appListeners = new Map<AppEventName, Set<(body: unknown) => void>>();
  private readonly stateListeners = new Set<(state: ConnectionState, reason?: string) => void>();
  private currentState: ConnectionState = 'connecting';
  private readonly timeoutMs: number;

  constructor(
    private readonly transport: RelayTransport,
    options: RelayClientOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  }

  /** The link's state; `lost` after a close until {@link connect} succeeds again. */
  get state(): ConnectionState {
    return this.currentState;
  }

  /** Opens (or reopens) the link. Safe to call again after `lost`. */
  connect(): void {
    this.setState('connecting');
    this.transport.connect({
      onOpen: () => this.setState('connected'),
      onMessage: (text) => this.receive(text),
      onClose: (reason) => {
        this.rejectAll(
          new RelayRequestError('disconnected', 'Connection to the Periscope relay was lost.'),
        );
        this.setState('lost', reason);
      },
    });
  }

  /** Registers a connection-state listener; returns its remover. */
  onStateChange(listener: (state: ConnectionState, reason?: string) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /**
   * Sends an app request and resolves with its result.
   * @throws {RelayRequestError} with the relay's `code` on a failed response; `timeout` after the
   *   time limit (none for `session.launch`); `disconnected` when the link is down or drops.
   */
  request<M extends AppMethod>(
    method: M,
    params: AppMethods[M]['params'],
  ): Promise<AppMethods[M]['result']> {
    const id = this.nextAppId++;
    const message: ClientMessage = { type: 'app', id, method, params };
    const timeout = UNTIMED_METHODS.has(method) ? undefined : this.timeoutMs;
    return this.sendPending(this.pendingApp, id, message, timeout, `${method}`) as Promise<
      AppMethods[M]['result']
    >;
  }

  /**
   * Sends a DAP request to one session, numbered with the client's own `seq`, and resolves with
   * the response — also when `success` is false (the caller reads `message`/`body.error`).
   * @throws {RelayRequestError} `timeout` after 30 s (DAP requests), `disconnected` on link loss.
   */
  dapRequest(sessionId: string, command: string, args?: unknown): Promise<DebugProtocol.Response> {
    const seq = this.nextSeq++;
    const request: DebugProtocol.Request = { seq, type: 'request', command };
    if (args !== undefined) request.arguments = args;
    const message: ClientMessage = { type: 'dap', sessionId, message: request };
    return this.sendPending(
      this.pendingDap,
      `${sessionId}:${seq}`,
      message,
      this.timeoutMs,
      command,
    ) as Promise<DebugProtocol.Response>;
  }

  /** Listens to DAP events of every session; returns the remover. */
  onDapEvent(listener: DapEventListener): () => void {
    this.dapListeners.add(listener);
    return () => this.dapListeners.delete(listener);
  }

  /** Listens to one app event; returns the remover. */
  onAppEvent<E extends AppEventName>(event: E, listener: AppEventListener<E>): () => void {
    let set = this.appListeners.get(event);
    if (!set) {
      set = new Set();
      this.appListeners.set(event, set);
    }
    const wrapped = listener as (body: unknown) => void;
    set.add(wrapped);
    return () => set.delete(wrapped);
  }

  private sendPending<K>(
    map: Map<K, Pending>,
    key: K,
    message: ClientMessage,
    timeoutMs: number | undefined,
    what: string,
  ): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (this.currentState !== 'connected') {
        reject(new RelayRequestError('disconnected', 'Not connected to the Periscope relay.'));
        return;
      }
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              map.delete(key);
              reject(
                new RelayRequestError('timeout', `The relay did not answer "${what}" in time.`),
              );
            }, timeoutMs);
      map.set(key, { resolve, reject, timer });
      try {
        this.transport.send(JSON.stringify(message));
      } catch (err) {
        map.delete(key);
        if (timer) clearTimeout(timer);
        reject(new RelayRequestError('disconnected', errorMessage(err)));
      }
    });
  }

  private settle<K>(map: Map<K, Pending>, key: K): Pending | undefined {
    const pending = map.get(key);
    if (!pending) return undefined;
    map.delete(key);
    if (pending.timer) clearTimeout(pending.timer);
    return pending;
  }

  private receive(text: string): void {
    let message: RelayMessage;
    try {
      message = JSON.parse(text) as RelayMessage;
    } catch {
      console.warn('periscope: ignoring a relay message that is not JSON');
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    switch (message.type) {
      case 'app-response': {
        const pending = this.settle(this.pendingApp, message.id);
        if (!pending) {
          if (!message.ok) console.warn(`periscope: relay error: ${message.error.message}`);
          return;
        }
        if (message.ok) pending.resolve(message.result);
        else pending.reject(new RelayRequestError(message.error.code, message.error.message));
        return;
      }
      case 'app-event': {
        for (const listener of this.appListeners.get(message.event) ?? []) {
          this.deliver(() => listener(message.body));
        }
        return;
      }
      case 'dap': {
        const dap = message.message;
        if (dap.type === 'response') {
          const response = dap as DebugProtocol.Response;
          const key = `${message.sessionId}:${response.request_seq}`;
          this.settle(this.pendingDap, key)?.resolve(response);
        } else if (dap.type === 'event') {
          const event = dap as DebugProtocol.Event;
          for (const listener of this.dapListeners) {
            this.deliver(() => listener(message.sessionId, event));
          }
        }
        return;
      }
      default:
        return;
    }
  }

  private deliver(call: () => void): void {
    try {
      call();
    } catch (err) {
      console.error('periscope: an event listener failed', err);
    }
  }

  private rejectAll(error: Error): void {
    for (const map of [this.pendingApp, this.pendingDap] as Map<unknown, Pending>[]) {
      for (const [key, pending] of map) {
        map.delete(key);
        if (pending.timer) clearTimeout(pending.timer);
        pending.reject(error);
      }
    }
  }

  private setState(state: ConnectionState, reason?: string): void {
    this.currentState = state;
    for (const listener of this.stateListeners) this.deliver(() => listener(state, reason));
  }
}
