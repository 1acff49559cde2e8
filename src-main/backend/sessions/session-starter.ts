/**
 * How a session comes to be (its `origin`):
 * - `launch`: the program is started under debugpy over SSH (`tracer/launch-tracer.ts`), the
 *   client that asked joins, and the relay does the DAP attach handshake
 *   (`tracer/attach-handshake.ts`) with the launch's breakpoints; the session then survives SSH
 *   drops (`tracer/session-reconnect.ts`);
 * - `attach`: the same, to a program already running on the machine (`tracer/attach-tracer.ts`);
 * - `connect`: a tracer dialled the tracer port (`debugpy.connect`); the session is listed at once
 *   (`starting`) and attached within the attach timeout (`tracer/dialled-tracer.ts`);
 * - `snapshot`: a snapshot replayed in-process (`snapshots/snapshot-tracer.ts`), read-only.
 * A session is in the relay's table (and the Sessions list) from before its handshake, so an
 * event right after `configurationDone` is not lost.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Logger } from '../../log/logger.js';
import { DEFAULT_MAX_CHILD_PROCESSES } from '../../profiles/profile-schema.js';
import type { ProfileStore } from '../../profiles/profile-store.js';
import type { LaunchParams, SessionInfo } from '../../../src-common/protocol/client-protocol.js';
import type { Profile } from '../../../src-common/protocol/profile.js';
import {
  attachToDebugpy,
  type AttachOptions,
  type DebugpyAttachArguments,
} from '../../tracer/attach-handshake.js';
import type { ClientConnections } from '../../connect/client-connections.js';
import type { ClientHandle } from '../clients/client-handle.js';
import { DebugSession, type DebugSessionOptions } from '../../relay/debug-session.js';
import { ProcessTree } from '../../relay/process-tree.js';
import type { RelayLimits } from '../../relay/relay-limits.js';
import type { StartedTracer, TracerStarter } from '../../tracer/launch-tracer.js';
import { keepSessionAttached } from '../../tracer/session-reconnect.js';
import type { SessionTable } from './session-table.js';
import { attachDialledTracer, type DialledProcess } from '../../tracer/dialled-tracer.js';
import { childTracer } from '../../tracer/child-tracer.js';
import { followChildren, type ChildProcessContext } from '../../tracer/child-processes.js';
import type { DialledTracer } from '../../tracer/tracer-listener.js';
import { errorMessage } from '../../../src-common/errors.js';
import type { SnapshotSummary } from '../../../src-common/protocol/snapshots.js';
import type { SnapshotDocument } from '../../snapshots/snapshot-document.js';
import { snapshotTracer } from '../../snapshots/snapshot-tracer.js';
import { followSnapshotPointHits } from '../../snapshots/snapshot-point-hits.js';

/** Options of {@link SessionStarter}. */
export interface SessionStarterOptions {
  profileStore: Pick<ProfileStore, 'get'>;
  /** Where new sessions are added. */
  sessions: SessionTable;
  /** Connects for the client that launches (host keys and secrets are asked of it). */
  connections: ClientConnections;
  /** Starts a launched tracer (SSH launch in the app, a fake in some tests). */
  startTracer: TracerStarter;
  limits: RelayLimits;
  /** The relay's logger; each session logs under a child named by its id. */
  logger: Logger;
  /** Called whenever a session or its info changes (with the session, when it is one). */
  onChange: (session?: DebugSession) => void;
  /** True once the relay is shutting down: tracers that dial in then are let go. */
  isClosed: () => boolean;
  /**
   * Keeps a snapshot a snapshot point of a session recorded (its file name and bytes, read over
   * the session's link), for the profile `profileId` (`snapshots/snapshot-point-hits.ts`).
   */
  keepSnapshot?: (profileId: string, name: string, bytes: Buffer) => Promise<void>;
}

/** A running program to attach to instead of launching one (`session.attach`). */
export interface AttachTo {
  /** Starts the tracer: connects, injects or finds debugpy, forwards. */
  start: TracerStarter;
  /** The session's target as listed, e.g. `process 1234`. */
  label: string;
}

/**
 * The profile's launch.json options that debugpy applies to an attach (launch-only ones, such as
 * `stopOnEntry` or `envFile`, are the launch's), each sent only when on.
 */
export function attachDebugOptions(
  profile: Pick<Profile, 'django' | 'jinja' | 'showReturnValue'>,
): Pick<DebugpyAttachArguments, 'django' | 'jinja' | 'showReturnValue'> {
  return {
    ...(profile.django && { django: true }),
    ...(profile.jinja && { jinja: true }),
    ...(profile.showReturnValue && { showReturnValue: true }),
  };
}

/** See the module comment. */
/** How long a snapshot's replay may take to show its stop, in ms (it is in memory: instant). */
const SNAPSHOT_OPEN_TIMEOUT_MS = 5000;

export class SessionStarter {
  constructor(private readonly options: SessionStarterOptions) {}

  /**
   * Launches `params` on `profile`'s machine (or, with `attach`, attaches to a running program),
   * asking `client` about host keys and secrets; `client` joins the session. Rejects with the
   * SSH, launch or handshake error; a session that failed its handshake is ended with the reason.
   */
  async launch(
    client: ClientHandle,
    profile: Profile,
    params: LaunchParams,
    attach?: AttachTo,
  ): Promise<{ session: SessionInfo }> {
    const id = this.options.sessions.newId();
    const log = this.options.logger.child(id);
    const tracer = await this.options.connections.asking(client, (hostKeys, extras) =>
      (attach?.start ?? this.options.startTracer)(
        profile,
        params,
        hostKeys,
        log,
        undefined,
        extras,
      ),
    );
    const session = this.open(
      {
        id,
        profileId: profile.id,
        profileName: profile.name,
        target:
          tracer.label ??
          attach?.label ??
          (params.target.kind === 'file' ? params.target.path : `-m ${params.target.module}`),
        startedAt: Date.now(),
        origin: attach ? 'attach' : 'launch',
        host: profile.host,
        ...(tracer.resizeTerminal && { terminal: true }),
      },
      tracer,
      log,
    );
    session.join(client);
    if (tracer.notice) session.pushOutput('console', `${tracer.notice}\n`);
    tracer.onOutput((category, text) => session.pushOutput(category, text));
    this.options.onChange();
    const attachArgs = {
      name: profile.name,
      justMyCode: params.justMyCode ?? profile.justMyCode,
      pathMappings: [...(tracer.pathMappings ?? []), ...profile.pathMappings],
      ...attachDebugOptions(profile),
    };
    const tree = new ProcessTree(session, {
      follow: profile.subProcess,
      maxChildren: profile.maxChildProcesses,
      exceptionFilters: params.exceptionFilters,
      functionBreakpoints: params.functionBreakpoints,
    });
    session.processTree = tree;
    // What a re-attach sets: the tree's exception filters as they are then, not at launch.
    const exceptions = {
      get exceptionFilters() {
        return tree.exceptionFilters;
      },
      get functionBreakpoints() {
        return tree.functionBreakpoints;
      },
    };
    // Before the handshake: forked children are announced with the attach response.
    followChildren(session, this.childContext(tree, tracer, exceptions, log));
    try {
      const attached = await attachToDebugpy(
        tracer.link.connection,
        attachArgs,
        params.breakpoints,
        exceptions,
      );
      for (const { args, response } of attached.breakpoints)
        session.recordBreakpoints(
          args,
          response.body as DebugProtocol.SetBreakpointsResponse['body'] | undefined,
        );
      session.markAttached(attached.capabilities);
    } catch (error) {
      await session.close(errorMessage(error));
      throw error;
    }
    keepSessionAttached(session, tracer, attachArgs, exceptions, log);
    log.info('session started', { profile: profile.name, target: session.info.target });
    return { session: session.info };
  }

  /**
   * Opens the snapshot `doc` (kept as `summary`) as a read-only session that `client` joins: the
   * same handshake as a launch, with the replay as the tracer; it stops at once on the recorded
   * moment and stays so until closed.
   * @param profileName the name of the profile it came from, if any.
   * @throws AttachError when the replay does not answer the handshake (a bug).
   */
  async openSnapshot(
    client: ClientHandle,
    doc: SnapshotDocument,
    summary: SnapshotSummary,
    profileName?: string,
  ): Promise<{ session: SessionInfo }> {
    const id = this.options.sessions.newId();
    const log = this.options.logger.child(id);
    const program = summary.program.split('/').pop() || summary.program || 'a program';
    const what = summary.exception ?? `snapshot point ${summary.point ?? ''}`.trim();
    const tracer = snapshotTracer(doc, `Snapshot: ${program}: ${what}`, log);
    const session = this.open(
      {
        id,
        profileId: summary.profileId ?? '',
        profileName: profileName ?? 'snapshot file',
        target: tracer.label ?? program,
        startedAt: Date.now(),
        origin: 'snapshot',
        host: summary.host,
        pid: summary.pid,
        snapshotId: summary.id,
      },
      tracer,
      log,
    );
    session.join(client);
    if (tracer.notice) session.pushOutput('console', `${tracer.notice}\n`);
    this.options.onChange();
    // The replay stops right after configurationDone; the session (whose listener came first)
    // has taken the stop when this one hears it, so the caller gets the session stopped.
    const stopped = new Promise<void>((resolve) => {
      const off = tracer.link.connection.onEvent((event) => {
        if (event.event !== 'stopped') return;
        off();
        resolve();
      });
    });
    try {
      const attached = await attachToDebugpy(
        tracer.link.connection,
        { name: 'snapshot', justMyCode: false, pathMappings: [] },
        [],
        { exceptionFilters: [], functionBreakpoints: [] },
      );
      session.markAttached(attached.capabilities);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        stopped,
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(
            () => reject(new Error('the snapshot did not open (its replay never showed a stop)')),
            SNAPSHOT_OPEN_TIMEOUT_MS,
          );
        }),
      ]).finally(() => clearTimeout(timer));
    } catch (error) {
      await session.close(errorMessage(error));
      throw error;
    }
    log.info('snapshot opened', { snapshot: summary.id });
    return { session: session.info };
  }

  /**
   * A tracer dialled in: makes it a session (listed at once, `starting`), attaches to it within
   * the attach timeout, and ends it if that fails. Never rejects.
   */
  async acceptDialledTracer({ link, peer, process }: DialledTracer): Promise<void> {
    if (this.options.isClosed()) {
      await link.dispose();
      return;
    }
    const parent = process && this.dialledSessionOf(process.ppid);
    if (process && parent?.processTree) {
      await this.acceptDialledChild(parent, link, peer, process);
      return;
    }
    const id = this.options.sessions.newId();
    const log = this.options.logger.child(id);
    const profile = peer.profileId ? this.options.profileStore.get(peer.profileId) : undefined;
    const readFile =
      peer.readFile ??
      ((): Promise<Buffer> =>
        Promise.reject(
          new Error('the program dialled in directly, so there is no SFTP to its machine'),
        ));
    const session = this.open(
      {
        id,
        profileId: profile?.id ?? '',
        profileName: profile?.name ?? 'debugpy.connect',
        target: `debugpy.connect from ${peer.host}`,
        startedAt: Date.now(),
        origin: 'connect',
        host: peer.host,
        ...(process ? { pid: process.pid } : {}),
      },
      { link, onOutput: () => undefined, readFile },
      log,
    );
    session.processTree = new ProcessTree(session, {
      follow: profile?.subProcess ?? true,
      maxChildren: profile?.maxChildProcesses ?? DEFAULT_MAX_CHILD_PROCESSES,
    });
    this.options.onChange();
    await attachDialledTracer(session, link, {
      name: `periscope ${id}`,
      justMyCode: profile?.justMyCode ?? true,
      pathMappings: profile?.pathMappings ?? [],
      ...(profile && { debugOptions: attachDebugOptions(profile) }),
      timeoutMs: this.options.limits.attachTimeoutMs,
      logger: log,
    });
  }

  /** The live dialled-in session of process `pid`, if any. */
  private dialledSessionOf(pid: number): DebugSession | undefined {
    return this.options.sessions
      .sessions()
      .find((s) => !s.isEnded && s.info.origin === 'connect' && s.info.pid === pid);
  }

  /**
   * A child process of a dialled-in program dialled in too: a session in its parent's tree, with
   * the tree's breakpoints, joined by the parent's UI clients; beyond the tree's limit it is
   * attached with nothing set and let go (a child nobody configures waits for good). Never rejects.
   */
  private async acceptDialledChild(
    parent: DebugSession,
    link: DialledTracer['link'],
    peer: DialledTracer['peer'],
    process: DialledProcess,
  ): Promise<void> {
    const tree = parent.processTree!;
    const profile = peer.profileId ? this.options.profileStore.get(peer.profileId) : undefined;
    const options = {
      name: `periscope child ${process.pid}`,
      justMyCode: profile?.justMyCode ?? true,
      pathMappings: profile?.pathMappings ?? [],
      timeoutMs: this.options.limits.attachTimeoutMs,
      logger: this.options.logger.child(`pid ${process.pid}`),
    };
    if (!tree.reserve()) {
      const released = new DebugSession({
        info: { ...parent.info, id: `released-${process.pid}`, target: `process ${process.pid}` },
        tracer: link,
        logger: options.logger,
        onChange: () => undefined,
      });
      await attachDialledTracer(released, link, options);
      await released.detach('run without the debugger: the tree is at its limit');
      if (tree.follows && tree.noteUnfollowed(process.pid)) {
        tree.root.updateInfo({ unfollowed: tree.unfollowed });
        tree.root.pushOutput(
          'console',
          `Periscope: process ${process.pid} runs without the debugger: ${tree.maxChildren} child processes of this program are followed already, the profile's limit (Child processes). Raise it to follow more.\n`,
        );
      }
      return;
    }
    const id = this.options.sessions.newId();
    const session = this.open(
      {
        id,
        profileId: parent.info.profileId,
        profileName: parent.info.profileName,
        target: `process ${process.pid}`,
        startedAt: Date.now(),
        origin: 'connect',
        host: peer.host,
        parentId: parent.id,
        pid: process.pid,
      },
      { link, onOutput: () => undefined, readFile: this.readerOf(parent) },
      this.options.logger.child(id),
    );
    session.processTree = tree;
    tree.add(session);
    session.inheritWatches(tree.root.watches);
    for (const client of parent.appClients()) session.join(client);
    this.options.onChange();
    await attachDialledTracer(session, link, {
      ...options,
      breakpoints: tree.startingBreakpoints(),
      exceptions: {
        exceptionFilters: tree.exceptionFilters,
        functionBreakpoints: tree.functionBreakpoints,
      },
    });
  }

  /** What the session's tracer reads files with. */
  private readerOf(session: DebugSession): StartedTracer['readFile'] {
    return this.options.sessions.require(session.id).tracer.readFile;
  }

  /** What following the children of the tree's root (served by `root`) needs. */
  private childContext(
    tree: ProcessTree<DebugSession>,
    root: StartedTracer,
    exceptions: Pick<AttachOptions, 'exceptionFilters' | 'functionBreakpoints'>,
    log: Logger,
  ): ChildProcessContext {
    return {
      tree,
      ...(root.openChild && { openTracer: (child) => childTracer(root, child) }),
      ...(root.describeProcess && { describe: (pid) => root.describeProcess!(pid) }),
      openSession: (parent, child, tracer) => {
        const id = this.options.sessions.newId();
        const { profileId, profileName, origin, host } = parent.info;
        const session = this.open(
          {
            id,
            profileId,
            profileName,
            target: `process ${child.pid}`,
            startedAt: Date.now(),
            ...(origin ? { origin } : {}),
            ...(host ? { host } : {}),
            parentId: parent.id,
            pid: child.pid,
          },
          tracer,
          this.options.logger.child(id),
        );
        session.processTree = tree;
        session.inheritWatches(tree.root.watches);
        for (const client of parent.appClients()) session.join(client);
        this.options.onChange();
        return session;
      },
      keepAttached: (session, tracer, child) =>
        keepSessionAttached(
          session,
          tracer,
          child.configuration,
          exceptions,
          this.options.logger.child(session.id),
        ),
      logger: log,
    };
  }

  /** Makes the session served by `tracer` and adds it to the table. */
  private open(
    info: DebugSessionOptions['info'],
    tracer: StartedTracer,
    log: Logger,
  ): DebugSession {
    const session = new DebugSession({
      info,
      tracer: tracer.link,
      logger: log,
      onChange: (changed) => this.options.onChange(changed),
      limits: this.options.limits,
    });
    this.options.sessions.add({ session, tracer });
    const keep = this.options.keepSnapshot;
    if (keep && info.origin !== 'snapshot')
      followSnapshotPointHits(
        session,
        tracer.readFile,
        (name, bytes) => keep(info.profileId, name, bytes),
        log,
      );
    return session;
  }
}
