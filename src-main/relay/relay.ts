/**
 * The relay: owns debug sessions and the clients that watch them (DESIGN.md "Relay").
 * Every client message is validated (`client-message-validation.ts`); an invalid one is answered
 * with an error and changes nothing. DAP requests go to their session (which maps seq numbers);
 * app requests (profiles, launch, sessions, sources, host-key answers) are handled here.
 * Sessions start two ways: a launch over SSH (`session.launch`), or a tracer that dials the tracer
 * port (`openTracerPort`, `tracer-listener.ts`). Limits and the orphan sweep: `relay-limits.ts`.
 * Plain Node: runs inside the Electron app and headless (`periscope web`, `periscope relay`).
 */
import { homedir } from 'node:os';
import type { DebugProtocol } from '@vscode/debugprotocol';
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
  TracerPortInfo,
  TracerTunnelInfo,
} from '../protocol/client-protocol.js';
import type { ProfileStore } from '../profiles/profile-store.js';
import type { HostKeyPolicy } from '../ssh/ssh-connection.js';
import { attachToDebugpy } from './attach-handshake.js';
import { ClientHandle } from './client-handle.js';
import { validateClientMessage } from './client-message-validation.js';
import type { ClientTransport } from './client-transport.js';
import { DebugSession } from './debug-session.js';
import { HostKeyPrompts } from './host-key-prompts.js';
import { NoSecretStore, type SecretStore } from '../profiles/secret-store.js';
import { SecretPrompts, secretSourceFor } from './secret-prompts.js';
import { startRemoteTracer, type StartedTracer, type TracerStarter } from './remote-tracer.js';
import { readSource } from './source-reader.js';
import { toRemotePath } from './path-mapping.js';
import { RelayError, toAppError } from './app-errors.js';
import { DapEndpoints } from './dap-endpoints.js';
import { DEFAULT_RELAY_LIMITS, type RelayLimits } from './relay-limits.js';
import { SessionSweep } from './session-sweep.js';
import { TracerTunnels } from './tracer-tunnels.js';
import { connectProfile, connectProfileKeepingUp } from './profile-connect.js';
import { ProfileLinks } from './profile-links.js';
import { TunnelRegistry } from './tunnels.js';
import { LogTails } from './log-tail.js';
import type { ReconnectingSsh } from '../ssh/reconnecting-ssh.js';
import { runPreflight } from './preflight.js';
import { attachStarter, listPythonProcesses } from './process-attach.js';
import type { Profile } from '../protocol/profile.js';
import type { SshConnection } from '../ssh/ssh-connection.js';
import { readLaunchJson, readSshConfigCandidates, writeLaunchJson } from './profile-import.js';
import { keepSessionAttached } from './session-reconnect.js';
import { attachDialledTracer } from './tracer-attach.js';
import {
  TracerListener,
  type DialledTracer,
  type TracerListenerOptions,
} from './tracer-listener.js';

/** Options of {@link Relay}. */
export interface RelayOptions {
  profileStore: ProfileStore;
  /** The app's data directory; Periscope's own known_hosts lives there. */
  dataDir: string;
  logger?: Logger;
  /** known_hosts files consulted, default `~/.ssh/known_hosts` and `<dataDir>/known_hosts`. */
  knownHostsFiles?: string[];
  /**
   * Where passwords and passphrases may be kept (encrypted); default: nowhere, they are asked
   * for (`secret.prompt`) every time a connection needs one.
   */
  secretStore?: SecretStore;
  /** Starts tracers; defaults to SSH launch. Tests of routing pass a fake. */
  startTracer?: TracerStarter;
  /** Limits and timeouts; defaults in {@link DEFAULT_RELAY_LIMITS}. */
  limits?: Partial<RelayLimits>;
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
/** How long session-list changes are gathered into one broadcast, in ms. */
const SESSIONS_BROADCAST_MS = 20;

export class Relay {
  private readonly logger: Logger;
  private readonly clients = new Set<ClientHandle>();
  private readonly sessions = new Map<string, SessionEntry>();
  /** A pending `sessions.changed` broadcast (see broadcastSessions). */
  private sessionsBroadcast: NodeJS.Timeout | undefined;
  private readonly prompts = new HostKeyPrompts();
  private readonly secretPrompts = new SecretPrompts();
  private readonly secretStore: SecretStore;
  private readonly startTracer: TracerStarter;
  private readonly knownHostsFiles: string[];
  private readonly trustedHostsFile: string;
  private nextClientId = 1;
  private nextSessionId = 1;
  private closed = false;
  /** Limits in force (options over defaults). */
  readonly limits: RelayLimits;
  private readonly sweep: SessionSweep;
  private tracerListener: TracerListener | undefined;
  private readonly endpoints: DapEndpoints;
  private readonly tunnels: TracerTunnels;
  /** SSH links of forwards opened by hand and of log tails, one per profile. */
  private readonly profileLinks = new ProfileLinks();
  /** Every forward of every connection, for the Tunnels panel (`tunnels.*`). */
  private readonly tunnelRegistry: TunnelRegistry;
  private readonly logTails: LogTails;

  constructor(private readonly options: RelayOptions) {
    this.logger = options.logger ?? createLogger('relay');
    this.startTracer = options.startTracer ?? startRemoteTracer;
    this.trustedHostsFile = join(options.dataDir, 'known_hosts');
    this.secretStore = options.secretStore ?? new NoSecretStore();
    this.knownHostsFiles = options.knownHostsFiles ?? [
      join(homedir(), '.ssh', 'known_hosts'),
      this.trustedHostsFile,
    ];
    this.limits = { ...DEFAULT_RELAY_LIMITS, ...options.limits };
    this.sweep = new SessionSweep(
      () => [...this.sessions.values()].map((e) => e.session),
      this.limits,
      this.logger.child('sweep'),
    );
    this.endpoints = new DapEndpoints({
      logger: this.logger.child('dap-endpoint'),
      nextClientId: () => `d${this.nextClientId++}`,
      admit: () => this.clientLimitReached(),
      onChange: () => this.broadcastSessions(),
    });
    this.tunnels = new TracerTunnels({
      accept: (stream, peer) => this.tracerListener?.accept(stream, peer) ?? false,
      logger: this.logger.child('tunnels'),
      onChange: () => this.tunnelRegistry.changed(),
    });
    this.tunnelRegistry = new TunnelRegistry({
      sessionForwards: () =>
        [...this.sessions.values()]
          .filter((e) => !e.session.isEnded)
          .map((e) => ({
            sessionId: e.session.info.id,
            profileId: e.session.info.profileId,
            profileName: e.session.info.profileName,
            tunnels: e.tracer.tunnels?.() ?? [],
          })),
      dialIn: () => this.tunnels.traffic(),
      tracerPort: () => this.tracerPort(),
      links: this.profileLinks,
      endSession: async (sessionId) => {
        const { session } = this.getSession(sessionId);
        if (session.info.origin === 'attach') {
          await session.detach('its forward was closed; the program keeps running');
        } else await session.close('its forward was closed by hand');
      },
      closeDialIn: (profileId) => this.tunnels.close(profileId),
      broadcast: (json) => {
        for (const client of this.clients) client.sendSerialized(json);
      },
      logger: this.logger.child('forwards'),
    });
    this.logTails = new LogTails({ links: this.profileLinks, logger: this.logger.child('logs') });
  }

  /**
   * Opens the tracer port, where programs calling `debugpy.connect((host, port))` arrive; each
   * becomes a session. Loopback by default. Rejects when the address is taken.
   */
  async openTracerPort(
    options: Pick<TracerListenerOptions, 'host' | 'port'> = {},
  ): Promise<TracerPortInfo> {
    if (this.tracerListener) await this.tracerListener.close();
    this.tracerListener = await TracerListener.listen({
      ...options,
      maxTracers: this.limits.maxTracers,
      logger: this.logger.child('tracers'),
      onTracer: (tracer) => void this.acceptTracer(tracer),
    });
    return this.tracerPort() as TracerPortInfo;
  }

  /** The tracer port, or null when none is open. */
  tracerPort(): TracerPortInfo | null {
    const listener = this.tracerListener;
    return listener ? { host: listener.host, port: listener.port } : null;
  }

  /** Ends orphaned sessions now (the sweep also runs on its timer). */
  sweepNow(now?: number): Promise<void> {
    return this.sweep.sweepNow(now);
  }

  /** Accepts a client on any transport. The relay owns the transport from now on. */
  connectClient(transport: ClientTransport): void {
    if (this.closed) {
      transport.close('the relay is shutting down');
      return;
    }
    const limit = this.clientLimitReached();
    if (limit) {
      this.logger.warn('client refused', { via: transport.label, why: limit });
      transport.close(`Periscope refused this client: ${limit}`);
      return;
    }
    const client = new ClientHandle(`c${this.nextClientId++}`, transport);
    this.clients.add(client);
    this.logger.info('client connected', { client: client.id, via: transport.label });
    transport.onMessage((raw) => this.onClientMessage(client, raw));
    transport.onClose(() => {
      this.clients.delete(client);
      this.prompts.dropAsker(client);
      this.secretPrompts.dropAsker(client);
      void this.logTails.dropClient(client);
      for (const { session } of this.sessions.values()) session.leave(client);
      this.logger.info('client disconnected', { client: client.id });
    });
  }

  /** The sessions, oldest first. */
  listSessions(): SessionInfo[] {
    return [...this.sessions.values()].map((e) => e.session.info);
  }

  /**
   * Ends every session (terminating launched programs, detaching from dialled-in ones) and
   * disconnects every client.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.sweep.stop();
    await this.endpoints.closeAll();
    // Programs that dialled in keep running (they called us); launched ones end with their SSH.
    await Promise.all(
      [...this.sessions.values()].map((e) =>
        e.session.info.origin === 'connect'
          ? e.session.detach('Periscope is shutting down; the program keeps running')
          : e.session.close('Periscope is shutting down'),
      ),
    );
    await this.tracerListener?.close();
    if (this.sessionsBroadcast) clearTimeout(this.sessionsBroadcast);
    await this.logTails.closeAll();
    await this.tunnelRegistry.closeAll();
    await this.tunnels.closeAll();
    await this.profileLinks.closeAll();
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
    'profiles.list': () => {
      const store = this.options.profileStore;
      return Promise.resolve({
        profiles: store.list(),
        ...(store.recoveredFrom !== undefined
          ? {
              recovery: { movedTo: store.recoveredFrom, reason: store.recoveryReason ?? 'unknown' },
            }
          : {}),
      });
    },
    'profiles.save': async (_client, { profile }) => ({
      profile: await this.options.profileStore.save(profile),
    }),
    'profiles.setWatches': async (_client, { id, watchExpressions }) => ({
      profile: await this.options.profileStore.setWatchExpressions(id, watchExpressions),
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
      return Promise.resolve({
        session: session.info,
        capabilities: session.capabilities,
        ...session.catchUp(),
      });
    },
    'session.detach': async (_client, { sessionId }) => {
      await this.getSession(sessionId).session.detach();
      return {};
    },
    'session.dapEndpoint.open': async (_client, { sessionId }) => {
      const { session } = this.getSession(sessionId);
      if (session.isEnded) throw relayError('session-ended', 'That session has ended.');
      return { endpoint: await this.endpoints.open(session) };
    },
    'session.dapEndpoint.close': async (_client, { sessionId }) => {
      await this.endpoints.close(this.getSession(sessionId).session);
      return {};
    },
    'session.watches.set': (client, { sessionId, expressions }) => {
      const { session } = this.getSession(sessionId);
      if (!session.hasClient(client))
        throw relayError('not-found', `Join session "${sessionId}" before changing its watches.`);
      session.setWatches(client, expressions);
      return Promise.resolve({});
    },
    'tracerPort.info': () =>
      Promise.resolve({ tracerPort: this.tracerPort(), tunnels: this.tunnels.list() }),
    'tracerTunnel.open': (client, { profileId }) => this.openTunnel(client, profileId),
    'tracerTunnel.close': async (_client, { profileId }) => {
      await this.tunnels.close(profileId);
      return {};
    },
    'session.close': async (_client, { sessionId }) => {
      const { session } = this.getSession(sessionId);
      // Stopping an attach session leaves the program running, as VS Code's Disconnect does for
      // attach configurations: Periscope did not start it, so it does not end it.
      if (session.info.origin === 'attach') {
        await session.detach('disconnected; the program keeps running');
      } else {
        await session.close();
      }
      return {};
    },
    'source.read': async (_client, { path, sessionId }) => {
      const entry = sessionId === undefined ? undefined : this.getSession(sessionId);
      // A laptop path without a laptop copy is read at its mapped remote path (pathMappings).
      const mappings =
        entry && (this.options.profileStore.get(entry.session.info.profileId)?.pathMappings ?? []);
      const readRemote =
        entry &&
        ((p: string, max: number) => entry.tracer.readFile(toRemotePath(p, mappings ?? []), max));
      const source = await readSource(path, readRemote);
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
    'profiles.importSshConfig': (_client, { path }) => readSshConfigCandidates(path),
    'profiles.importLaunchJson': (_client, { projectPath }) => readLaunchJson(projectPath),
    'profiles.exportLaunchJson': (_client, { projectPath, configuration }) =>
      writeLaunchJson(projectPath, configuration),
    'session.preflight': (client, params) => {
      const profile = this.requireProfile(params.profileId);
      return runPreflight(profile, params, () => this.connectFor(client, profile));
    },
    'processes.list': async (client, { profileId }) => {
      const connection = await this.connectFor(client, this.requireProfile(profileId));
      try {
        return { processes: await listPythonProcesses(connection) };
      } finally {
        await connection.close().catch(() => undefined);
      }
    },
    'session.attach': (client, { to, ...rest }) =>
      this.launch(
        client,
        { ...rest, target: { kind: 'file', path: '' }, args: [], cwd: '' },
        {
          start: attachStarter(to),
          label: to.kind === 'pid' ? `process ${to.pid}` : `debugpy on port ${to.port}`,
        },
      ),
    'tunnels.list': () => Promise.resolve({ tunnels: this.tunnelRegistry.list() }),
    'tunnels.open': async (client, params) => {
      const profile = this.requireProfile(params.profileId);
      return {
        tunnel: await this.tunnelRegistry.open(profile, params, this.keepingUpFor(client, profile)),
      };
    },
    'tunnels.close': async (_client, { id }) => {
      await this.tunnelRegistry.close(id);
      return {};
    },
    'logs.open': (client, { profileId, path }) => {
      const profile = this.requireProfile(profileId);
      return this.logTails.open(client, profile, path, this.keepingUpFor(client, profile));
    },
    'logs.close': async (client, { logId }) => {
      await this.logTails.close(client, logId);
      return {};
    },
    'secret.answer': (client, { promptId, answers, remember }) => {
      if (!this.secretPrompts.answer(client, promptId, answers, remember ?? false)) {
        throw relayError(
          'not-found',
          'That password question is no longer open (it expired or was answered).',
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

  private requireProfile(id: string): Profile {
    const profile = this.options.profileStore.get(id);
    if (!profile) throw relayError('not-found', 'That profile no longer exists.');
    return profile;
  }

  /** A plain SSH connection to `profile`'s machine, asking `client` about host keys and secrets. */
  private connectFor(client: ClientHandle, profile: Profile): Promise<SshConnection> {
    const hostKeys: HostKeyPolicy = {
      knownHostsFiles: this.knownHostsFiles,
      trustedHostsFile: this.trustedHostsFile,
      askUser: (question) => this.prompts.ask(client, question),
    };
    const secrets = secretSourceFor(this.secretStore, this.secretPrompts, client);
    return connectProfile(profile, hostKeys, this.logger.child('preflight'), {
      secrets: secrets.source,
      lookupProfile: (id) => this.options.profileStore.get(id),
    });
  }

  /**
   * Makes a kept-up SSH link to `profile`'s machine (reconnects by itself), asking `client` about
   * host keys and secrets; for the shared links of forwards and log tails.
   */
  private keepingUpFor(client: ClientHandle, profile: Profile): () => Promise<ReconnectingSsh> {
    return async () => {
      const hostKeys: HostKeyPolicy = {
        knownHostsFiles: this.knownHostsFiles,
        trustedHostsFile: this.trustedHostsFile,
        askUser: (question) => this.prompts.ask(client, question),
      };
      const secrets = secretSourceFor(this.secretStore, this.secretPrompts, client);
      return connectProfileKeepingUp(profile, hostKeys, this.logger.child('links'), {
        secrets: secrets.source,
        lookupProfile: (id) => this.options.profileStore.get(id),
      }).catch(async (error: unknown) => {
        if ((error as { code?: unknown }).code === 'auth-failed') await secrets.forgetUsed();
        throw error;
      });
    };
  }

  /** Launches (or, with `attach`, attaches to a running program: `session.attach`). */
  private async launch(
    client: ClientHandle,
    params: LaunchParams,
    attach?: { start: TracerStarter; label: string },
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
    const secrets = secretSourceFor(this.secretStore, this.secretPrompts, client);
    const tracer = await (attach?.start ?? this.startTracer)(
      profile,
      params,
      hostKeys,
      log,
      undefined,
      {
        secrets: secrets.source,
        lookupProfile: (profileId) => this.options.profileStore.get(profileId),
      },
    ).catch(async (error: unknown) => {
      // A stored password or passphrase the server refused is wrong now: ask next time.
      if ((error as { code?: unknown }).code === 'auth-failed') await secrets.forgetUsed();
      throw error;
    });
    const session = new DebugSession({
      info: {
        id,
        profileId: profile.id,
        profileName: profile.name,
        target:
          attach?.label ??
          (params.target.kind === 'file' ? params.target.path : `-m ${params.target.module}`),
        startedAt: Date.now(),
        origin: attach ? 'attach' : 'launch',
        host: profile.host,
      },
      tracer: tracer.link,
      logger: log,
      onChange: () => this.broadcastSessions(),
      limits: this.limits,
    });
    this.sessions.set(id, { session, tracer });
    session.join(client);
    tracer.onOutput((category, text) => session.pushOutput(category, text));
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
        {
          exceptionFilters: params.exceptionFilters,
          functionBreakpoints: params.functionBreakpoints,
        },
      );
      for (const { args, response } of attached.breakpoints)
        session.recordBreakpoints(
          args,
          response.body as DebugProtocol.SetBreakpointsResponse['body'] | undefined,
        );
      session.markAttached(attached.capabilities);
    } catch (error) {
      await session.close(error instanceof Error ? error.message : String(error));
      throw error;
    }
    keepSessionAttached(
      session,
      tracer,
      {
        name: profile.name,
        justMyCode: params.justMyCode ?? profile.justMyCode,
        pathMappings: profile.pathMappings,
      },
      {
        exceptionFilters: params.exceptionFilters,
        functionBreakpoints: params.functionBreakpoints,
      },
      log,
    );
    log.info('session started', { profile: profile.name, target: session.info.target });
    return { session: session.info };
  }

  /**
   * A tracer dialled in: makes it a session (listed at once, `starting`), attaches to it within
   * the attach timeout, and ends it if that fails.
   */
  private async acceptTracer({ link, peer }: DialledTracer): Promise<void> {
    if (this.closed) {
      await link.dispose();
      return;
    }
    const id = `s${this.nextSessionId++}`;
    const log = this.logger.child(id);
    const profile = peer.profileId ? this.options.profileStore.get(peer.profileId) : undefined;
    const session = new DebugSession({
      info: {
        id,
        profileId: profile?.id ?? '',
        profileName: profile?.name ?? 'debugpy.connect',
        target: `debugpy.connect from ${peer.host}`,
        startedAt: Date.now(),
        origin: 'connect',
        host: peer.host,
      },
      tracer: link,
      logger: log,
      onChange: () => this.broadcastSessions(),
      limits: this.limits,
    });
    const readFile =
      peer.readFile ??
      ((): Promise<Buffer> =>
        Promise.reject(
          new Error('the program dialled in directly, so there is no SFTP to its machine'),
        ));
    this.sessions.set(id, { session, tracer: { link, onOutput: () => undefined, readFile } });
    this.broadcastSessions();
    await attachDialledTracer(session, link, {
      name: `periscope ${id}`,
      justMyCode: profile?.justMyCode ?? true,
      pathMappings: profile?.pathMappings ?? [],
      timeoutMs: this.limits.attachTimeoutMs,
      logger: log,
    });
  }

  /**
   * Opens a remote forward on a profile's machine to the tracer port (opening a loopback tracer
   * port first if there is none), asking `client` about host keys and secrets.
   */
  private async openTunnel(
    client: ClientHandle,
    profileId: string,
  ): Promise<{ tunnel: TracerTunnelInfo }> {
    const profile = this.options.profileStore.get(profileId);
    if (!profile) throw relayError('not-found', 'That profile no longer exists.');
    if (!this.tracerListener) await this.openTracerPort();
    const tunnel = await this.tunnels.open(profile, () =>
      this.profileLinks.acquire(profile.id, this.keepingUpFor(client, profile)),
    );
    return { tunnel };
  }

  /** Why one more client would exceed the client cap, or undefined. */
  private clientLimitReached(): string | undefined {
    const count = this.clients.size + this.endpoints.clientCount;
    return count >= this.limits.maxClients
      ? `the relay already has ${count} clients (limit ${this.limits.maxClients})`
      : undefined;
  }

  /**
   * Tells every client the session list changed. Changes within {@link SESSIONS_BROADCAST_MS}
   * go out as one message, serialised once: with 50 sessions and 150 clients, sending the whole
   * list to everyone on every state change cost the relay more than a second of a fan-out.
   */
  private broadcastSessions(): void {
    this.tunnelRegistry.changed();
    for (const { session } of this.sessions.values()) {
      if (session.isEnded) void this.endpoints.close(session, 'the session ended');
    }
    if (this.sessionsBroadcast) return;
    this.sessionsBroadcast = setTimeout(() => {
      this.sessionsBroadcast = undefined;
      const json = JSON.stringify({
        type: 'app-event',
        event: 'sessions.changed',
        body: { sessions: this.listSessions() },
      });
      for (const client of this.clients) client.sendSerialized(json);
    }, SESSIONS_BROADCAST_MS);
  }
}

function relayError(code: AppErrorCode, message: string): RelayError {
  return new RelayError(code, message);
}
