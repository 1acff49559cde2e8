/**
 * Starts a tracer on a remote machine for a session (DESIGN.md "launch over SSH"):
 * SSH link from the profile (host key verified; it reconnects by itself,
 * `ssh/connection/reconnecting-ssh.ts`) → the program under `python -m debugpy --listen
 * 127.0.0.1:<port> --wait-for-client`, its output in remote files followed with `tail -F` so it
 * survives a drop (`remote/launch/remote-launch.ts`) → a local forward to that port that keeps its
 * local port across reconnects (`ssh/forwards/kept-local-forward.ts`) → a DAP connection over the
 * forward. After a reconnect, {@link StartedTracer.reattach} opens a new DAP connection through the
 * same forward (debugpy's adapter accepts a new client once the old one is gone; after a silent
 * drop {@link StartedTracer.freeStaleClients} ends the old connection's sshd that still holds it).
 * Everything opened is closed again on failure.
 */
import { DapConnection } from '../dap/dap-connection.js';
import { linkFileReader } from './link-file-reader.js';
import { connectLoopback } from './loopback-socket.js';
import type { Logger } from '../log/logger.js';
import type { LaunchParams } from '../../src-common/protocol/client-protocol.js';
import type { PathMapping, Profile } from '../../src-common/protocol/profile.js';
import type { LinkStatus } from '../ssh/connection/reconnecting-ssh.js';
import type { HostKeyPolicy } from '../ssh/connection/ssh-connection.js';
import { KeptLocalForward, type TunnelInfo } from '../ssh/forwards/kept-local-forward.js';
import {
  freeStaleClientSlotOver,
  OwnSshdPids,
  type StaleSlotReport,
} from '../remote/probes/stale-slot.js';
import { connectProfileKeepingUp, type ConnectExtras } from '../connect/profile-connect.js';
import { launchUnderDebugpy, type LaunchOptions } from '../remote/launch/remote-launch.js';
import type { TracerLink } from '../relay/tracer-link.js';
import { describeRemoteProcess, openChildVia } from './child-link.js';
import { launchedLink } from './launched-link.js';
import type { SudoOptions } from '../remote/launch/sudo.js';
import type { RemoteFileReader } from './source-reader.js';
import { DEFAULT_TERMINAL_SIZE, type TerminalSize } from '../remote/launch/program-terminal.js';

/**
 * The terminal a launch gives its program: the console's size when the profile's `console` is
 * `integratedTerminal` or `externalTerminal` (both a pty on the remote machine, where the
 * program runs: Periscope has no other terminal to offer), else none (pipes).
 */
export function launchTerminal(
  profile: Pick<Profile, 'console'>,
  params: Pick<LaunchParams, 'terminalSize'>,
): { terminal?: TerminalSize } {
  if (profile.console === 'internalConsole') return {};
  return { terminal: params.terminalSize ?? { ...DEFAULT_TERMINAL_SIZE } };
}

/** A started tracer, as the relay uses it. */
export interface StartedTracer {
  link: TracerLink;
  /** The session's target as listed, when the tracer knows it better than the caller did. */
  label?: string;
  /** One line for the console when the session starts: how the tracer was reached. */
  notice?: string;
  /**
   * Path mappings of the place the tracer runs in (a container's), used before the profile's:
   * in the attach arguments and when a source is read for the session.
   */
  pathMappings?: PathMapping[];
  /** Output of the program's process (stdout/stderr), in arrival order, UTF-8 decoded. */
  onOutput(listener: (category: 'stdout' | 'stderr', text: string) => void): void;
  /** Reads a file on the tracer's machine (SFTP). */
  readFile: RemoteFileReader;
  /**
   * Writes to the program's stdin (a program Periscope launched; see `RemoteDebuggee.writeStdin`).
   * Absent: its input is not Periscope's (attached, dialled in).
   */
  writeStdin?: (text: string, eof?: boolean) => Promise<void>;
  /**
   * Present when the program runs in a pseudo-terminal (the profile's `console`): sets its
   * window size (`RemoteDebuggee.resizeTerminal`).
   */
  resizeTerminal?: (size: TerminalSize) => Promise<void>;
  /** Calls `listener` on each change of the SSH link's state (launch over SSH). @returns remover. */
  onLinkStatus?(listener: (status: LinkStatus) => void): () => void;
  /**
   * The user's "try now" while the SSH link waits to reconnect (`ReconnectingSsh.retryNow`).
   * @returns false when there was no wait to cut short.
   */
  retryNow?(): boolean;
  /**
   * After the link is back up: a new DAP connection to the same debugpy through the same local
   * forward, which becomes `link.connection`. The caller does the attach handshake on it.
   * @throws when nothing listens any more (the program and its adapter are gone).
   */
  reattach?(): Promise<DapConnection>;
  /**
   * Over the link's current connection, ends this link's earlier server-side sshd processes that
   * still hold a connection to debugpy's adapter after a silent drop, so the adapter lets the
   * re-attach in (`remote/probes/stale-slot.ts`). Also says whether the adapter still listens.
   * @throws SshError `ssh-failed` when the link is down or the remote script cannot run.
   */
  freeStaleClients?(): Promise<StaleSlotReport>;
  /**
   * How long `session-reconnect.ts` keeps trying to re-attach once the link is back, in ms
   * (default there: 60 000). Tests shorten it.
   */
  reattachWithinMs?: number;
  /** The forwards this tracer keeps open (for the Tunnels panel). */
  tunnels?(): TunnelInfo[];
  /**
   * A new DAP connection for a child process the tracer announced: to `connect` (its adapter's
   * address as the tracer's machine sees it; absent = the tracer's own), through the same SSH
   * link. Absent: this tracer cannot reach children.
   */
  openChild?(connect?: { host: string; port: number }): Promise<DapConnection>;
  /** The command line of a process on the tracer's machine (`ps`), or undefined. Never rejects. */
  describeProcess?(pid: number): Promise<string | undefined>;
}

/**
 * The launch options a profile and the launch's parameters give, the same on the machine and in
 * a container (launch.json's debug options: `env`, `envFile`, `pythonArgs`, `stopOnEntry`,
 * `gevent`, `pyramid`, `console`, `subProcess`).
 */
export function profileLaunchOptions(
  profile: Profile,
  params: LaunchParams,
): Pick<
  LaunchOptions,
  | 'env'
  | 'envFile'
  | 'pythonArgs'
  | 'stopOnEntry'
  | 'gevent'
  | 'pyramid'
  | 'terminal'
  | 'subProcess'
> {
  return {
    env: profile.env,
    ...(profile.envFile && { envFile: profile.envFile }),
    pythonArgs: profile.pythonArgs,
    stopOnEntry: profile.stopOnEntry,
    gevent: profile.gevent,
    pyramid: profile.pyramid,
    ...launchTerminal(profile, params),
    subProcess: profile.subProcess,
  };
}

/** Starts a tracer for a launch; {@link startRemoteTracer} in the app, a fake in some tests. */
export type TracerStarter = (
  profile: Profile,
  params: LaunchParams,
  hostKeys: HostKeyPolicy,
  logger: Logger,
  progress?: LaunchProgress,
  extras?: ConnectExtras,
) => Promise<StartedTracer>;

/** Progress steps, for the UI's "Connecting to …" line and for logs. */
export type LaunchProgress = (step: string) => void;

/**
 * Connects, launches and forwards. Rejects with the SSH layer's `SshError` (host key, auth,
 * network) or a launch error; in both cases nothing is left open.
 */
export async function startRemoteTracer(
  profile: Profile,
  params: LaunchParams,
  hostKeys: HostKeyPolicy,
  logger: Logger,
  progress: LaunchProgress = () => undefined,
  extras: ConnectExtras = {},
): Promise<StartedTracer> {
  progress(`Connecting to ${profile.user}@${profile.host}:${profile.port}…`);
  const ssh = await connectProfileKeepingUp(profile, hostKeys, logger, extras);
  const ownSshd = OwnSshdPids.track(ssh, logger);
  const cleanups: (() => Promise<unknown>)[] = [
    () => {
      ownSshd.stop();
      return ssh.close();
    },
  ];
  const undo = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    progress('Starting the program under debugpy…');
    const debuggee = await launchUnderDebugpy(ssh.current!, {
      python: profile.python,
      target: params.target,
      args: params.args,
      cwd: params.cwd || profile.cwd,
      ...profileLaunchOptions(profile, params),
      capture: profile.capture,
      ...(profile.sudo && { sudo: sudoAsker(profile, extras) }),
      link: ssh,
      logger,
    });
    let released = false;
    cleanups.push(() => (released ? Promise.resolve() : debuggee.terminate()));
    progress('Opening the tunnel…');
    const forward = await KeptLocalForward.open(ssh, '127.0.0.1', debuggee.remotePort, { logger });
    cleanups.push(() => forward.close());
    const open = async (): Promise<DapConnection> => {
      const socket = await connectLoopback(forward.localPort);
      socket.setNoDelay(true);
      return new DapConnection(socket, { name: `tracer ${profile.host}`, logger });
    };
    const { link, reattach } = await launchedLink({
      ssh,
      debuggee,
      open,
      undo,
      onRelease: () => {
        released = true;
        void forward.close().catch(() => undefined);
      },
    });
    return {
      link,
      onOutput: (listener) => debuggee.onOutput(listener),
      readFile: linkFileReader(ssh, profile.host),
      ...(debuggee.writeStdin ? { writeStdin: debuggee.writeStdin } : {}),
      ...(debuggee.resizeTerminal ? { resizeTerminal: debuggee.resizeTerminal } : {}),
      onLinkStatus: (listener) => ssh.onStatus(listener),
      retryNow: () => ssh.retryNow(),
      reattach,
      freeStaleClients: () =>
        freeStaleClientSlotOver(ssh, {
          python: profile.python,
          port: debuggee.remotePort,
          ownSshdPids: ownSshd.pids,
          logger,
        }),
      tunnels: () => [forward.info()],
      openChild: (connect) => openChildVia(ssh, debuggee.remotePort, open, connect, logger),
      describeProcess: (pid) => describeRemoteProcess(ssh, pid),
    };
  } catch (error) {
    await undo();
    throw error;
  }
}

/**
 * How a launch with the profile's `sudo` asks for sudo's password: a `sudo` secret request to the
 * client that launches (`connect/secret-prompts.ts`), which may answer from the secret store.
 */
function sudoAsker(profile: Profile, extras: ConnectExtras): SudoOptions {
  return {
    askPassword: async (retry) => {
      const answer = await extras.secrets?.({
        kind: 'sudo',
        host: profile.host,
        port: profile.port,
        user: profile.user,
        name: '',
        instructions: retry ? 'Sorry, try again: sudo refused that password.' : '',
        prompts: [{ prompt: `[sudo] password for ${profile.user}`, echo: false }],
        retry,
      });
      return answer?.[0];
    },
  };
}
