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
 * {@link freeStaleClientSlot} runs a small script with the remote Python over the NEW connection:
 * it finds the ESTABLISHED TCP connections to loopback:<port> in `/proc/net/tcp` and
 * `/proc/net/tcp6`, maps their socket inodes to processes through `/proc/<pid>/fd` (our own uid's
 * processes only; no `ss` or `lsof` needed), and SIGTERMs a holder only when it is an sshd
 * (`/proc/<pid>/comm` starts with `sshd`, which covers OpenSSH ≥ 9.8's `sshd-session`) that is one
 * of this link's earlier connections ({@link OwnSshdPids}) and not one of the sshd processes above
 * the script (the current connection). A stopped holder (state `T`) also gets SIGCONT so the TERM lands.
 * Anything else holding the slot (another debugger, someone's own `ssh -L`) is left alone and
 * reported.
 */
import type { Logger } from '../../log/logger.js';
import type { ReconnectingSsh } from '../../ssh/connection/reconnecting-ssh.js';
import { shellJoin } from '../../ssh/exec/shell-quote.js';
import type { SshConnection } from '../../ssh/connection/ssh-connection.js';
import { SshError } from '../../ssh/ssh-error.js';
import { errorMessage } from '../../../src-common/errors.js';

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

const MARKER = '__periscope_stale_slot__';

/** Python; argv: port, comma-separated pids of this link's sshd processes. Prints MARKER + JSON. */
export const FREE_STALE_SLOT = `import json, os, signal, sys, time
port, ours = int(sys.argv[1]), set(int(p) for p in sys.argv[2].split(",") if p)
MAPPED = "0000000000000000FFFF0000"
def loopback(addr):
    ip = addr.split(":")[0]
    if len(ip) == 32 and ip.startswith(MAPPED):
        ip = ip[24:]
    return ip.endswith("7F") if len(ip) == 8 else ip == "00000000000000000000000001000000"
def field(pid, name):
    try:
        with open("/proc/%d/%s" % (pid, name), "rb") as f:
            return f.read().decode("utf-8", "replace")
    except (IOError, OSError):
        return ""
def stat(pid):
    s = field(pid, "stat")
    rest = s.rsplit(")", 1)[-1].split()
    return (rest[0], int(rest[1])) if len(rest) > 1 else ("", 0)
listening, inodes = None, set()
for name in ("tcp", "tcp6"):
    try:
        with open("/proc/net/" + name) as f:
            lines = f.read().splitlines()[1:]
    except (IOError, OSError):
        continue
    listening = bool(listening)
    for line in lines:
        f = line.split()
        if len(f) < 10:
            continue
        if f[3] == "0A" and int(f[1].split(":")[1], 16) == port:
            listening = True
        if f[3] == "01" and int(f[2].split(":")[1], 16) == port and loopback(f[2]):
            inodes.add("socket:[%s]" % f[9])
# This connection's sshd processes: the chain of sshd ancestors above this script.
ancestors, pid = set(), stat(os.getpid())[1]
while pid > 1 and pid not in ancestors and field(pid, "comm").startswith("sshd"):
    ancestors.add(pid)
    pid = stat(pid)[1]
holders = set()
if inodes:
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            if os.stat("/proc/" + d).st_uid != os.getuid():
                continue
            for fd in os.listdir("/proc/%s/fd" % d):
                if os.readlink("/proc/%s/fd/%s" % (d, fd)) in inodes:
                    holders.add(int(d))
                    break
        except OSError:
            continue
out, ended = [], []
for pid in sorted(holders):
    comm = field(pid, "comm").strip()
    h = {"pid": pid, "command": field(pid, "cmdline").replace("\\0", " ").strip() or comm, "action": "left"}
    if pid in ancestors:
        h["why"] = "the current SSH connection"
    elif not comm.startswith("sshd"):
        h["why"] = "not an sshd process (%s): another client is attached" % comm
    elif pid not in ours:
        h["why"] = "an sshd that is not one of this link's connections"
    else:
        state = stat(pid)[0]
        try:
            os.kill(pid, signal.SIGTERM)
            if state in ("T", "t"):
                os.kill(pid, signal.SIGCONT)
            h["action"], h["why"] = "ended", "sshd of an earlier connection of this link" + (" (stopped)" if state in ("T", "t") else "")
            ended.append(h)
        except OSError as e:
            h["why"] = "could not signal it: %s" % e.strerror
    out.append(h)
deadline = time.time() + 3
for h in ended:
    while time.time() < deadline and stat(h["pid"])[0] not in ("", "Z", "X"):
        time.sleep(0.05)
    h["gone"] = stat(h["pid"])[0] in ("", "Z", "X")
print("${MARKER} " + json.dumps({"listening": listening, "holders": out}))
`;

/**
 * Ends this link's stale sshd processes that hold a connection to `127.0.0.1:<port>` (see the
 * module comment), over `connection`, with `python` on the remote machine. Logs each holder found.
 * @throws SshError `ssh-failed` when the script cannot run or says nothing readable (e.g. no
 *   `/proc`, no such interpreter).
 */
export async function freeStaleClientSlot(
  connection: SshConnection,
  options: { python: string; port: number; ownSshdPids: readonly number[]; logger: Logger },
): Promise<StaleSlotReport> {
  const command = shellJoin([
    options.python,
    '-c',
    FREE_STALE_SLOT,
    String(options.port),
    options.ownSshdPids.join(','),
  ]);
  // `exec` keeps the login shell's pid for Python, so its parent chain starts at this connection's sshd.
  const result = await connection.run(`exec ${command}`, { maxOutputBytes: 256 * 1024 });
  const line = result.stdout.split('\n').find((l) => l.startsWith(`${MARKER} `));
  if (line === undefined) {
    throw new SshError(
      'ssh-failed',
      `could not look for stale connections to port ${options.port}: ${result.stderr.trim().split('\n').slice(-2).join(' ') || `exit code ${result.code}`}`,
    );
  }
  const report = JSON.parse(line.slice(MARKER.length + 1)) as StaleSlotReport;
  for (const holder of report.holders) {
    options.logger.info(
      holder.action === 'ended'
        ? 'ended a stale sshd that held the debugger'
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
  options: { python: string; port: number; ownSshdPids: readonly number[]; logger: Logger },
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
