/**
 * One debug session: one tracer (a debugpy adapter or a pydevd that dialled in) shared by any
 * number of clients. The session
 * - routes each client request to the tracer under the tracer connection's own seq numbers and
 *   answers the client that asked with its own `request_seq` (per-client seq mapping), with a cap
 *   on each client's requests in flight and a timeout on each;
 * - broadcasts the tracer's events to every joined client, in arrival order; program output is
 *   batched and kept in a bounded ring for late joiners (`output-ring.ts`);
 * - answers the requests that belong to the relay's own tracer connection (`initialize`, `attach`,
 *   `launch`, `configurationDone`, `disconnect`) itself, so a client can join a running session the
 *   way it would start one (`late-join.ts`);
 * - keeps breakpoints, watch expressions and the stopped state as shared session state, and tells
 *   the other clients what one client changed or typed in the console (`session-echo.ts`);
 * - tracks the session state (starting / running / stopped / ended) for the Sessions list.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { DapConnection } from '../dap/dap-connection.js';
import type { Logger } from '../log/logger.js';
import type {
  AppEventName,
  AppEvents,
  DapEndpointInfo,
  SessionCatchUp,
  SessionClientInfo,
  SessionInfo,
  SessionState,
} from '../protocol/client-protocol.js';
import { answerLocally, RELAY_ANSWERED, type LocalAnswer } from './late-join.js';
import { StopCache } from './stop-cache.js';
import { OutputBatcher, OutputRing, type OutputCategory, type OutputChunk } from './output-ring.js';
import { describeClient, echoEvaluation, shareBreakpointChange } from './session-echo.js';
import { SharedBreakpoints } from './shared-breakpoints.js';

/** A joined client as the session sees it. The relay's client handle implements it. */
export interface SessionClient {
  /** Relay-unique client id, for logs. */
  readonly id: string;
  /** Who it is for people (`Browser 2`, `Visual Studio Code (127.0.0.1:50112)`). */
  readonly name: string;
  /** `app`: speaks the client protocol; `dap`: a plain DAP client on the DAP endpoint. */
  readonly kind: 'app' | 'dap';
  /** Delivers a DAP response or event of session `sessionId` to this client. */
  sendDap(sessionId: string, message: DebugProtocol.Response | DebugProtocol.Event): void;
  /** Delivers an app event (e.g. the program's output) to this client (ignored by DAP clients). */
  sendEvent<E extends AppEventName>(event: E, body: AppEvents[E]): void;
}

/** The tracer side of a session: the DAP connection and whatever keeps it alive. */
export interface TracerLink {
  readonly connection: DapConnection;
  /** Settles when the debugged program's process has exited, when the link can tell. */
  readonly programExit?: Promise<ProgramExit>;
  /**
   * Ends the tracer side for good: for a launch, terminates the remote program and closes the
   * forward and the SSH connection; for a dialled-in tracer, closes its socket. Idempotent; never
   * rejects.
   */
  dispose(): Promise<void>;
  /**
   * Detach: lets go of the program without ending it (closes the DAP connection and the forward;
   * a launch keeps its SSH connection, which carries the program's output, until the program
   * exits). A later {@link dispose} no longer terminates the program. Absent: detach disposes.
   */
  release?(): void;
  /**
   * True while the link is re-establishing its transport (SSH reconnect): a DAP connection that
   * closes then does not end the session; the relay re-attaches and calls
   * {@link DebugSession.replaceTracer}, or ends the session if that fails.
   */
  reconnecting?(): boolean;
}

/** How a program's process ended (SSH exit-status / exit-signal). */
export interface ProgramExit {
  code: number | null;
  signal: string | null;
}

/** How long to wait for the program's exit status once the debugger says it is over, in ms. */
const EXIT_STATUS_WAIT_MS = 3000;

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
/** Default most requests one client may have in flight on one session. */
export const MAX_PENDING_PER_CLIENT = 64;

/** Limits of a session (all optional; defaults above and in `output-ring.ts`). */
export interface SessionLimits {
  /** Timeout of each forwarded request, in ms. */
  requestTimeoutMs?: number;
  /** Most requests in flight per client; more are refused with an error response. */
  maxPendingPerClient?: number;
  /** Memory bound of the output ring, in characters. */
  outputRingChars?: number;
  /** Output batching interval, in ms. */
  outputBatchMs?: number;
  /** Most output characters per batch. */
  outputBatchChars?: number;
}

/** Options of {@link DebugSession}. */
export interface DebugSessionOptions {
  info: Omit<SessionInfo, 'state' | 'endReason' | 'clients' | 'dapEndpoint'>;
  tracer: TracerLink;
  logger: Logger;
  /** Called whenever `info` changes (state, clients, process, end). */
  onChange: (session: DebugSession) => void;
  limits?: SessionLimits;
}

/** See the module comment. */
export class DebugSession {
  readonly id: string;
  /** Capabilities from the tracer's `initialize` response (DAP `Capabilities`); `{}` until attached. */
  capabilities: DebugProtocol.Capabilities = {};
  /** Describes the session's open DAP endpoint; set by the relay while one is open. */
  dapEndpoint: (() => DapEndpointInfo) | undefined;
  private readonly clients = new Set<SessionClient>();
  private readonly pending = new Map<SessionClient, number>();
  private readonly tracer: TracerLink;
  private readonly logger: Logger;
  private readonly onChange: (session: DebugSession) => void;
  private baseInfo: Omit<SessionInfo, 'state' | 'endReason' | 'clients' | 'dapEndpoint'>;
  private readonly limits: Required<
    Pick<SessionLimits, 'requestTimeoutMs' | 'maxPendingPerClient'>
  >;
  private state: SessionState = 'starting';
  private endReason: string | undefined;
  private exitCode: number | undefined;
  private readonly sharedBreakpoints = new SharedBreakpoints();
  private watchExpressions: string[] = [];
  private stoppedBody: DebugProtocol.StoppedEvent['body'] | undefined;
  /** Threads as last seen (a `threads` response, then `thread` events), by id. */
  private readonly threads = new Map<number, DebugProtocol.Thread>();
  private readonly ring: OutputRing;
  private readonly batcher: OutputBatcher;
  /** Read-only answers after a stop, prefetched and shared by the clients (`stop-cache.ts`). */
  private readonly stopCache: StopCache;
  /** When the last client left (ms since the epoch), or creation; undefined while clients exist. */
  private idleSinceMs: number | undefined = Date.now();
  private everJoined = false;
  private readonly unsubscribe: (() => void)[] = [];
  private terminatedBroadcast = false;
  /** A detach is under way: the tracer's `terminated` must not end the program. */
  private detaching = false;
  private finishing: Promise<void> | undefined;

  constructor(options: DebugSessionOptions) {
    this.baseInfo = options.info;
    this.id = options.info.id;
    this.tracer = options.tracer;
    this.logger = options.logger;
    this.onChange = options.onChange;
    const limits = options.limits ?? {};
    this.limits = {
      requestTimeoutMs: limits.requestTimeoutMs ?? CLIENT_REQUEST_TIMEOUT_MS,
      maxPendingPerClient: limits.maxPendingPerClient ?? MAX_PENDING_PER_CLIENT,
    };
    this.ring = new OutputRing(limits.outputRingChars);
    this.stopCache = new StopCache((command, args) =>
      this.tracer.connection.sendRequest(command, args, {
        timeoutMs: this.limits.requestTimeoutMs,
      }),
    );
    this.batcher = new OutputBatcher({
      deliver: (chunks) => this.deliverOutput(chunks, this.clients),
      ...(limits.outputBatchMs !== undefined ? { intervalMs: limits.outputBatchMs } : {}),
      ...(limits.outputBatchChars !== undefined ? { maxBatchChars: limits.outputBatchChars } : {}),
    });
    this.watchTracer();
  }

  private watchTracer(): void {
    const connection = this.tracer.connection;
    this.unsubscribe.push(connection.onEvent((event) => this.onTracerEvent(event)));
    connection.onClose((reason) => {
      if (connection !== this.tracer.connection || this.tracer.reconnecting?.()) return;
      void this.finish(
        this.terminatedBroadcast ? 'the program ended' : `debugger connection closed: ${reason}`,
      );
    });
  }

  /**
   * The tracer link re-attached over a new DAP connection (`TracerLink.connection` is now that
   * one, its handshake done): listen to it. debugpy resumes a program whose client vanished, so
   * clients are told the program runs (`continued`, all threads).
   */
  replaceTracer(capabilities: DebugProtocol.Capabilities): void {
    if (this.isEnded) return;
    this.watchTracer();
    this.capabilities = capabilities;
    this.stoppedBody = undefined;
    this.broadcast({
      seq: 0,
      type: 'event',
      event: 'continued',
      body: { threadId: 0, allThreadsContinued: true },
    });
    this.state = 'running';
    this.onChange(this);
  }

  /** The session as listed to clients. */
  get info(): SessionInfo {
    return {
      ...this.baseInfo,
      state: this.state,
      ...(this.endReason ? { endReason: this.endReason } : {}),
      clients: this.clientInfos(),
      ...(this.dapEndpoint ? { dapEndpoint: this.dapEndpoint() } : {}),
    };
  }

  get isEnded(): boolean {
    return this.state === 'ended';
  }

  /** When the session last had no client (ms since the epoch); undefined while it has some. */
  get idleSince(): number | undefined {
    return this.idleSinceMs;
  }

  /** True once any client has joined. */
  get hadClient(): boolean {
    return this.everJoined;
  }

  /** Characters of output held for late joiners (bounded by the ring). */
  get outputHeld(): number {
    return this.ring.size;
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
  recordBreakpoints(
    args: DebugProtocol.SetBreakpointsArguments,
    response?: DebugProtocol.SetBreakpointsResponse['body'],
  ): void {
    this.sharedBreakpoints.record(args, response);
  }

  /** The shared breakpoint state: the last `setBreakpoints` arguments of each source. */
  get breakpoints(): DebugProtocol.SetBreakpointsArguments[] {
    return this.sharedBreakpoints.all;
  }

  /** The shared watch expressions. */
  get watches(): string[] {
    return [...this.watchExpressions];
  }

  /** Replaces the shared watch expressions and tells every client (`session.watchesChanged`). */
  setWatches(by: SessionClient, expressions: string[]): void {
    this.watchExpressions = [...expressions];
    const body = { sessionId: this.id, expressions: this.watches, by: describeClient(by) };
    for (const client of this.clients) client.sendEvent('session.watchesChanged', body);
  }

  /** Updates what the tracer told about its process (pid, program, host). */
  updateInfo(
    patch: Partial<Pick<SessionInfo, 'pid' | 'program' | 'host' | 'target' | 'link'>>,
  ): void {
    this.baseInfo = { ...this.baseInfo, ...patch };
    this.onChange(this);
  }

  /**
   * Adds a client. An app client that joins late gets the output held so far at once; a DAP
   * client gets it after its `configurationDone`.
   */
  join(client: SessionClient): void {
    if (this.clients.has(client)) return;
    // Output queued before the join goes to the clients already there; the joiner gets it from
    // the ring, so nothing arrives twice.
    this.batcher.flush();
    this.clients.add(client);
    this.everJoined = true;
    this.idleSinceMs = undefined;
    if (client.kind === 'app') this.replayOutput(client);
    this.onChange(this);
  }

  /** Removes a client. Never stops the program; the last one leaving starts the idle clock. */
  leave(client: SessionClient): void {
    if (!this.clients.delete(client)) return;
    this.pending.delete(client);
    if (this.clients.size === 0) this.idleSinceMs = Date.now();
    if (!this.isEnded) this.onChange(this);
  }

  hasClient(client: SessionClient): boolean {
    return this.clients.has(client);
  }

  /**
   * What a joining client needs to catch up. Threads come from what the session has seen (the
   * last `threads` response any client got, and `thread` events since), so joining never waits
   * for a tracer that may be stalled.
   */
  catchUp(): SessionCatchUp {
    return {
      breakpoints: this.breakpoints,
      watches: this.watches,
      threads: [...this.threads.values()],
      ...(this.stoppedBody ? { stopped: this.stoppedBody } : {}),
    };
  }

  /** Queues program output for every client (batched) and the late-joiner ring. */
  pushOutput(category: OutputCategory, text: string): void {
    if (this.isEnded) return;
    this.batcher.push(this.ring.push({ category, text }));
  }

  /**
   * Handles one validated DAP request from a joined client. Always answers exactly once, with the
   * client's `request_seq`: the tracer's response, or an error response when the tracer fails,
   * times out, the session has ended, or the client has too many requests in flight.
   */
  async handleClientRequest(client: SessionClient, request: DebugProtocol.Request): Promise<void> {
    const answer = (response: LocalAnswer): void =>
      client.sendDap(this.id, {
        seq: 0,
        type: 'response',
        request_seq: request.seq,
        command: request.command,
        ...response,
      });
    if (RELAY_ANSWERED.has(request.command)) {
      const local = answerLocally(request, {
        capabilities: this.capabilities,
        stopped: this.stoppedBody,
        leave: () => this.leave(client),
      });
      answer(local.response);
      for (const event of local.after) client.sendDap(this.id, event);
      if (request.command === 'configurationDone' && client.kind === 'dap') {
        this.replayOutput(client);
      }
      return;
    }
    if (!this.isEnded && this.tracer.reconnecting?.()) {
      answer({
        success: false,
        message: 'The connection to the program is being re-established; try again in a moment.',
      });
      return;
    }
    if (this.isEnded || this.tracer.connection.isClosed) {
      answer({
        success: false,
        message: `The session has ended (${this.endReason ?? 'tracer gone'}).`,
      });
      return;
    }
    const inFlight = this.pending.get(client) ?? 0;
    if (inFlight >= this.limits.maxPendingPerClient) {
      answer({
        success: false,
        message: `Too many requests in flight: this client already has ${inFlight} unanswered requests (limit ${this.limits.maxPendingPerClient}). Wait for the tracer's answers.`,
      });
      return;
    }
    this.pending.set(client, inFlight + 1);
    try {
      const response = await (this.stopCache.lookup(request.command, request.arguments) ??
        this.tracer.connection.sendRequest(request.command, request.arguments, {
          timeoutMs: this.limits.requestTimeoutMs,
        }));
      const { seq: _seq, type: _type, request_seq: _rs, command: _c, ...rest } = response;
      answer(rest);
      if (response.success) this.afterSuccess(client, request, response);
      if (request.command === 'evaluate') this.echo(client, request, response);
    } catch (error) {
      answer({ success: false, message: error instanceof Error ? error.message : String(error) });
    } finally {
      const left = (this.pending.get(client) ?? 1) - 1;
      if (left > 0) this.pending.set(client, left);
      else this.pending.delete(client);
    }
  }

  /** Ends the session and the program: tells every client, then tears down the tracer side. */
  async close(reason = 'closed by the user'): Promise<void> {
    await this.disconnectTracer(true, reason);
  }

  /**
   * Ends the session leaving the program running (DAP `disconnect` with `terminateDebuggee:
   * false`; pydevd then drops its breakpoints and resumes). A launched program keeps running when
   * its tracer link can let go of it (`TracerLink.release`).
   */
  async detach(reason = 'detached; the program keeps running'): Promise<void> {
    await this.disconnectTracer(false, reason);
  }

  private async disconnectTracer(terminateDebuggee: boolean, reason: string): Promise<void> {
    if (!terminateDebuggee && this.tracer.release) this.detaching = true;
    if (!this.isEnded) {
      const connection = this.tracer.connection;
      if (!connection.isClosed) {
        await connection
          .sendRequest('disconnect', { terminateDebuggee }, { timeoutMs: 2000 })
          .catch(() => undefined);
      }
      this.end(reason);
    }
    if (!terminateDebuggee && this.tracer.release) this.tracer.release();
    else await this.tracer.dispose();
  }

  private afterSuccess(
    client: SessionClient,
    request: DebugProtocol.Request,
    response: DebugProtocol.Response,
  ): void {
    if (request.command === 'setBreakpoints' && request.arguments) {
      const change = this.sharedBreakpoints.record(
        request.arguments as DebugProtocol.SetBreakpointsArguments,
        response.body as DebugProtocol.SetBreakpointsResponse['body'] | undefined,
      );
      shareBreakpointChange(this.id, client, this.others(client), change);
    }
    if (request.command === 'threads') {
      this.threads.clear();
      for (const thread of (response as DebugProtocol.ThreadsResponse).body?.threads ?? [])
        this.threads.set(thread.id, thread);
    }
    if (RESUMING.has(request.command)) {
      this.stoppedBody = undefined;
      this.setState('running');
    }
  }

  private echo(
    client: SessionClient,
    request: DebugProtocol.Request,
    response: DebugProtocol.Response,
  ): void {
    const args = request.arguments as Partial<DebugProtocol.EvaluateArguments> | undefined;
    if (args?.context !== 'repl' || typeof args.expression !== 'string') return;
    echoEvaluation(this.id, client, this.others(client), args.expression, response);
  }

  private others(client: SessionClient): SessionClient[] {
    return [...this.clients].filter((c) => c !== client);
  }

  private onTracerEvent(event: DebugProtocol.Event): void {
    if (event.event === 'stopped') {
      this.stopCache.onStopped((event as DebugProtocol.StoppedEvent).body.threadId);
    } else if (event.event !== 'output') {
      this.stopCache.clear();
    }
    switch (event.event) {
      case 'stopped':
        this.stoppedBody = (event as DebugProtocol.StoppedEvent).body;
        this.setState('stopped');
        break;
      case 'continued':
        this.stoppedBody = undefined;
        this.setState('running');
        break;
      case 'thread': {
        const { reason, threadId } = (event as DebugProtocol.ThreadEvent).body;
        if (reason === 'exited') this.threads.delete(threadId);
        else if (!this.threads.has(threadId))
          this.threads.set(threadId, { id: threadId, name: `Thread ${threadId}` });
        break;
      }
      case 'exited':
        this.exitCode = (event as DebugProtocol.ExitedEvent).body.exitCode;
        break;
      case 'process': {
        const body = (event as DebugProtocol.ProcessEvent).body;
        const named = typeof body.name === 'string' && body.name.length > 0;
        this.updateInfo({
          ...(typeof body.systemProcessId === 'number' ? { pid: body.systemProcessId } : {}),
          ...(named ? { program: body.name } : {}),
          // A dialled-in program is known by its name once pydevd tells it.
          ...(named && this.baseInfo.origin === 'connect' ? { target: body.name } : {}),
        });
        break;
      }
      case 'output': {
        const body = (event as DebugProtocol.OutputEvent).body;
        const category = body.category ?? 'console';
        if (
          (category === 'stdout' || category === 'stderr') &&
          body.variablesReference === undefined &&
          body.group === undefined
        ) {
          this.pushOutput(category, body.output);
          return;
        }
        break;
      }
      default:
        break;
    }
    this.broadcast(event);
    // debugpy answers a detach's `disconnect` with `terminated` too; the program runs on.
    if (event.event === 'terminated' && !this.detaching) {
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

  /** Sends an app event to every client of the session. */
  broadcastAppEvent<E extends AppEventName>(event: E, body: AppEvents[E]): void {
    for (const client of this.clients) client.sendEvent(event, body);
  }

  private replayOutput(client: SessionClient): void {
    const chunks = this.ring.replay();
    if (chunks.length > 0) this.deliverOutput(chunks, [client]);
  }

  private deliverOutput(chunks: OutputChunk[], clients: Iterable<SessionClient>): void {
    for (const client of clients) {
      for (const { category, text, start, end } of chunks) {
        if (client.kind === 'app') {
          const range = start !== undefined && end !== undefined ? { start, end } : {};
          client.sendEvent('session.output', { sessionId: this.id, category, text, ...range });
        } else {
          client.sendDap(this.id, {
            seq: 0,
            type: 'event',
            event: 'output',
            body: { category, output: text },
          });
        }
      }
    }
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
    // The connection may have closed just before the link said it was reconnecting.
    if (reason === undefined && this.tracer.reconnecting?.()) {
      this.finishing = undefined;
      return;
    }
    this.end(reason ?? fallback);
  }

  private end(reason: string): void {
    if (this.isEnded) return;
    this.batcher.flush();
    this.batcher.dispose();
    this.endReason = reason;
    this.state = 'ended';
    this.stoppedBody = undefined;
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

  private clientInfos(): SessionClientInfo[] {
    return [...this.clients].map(describeClient);
  }
}
