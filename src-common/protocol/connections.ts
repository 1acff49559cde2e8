/**
 * Client protocol types of the connection side (issue 3): importing profiles from an OpenSSH
 * config and VS Code's launch.json, the state of an SSH link that reconnects by itself, tunnels,
 * preflight checks, attaching to remote processes and tailing remote log files.
 *
 * Type-only, like `client-protocol.ts`, which names the methods and events that carry these.
 */
import type { DebugOptionField, PathMapping, Profile, ProfileDraft } from './profile.js';
import type { ContainerEngine, ContainerTarget } from './containers.js';

/** Answer of `profiles.importSshConfig`: one draft per concrete `Host` alias. */
export interface SshConfigCandidates {
  /** The file that was read (absolute). */
  path: string;
  profiles: ProfileDraft[];
  /** What was not imported or not run (`Match exec`, `ProxyCommand`, `Include`), one sentence each. */
  warnings: string[];
}

/**
 * The launch.json debug options a profile keeps, by VS Code's names (each is documented on
 * {@link Profile}). Imported from an entry with VS Code's defaults for what it leaves out, and
 * all written on export.
 */
export type LaunchJsonOptions = Pick<Profile, 'subProcess' | 'django' | 'jinja' | DebugOptionField>;

/**
 * One VS Code configuration of type `debugpy`/`python` (`.vscode/launch.json`): for `attach`,
 * where debugpy listens as seen from the laptop (`connect`); for `launch`, no `connect` (the
 * profile's attach port is kept). Both: `pathMappings`, `justMyCode` and the debug options.
 */
export interface LaunchJsonAttach {
  name: string;
  /** Absent for a `launch` entry. */
  connect?: { host: string; port: number };
  pathMappings: PathMapping[];
  justMyCode: boolean;
  options: LaunchJsonOptions;
}

/**
 * The state of an SSH link that reconnects by itself
 * (`src-main/ssh/connection/reconnecting-ssh.ts`): `connecting` (first connection), `up`,
 * `reconnecting` (dropped; waiting for attempt `attempt` at `retryAt`, ms since the epoch),
 * `failed` (gave up: auth or host key problem — `reason`), `closed` (by the user).
 */
export interface LinkStatusInfo {
  state: 'connecting' | 'up' | 'reconnecting' | 'failed' | 'closed';
  /**
   * With `reconnecting`: `reattaching` once the SSH link is back and the debugger is being
   * attached again (`src-main/tracer/session-reconnect.ts`); absent while the link itself is down.
   */
  phase?: 'reattaching';
  reason?: string;
  attempt?: number;
  retryAt?: number;
}

/** What a preflight checks for: a launch, an attach to a process by pid, or to a listening debugpy. */
export type PreflightMode = 'launch' | 'attach-pid' | 'attach-port';

/** Parameters of `session.preflight`. */
export interface PreflightParams {
  profileId: string;
  mode: PreflightMode;
  /**
   * The remote port: for `launch`/`attach-pid` the port debugpy will listen on (must be free;
   * absent = any free port); for `attach-port` the port a user-started debugpy listens on.
   */
  port?: number;
  /** For `attach-pid`: the process to attach to. */
  pid?: number;
  /**
   * Into (or in) this container of the machine, for every mode. Then the checks are `ssh`,
   * `auth`, `engine`, `engine-socket`, `container`, and `python`, `debugpy`, `port` inside the
   * container. For `launch` with the target's `copyDebugpy`, a container without debugpy passes
   * the `debugpy` check when the machine's own debugpy can be copied in (and its Python is new
   * enough for it).
   */
  container?: ContainerTarget;
}

/**
 * The checks, in the order they run: `ssh` (the server answers, its host key is accepted), `auth`,
 * `python` (the profile's interpreter runs; its version), `debugpy` (importable; its version),
 * `port`, and for `attach-pid` `ptrace` (Yama's `ptrace_scope`, the process exists and is ours),
 * `gdb` and `lldb`: each injector proved on a throwaway process of the target's interpreter
 * (`remote/probes/debugpy-injector.ts`); one that works is enough.
 */
export type PreflightCheckId =
  | 'ssh'
  | 'auth'
  | 'python'
  | 'debugpy'
  | 'port'
  | 'ptrace'
  | 'gdb'
  | 'lldb'
  /** A container launch: the engine's CLI is on the machine's PATH (its version). */
  | 'engine'
  /** The engine's daemon answers this user (Docker's socket permission; the fix when not). */
  | 'engine-socket'
  /** The container exists and is running. */
  | 'container'
  /** A launch with the profile's `sudo`: sudo is there and what it needs (a password or not). */
  | 'sudo';

/**
 * One named diagnosis. `skipped`: an earlier check failed (or, for an injector, it is not
 * needed), so this one did not run; `warning`: not usable, but something else covers it (gdb
 * cannot inject here, lldb will).
 */
export interface PreflightCheck {
  id: PreflightCheckId;
  /** What was checked, for people, e.g. "Remote Python". */
  label: string;
  status: 'ok' | 'warning' | 'failed' | 'skipped';
  /** What was found, e.g. "Python 3.11.2 at /usr/bin/python3", or why it failed. */
  detail: string;
  /** For a failure: exactly what to do, e.g. `/usr/bin/python3 -m pip install debugpy`. */
  fix?: string;
}

/** Answer of `session.preflight`: `ok` when no check failed. */
export interface PreflightResult {
  ok: boolean;
  checks: PreflightCheck[];
}

/** A Python process of the remote user, as `processes.list` lists it. */
export interface RemoteProcessInfo {
  pid: number;
  /** The full command line (`ps -o args`). */
  command: string;
  /** When it started, as `ps -o lstart` prints it (remote local time). */
  started: string;
  /**
   * In the machine's list (no `container` asked): the container the process runs in, from its
   * cgroup. Attach to such a process only inside that container (`AttachTarget` with
   * `container`, and {@link ProcessContainer.pid}): an injector run from the machine would work
   * in the wrong namespaces. Absent for a process of the machine itself.
   */
  container?: ProcessContainer;
}

/**
 * The container a process of the machine runs in (issue 14), as its cgroup names it
 * (`/proc/<pid>/cgroup`: Docker's `/docker/<id>` or `docker-<id>.scope`, Podman's
 * `libpod-<id>`) and the engine's `ps` names that id.
 */
export interface ProcessContainer {
  /** The engine whose cgroup naming it has. */
  kind: ContainerEngine;
  /** The container's full id (64 hex digits). */
  id: string;
  /** Its name as the engine's CLI lists it; '' when the CLI is not there or does not list it. */
  name: string;
  /**
   * The process's pid inside the container's pid namespace (the last field of `NSpid` in
   * `/proc/<pid>/status`); absent where the kernel does not say (before Linux 4.1).
   */
  pid?: number;
}

/** What `session.attach` attaches to on the profile's machine. */
export type AttachTarget =
  /**
   * debugpy is injected into `pid` with gdb or lldb, whichever is proved to work there; with
   * `container`, inside that container (its pid, its injector, its loopback).
   */
  | { kind: 'pid'; pid: number; container?: ContainerTarget }
  /**
   * A debugpy someone started with `python -m debugpy --listen <port>` (or `debugpy.listen`), on
   * the remote loopback; with `container`, on that container's loopback, reached through a stdio
   * bridge (`docker exec -i`) with no port published.
   */
  | { kind: 'port'; port: number; container?: ContainerTarget };

/** States of a forward: `opening` until its SSH link is up, then as the link (`LinkStatusInfo`). */
export type ForwardState = 'opening' | 'up' | 'reconnecting' | 'failed' | 'closed';

/**
 * Who holds a forward open: a launched session's tracer link (closing it ends the session), the
 * dial-in remote forward of a profile (`tracerTunnel.open`), or the user (`tunnels.open`).
 */
export type ForwardOwner =
  { kind: 'session'; sessionId: string } | { kind: 'dial-in' } | { kind: 'manual' };

/**
 * One port forward of an SSH connection the relay holds, as the Tunnels panel lists it.
 * `local` (ssh(1) `-L`): `localHost:localPort` on the laptop → `remoteHost:remotePort` as the SSH
 * server resolves it. `remote` (`-R`): `remoteHost:remotePort` on the SSH server →
 * `localHost:localPort` on the laptop (the relay's tracer port).
 */
export interface ForwardInfo {
  /** Relay-unique, opaque; what `tunnels.close` takes. */
  id: string;
  direction: 'local' | 'remote';
  profileId: string;
  profileName: string;
  owner: ForwardOwner;
  localHost: string;
  localPort: number;
  remoteHost: string;
  remotePort: number;
  state: ForwardState;
  /** Why it is reconnecting or failed (the SSH layer's sentence). */
  reason?: string;
  /** Bytes from the laptop to the remote side over the forward's life. */
  bytesOut: number;
  /** Bytes from the remote side to the laptop. */
  bytesIn: number;
  /** Connections open through it now. */
  connections: number;
}

/**
 * Parameters of `tunnels.open`, a forward opened by hand (ssh(1) `-L` / `-R`):
 * - `local` (default): `-L <localPort>:<remoteHost>:<remotePort>` — listens on 127.0.0.1 of the
 *   laptop; the SSH server connects to `remoteHost:remotePort` (1–65535).
 * - `remote`: `-R <remoteHost>:<remotePort>:<localHost>:<localPort>` — the SSH server listens on
 *   `remoteHost:remotePort` of its machine (port 0 = one it picks; addresses other than loopback
 *   need sshd's `GatewayPorts`); the laptop connects each connection to `localHost:localPort`.
 */
export interface OpenForwardParams {
  profileId: string;
  direction?: 'local' | 'remote';
  /** `local`: host the SSH server connects to, e.g. `127.0.0.1` or `db.internal`. `remote`: address it listens on. */
  remoteHost: string;
  remotePort: number;
  /** `local`: port on 127.0.0.1 of the laptop, absent or 0 = a free one. `remote`: required, the target port. */
  localPort?: number;
  /** `remote` only: the laptop-side host connections go to; default `127.0.0.1`. */
  localHost?: string;
}

/**
 * State of a log tab's remote `tail -F`: `following` (running; `message` may carry tail's own
 * words, e.g. "cannot open '…' for reading: No such file or directory"), `reconnecting` (the SSH
 * link dropped; the tail resumes at the next unread byte), `ended` (for good; `message` says why).
 */
export type LogTailState = 'following' | 'reconnecting' | 'ended';
