/**
 * A session's DAP TCP endpoint: lets any DAP client (VS Code, nvim-dap, `DebugClient` of
 * `@vscode/debugadapter-testsupport`) join a session Periscope holds, as one more client of it.
 *
 * DAP has no authentication, so the endpoint is off until the user opens it for one session, binds
 * loopback only on a fresh port, and closes when the user closes it or the session ends. Each
 * connection speaks plain DAP: its requests are validated like any client's and go through the
 * session (per-client seq mapping; `initialize`/`attach`/`configurationDone` answered by the relay,
 * `relay-answered.ts`); the session's events reach it as DAP events.
 *
 * The child processes of the session's program (`process-tree.ts`) are offered to a client whose
 * `initialize` said `supportsStartDebuggingRequest`, as DAP's `startDebugging` reverse request (an
 * `attach` whose configuration names the child's session, {@link CHILD_SESSION_KEY}): the client
 * then connects to this endpoint again and attaches with that configuration, and that connection
 * is a client of the child's session (what VS Code and nvim-dap do for debugpy's children). Other
 * clients are told in an `output` event that the child is debugged in Periscope.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { DapConnection } from '../dap/dap-connection.js';
import { validateDapRequest } from '../dap/dap-request-schema.js';
import type { Logger } from '../log/logger.js';
import type {
  DapEndpointInfo,
  SessionClientInfo,
} from '../../src-common/protocol/client-protocol.js';
import type { DebugSession } from './debug-session.js';
import { describeClient, type SessionClient } from './session-clients.js';

/** The key of a child's `startDebugging` configuration that names its session. */
export const CHILD_SESSION_KEY = '__periscopeSession';

/** Unsent bytes a DAP client may fall behind by before it is disconnected (8 MiB). */
export const MAX_DAP_CLIENT_BACKLOG_BYTES = 8 * 1024 * 1024;

/** Options of {@link DapEndpoint.open}. */
export interface DapEndpointOptions {
  session: DebugSession;
  logger: Logger;
  /** Makes a relay-unique client id (`d1`, `d2`, …). */
  nextClientId: () => string;
  /** Returns why a new client is refused (a limit reached), or undefined to admit it. */
  admit: () => string | undefined;
  /** Called when the clients change (for the Sessions list). */
  onChange: () => void;
  /** Unsent bytes per client before it is disconnected (default 8 MiB). */
  maxBacklogBytes?: number;
}

/** One DAP client of the endpoint, as the session sees it. */
class DapEndpointClient implements SessionClient {
  readonly kind = 'dap';
  private clientName = 'DAP client';
  /** Its `initialize` said `supportsStartDebuggingRequest`. */
  startsDebugging = false;
  /** Children already offered to it, by session id. */
  readonly offered = new Set<string>();

  constructor(
    readonly id: string,
    private readonly where: string,
    private readonly socket: Socket,
    readonly connection: DapConnection,
    private readonly maxBacklogBytes: number,
    private readonly logger: Logger,
    /** The session it is a client of: the endpoint's, or one of its program's children. */
    public session: DebugSession,
  ) {}

  get name(): string {
    return `${this.clientName} (${this.where})`;
  }

  /** Takes the client's name from its `initialize` arguments (`clientName`, else `clientID`). */
  learnName(args: DebugProtocol.InitializeRequestArguments | undefined): void {
    const name = args?.clientName ?? args?.clientID;
    if (typeof name === 'string' && name.trim()) this.clientName = name.trim().slice(0, 60);
    this.startsDebugging = args?.supportsStartDebuggingRequest === true;
  }

  sendDap(_sessionId: string, message: DebugProtocol.Response | DebugProtocol.Event): void {
    if (this.socket.writableLength > this.maxBacklogBytes) {
      this.logger.warn('DAP client cannot keep up; disconnecting it', {
        client: this.id,
        unsentBytes: this.socket.writableLength,
      });
      this.close(`this client fell ${this.socket.writableLength} bytes behind`);
      return;
    }
    if (message.type === 'event') {
      const event = message as DebugProtocol.Event;
      this.connection.sendEvent(event.event, event.body);
      return;
    }
    const response = message as DebugProtocol.Response;
    const request = { seq: response.request_seq, type: 'request', command: response.command };
    this.connection.sendResponse(
      request,
      response.body,
      response.success ? undefined : (response.message ?? 'failed'),
    );
  }

  sendEvent(): void {
    // App events are not DAP; the session sends DAP clients their own forms of them.
  }

  close(reason: string): void {
    this.connection.close(reason);
    this.socket.destroy();
  }
}

/** See the module comment. */
export class DapEndpoint {
  private readonly clients = new Set<DapEndpointClient>();
  private readonly sockets = new Set<Socket>();
  private boundPort = 0;
  private closed = false;
  private readonly offChild: () => void;

  private constructor(
    private readonly server: Server,
    private readonly options: DapEndpointOptions,
  ) {
    this.offChild =
      options.session.processTree?.onChild((child) => {
        for (const client of this.clients)
          if (client.session === options.session) this.offer(client, child);
      }) ?? (() => undefined);
  }

  /** Binds 127.0.0.1 on a fresh port. */
  static async open(options: DapEndpointOptions): Promise<DapEndpoint> {
    const server = createServer();
    const endpoint = new DapEndpoint(server, options);
    server.on('connection', (socket) => endpoint.onConnection(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    endpoint.boundPort = typeof address === 'object' && address ? address.port : 0;
    options.logger.info('DAP endpoint open', {
      session: options.session.id,
      port: endpoint.boundPort,
    });
    return endpoint;
  }

  /** Where it listens and who is connected. */
  get info(): DapEndpointInfo {
    return { host: '127.0.0.1', port: this.boundPort, clients: this.clientInfos() };
  }

  /** DAP clients connected now. */
  get clientCount(): number {
    return this.clients.size;
  }

  /** Stops listening and disconnects every DAP client (they leave the session). */
  close(reason = 'the DAP endpoint was closed'): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    this.offChild();
    for (const client of [...this.clients]) client.close(reason);
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private clientInfos(): SessionClientInfo[] {
    return [...this.clients].map(describeClient);
  }

  private onConnection(socket: Socket): void {
    socket.setNoDelay(true);
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    const { session, logger } = this.options;
    const where = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    const connection = new DapConnection(socket, { name: `dap-client ${where}`, logger });
    const refusal = this.closed ? 'the DAP endpoint is closed' : this.options.admit();
    if (refusal) {
      logger.warn('DAP client refused', { from: where, why: refusal });
      connection.onRequest((request) => {
        connection.sendResponse(request, undefined, `Periscope refused this client: ${refusal}`);
        setTimeout(() => connection.close(refusal), 100).unref();
      });
      return;
    }
    const client = new DapEndpointClient(
      this.options.nextClientId(),
      where,
      socket,
      connection,
      this.options.maxBacklogBytes ?? MAX_DAP_CLIENT_BACKLOG_BYTES,
      logger,
      session,
    );
    this.clients.add(client);
    logger.info('DAP client connected', { session: session.id, client: client.id, from: where });
    connection.onRequest((request) => this.onRequest(client, connection, request));
    connection.onClose(() => {
      this.clients.delete(client);
      client.session.leave(client);
      logger.info('DAP client disconnected', { session: session.id, client: client.id });
      this.options.onChange();
    });
    this.options.onChange();
  }

  private onRequest(
    client: DapEndpointClient,
    connection: DapConnection,
    request: DebugProtocol.Request,
  ): void {
    const validation = validateDapRequest(request);
    if (!validation.ok) {
      connection.sendResponse(request, undefined, `Invalid request: ${validation.error}`);
      return;
    }
    if (request.command === 'initialize') {
      client.learnName(request.arguments as DebugProtocol.InitializeRequestArguments | undefined);
    }
    if (request.command === 'attach') this.route(client, request);
    const session = client.session;
    // Events flow from the first request on (DAP clients expect none before `initialize`).
    if (!session.hasClient(client) && request.command !== 'disconnect') session.join(client);
    void session.handleClientRequest(client, validation.request);
    // After its configuration, a client that can start child sessions is offered the program's.
    if (request.command === 'configurationDone' && session === this.options.session)
      for (const child of session.processTree?.members ?? [])
        if (child !== session && !child.isEnded) this.offer(client, child);
  }

  /**
   * An `attach` naming a child of the endpoint's program (a `startDebugging` configuration this
   * endpoint offered) makes this connection a client of that child's session.
   */
  private route(client: DapEndpointClient, request: DebugProtocol.Request): void {
    const wanted = (request.arguments as Record<string, unknown> | undefined)?.[CHILD_SESSION_KEY];
    if (typeof wanted !== 'string') return;
    const child = this.options.session.processTree?.member(wanted);
    if (!child || child === client.session) return;
    client.session.leave(client);
    client.session = child;
  }

  /** Offers `child` to `client` (`startDebugging`), or tells it that it cannot be. */
  private offer(client: DapEndpointClient, child: DebugSession): void {
    if (client.offered.has(child.id) || child.isEnded) return;
    client.offered.add(child.id);
    const what = `process ${child.info.pid ?? '?'} (${child.info.target})`;
    if (!client.startsDebugging) {
      client.sendDap(this.options.session.id, {
        seq: 0,
        type: 'event',
        event: 'output',
        body: {
          category: 'console',
          output: `Periscope: child ${what} is debugged in Periscope; this client does not support DAP's startDebugging, so it is not shown here.\n`,
        },
      });
      return;
    }
    const configuration = {
      name: `Subprocess ${child.info.pid ?? child.id}`,
      [CHILD_SESSION_KEY]: child.id,
    };
    client.connection
      .sendRequest('startDebugging', { request: 'attach', configuration }, { timeoutMs: 10_000 })
      .catch((error: unknown) =>
        this.options.logger.debug('startDebugging not taken up', {
          client: client.id,
          child: child.id,
          error: String(error),
        }),
      );
  }
}
