/**
 * One debug session: one tracer (a debugpy adapter or a pydevd that dialled in) shared by any
 * number of clients (`session-clients.ts`). The session
 * - routes each client request to the tracer under the tracer connection's own seq numbers and
 *   answers the client that asked with its own `request_seq` (per-client seq mapping), with a cap
 *   on each client's requests in flight and a timeout on each (`request-forwarding.ts`);
 * - broadcasts the tracer's events to every joined client, in arrival order; program output is
 *   batched and kept in a bounded ring for late joiners (`session-output.ts`);
 * - answers the requests that belong to the relay's own tracer connection (`initialize`, `attach`,
 *   `launch`, `configurationDone`, `disconnect`) itself, so a client can join a running session the
 *   way it would start one (`relay-answered.ts`);
 * - keeps breakpoints, watch expressions and the stopped state as shared session state
 *   (`shared-breakpoints.ts`, `program-state.ts`), and tells the other clients what one client
 *   changed or typed in the console (`session-echo.ts`);
 * - tracks the session state (starting / running / stopped / ended) for the Sessions list, and
 *   ends with the program's exit status when the tracer is gone (`session-lifecycle.ts`);
 * - says when its tracer stops answering (a frozen program) and when it answers again
 *   (`tracer-liveness.ts`);
 * - as a member of a program's process tree (`process-tree.ts`), shares its breakpoint changes
 *   with the other processes. debugpy's announcements of child processes (`debugpyAttach`) are
 *   the relay's business (`tracer/child-processes.ts`), not relayed to clients.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { DapConnection } from '../dap/dap-connection.js';
import type { Logger } from '../log/logger.js';
import type {
  AppEventName,
  AppEvents,
  DapEndpointInfo,
  SessionCatchUp,
  SessionInfo,
} from '../../src-common/protocol/client-protocol.js';
import { answerLocally, RELAY_ANSWERED, type LocalAnswer } from './relay-answered.js';
import type { OutputCategory } from './output-ring.js';
import { outputText, ProgramState, type ProgramChange } from './program-state.js';
import { replyTo, RequestForwarding } from './request-forwarding.js';
import { describeClient, SessionClients, type SessionClient } from './session-clients.js';
import { echoEvaluation, shareBreakpointChange } from './session-echo.js';
import { SessionOutput } from './session-output.js';
import { SessionLifecycle } from './session-lifecycle.js';
import type { ProcessTree } from './process-tree.js';
import { SharedBreakpoints, sameBreakpoints } from './shared-breakpoints.js';
import type { SessionLimits } from './session-limits.js';
import type { TracerLink } from './tracer-link.js';
import { livenessNotice, TracerLiveness } from './tracer-liveness.js';
import { RelayError } from '../../src-common/errors.js';

/** Tracer events the relay handles itself and never relays (debugpy's child announcements). */
const RELAY_CONSUMED_EVENTS = new Set(['debugpyAttach']);

/** How long a breakpoint change sent on to another process of the tree may take, in ms. */
const TREE_REQUEST_TIMEOUT_MS = 15_000;

/** Who a breakpoint change shared within a process tree comes from, as clients see it. */
const TREE = {
  id: 'process-tree',
  name: 'Periscope (another process of this program)',
  kind: 'app',
} as const;

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
  /** The process tree the session belongs to; set by whoever made the session. */
  processTree: ProcessTree<DebugSession> | undefined;
  private readonly clients: SessionClients;
  private readonly requests: RequestForwarding;
  private readonly tracer: TracerLink;
  private readonly logger: Logger;
  private readonly onChange: (session: DebugSession) => void;
  private baseInfo: Omit<SessionInfo, 'state' | 'endReason' | 'clients' | 'dapEndpoint'>;
  private readonly lifecycle: SessionLifecycle;
  private readonly liveness: TracerLiveness;
  private readonly sharedBreakpoints = new SharedBreakpoints();
  private watchExpressions: string[] = [];
  private readonly program = new ProgramState();
  private readonly output: SessionOutput;
  private readonly unsubscribe: (() => void)[] = [];
  private readonly connectionListeners: ((connection: DapConnection) => void)[] = [];

  constructor(options: DebugSessionOptions) {
    this.baseInfo = options.info;
    this.id = options.info.id;
    this.tracer = options.tracer;
    this.logger = options.logger;
    this.onChange = options.onChange;
    const limits = options.limits ?? {};
    this.clients = new SessionClients(this.id, this.logger);
    this.requests = new RequestForwarding(this.tracer, limits, (command, error) =>
      this.logger.error('reading a tracer answer failed', { command, error: String(error) }),
    );
    this.output = new SessionOutput(this.id, this.clients, limits);
    this.lifecycle = new SessionLifecycle(this.id, this.tracer, this.logger, {
      closeOutput: () => this.output.close(),
      ended: () => {
        this.liveness.stop();
        this.program.stopped = undefined;
        for (const off of this.unsubscribe) off();
      },
      broadcast: (event) => this.clients.sendDap(event),
      changed: () => this.onChange(this),
      exitCode: () => this.program.exitCode,
    });
    this.liveness = new TracerLiveness(
      this.tracer,
      () => this.lifecycle.state === 'running' || this.lifecycle.state === 'stopped',
      (since, answered) => {
        if (since !== undefined || answered) this.pushOutput('console', livenessNotice(since));
        this.onChange(this);
      },
    );
    this.watchTracer();
  }

  private watchTracer(): void {
    const connection = this.tracer.connection;
    this.unsubscribe.push(connection.onEvent((event) => this.onTracerEvent(event)));
    this.lifecycle.watchClose(connection);
    for (const listener of this.connectionListeners) listener(connection);
  }

  /**
   * Calls `listener` with the tracer's DAP connection now and with each new one after a
   * re-attach (`replaceTracer`): for what listens to the tracer besides the session.
   */
  onConnection(listener: (connection: DapConnection) => void): void {
    this.connectionListeners.push(listener);
    if (!this.isEnded) listener(this.tracer.connection);
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
    this.program.stopped = undefined;
    this.clients.sendDap({
      seq: 0,
      type: 'event',
      event: 'continued',
      body: { threadId: 0, allThreadsContinued: true },
    });
    this.lifecycle.reattached();
  }

  /** The session as listed to clients. */
  get info(): SessionInfo {
    return {
      ...this.baseInfo,
      state: this.lifecycle.state,
      ...(this.lifecycle.endReason ? { endReason: this.lifecycle.endReason } : {}),
      clients: this.clients.infos(),
      ...(this.dapEndpoint ? { dapEndpoint: this.dapEndpoint() } : {}),
      ...(this.liveness.notRespondingSince !== undefined && {
        notRespondingSince: this.liveness.notRespondingSince,
      }),
    };
  }

  /** True once the session has ended (for good). */
  get isEnded(): boolean {
    return this.lifecycle.isEnded;
  }

  /** When the session ended, in ms since the epoch; undefined while it has not. */
  get endedAt(): number | undefined {
    return this.lifecycle.endedAt;
  }

  /** When the session last had no client (ms since the epoch); undefined while it has some. */
  get idleSince(): number | undefined {
    return this.clients.idleSince;
  }

  /** True once any client has joined. */
  get hadClient(): boolean {
    return this.clients.hadClient;
  }

  /** Characters of output held for late joiners (bounded by the ring). */
  get outputHeld(): number {
    return this.output.held;
  }

  /**
   * Marks the handshake as done. The session exists (and relays events) from before the
   * handshake, so a `stopped` event that comes right after `configurationDone` is not lost.
   */
  markAttached(capabilities: DebugProtocol.Capabilities): void {
    this.capabilities = capabilities;
    if (this.lifecycle.state === 'starting') this.lifecycle.set('running');
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

  /** Starts with `expressions` as the shared watches (a child process, its root's). */
  inheritWatches(expressions: readonly string[]): void {
    this.watchExpressions = [...expressions];
  }

  /** Replaces the shared watch expressions and tells every client (`session.watchesChanged`). */
  setWatches(by: SessionClient, expressions: string[]): void {
    this.watchExpressions = [...expressions];
    const body = { sessionId: this.id, expressions: this.watches, by: describeClient(by) };
    this.clients.sendEvent('session.watchesChanged', body);
  }

  /** Updates what the tracer told about its process (pid, program, host). */
  updateInfo(
    patch: Partial<
      Pick<SessionInfo, 'pid' | 'program' | 'host' | 'target' | 'link' | 'unfollowed'>
    >,
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
    this.output.flush();
    this.clients.add(client);
    if (client.kind === 'app') this.output.replayTo(client);
    this.onChange(this);
  }

  /** Removes a client. Never stops the program; the last one leaving starts the idle clock. */
  leave(client: SessionClient): void {
    if (!this.clients.remove(client)) return;
    this.requests.drop(client);
    if (!this.isEnded) this.onChange(this);
  }

  /** True when `client` has joined the session. */
  hasClient(client: SessionClient): boolean {
    return this.clients.has(client);
  }

  /** The app clients joined now (the UIs), oldest first. */
  appClients(): SessionClient[] {
    return this.clients.all().filter((c) => c.kind === 'app');
  }

  /**
   * Sends a breakpoint change that succeeded on another process of the tree to this one's tracer
   * and records it here, telling this session's clients (`session.breakpointsChanged`, DAP
   * `breakpoint` events). Never rejects; a refusal leaves this process's state as it was.
   */
  async applyFromTree(command: string, args: unknown): Promise<void> {
    if (this.isEnded || this.tracer.connection.isClosed || this.tracer.reconnecting?.()) return;
    // Already so here (a client set the same on several processes): nothing to send.
    if (command === 'setBreakpoints') {
      const wanted = args as DebugProtocol.SetBreakpointsArguments;
      const current = this.sharedBreakpoints.argsOf(wanted.source);
      if (current && sameBreakpoints(current, wanted)) return;
    }
    const response = await this.tracer.connection
      .sendRequest(command, args, { timeoutMs: TREE_REQUEST_TIMEOUT_MS })
      .catch(() => undefined);
    if (!response?.success) {
      this.logger.debug('a change shared by the process tree was refused', { command });
      return;
    }
    if (command === 'setBreakpoints') {
      const change = this.sharedBreakpoints.record(
        args as DebugProtocol.SetBreakpointsArguments,
        response.body as DebugProtocol.SetBreakpointsResponse['body'] | undefined,
      );
      shareBreakpointChange(this.id, TREE, this.clients.all(), change);
    }
  }

  /**
   * Sends a request of the relay's own to the tracer (not a client's: its answer goes to the
   * caller alone and nothing is recorded), such as the data viewer's `evaluate`. Resolves with
   * the response, successful or not.
   * @throws RelayError `session-ended` when the session has ended, or its tracer is gone or
   *   reconnecting; DapTimeoutError (rejection) after `timeoutMs` ms.
   */
  async requestTracer(
    command: string,
    args: unknown,
    timeoutMs: number,
  ): Promise<DebugProtocol.Response> {
    if (this.isEnded || this.tracer.connection.isClosed)
      throw new RelayError('session-ended', 'That session has ended.');
    if (this.tracer.reconnecting?.())
      throw new RelayError('session-ended', 'The program is out of reach while SSH reconnects.');
    return this.tracer.connection.sendRequest(command, args, { timeoutMs });
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
      threads: this.program.threads,
      ...(this.program.stopped ? { stopped: this.program.stopped } : {}),
    };
  }

  /** Queues program output for every client (batched) and the late-joiner ring. */
  pushOutput(category: OutputCategory, text: string): void {
    if (this.isEnded) return;
    this.output.push(category, text);
  }

  /**
   * Handles one validated DAP request from a joined client. Always answers exactly once, with the
   * client's `request_seq`: the tracer's response, or an error response when the tracer fails,
   * times out, the session has ended, or the client has too many requests in flight.
   */
  async handleClientRequest(client: SessionClient, request: DebugProtocol.Request): Promise<void> {
    const answer = replyTo(this.id, client, request);
    try {
      await this.answerClientRequest(client, request, answer);
    } catch (error) {
      // A bug, never the client's fault: logged, and the client still gets an answer.
      this.logger.error('a client request failed in the relay', {
        command: request.command.slice(0, 100),
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
      try {
        answer({ success: false, message: 'The relay failed to handle this request.' });
      } catch {
        // The client is gone or cannot be written to.
      }
    }
  }

  private async answerClientRequest(
    client: SessionClient,
    request: DebugProtocol.Request,
    answer: (response: LocalAnswer | DebugProtocol.Response) => void,
  ): Promise<void> {
    if (RELAY_ANSWERED.has(request.command)) {
      const local = answerLocally(request, {
        capabilities: this.capabilities,
        stopped: this.program.stopped,
        leave: () => this.leave(client),
      });
      answer(local.response);
      for (const event of local.after) client.sendDap(this.id, event);
      if (request.command === 'configurationDone' && client.kind === 'dap') {
        this.output.replayTo(client);
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
        message: `The session has ended (${this.lifecycle.endReason ?? 'tracer gone'}).`,
      });
      return;
    }
    if (
      request.command === 'setBreakpoints' &&
      request.arguments &&
      typeof request.arguments === 'object'
    ) {
      const known = this.sharedBreakpoints.answerFor(
        request.arguments as DebugProtocol.SetBreakpointsArguments,
      );
      if (known) {
        answer({ success: true, body: { breakpoints: known } });
        return;
      }
    }
    await this.requests.forward(client, request, answer, (response) => {
      if (response.success) this.afterSuccess(client, request, response);
      if (request.command === 'evaluate') this.echo(client, request, response);
    });
  }

  /** Ends the session and the program: tells every client, then tears down the tracer side. */
  async close(reason = 'closed by the user'): Promise<void> {
    await this.lifecycle.disconnect(true, reason);
  }

  /**
   * Ends the session leaving the program running (DAP `disconnect` with `terminateDebuggee:
   * false`; pydevd then drops its breakpoints and resumes). A launched program keeps running when
   * its tracer link can let go of it (`TracerLink.release`).
   */
  async detach(reason = 'detached; the program keeps running'): Promise<void> {
    await this.lifecycle.disconnect(false, reason);
  }

  /** Sends an app event to every client of the session. */
  broadcastAppEvent<E extends AppEventName>(event: E, body: AppEvents[E]): void {
    this.clients.sendEvent(event, body);
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
      shareBreakpointChange(this.id, describeClient(client), this.clients.others(client), change);
    }
    this.processTree?.propagate(this, request);
    this.apply(this.program.onSuccess(request.command, response));
  }

  private echo(
    client: SessionClient,
    request: DebugProtocol.Request,
    response: DebugProtocol.Response,
  ): void {
    const args = request.arguments as Partial<DebugProtocol.EvaluateArguments> | undefined;
    if (args?.context !== 'repl' || typeof args.expression !== 'string') return;
    echoEvaluation(this.id, client, this.clients.others(client), args.expression, response);
  }

  private onTracerEvent(event: DebugProtocol.Event): void {
    this.requests.onTracerEvent(event);
    if (event.event === 'breakpoint') this.sharedBreakpoints.onBreakpointEvent(event.body);
    const change = this.program.onEvent(event, this.baseInfo.origin);
    if (change.output) {
      this.pushOutput(change.output.category, change.output.text);
      return;
    }
    this.apply(change);
    if (!RELAY_CONSUMED_EVENTS.has(event.event)) this.clients.sendDap(textOutput(event));
    if (event.event === 'terminated') this.lifecycle.terminated();
  }

  /** Applies what the program state read from an event or response (process info, then state). */
  private apply(change: ProgramChange): void {
    if (change.info) this.updateInfo(change.info);
    if (change.state) this.lifecycle.set(change.state);
  }
}

/**
 * An `output` event as clients may read it: DAP says `output` is a string and `category` one, so
 * anything else from the tracer becomes the marker of {@link outputText} (a client that appends
 * `output` to its console must not be handed an object).
 */
function textOutput(event: DebugProtocol.Event): DebugProtocol.Event {
  if (event.event !== 'output' || typeof event.body !== 'object' || event.body === null)
    return event;
  const body = event.body as Record<string, unknown>;
  if (
    typeof body.output === 'string' &&
    (body.category === undefined || typeof body.category === 'string')
  )
    return event;
  const { category } = body;
  return {
    ...event,
    body: {
      ...body,
      output: outputText(body.output),
      category: typeof category === 'string' ? category : 'console',
    },
  };
}
