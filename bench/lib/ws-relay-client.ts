/**
 * A client of a running relay over its real WebSocket endpoint (web mode), as the renderer
 * connects: token cookie, own Origin. Numbers its own DAP requests. Keeps the session list from
 * `sessions.changed` and `sessions.patched`, and hands waiters the whole list after each patch.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import WebSocket from 'ws';
import type {
  AppEvents,
  AppMethod,
  AppMethods,
  RelayMessage,
} from '../../src-common/protocol/client-protocol.js';
import { SessionListMirror } from '../../src-common/protocol/session-list.js';

/** See the module comment. */
export class WsRelayClient {
  private seq = 1;
  private appId = 1;
  private readonly waiters = new Set<(m: RelayMessage) => boolean>();
  /** The session list as told (whole, then patches: `session-list.ts`). */
  private readonly sessionList = new SessionListMirror();

  private constructor(
    private readonly ws: WebSocket,
    skip?: (raw: Buffer) => boolean,
  ) {
    ws.on('message', (data: Buffer) => {
      if (skip?.(data)) return;
      const message = JSON.parse(data.toString('utf8')) as RelayMessage;
      this.deliver(message);
      if (message.type !== 'app-event') return;
      if (message.event === 'sessions.changed')
        this.sessionList.reset(message.body as AppEvents['sessions.changed']);
      // After a patch, the whole list it makes, as a `sessions.changed` (what waiters match).
      else if (
        message.event === 'sessions.patched' &&
        this.sessionList.patch(message.body as AppEvents['sessions.patched']) === 'applied'
      ) {
        const { sessions, version = 0 } = this.sessionList;
        this.deliver({ type: 'app-event', event: 'sessions.changed', body: { sessions, version } });
      }
    });
  }

  private deliver(message: RelayMessage): void {
    for (const waiter of [...this.waiters]) if (waiter(message)) this.waiters.delete(waiter);
  }

  /**
   * Connects to a web-mode server at `port` with its token. `skip` drops raw messages unread (a
   * benchmark's many clients in the relay's own process would otherwise bill their JSON parsing
   * of every session list and patch to the relay).
   */
  static async connect(
    port: number,
    token: string,
    skip?: (raw: Buffer) => boolean,
  ): Promise<WsRelayClient> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/client`, {
      headers: { Origin: `http://127.0.0.1:${port}`, Authorization: `Bearer ${token}` },
      perMessageDeflate: false,
    });
    // Listening from before the opening: the relay's first message (the session list) may come
    // in the same read as the handshake's answer.
    const client = new WsRelayClient(ws, skip);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  /** Resolves with the first message `match` accepts. */
  waitFor<T extends RelayMessage>(
    match: (m: RelayMessage) => boolean,
    timeoutMs = 60_000,
  ): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`no matching relay message within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (m: RelayMessage): boolean => {
        if (!match(m)) return false;
        clearTimeout(timer);
        resolve(m as T);
        return true;
      };
      this.waiters.add(waiter);
    });
  }

  async app<M extends AppMethod>(
    method: M,
    params: AppMethods[M]['params'],
  ): Promise<AppMethods[M]['result']> {
    const id = this.appId++;
    const reply = this.waitFor((m) => m.type === 'app-response' && m.id === id, 120_000);
    this.ws.send(JSON.stringify({ type: 'app', id, method, params }));
    const response = await reply;
    if (response.type !== 'app-response' || !response.ok)
      throw new Error(`${method} failed: ${JSON.stringify(response)}`);
    return response.result as AppMethods[M]['result'];
  }

  /** Sends a DAP request; resolves with its body, throws when it fails. */
  async dap<T>(sessionId: string, command: string, args?: unknown): Promise<T> {
    const seq = this.seq++;
    const reply = this.waitFor(
      (m) =>
        m.type === 'dap' &&
        m.sessionId === sessionId &&
        (m.message as DebugProtocol.Response).request_seq === seq &&
        m.message.type === 'response',
    );
    this.ws.send(
      JSON.stringify({
        type: 'dap',
        sessionId,
        message: { seq, type: 'request', command, arguments: args },
      }),
    );
    const message = await reply;
    const response = (message as { message: DebugProtocol.Response }).message;
    if (!response.success) throw new Error(`${command} failed: ${response.message ?? ''}`);
    return response.body as T;
  }

  /** Resolves with the next DAP event `event` of the session. */
  async dapEvent(sessionId: string, event: string): Promise<DebugProtocol.Event> {
    const message = await this.waitFor(
      (m) =>
        m.type === 'dap' &&
        m.sessionId === sessionId &&
        m.message.type === 'event' &&
        (m.message as DebugProtocol.Event).event === event,
    );
    return (message as { message: DebugProtocol.Event }).message;
  }

  /** Same chain as the bare client's `loadTopFrame`, through the relay. */
  async loadTopFrame(sessionId: string, threadId: number): Promise<void> {
    const { stackFrames } = await this.dap<DebugProtocol.StackTraceResponse['body']>(
      sessionId,
      'stackTrace',
      {
        threadId,
        startFrame: 0,
        levels: 1,
      },
    );
    const top = stackFrames[0];
    if (!top) throw new Error('no stack frame');
    const { scopes } = await this.dap<DebugProtocol.ScopesResponse['body']>(sessionId, 'scopes', {
      frameId: top.id,
    });
    if (scopes[0])
      await this.dap(sessionId, 'variables', { variablesReference: scopes[0].variablesReference });
  }

  close(): void {
    this.ws.close();
  }
}
