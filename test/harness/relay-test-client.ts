/**
 * An in-memory client of the relay for tests: a {@link ClientTransport} that records what the
 * relay sends and offers `app()` / `dap()` helpers that resolve with the matching answer. It keeps
 * the session list as a client does (`sessions.changed`, then `sessions.patched`) and, after each
 * patch, hands on the whole list it makes as a `sessions.changed`.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type {
  AppEventMessage,
  AppEventName,
  AppEvents,
  AppMethod,
  AppMethods,
  AppResponse,
  DapRelayMessage,
  RelayMessage,
} from '../../src-common/protocol/client-protocol.js';
import type { ClientTransport } from '../../src-main/backend/clients/client-transport.js';
import { SessionListMirror } from '../../src-common/protocol/session-list.js';

type Waiter = { match: (m: RelayMessage) => boolean; resolve: (m: RelayMessage) => void };

/** See the module comment. */
export class RelayTestClient implements ClientTransport {
  readonly received: RelayMessage[] = [];
  closedWith: string | undefined;
  private listener: ((message: string) => void) | undefined;
  private closeListener: (() => void) | undefined;
  private waiters: Waiter[] = [];
  private nextAppId = 1;

  constructor(readonly label = 'test client') {}

  /** The session list as this client was told it (whole, then patches). */
  readonly sessionList = new SessionListMirror();
  /** Patches that did not follow the list held (a relay bug): the messages as received. */
  readonly sessionListGaps: string[] = [];

  // ClientTransport
  send(message: string): void {
    const parsed = JSON.parse(message) as RelayMessage;
    this.deliver(parsed);
    // A patch is followed by the whole list it makes, as a `sessions.changed`: what a client
    // shows, and what tests wait for.
    if (parsed.type === 'app-event' && parsed.event === 'sessions.patched') {
      const outcome = this.sessionList.patch(parsed.body as AppEvents['sessions.patched']);
      if (outcome === 'gap') this.sessionListGaps.push(message);
      if (outcome === 'applied') {
        const { sessions, version = 0 } = this.sessionList;
        this.deliver({
          type: 'app-event',
          event: 'sessions.changed',
          body: { sessions, version },
        });
      }
    } else if (parsed.type === 'app-event' && parsed.event === 'sessions.changed') {
      this.sessionList.reset(parsed.body as AppEvents['sessions.changed']);
    }
  }

  private deliver(parsed: RelayMessage): void {
    this.received.push(parsed);
    this.onHostKeyPrompt?.(parsed);
    for (const observer of this.observers) observer(parsed);
    for (const waiter of [...this.waiters]) {
      if (waiter.match(parsed)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(parsed);
      }
    }
  }
  onMessage(listener: (message: string) => void): void {
    this.listener = listener;
  }
  onClose(listener: () => void): void {
    this.closeListener = listener;
  }
  close(reason: string): void {
    this.closedWith = reason;
    this.closeListener?.();
  }

  private readonly observers: ((message: RelayMessage) => void)[] = [];

  /** Calls `observer` with every message from now on, as it arrives (for timing). */
  observe(observer: (message: RelayMessage) => void): void {
    this.observers.push(observer);
  }

  /** Optional hook to answer host-key prompts automatically. */
  onHostKeyPrompt: ((message: RelayMessage) => void) | undefined;

  /** Sends a raw string as if it came over the wire. */
  sendRaw(raw: string): void {
    if (!this.listener) throw new Error('not connected to a relay');
    this.listener(raw);
  }

  /** Calls an app method; resolves with the response (ok or not). */
  async appRaw<M extends AppMethod>(
    method: M,
    params: AppMethods[M]['params'],
  ): Promise<AppResponse> {
    const id = this.nextAppId++;
    const response = this.waitFor((m) => m.type === 'app-response' && m.id === id, 120_000);
    this.sendRaw(JSON.stringify({ type: 'app', id, method, params }));
    return (await response) as AppResponse;
  }

  /** Calls an app method; rejects with the error message when it fails. */
  async app<M extends AppMethod>(
    method: M,
    params: AppMethods[M]['params'],
  ): Promise<AppMethods[M]['result']> {
    const response = await this.appRaw(method, params);
    if (!response.ok)
      throw Object.assign(new Error(response.error.message), { code: response.error.code });
    return response.result as AppMethods[M]['result'];
  }

  /** Sends a DAP request with the given seq; resolves with the response that answers it. */
  async dap(
    sessionId: string,
    seq: number,
    command: string,
    args?: unknown,
    timeoutMs = 30_000,
  ): Promise<DebugProtocol.Response> {
    const response = this.waitFor(
      (m) =>
        m.type === 'dap' &&
        m.sessionId === sessionId &&
        m.message.type === 'response' &&
        (m.message as DebugProtocol.Response).request_seq === seq,
      timeoutMs,
    );
    this.sendRaw(
      JSON.stringify({
        type: 'dap',
        sessionId,
        message: { seq, type: 'request', command, arguments: args },
      }),
    );
    return ((await response) as DapRelayMessage).message as DebugProtocol.Response;
  }

  /** Resolves with the next DAP event `event` of a session (already received ones count if `fromIndex` given). */
  dapEvent(
    sessionId: string,
    event: string,
    timeoutMs = 30_000,
    fromIndex?: number,
  ): Promise<DebugProtocol.Event> {
    const match = (m: RelayMessage): boolean =>
      m.type === 'dap' &&
      m.sessionId === sessionId &&
      m.message.type === 'event' &&
      (m.message as DebugProtocol.Event).event === event;
    const found = fromIndex === undefined ? undefined : this.received.slice(fromIndex).find(match);
    const message = found ? Promise.resolve(found) : this.waitFor(match, timeoutMs);
    return message.then((m) => (m as DapRelayMessage).message as DebugProtocol.Event);
  }

  /**
   * Resolves with the next DAP event `event` of ANY session (already received ones count from
   * `fromIndex`), with the session it came from.
   */
  anyDapEvent(
    event: string,
    timeoutMs = 30_000,
    fromIndex?: number,
  ): Promise<{ sessionId: string; event: DebugProtocol.Event }> {
    const match = (m: RelayMessage): boolean =>
      m.type === 'dap' &&
      m.message.type === 'event' &&
      (m.message as DebugProtocol.Event).event === event;
    const found = fromIndex === undefined ? undefined : this.received.slice(fromIndex).find(match);
    const message = found ? Promise.resolve(found) : this.waitFor(match, timeoutMs);
    return message.then((m) => ({
      sessionId: (m as DapRelayMessage).sessionId,
      event: (m as DapRelayMessage).message as DebugProtocol.Event,
    }));
  }

  /** Resolves with the next app event `event` that satisfies `predicate`. */
  appEvent<E extends AppEventName>(
    event: E,
    predicate: (body: AppEvents[E]) => boolean = () => true,
    timeoutMs = 30_000,
  ): Promise<AppEvents[E]> {
    return this.waitFor(
      (m) =>
        m.type === 'app-event' && m.event === event && predicate((m as AppEventMessage<E>).body),
      timeoutMs,
    ).then((m) => (m as AppEventMessage<E>).body);
  }

  /** Every DAP response received so far. */
  dapResponses(): DebugProtocol.Response[] {
    return this.received
      .filter((m): m is DapRelayMessage => m.type === 'dap' && m.message.type === 'response')
      .map((m) => m.message as DebugProtocol.Response);
  }

  /** Every failed app response received so far. */
  appErrors(): Extract<AppResponse, { ok: false }>[] {
    return this.received.filter(
      (m): m is Extract<AppResponse, { ok: false }> => m.type === 'app-response' && !m.ok,
    );
  }

  /** All text of `session.output` events so far, for a session (of one category if given). */
  output(sessionId: string, category?: string): string {
    return this.received
      .filter(
        (m): m is AppEventMessage<'session.output'> =>
          m.type === 'app-event' && m.event === 'session.output',
      )
      .filter((m) => m.body.sessionId === sessionId)
      .filter((m) => category === undefined || m.body.category === category)
      .map((m) => m.body.text)
      .join('');
  }

  /** All text of `logs.output` events so far, for a log tab. */
  logText(logId: string): string {
    return this.received
      .filter(
        (m): m is AppEventMessage<'logs.output'> =>
          m.type === 'app-event' && m.event === 'logs.output',
      )
      .filter((m) => m.body.logId === logId)
      .map((m) => m.body.text)
      .join('');
  }

  /** The numbers N of the lines `<word> N` in `text`, in order (e.g. a ticker's `tick 7`). */
  static numbered(text: string, word: string): number[] {
    const line = new RegExp(`^${word} (\\d+)$`);
    return text
      .split('\n')
      .map((l) => line.exec(l)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number);
  }

  private waitFor(match: (m: RelayMessage) => boolean, timeoutMs: number): Promise<RelayMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no matching relay message within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter = {
        match,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      this.waiters.push(waiter);
    });
  }
}
