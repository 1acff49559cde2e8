/**
 * Connection profiles as the relay and the renderer see them.
 *
 * A profile never holds a secret (password, passphrase): only where to find a key or that the
 * ssh-agent is to be used. Stored by `src-main/profiles/profile-store.ts`.
 */

/** How the SSH connection authenticates. */
export type ProfileAuth =
  /** Use the agent at `$SSH_AUTH_SOCK` (OpenSSH `ssh-agent`). */
  | { kind: 'agent' }
  /**
   * A private key file on the laptop, e.g. `~/.ssh/id_ed25519` (`~` is expanded). When the key is
   * protected by a passphrase, the passphrase is asked for (or taken from the secret store).
   */
  | { kind: 'key'; keyPath: string }
  /** SSH `password` authentication (RFC 4252 §8); the password is asked for, never stored here. */
  | { kind: 'password' }
  /** SSH `keyboard-interactive` authentication (RFC 4256): the server's questions are put to the user. */
  | { kind: 'keyboard-interactive' };

/** The kinds of {@link ProfileAuth}. */
export type ProfileAuthKind = ProfileAuth['kind'];

/**
 * One hop of a ProxyJump chain (ssh(1) `-J`): either an SSH server given by address with its own
 * authentication, or another saved profile (its host, port, user and auth; not its own jumps).
 */
export type JumpHost =
  | { kind: 'address'; host: string; port: number; user: string; auth: ProfileAuth }
  | { kind: 'profile'; profileId: string };

/** One environment variable set for the launched program (`NAME=value`). */
export interface EnvVar {
  /** POSIX name: letters, digits and `_`, not starting with a digit. */
  name: string;
  value: string;
}

/**
 * One path mapping, as debugpy's `pathMappings` attach argument: a file at
 * `localRoot/<rel>` on the laptop is the file at `remoteRoot/<rel>` on the remote machine.
 */
export interface PathMapping {
  localRoot: string;
  remoteRoot: string;
}

/** The container engines whose CLI Periscope drives over SSH (Podman takes Docker's commands). */
export type ContainerEngine = 'docker' | 'podman';

/**
 * A container as a target of a profile: named, not by id, so the target survives the container
 * being re-created (a restart with a new id keeps the name).
 */
export interface ContainerTarget {
  /** The engine whose CLI runs the container on the profile's machine. */
  kind: ContainerEngine;
  /** The container's name (`docker ps`'s NAMES), or its id. */
  name: string;
  /** Interpreter inside the container that has debugpy; empty = the profile's `python`. */
  python: string;
  /**
   * Path mappings for sessions in this container (accepted from `containers.inspect`'s
   * suggestions), used before the profile's own: `localRoot` as the UI names files (the laptop,
   * or the remote machine's own path of a bind mount), `remoteRoot` inside the container.
   */
  pathMappings: PathMapping[];
  /**
   * Where the container's Python cannot import debugpy: copy the remote machine's own debugpy
   * package (the one its `python` imports) into a fresh temp directory inside the container for
   * each session, put it first on the program's `PYTHONPATH`, and remove it when the session
   * ends (`remote/containers/debugpy-copy.ts`). The image is not changed. Absent = false.
   */
  copyDebugpy?: boolean;
}

/** A saved connection to one remote machine and its debug settings. */
export interface Profile {
  /** Stable random id, assigned by the store on first save. */
  id: string;
  /** Name shown in the UI, e.g. "staging-web-1". Non-empty. */
  name: string;
  /** Host name or address of the SSH server. */
  host: string;
  /** SSH port, 1–65535 (OpenSSH default 22). */
  port: number;
  /** Remote user name. */
  user: string;
  auth: ProfileAuth;
  /** Remote Python interpreter that has debugpy, e.g. `python3` or `/usr/bin/python3`. */
  python: string;
  /** Default working directory on the remote machine for launches; empty = the login directory. */
  cwd: string;
  pathMappings: PathMapping[];
  /** debugpy `justMyCode`: step and break only in user code. */
  justMyCode: boolean;
  /** ProxyJump chain, first hop first; empty = connect directly. */
  jumpHosts: JumpHost[];
  /** Environment variables of launched programs. */
  env: EnvVar[];
  /** Absolute remote paths of log files the user tails often (`tail -F`). */
  logFiles: string[];
  /**
   * Saved watch expressions (Python), in the order the Watch panel shows them; at most 200, each
   * at most 2000 characters. Changed alone by the app method `profiles.setWatches`.
   */
  watchExpressions: string[];
  /**
   * The remote port of a debugpy someone starts by hand (`python -m debugpy --listen <port>`):
   * what "Attach to port" offers first, and `connect.port` of the VS Code attach configuration
   * exported to launch.json (imported from it too). 1–65535; debugpy's usual 5678 by default.
   */
  attachPort: number;
  /**
   * Follow child processes (launch.json's `subProcess`, debugpy's default: on): every Python
   * process the program starts (gunicorn workers, reloaders, multiprocessing) is debugged too.
   */
  subProcess: boolean;
  /** Most child processes followed at once, 1–1000 (default 32); more run without the debugger. */
  maxChildProcesses: number;
  /**
   * launch.json's `django`: Django template debugging, and a `SystemExit(3)` (how the autoreloader
   * restarts its server) is not an uncaught exception (pydevd `ignore_system_exit_codes`).
   */
  django: boolean;
  /** launch.json's `jinja`: Jinja2 template debugging (Flask), and `SystemExit(3)` as for `django`. */
  jinja: boolean;
  /**
   * launch.json's `stopOnEntry`: a launched program stops on its first line (of the file, or of
   * the module), before anything else runs. Launch only (debugpy ignores it for attach).
   */
  stopOnEntry: boolean;
  /**
   * launch.json's `pythonArgs`: interpreter flags put before the program, e.g. `["-X", "dev"]`
   * or `["-O"]`, one argv entry each. Launch only.
   */
  pythonArgs: string[];
  /**
   * launch.json's `envFile`: a `.env` file ON THE REMOTE MACHINE (absolute, `~/…`, or relative to
   * the launch's working directory), read there at each launch; its variables are merged under
   * {@link env} (a name in both takes `env`'s value). Empty = none. Launch only.
   */
  envFile: string;
  /**
   * launch.json's `showReturnValue`: the value a function returns shows in the variables view
   * (as `(return) name`) after a step over its `return` or a step out of it.
   */
  showReturnValue: boolean;
  /**
   * Containers of the machine saved as targets of this profile (`containers.ts`), by name; at
   * most 100. A launch may run in one of them instead of on the machine itself.
   */
  containers: ContainerTarget[];
  /**
   * Crash capture for launched programs (default on): Periscope puts its capture module
   * (`periscope_capture.py`) beside the launch's sitecustomize, so an exception nobody was
   * debugging (the session detached, a framework that logs and swallows it) becomes a snapshot in
   * the machine's ring directory (`~/.cache/periscope/snapshots`), listed in the Snapshots panel.
   * Snapshot points need it too. `docs/snapshot-format.md`.
   */
  capture: boolean;
  /**
   * launch.json's `gevent`: gevent-compatible debugging of a monkey-patched program
   * (`GEVENT_SUPPORT=True` for pydevd). Launch only: pydevd reads it when it starts.
   */
  gevent: boolean;
  /**
   * launch.json's `pyramid`: the launched program file is a Pyramid `.ini` (e.g.
   * `development.ini`), served by Pyramid's `pserve` entry point (`python -m
   * pyramid.scripts.pserve <ini> [args]`, which also works where the script is named `pserve3`,
   * as on Debian). Launch only.
   */
  pyramid: boolean;
  /**
   * launch.json's `sudo`: the launched program runs as root through sudo on the remote machine;
   * sudo's password is asked when sudo needs one (kept only if the user chose to keep secrets).
   * Launch only.
   */
  sudo: boolean;
  /**
   * launch.json's `console`: where a launched program's input and output go.
   * `internalConsole` (the default here): pipes, shown in the console tab, which sends what is
   * typed a line at a time. `integratedTerminal` and `externalTerminal` (the same for Periscope,
   * the terminal being on the remote machine): the program runs in a pseudo-terminal there
   * (`isatty()` true, a window size, curses and prompt libraries work), stdout and stderr are one
   * terminal stream, and the console tab sends each key as it is typed. Launch only.
   */
  console: ConsoleMode;
}

/** launch.json's `console` values (VS Code's names); see {@link Profile.console}. */
export type ConsoleMode = 'internalConsole' | 'integratedTerminal' | 'externalTerminal';

/** The launch.json debug options added by issue 18 (each documented on {@link Profile}). */
export type DebugOptionField =
  | 'stopOnEntry'
  | 'pythonArgs'
  | 'envFile'
  | 'showReturnValue'
  | 'gevent'
  | 'pyramid'
  | 'sudo'
  | 'console';

/** Fields added after the first profile format; a draft may leave them out (see {@link ProfileDraft}). */
export type ProfileAddedField =
  | 'jumpHosts'
  | 'env'
  | 'logFiles'
  | 'watchExpressions'
  | 'attachPort'
  | 'subProcess'
  | 'maxChildProcesses'
  | 'django'
  | 'jinja'
  | 'containers'
  | 'capture'
  | DebugOptionField;

/**
 * A profile as sent to `profiles.save`: without an id it is created, with one it replaces.
 * Fields of {@link ProfileAddedField} may be absent: then a replaced profile keeps its stored
 * value and a new one gets the empty default, so an older form never wipes them.
 */
export type ProfileDraft = Omit<Profile, 'id' | ProfileAddedField> &
  Partial<Pick<Profile, ProfileAddedField>> & { id?: string };
