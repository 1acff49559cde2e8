/**
 * Frees a debugpy adapter's client slot from a connection the network silently dropped.
 *
 * debugpy's adapter serves one client at a time: a second client's `attach` is refused while the
 * first is attached (`src/debugpy/adapter/clients.py`, `Client.attach_request`:
 * `conn.attach_to_session(self.session)` raises `ValueError` because the pydevd server connection
 * already has a `server` (`servers.py`, `Connection.attach_to_session`), answered with
 * `request.cant_handle("{0} is already being debugged.", conn)` — debugpy 1.6.3 says
 * `Server[pid=1234] is already being debugged.`). Once the first client's socket closes, the
 * adapter ends that session and the next `attach` succeeds.
 *
 * After a VPN drop (no FIN, no RST) the server-side sshd of the OLD connection lives on
 * (`TCPKeepAlive` takes hours, `ClientAliveInterval` is 0 by default) and keeps the forwarded
 * channel's TCP connection to the adapter open, so the adapter still counts it as its client.
 * {@link freeStaleClientSlot} runs a small script (`remote/python/free_stale_slot.py`) with the
 * remote Python over the NEW connection: it finds the ESTABLISHED TCP connections to
 * loopback:<port> in `/proc/net/tcp` and `/proc/net/tcp6`, maps their socket inodes to processes
 * through `/proc/<pid>/fd` (our own uid's processes only; no `ss` or `lsof` needed), and SIGTERMs a
 * holder only when it is an sshd (`/proc/<pid>/comm` starts with `sshd`, which covers OpenSSH ≥
 * 9.8's `sshd-session`) that is one of this link's earlier connections ({@link OwnSshdPids}) and
 * not one of the sshd processes above the script (the current connection). A stopped holder (state
 * `T`) also gets SIGCONT so the TERM lands. Anything else holding the slot (another debugger,
 * someone's own `ssh -L`) is left alone and reported.
 */
import type { Logger } from '../../log/logger.js';
import type { ReconnectingSsh } from '../../ssh/connection/reconnecting-ssh.js';
import { shellJoin } from '../../ssh/exec/shell-quote.js';
import type { SshConnection } from '../../ssh/connection/ssh-connection.js';
import { SshError } from '../../ssh/ssh-error.js';
import { errorMessage } from '../../../src-common/errors.js';
import FREE_STALE_SLOT from '../python/free_stale_slot.py';

/** A process found holding a connection to the adapter's port. */
export interface SlotHolder {
  pid: number;
  /** Its command line, spaces for NULs. */
  command: string;
  /** What was done: `ended` (SIGTERM, and SIGCONT if it was stopped) or `left` (see `why`). */
  action: 'ended' | 'left';
  /** Why it was ended or left alone, for the log. */
  why: string;
  /** True when an ended holder was gone within the script's wait (≤ 3 s). */
  gone?: boolean;
  /** True when the holder is a stdio bridge into a container (see `StaleSlotOptions.inside`). */
  bridge?: boolean;
}

/** What {@link freeStaleClientSlot} found and did. */
export interface StaleSlotReport {
  /**
   * Something listens on the port (false: the adapter, hence the program, is gone); null when
   * the machine has no `/proc/net/tcp` to tell.
   */
  listening: boolean | null;
  holders: SlotHolder[];
}

/** Options of {@link freeStaleClientSlot}. */
export interface StaleSlotOptions {
  /** The interpreter that runs the script (on the machine, or inside the container). */
  python: string;
  /** debugpy's adapter port on the loopback (the machine's, or the container's). */
  port: number;
  /** This link's earlier server-side sshd processes ({@link OwnSshdPids}). */
  ownSshdPids: readonly number[];
  /**
   * For an adapter inside a container, reached through stdio bridges
   * (`remote/containers/stdio-bridge.ts`): the script runs in there (`wrap`, the container
   * place's), where an earlier connection's bridge — one whose tag is not `currentTag` — is the
   * stale holder; the old sshd on the machine holds no socket of the container's network.
   */
  inside?: { wrap: (command: string) => string; currentTag: string };
  logger: Logger;
}

/** What the script's one line of output starts with, before a space (its `MARKER`). */
export const STALE_SLOT_MARKER = '__periscope_stale_slot__';

/**
 * Ends this link's stale sshd processes that hold a connection to `127.0.0.1:<port>` (see the
 * module comment), over `connection`, with `python` on the remote machine. Logs each holder found.
 * @throws SshError `ssh-failed` when the script cannot run or says nothing readable (e.g. no
 *   `/proc`, no such interpreter).
 */
export async function freeStaleClientSlot(
  connection: SshConnection,
  options: StaleSlotOptions,
): Promise<StaleSlotReport> {
  const command = shellJoin([
    options.python,
    '-c',
    FREE_STALE_SLOT,
    String(options.port),
    options.ownSshdPids.join(','),
    ...(options.inside ? [options.inside.currentTag] : []),
  ]);
  // `exec` keeps the login shell's pid for Python, so its parent chain starts at this connection's
  // sshd.
  const result = await connection.run(
    options.inside ? options.inside.wrap(command) : `exec ${command}`,
    { maxOutputBytes: 256 * 1024 },
  );
  const line = result.stdout.split('\n').find((l) => l.startsWith(`${STALE_SLOT_MARKER} `));
  if (line === undefined) {
    throw new SshError(
      'ssh-failed',
      `could not look for stale connections to port ${options.port}: ${result.stderr.trim().split('\n').slice(-2).join(' ') || `exit code ${result.code}`}`,
    );
  }
  const report = JSON.parse(line.slice(STALE_SLOT_MARKER.length + 1)) as StaleSlotReport;
  for (const holder of report.holders) {
    const stale = holder.bridge === true ? 'bridge' : 'sshd';
    options.logger.info(
      holder.action === 'ended'
        ? `ended a stale ${stale} that held the debugger`
        : 'left a holder of the debugger alone',
      { port: options.port, ...holder },
    );
  }
  return report;
}

/**
 * {@link freeStaleClientSlot} over `link`'s current connection (the one that came back).
 * @throws SshError `ssh-failed` when the link is not up, or as {@link freeStaleClientSlot}.
 */
export function freeStaleClientSlotOver(
  link: ReconnectingSsh,
  options: StaleSlotOptions,
): Promise<StaleSlotReport> {
  const current = link.current;
  if (current === undefined)
    return Promise.reject(new SshError('ssh-failed', 'the SSH link is not up'));
  return freeStaleClientSlot(current, options);
}

/**
 * The pids of the server-side sshd processes of a link's connections (the parent of a command's
 * shell: the per-connection process that serves its channels), recorded as each connection comes
 * up, so {@link freeStaleClientSlot} ends only this link's own stale connections. Best effort: a
 * connection whose pid could not be read is simply not recorded.
 */
export class OwnSshdPids {
  private readonly recorded: number[] = [];
  private readonly stopWatching: () => void;

  private constructor(
    link: ReconnectingSsh,
    private readonly logger: Logger,
  ) {
    if (link.current) this.record(link.current);
    this.stopWatching = link.onReconnected((connection) => this.record(connection));
  }

  /** Starts recording `link`'s current connection and every reconnect. */
  static track(link: ReconnectingSsh, logger: Logger): OwnSshdPids {
    return new OwnSshdPids(link, logger);
  }

  /** The pids recorded so far (the last 32 connections). */
  get pids(): readonly number[] {
    return this.recorded;
  }

  /** Stops recording. */
  stop(): void {
    this.stopWatching();
  }

  private record(connection: SshConnection): void {
    // `exec sh` replaces the login shell (any shell), so $PPID is sshd's per-connection process.
    connection.run(`exec sh -c 'echo "$PPID"'`).then(
      (result) => {
        const pid = Number(result.stdout.trim());
        if (!Number.isInteger(pid) || pid <= 1) return;
        this.recorded.push(pid);
        if (this.recorded.length > 32) this.recorded.shift();
      },
      (error: unknown) =>
        this.logger.debug('could not read the sshd pid of a connection', {
          where: connection.where,
          error: errorMessage(error),
        }),
    );
  }
}
