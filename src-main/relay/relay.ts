/**
 * The relay: owns debug sessions and the clients that watch them (DESIGN.md "Relay").
 * Every client message is validated (`client-message-validation.ts`); an invalid one is answered
 * with an error and changes nothing. DAP requests go to their session (which maps seq numbers);
 * app requests (profiles, launch, sessions, sources, host-key answers) are handled here.
 * Plain Node: runs inside the Electron app and headless (`periscope web`).
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createLogger, type Logger } from '../log/logger.js';
import type {
  AppErrorCode,
  AppMethod,
  AppMethods,
  AppRequest,
  DapClientMessage,
  LaunchParams,
  SessionInfo,
} from '../protocol/client-protocol.js';
import type { ProfileStore } from '../profiles/profile-store.js';
import type { HostKeyPolicy } from '../ssh/ssh-connection.js';
import { attachToDebugpy } from './attach-handshake.js';
import { ClientHandle } from './client-handle.js';
import { validateClientMessage } from './client-message-validation.js';
import type { ClientTransport } from './client-transport.js';
import { DebugSession } from './debug-session.js';
import { HostKeyPrompts } from './host-key-prompts.js';
import { startRemoteTracer, type StartedTracer, type TracerStarter } from './remote-tracer.js';
import { readSource } from './source-reader.js';
import { RelayError, toAppError } from './app-errors.js';

/** Options of {@link Relay}. */
export interface RelayOptions {
  profileStore: ProfileStore;
  /** The app's data directory; Periscope's own known_hosts lives there. */
  dataDir: string;
  logger?: Logger;
  /** known_hosts files consulted, default `~/.ssh/known_hosts` and `<dataDir>/known_hosts`. */
  knownHostsFiles?: string[];
  /** Starts tracers; defaults to SSH launch. Tests of routing pass a fake. */
  startTracer?: TracerStarter;
}

interface SessionEntry {
  session: DebugSession;
  tracer: StartedTracer;
}

type Handler<M extends AppMethod> = (
  client: ClientHandle,
  params: AppMethods[M]['params'],
) => Promise<AppMethods[M]['result']>;

/** See the module comment. */
export class Relay {
  private readonly logger: Logger;
  private readonly clients = new Set<ClientHandle>();
  private readonly sessions = new Map<string, SessionEntry>();
  private readonly prompts = new HostKeyPrompts();
  private readonly startTracer: TracerStarter;
  private readonly knownHostsFiles: string[];
  private readonly trustedHostsFile: string;
  private nextClientId = 1;
  private nextSessionId = 1;
  private closed = false;

  constructor(private readonly options: RelayOptions) {
    this.logger = options.logger ?? createLogger('relay');
    this.startTracer = options.startTracer ?? startRemoteTracer;
    this.trustedHostsFile = join(options.dataDir, 'known_hosts');
    this.knownHostsFiles = options.knownHostsFiles ?? [
      join(homedir(), '.ssh', 'known_hosts'),
      this.trustedHostsFile,
    ];
  }

  /** Accepts a client on any transport. The relay owns the transport from now on. */
  connectClient(transport: ClientTransport): void {
    if (this.closed) {
      transport.close('the relay is shutting down');
      return;
    }
    const client = new ClientHandle(`c${this.nextClientId++}`, transport);
    this.clients.add(client);
    this.logger.info('client connected', { client: client.id, via: transport.label });
    transport.onMessage((raw) => this.onClientMessage(client, raw));
    transport.onClose(() => {
      this.clients.delete(client);
      this.prompts.dropAsker(client);
      for (const { session } of this.sessions.values()) session.leave(client);
      this.logger.info('client disconnected', { client: client.id });
    });
  }

  /** The sessions, oldest first. */
  listSessions(): SessionInfo[] {
    return [...this.sessions.values()].map((e) => e.session.info);
  }

  /** Ends every session (terminating the programs) and disconnects every client. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      [...this.sessions.values()].map((e) => e.session.close('Periscope is shutting down')),
    );
    for (const client of this.clients) client.transport.close('the relay is shutting down');
  }

  private onClientMessage(client: ClientHandle, raw: string): void {
    const validation = validateClientMessage(raw);
    if (!validation.ok) {
      this.logger.warn('invalid client message', { client: client.id, error: validation.error });
      const replyTo = validation.replyTo;
      if (replyTo?.type === 'dap') {
        client.sendDap(replyTo.sessionId, {
          seq: 0,
          type: 'response',
          request_seq: replyTo.seq,
          command: replyTo.command,
          success: false,
          message: `Invalid request: ${validation.error}`,
        });
      } else {
        client.sendError(replyTo?.id ?? 0, {
          code: 'invalid-message',
          message: `Invalid message: ${validation.error}`,
        });
      }
      return;
    }
    const message = validation.message;
    if (message.type === 'dap') this.onDapRequest(client, message);
    else void this.onAppRequest(client, message);
  }

  private onDapRequest(client: ClientHandle, message: DapClientMessage): void {
    const entry = this.sessions.get(message.sessionId);
    const request = message.message;
    const refuse = (text: string): void =>
      client.sendDap(message.sessionId, {
        seq: 0,
        type: 'response',
        request_seq: request.seq,
        command: request.command,
        success: false,
        message: text,
      });
    if (!entry) return refuse(`There is no session "${message.sessionId}".`);
    if (!entry.session.hasClient(client))
      return refuse(`Join session "${message.sessionId}" before sending it requests.`);
    void entry.session.handleClientRequest(client, request);
  }

  private async onAppRequest(client: ClientHandle, request: AppRequest): Promise<void> {
    const handler = this.handlers[request.method] as Handler<AppMethod>;
    try {
      const result = await handler(client, request.params);
      client.sendResult(request.id, result);
    } catch (error) {
      const appError = toAppError(error);
      if (appError.code === 'internal') {
        this.logger.error('app request failed', { method: request.method, error: String(error) });
      }
      client.sendError(request.id, appError);
    }
  }

  private readonly handlers: { [M in AppMethod]: Handler<M> } = {
    'profiles.list': () => Promise.resolve({ profiles: this.options.profileStore.list() }),
    'profiles.save': async (_client, { profile }) => ({
      profile: await this.options.profileStore.save(profile),
    }),
    'profiles.delete': async (_client, { id }) => {
      await this.options.profileStore.delete(id);
      return {};
    },
    'sessions.list': () => Promise.resolve({ sessions: this.listSessions() }),
    'session.launch': (client, params) => this.launch(client, params),
    'session.join': (client, { sessionId }) => {
      const { session } = this.getSession(sessionId);
      session.join(client);
      return Promise.resolve({ session: session.info, capabilities: session.capabilities });
    },
    'session.close': async (_client, { sessionId }) => {
      await this.getSession(sessionId).session.close();
      return {};
    },
    'source.read': async (_client, { path, sessionId }) => {
      const entry = sessionId === undefined ? undefined : this.getSession(sessionId);
      const source = await readSource(path, entry?.tracer.readFile);
      return { path, ...source };
    },
    'hostKey.answer': (client, { promptId, accept }) => {
      if (!this.prompts.answer(client, promptId, accept)) {
        throw relayError(
          'not-found',
          'That host key question is no longer open (it expired or was answered).',
        );
      }
      return Promise.resolve({});
    },
  };

  private getSession(id: string): SessionEntry {
    const entry = this.sessions.get(id);
    if (!entry) throw relayError('not-found', `There is no session "${id}".`);
    return entry;
  }

  private async launch(
    client: ClientHandle,
    params: LaunchParams,
  ): Promise<{ session: SessionInfo }> {
    const profile = this.options.profileStore.get(params.profileId);
    if (!profile) throw relayError('not-found', 'That profile no longer exists.');
    const hostKeys: HostKeyPolicy = {
      knownHostsFiles: this.knownHostsFiles,
      trustedHostsFile: this.trustedHostsFile,
      askUser: (question) => this.prompts.ask(client, question),
    };
    const id = `s${this.nextSessionId++}`;
    const log = this.logger.child(id);
    const tracer = await this.startTracer(profile, params, hostKeys, log);
    const session = new DebugSession({
      info: {
        id,
        profileId: profile.id,
        profileName: profile.name,
        target: params.target.kind === 'file' ? params.target.path : `-m ${params.target.module}`,
        startedAt: Date.now(),
      },
      tracer: tracer.link,
      logger: log,
      onChange: () => this.broadcastSessions(),
    });
    this.sessions.set(id, { session, tracer });
    session.join(client);
    tracer.onOutput((category, text) =>
      session.broadcastAppEvent('session.output', { sessionId: id, category, text }),
    );
    this.broadcastSessions();
    try {
      const attached = await attachToDebugpy(
        tracer.link.connection,
        {
          name: profile.name,
          justMyCode: params.justMyCode ?? profile.justMyCode,
          pathMappings: profile.pathMappings,
        },
        params.breakpoints,
      );
      for (const { args } of attached.breakpoints) session.recordBreakpoints(args);
      session.markAttached(attached.capabilities);
    } catch (error) {
      await session.close(error instanceof Error ? error.message : String(error));
      throw error;
    }
    log.info('session started', { profile: profile.name, target: session.info.target });
    return { session: session.info };
  }

  private broadcastSessions(): void {
    const sessions = this.listSessions();
    for (const client of this.clients) client.sendEvent('sessions.changed', { sessions });
  }
}

function relayError(code: AppErrorCode, message: string): RelayError {
  return new RelayError(code, message);
}
