/**
 * One debug session: one tracer (a debugpy adapter the relay attached to) shared by any number of
 * clients. The session
 * - performs the attach handshake with the tracer (`attach-handshake.ts`),
 * - routes each client request to the tracer under the tracer connection's own seq numbers and
 *   answers the client that asked with its own `request_seq` (per-client seq mapping),
 * - broadcasts the tracer's events to every joined client, in arrival order,
 * - answers the requests that belong to the tracer connection itself (`initialize`, `attach`,
 *   `launch`, `configurationDone`, `disconnect`) without bothering the tracer,
 * - keeps breakpoints as shared session state (the last `setBreakpoints` per source),
 * - tracks the session state (running / stopped / ended) for the Sessions list.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { DapConnection } from '../dap/dap-connection.js';
import type { Logger } from '../log/logger.js';
import type {
  AppEventName,
  AppEvents,
  SessionInfo,
  SessionState,
} from '../protocol/client-protocol.js';

/** A joined client as the session sees it. The relay's client handle implements it. */
export interface SessionClient {
  /** Relay-unique client id, for logs. */
  readonly id: string;
  /** Delivers a DAP response or event of session `sessionId` to this client. */
  sendDap(sessionId: string, message: DebugProtocol.Response | DebugProtocol.Event): void;
  /** Delivers an app event (e.g. the program's output) to this client. */
  sendEvent<E extends AppEventName>(event: E, body: AppEvents[E]): void;
}

/** The tracer side of a session: the DAP connection and whatever keeps it alive. */
export interface TracerLink {
  readonly connection: DapConnection;
  /** Settles when the debugged program's process has exited, when the link can tell. */
  readonly programExit?: Promise<ProgramExit>;
  /**
   * Ends the tracer side for good: terminates the remote program, closes the forward and the SSH
   * connection. Idempotent; never rejects.
   */
  dispose(): Promise<void>;
}

/** How a program's process ended (SSH exit-status / exit-signal). */
export interface ProgramExit {
  code: number | null;
  signal: string | null;
}

/** How long to wait for the program's exit status once the debugger says it is over, in ms. */
const EXIT_STATUS_WAIT_MS = 3000;

/** Requests the relay answers itself: they concern the relay's own connection to the tracer. */
const RELAY_ANSWERED = new Set([
  'initialize',
  'attach',
  'launch',
  'configurationDone',
  'disconnect',
]);

/** Requests after whose success the program runs again (DAP "continued" semantics). */
const RESUMING = new Set([
  'continue',
  'next',
  'stepIn',
  'stepOut',
  'stepBack',
  'reverseContinue',
  'goto',
]);

/** How long a forwarded client request may wait for the tracer, in ms. */
export const CLIENT_REQUEST_TIMEOUT_MS = 30_000;

/** Options of {@link DebugSession}. */
export interface DebugSessionOptions {
  info: Omit<SessionInfo, 'state' | 'endReason'>;
  tracer: TracerLink;
  logger: Logger;
  /** Called whenever `info` changes (state, end). */
  onChange: (session: DebugSession) => void;
}

/** See the module comment. */
export class DebugSession {
  readonly id: string;
  /** Capabilities from the tracer's `initialize` response (DAP `Capabilities`); `{}` until attached. */
  capabilities: DebugProtocol.Capabilities = {};
  private readonly clients = new Set<SessionClient>();
  private readonly tracer: TracerLink;
  private readonly logger: Logger;
  private readonly onChange: (session: DebugSession) => void;
  private readonly baseInfo: Omit<SessionInfo, 'state' | 'endReason'>;
  private state: SessionState = 'starting';
  private endReason: string | undefined;
  private exitCode: number | undefined;
  /** Last `setBreakpoints` arguments per source path (or `ref:<sourceReference>`). */
  private readonly breakpointsBySource = new Map<string, DebugProtocol.SetBreakpointsArguments>();
  private readonly unsubscribe: (() => void)[] = [];
  private terminatedBroadcast = false;
  private finishing: Promise<void> | undefined;

  constructor(options: DebugSessionOptions) {
    this.baseInfo = options.info;
    this.id = options.info.id;
    this.tracer = options.tracer;
    this.logger = options.logger;
    this.onChange = options.onChange;
    const connection = this.tracer.connection;
    this.unsubscribe.push(connection.onEvent((event) => this.onTracerEvent(event)));
    connection.onClose(
      (reason) =>
        void this.finish(
          this.terminatedBroadcast ? 'the program ended' : `debugger connection closed: ${reason}`,
        ),
    );
  }

  /** The session as listed to clients. */
  get info(): SessionInfo {
    return {
      ...this.baseInfo,
      state: this.state,
      ...(this.endReason ? { endReason: this.endReason } : {}),
    };
  }

  get isEnded(): boolean {
    return this.state === 'ended';
  }

  /**
   * Marks the handshake as done. The session exists (and relays events) from before the
   * handshake, so a `stopped` event that comes right after `configurationDone` is not lost.
   */
  markAttached(capabilities: DebugProtocol.Capabilities): void {
    this.capabilities = capabilities;
    if (this.state === 'starting') this.setState('running');
  }

  /** Remembers breakpoints sent during the handshake so they count as shared state. */
  recordBreakpoints(args: DebugProtocol.SetBreakpointsArguments): void {
    this.breakpointsBySource.set(sourceKey(args.source), args);
  }

  /** The shared breakpoint state: the last `setBreakpoints` arguments of each source. */
  get breakpoints(): DebugProtocol.SetBreakpointsArguments[] {
    return [...this.breakpointsBySource.values()];
  }

  join(client: SessionClient): void {
    this.clients.add(client);
  }

  leave(client: SessionClient): void {
    this.clients.delete(client);
  }

  hasClient(client: SessionClient): boolean {
    return this.clients.has(client);
  }

  /**
   * Handles one validated DAP request from a joined client. Always answers exactly once, with the
   * client's `request_seq`: the tracer's response, or an error response when the tracer fails,
   * times out, or the session has ended.
   */
  async handleClientRequest(client: SessionClient, request: DebugProtocol.Request): Promise<void> {
    const answer = (
      response: Omit<DebugProtocol.Response, 'seq' | 'type' | 'request_seq' | 'command'>,
    ): void =>
      client.sendDap(this.id, {
        seq: 0,
        type: 'response',
        request_seq: request.seq,
        command: request.command,
        ...response,
      });
    if (RELAY_ANSWERED.has(request.command)) {
      answer(this.answerLocally(client, request));
      return;
    }
    if (this.isEnded || this.tracer.connection.isClosed) {
      answer({
        success: false,
        message: `The session has ended (${this.endReason ?? 'tracer gone'}).`,
      });
      return;
    }
    try {
      const response = await this.tracer.connection.sendRequest(
        request.command,
        request.arguments,
        {
          timeoutMs: CLIENT_REQUEST_TIMEOUT_MS,
        },
      );
      const { seq: _seq, type: _type, request_seq: _rs, command: _c, ...rest } = response;
      answer(rest);
      if (response.success) this.afterSuccess(request);
    } catch (error) {
      answer({ success: false, message: error instanceof Error ? error.message : String(error) });
    }
  }

  /** Ends the session: tells every client, then tears down the tracer side. Idempotent. */
  async close(reason = 'closed by the user'): Promise<void> {
    if (!this.isEnded) {
      const connection = this.tracer.connection;
      if (!connection.isClosed) {
        // Ask debugpy to end the program first (DAP "disconnect" with terminateDebuggee); the
        // tracer link then kills whatever is left.
        await connection
          .sendRequest('disconnect', { terminateDebuggee: true }, { timeoutMs: 2000 })
          .catch(() => undefined);
      }
      this.end(reason);
    }
    await this.tracer.dispose();
  }

  private answerLocally(
    client: SessionClient,
    request: DebugProtocol.Request,
  ): Omit<DebugProtocol.Response, 'seq' | 'type' | 'request_seq' | 'command'> {
    switch (request.command) {
      case 'initialize':
        return { success: true, body: this.capabilities };
      case 'configurationDone':
        return { success: true };
      case 'disconnect':
        // A client leaving never stops the program (the session's other clients keep it).
        this.leave(client);
        return { success: true };
      default:
        return {
          success: false,
          message: `The relay already holds this session's tracer; "${request.command}" is not needed. Join the session instead.`,
        };
    }
  }

  private afterSuccess(request: DebugProtocol.Request): void {
    if (request.command === 'setBreakpoints' && request.arguments) {
      this.recordBreakpoints(request.arguments as DebugProtocol.SetBreakpointsArguments);
    }
    if (RESUMING.has(request.command)) this.setState('running');
  }

  private onTracerEvent(event: DebugProtocol.Event): void {
    switch (event.event) {
      case 'stopped':
        this.setState('stopped');
        break;
      case 'continued':
        this.setState('running');
        break;
      case 'exited':
        this.exitCode = (event as DebugProtocol.ExitedEvent).body.exitCode;
        break;
      default:
        break;
    }
    this.broadcast(event);
    if (event.event === 'terminated') {
      this.terminatedBroadcast = true;
      // debugpy's adapter stays until its client leaves, and the SSH channel (hence the exit
      // status) closes only when it has gone: so leave first, then collect the exit status.
      void this.tracer.connection
        .sendRequest('disconnect', {}, { timeoutMs: 1000 })
        .catch(() => undefined)
        .then(() => this.tracer.connection.close('the program ended'))
        .then(() => this.finish('the program ended'))
        .then(() => this.tracer.dispose());
    }
  }

  /** Sends an app event to every client of the session (e.g. `session.output`). */
  broadcastAppEvent<E extends AppEventName>(event: E, body: AppEvents[E]): void {
    for (const client of this.clients) client.sendEvent(event, body);
  }

  private broadcast(event: DebugProtocol.Event): void {
    for (const client of this.clients) {
      try {
        client.sendDap(this.id, event);
      } catch (error) {
        this.logger.warn('could not deliver an event to a client', {
          client: client.id,
          error: String(error),
        });
      }
    }
  }

  /**
   * Ends the session once the debugger is gone, with the program's exit status when it comes
   * soon (debugpy's `exited` event, else the SSH exit status), otherwise with `fallback`.
   */
  private finish(fallback: string): Promise<void> {
    this.finishing ??= this.waitForExitThenEnd(fallback);
    return this.finishing;
  }

  private async waitForExitThenEnd(fallback: string): Promise<void> {
    if (this.isEnded) return;
    let reason = this.exitCode === undefined ? undefined : `exit code ${this.exitCode}`;
    if (reason === undefined && this.tracer.programExit) {
      const exit = await Promise.race([
        this.tracer.programExit,
        new Promise<undefined>((r) => setTimeout(() => r(undefined), EXIT_STATUS_WAIT_MS).unref()),
      ]);
      if (exit)
        reason =
          exit.code !== null ? `exit code ${exit.code}` : `killed by signal ${exit.signal ?? '?'}`;
    }
    this.end(reason ?? fallback);
  }

  private end(reason: string): void {
    if (this.isEnded) return;
    this.endReason = reason;
    this.state = 'ended';
    for (const off of this.unsubscribe) off();
    this.logger.info('session ended', { session: this.id, reason });
    // Clients still learn that the session is over when the tracer vanished without `terminated`.
    if (!this.terminatedBroadcast) {
      this.terminatedBroadcast = true;
      this.broadcast({ seq: 0, type: 'event', event: 'terminated', body: {} });
    }
    this.onChange(this);
  }

  private setState(state: SessionState): void {
    if (this.isEnded || this.state === state) return;
    this.state = state;
    this.onChange(this);
  }
}

function sourceKey(source: DebugProtocol.Source): string {
  return source.path ?? `ref:${source.sourceReference ?? 0}`;
}
