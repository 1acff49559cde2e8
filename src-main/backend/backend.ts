/**
 * The app backend, the composition root of the main process: the relay's debug sessions and the
 * clients that watch them (DESIGN.md "Relay"), and the profiles, SSH links, forwards and log tabs
 * those clients work with through the app API. Every client message is validated
 * (`clients/client-message-validation.ts`); an invalid one is answered with an error and changes
 * nothing. DAP requests go to their session (which maps seq numbers); app requests (profiles,
 * launch, sessions, sources, host-key answers) go to their handler (`handlers/app-handlers.ts`).
 * Sessions start as a launch or attach over SSH, or as a tracer that dials the tracer port
 * (`openTracerPort`, `tracer/tracer-listener.ts`): `sessions/session-starter.ts`. The sessions and
 * their `sessions.changed` broadcast: `sessions/session-table.ts`. SSH connections made for a
 * client, with its host key and password questions: `connect/client-connections.ts`. Limits and the
 * orphan sweep: `relay/relay-limits.ts`.
 * Plain Node: runs inside the Electron app and headless (`periscope web`, `periscope relay`).
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createLogger, type Logger } from '../log/logger.js';
import { InjectorVerdicts } from '../remote/probes/injector-verdicts.js';
import { defaultKnownHostsFiles } from '../ssh/host-keys/known-hosts.js';
import type {
  DapClientMessage,
  SessionInfo,
  TracerPortInfo,
} from '../../src-common/protocol/client-protocol.js';
import type { ProfileStore } from '../profiles/profile-store.js';
import { appHandlers, handleAppRequest } from './handlers/app-handlers.js';
import type { AppHandlers } from './handlers/handler-types.js';
import { ClientConnections } from '../connect/client-connections.js';
import { ClientHandle } from './clients/client-handle.js';
import { validateClientMessage } from './clients/client-message-validation.js';
import type { ClientTransport } from './clients/client-transport.js';
import { NoSecretStore, type SecretStore } from '../profiles/secret-store.js';
import { startRemoteTracer, type TracerStarter } from '../tracer/launch-tracer.js';
import { startContainerTracer } from '../tracer/container-tracer.js';
import { DapEndpoints } from '../relay/dap-endpoints.js';
import { DEFAULT_RELAY_LIMITS, type RelayLimits } from '../relay/relay-limits.js';
import { SessionStarter } from './sessions/session-starter.js';
import { SessionSweep } from '../relay/session-sweep.js';
import { isRemovable, sessionsToForget } from '../relay/ended-retention.js';
import { SessionTable } from './sessions/session-table.js';
import { DialInForwards } from '../forwards/dial-in-forwards.js';
import { ProfileLinks } from '../connect/profile-links.js';
import { ForwardRegistry } from '../forwards/forward-registry.js';
import { LogTails } from '../logs/log-tails.js';
import { TracerListener, type TracerListenerOptions } from '../tracer/tracer-listener.js';
import { SnapshotStore } from '../snapshots/snapshot-store.js';

/** Options of {@link Backend}. */
export interface BackendOptions {
  profileStore: ProfileStore;
  /** The app's data directory; Periscope's own known_hosts lives there. */
  dataDir: string;
  logger?: Logger;
  /**
   * known_hosts files consulted; default {@link defaultKnownHostsFiles}: `~/.ssh/known_hosts{,2}`,
   * `<dataDir>/known_hosts`, `/etc/ssh/ssh_known_hosts{,2}`.
   */
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

/**
 * The backend one process runs: clients connect to it (`connectClient`), it answers their
 * messages, and it closes everything it opened on {@link Backend.close}. See the module comment.
 */
export class Backend {
  private readonly logger: Logger;
  private readonly clients = new Set<ClientHandle>();
  private readonly sessions: SessionTable;
  /** SSH connections made for a client, asking it about host keys and secrets. */
  private readonly connections: ClientConnections;
  private readonly starter: SessionStarter;
  /** The handler of each app method. */
  private readonly handlers: AppHandlers;
  private nextClientId = 1;
  private closed = false;
  /** Limits in force (options over defaults). */
  readonly limits: RelayLimits;
  private readonly sweep: SessionSweep;
  private tracerListener: TracerListener | undefined;
  private readonly endpoints: DapEndpoints;
  private readonly tunnels: DialInForwards;
  /** SSH links of forwards opened by hand and of log tails, one per profile. */
  private readonly profileLinks: ProfileLinks;
  /** Every forward of every connection, for the Tunnels panel (`tunnels.*`). */
  private readonly forwardRegistry: ForwardRegistry;
  private readonly logTails: LogTails;
  /** The snapshots kept on this machine. */
  private readonly snapshots: SnapshotStore;

  constructor(options: BackendOptions) {
    this.logger = options.logger ?? createLogger('relay');
    this.profileLinks = new ProfileLinks((id) => options.profileStore.get(id));
    const trustedHostsFile = join(options.dataDir, 'known_hosts');
    this.limits = { ...DEFAULT_RELAY_LIMITS, ...options.limits };
    this.snapshots = new SnapshotStore(join(options.dataDir, 'snapshots'));
    this.sessions = new SessionTable((json) => {
      for (const client of this.clients) client.sendSerialized(json);
    });
    this.connections = new ClientConnections({
      profileStore: options.profileStore,
      knownHostsFiles:
        options.knownHostsFiles ?? defaultKnownHostsFiles(homedir(), trustedHostsFile),
      trustedHostsFile,
      secretStore: options.secretStore ?? new NoSecretStore(),
      logger: this.logger,
    });
    this.starter = new SessionStarter({
      profileStore: options.profileStore,
      sessions: this.sessions,
      connections: this.connections,
      // A launch into a container has its own path (`tracer/container-tracer.ts`).
      startTracer:
        options.startTracer ??
        ((profile, params, ...rest) =>
          (params.container ? startContainerTracer : startRemoteTracer)(profile, params, ...rest)),
      limits: this.limits,
      logger: this.logger,
      onChange: (session) => this.broadcastSessions(session?.id),
      isClosed: () => this.closed,
      keepSnapshot: async (profileId, name, bytes) => {
        await this.snapshots.add(name, bytes, profileId || null);
        await this.broadcastSnapshots();
      },
    });
    this.sweep = new SessionSweep(
      () => this.sessions.sessions(),
      this.limits,
      this.logger.child('sweep'),
      (now) => this.forgetEnded(now),
    );
    this.endpoints = new DapEndpoints({
      logger: this.logger.child('dap-endpoint'),
      nextClientId: () => `d${this.nextClientId++}`,
      admit: () => this.clientLimitReached(),
      onChange: () => this.broadcastSessions(),
    });
    this.tunnels = new DialInForwards({
      accept: (stream, peer) => this.tracerListener?.accept(stream, peer) ?? false,
      logger: this.logger.child('tunnels'),
      onChange: () => this.forwardRegistry.changed(),
    });
    this.forwardRegistry = new ForwardRegistry({
      // Asked at every session change: only sessions with tunnels are described (a session's
      // info is built anew at each read: 9 ms of the relay's work in a 50-session fan-out).
      sessionForwards: () =>
        this.sessions.all().flatMap((e) => {
          const tunnels = e.session.isEnded ? [] : (e.tracer.tunnels?.() ?? []);
          if (tunnels.length === 0) return [];
          const { id, profileId, profileName } = e.session.info;
          return [{ sessionId: id, profileId, profileName, tunnels }];
        }),
      dialIn: () => this.tunnels.traffic(),
      tracerPort: () => this.tracerPort(),
      links: this.profileLinks,
      endSession: async (sessionId) => {
        const { session } = this.sessions.require(sessionId);
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
    this.handlers = appHandlers({
      profileStore: options.profileStore,
      sessions: this.sessions,
      removeEnded: (ids) => this.forgetEnded(Date.now(), ids),
      starter: this.starter,
      endpoints: this.endpoints,
      connections: this.connections,
      dialInForwards: this.tunnels,
      forwardRegistry: this.forwardRegistry,
      profileLinks: this.profileLinks,
      logTails: this.logTails,
      injectorVerdicts: new InjectorVerdicts(),
      logger: this.logger.child('attach'),
      tracerPort: () => this.tracerPort(),
      openTracerPort: () => this.openTracerPort(),
      snapshots: this.snapshots,
      snapshotsChanged: () => this.broadcastSnapshots(),
    });
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
      onTracer: (tracer) =>
        this.background('accepting a tracer', this.starter.acceptDialledTracer(tracer)),
    });
    return this.tracerPort() as TracerPortInfo;
  }

  /** The tracer port, or null when none is open. */
  tracerPort(): TracerPortInfo | null {
    const listener = this.tracerListener;
    return listener ? { host: listener.host, port: listener.port } : null;
  }

  /**
   * Forgets ended sessions past the retention limits (`relay/ended-retention.ts`), or the ended
   * ones in `ids` (a person's `sessions.removeEnded`); live ones are never forgotten.
   * @returns the ids forgotten.
   */
  forgetEnded(now = Date.now(), ids?: readonly string[]): string[] {
    const retained = this.sessions.retained();
    const chosen = ids
      ? retained.filter((s) => isRemovable(s) && ids.includes(s.id)).map((s) => s.id)
      : sessionsToForget(retained, now, this.limits);
    const gone = this.sessions.forget(chosen);
    if (gone.length > 0) {
      this.logger.info('forgot ended sessions', { count: gone.length, by: ids ? 'user' : 'limit' });
      this.sessions.changed();
    }
    return gone;
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
    // The whole list first (pending changes go to the others before it), then every patch.
    client.sendSerialized(this.sessions.wholeEvent());
    this.clients.add(client);
    this.logger.info('client connected', { client: client.id, via: transport.label });
    transport.onMessage((raw) => this.onClientMessage(client, raw));
    transport.onClose(() => {
      this.clients.delete(client);
      this.connections.dropClient(client);
      this.background('closing log tails', this.logTails.dropClient(client));
      for (const session of this.sessions.sessions()) session.leave(client);
      this.logger.info('client disconnected', { client: client.id });
    });
  }

  /** The sessions, oldest first. */
  listSessions(): SessionInfo[] {
    return this.sessions.list();
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
      this.sessions
        .sessions()
        .map((session) =>
          session.info.origin === 'connect'
            ? session.detach('Periscope is shutting down; the program keeps running')
            : session.close('Periscope is shutting down'),
        ),
    );
    await this.tracerListener?.close();
    this.sessions.cancelBroadcast();
    await this.logTails.closeAll();
    await this.forwardRegistry.closeAll();
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
    else
      this.background(
        `app request ${message.method}`,
        handleAppRequest(this.handlers, client, message, this.logger),
      );
  }

  /** The relay's hot path (issue 15): nothing is built for a request but what it needs. */
  private onDapRequest(client: ClientHandle, message: DapClientMessage): void {
    const entry = this.sessions.get(message.sessionId);
    const request = message.message;
    if (!entry || !entry.session.hasClient(client)) {
      client.sendDap(message.sessionId, {
        seq: 0,
        type: 'response',
        request_seq: request.seq,
        command: request.command,
        success: false,
        message: entry
          ? `Join session "${message.sessionId}" before sending it requests.`
          : `There is no session "${message.sessionId}".`,
      });
      return;
    }
    entry.session
      .handleClientRequest(client, request)
      .catch((error: unknown) =>
        this.logger.error(
          `DAP request ${request.command.slice(0, 100)} failed`,
          errorFields(error),
        ),
      );
  }

  /**
   * Runs `work` in the background: what it throws is a bug, logged with `what`, never an unhandled
   * rejection (which would end the process and every session).
   */
  private background(what: string, work: Promise<unknown>): void {
    work.catch((error: unknown) => this.logger.error(`${what} failed`, errorFields(error)));
  }

  /** Why one more client would exceed the client cap, or undefined. */
  private clientLimitReached(): string | undefined {
    const count = this.clients.size + this.endpoints.clientCount;
    return count >= this.limits.maxClients
      ? `the relay already has ${count} clients (limit ${this.limits.maxClients})`
      : undefined;
  }

  /** Tells every client the kept snapshots changed. */
  private async broadcastSnapshots(): Promise<void> {
    const json = JSON.stringify({
      type: 'app-event',
      event: 'snapshots.changed',
      body: { snapshots: await this.snapshots.list() },
    });
    for (const client of this.clients) client.sendSerialized(json);
  }

  /**
   * Tells every client the session list changed (`sessions/session-table.ts` gathers changes into
   * one patch), closes the DAP endpoints of ended sessions and refreshes the Tunnels panel.
   * @param id the session that changed, when only one did (only it is compared again).
   */
  private broadcastSessions(id?: string): void {
    this.forwardRegistry.changed();
    for (const session of this.sessions.sessions()) {
      if (session.isEnded)
        this.background(
          'closing a DAP endpoint',
          this.endpoints.close(session, 'the session ended'),
        );
    }
    this.forgetEnded();
    this.sessions.changed(id);
  }
}

/** The log fields of a failure in the background: its stack, or what it is. */
function errorFields(error: unknown): { error: string } {
  return { error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
}
