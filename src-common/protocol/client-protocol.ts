/**
 * The client protocol: what a client (the renderer, a browser in web mode) and the relay say to
 * each other, over any transport (WebSocket in web mode, the preload bridge in Electron).
 *
 * Every message is one JSON object. Two families share the wire:
 * - `dap`: a Debug Adapter Protocol message addressed to one session. The client numbers its own
 *   requests (`seq`); the relay re-numbers them for the tracer and answers with the client's
 *   `request_seq`. Events of a session go to every client of that session.
 * - `app`: requests that are not DAP (profiles, launch, sessions, sources, host-key answers),
 *   each answered by one `app-response` with the same `id`; and `app-event`s pushed by the relay.
 *
 * Both processes import it (`src-common/`): nothing here touches Node, Electron or the DOM. It is
 * types, but for one value: the list of error codes, {@link APP_ERROR_CODES}.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Profile, ProfileDraft } from './profile.js';
import type { CaptureInstall, SnapshotSummary } from './snapshots.js';
import type {
  AttachTarget,
  ForwardInfo,
  LaunchJsonAttach,
  LogTailState,
  OpenForwardParams,
  LinkStatusInfo,
  PreflightParams,
  PreflightResult,
  RemoteProcessInfo,
  SshConfigCandidates,
} from './connections.js';
import type { DataHeatmap, DataHeatmapParams, DataPage, DataPageParams } from './data-view.js';
import type { ContainerDetails, ContainerInfo, ContainerTarget } from './containers.js';

/** Lifecycle of a debug session, as the UI shows it. */
export type SessionState =
  /** SSH connecting, program starting, DAP handshake under way. */
  | 'starting'
  /** The program runs. */
  | 'running'
  /** At least one thread is stopped (breakpoint, step, pause, exception). */
  | 'stopped'
  /** The session is over: program exited, tracer gone, or closed by the user. */
  | 'ended';

/** A session as listed to clients. */
export interface SessionInfo {
  /** Relay-assigned id, unique for the relay's lifetime. */
  id: string;
  profileId: string;
  profileName: string;
  /** What was launched: the program path or `-m module`, as the user typed it. */
  target: string;
  state: SessionState;
  /** When the session was created, ms since the Unix epoch. */
  startedAt: number;
  /** Why the session ended (exit code, error), when `state` is `ended`. */
  endReason?: string;
  /** How the tracer reached the relay: launched over SSH, or dialled in with `debugpy.connect`. */
  origin?: SessionOrigin;
  /** The debugged process's id, from the tracer's DAP `process` event (`systemProcessId`). */
  pid?: number;
  /** The program's name, from the tracer's DAP `process` event (`name`). */
  program?: string;
  /** Where the tracer runs: the SSH host of a launch, the peer address of a dialled-in tracer. */
  host?: string;
  /** The clients joined to the session, oldest first. */
  clients?: SessionClientInfo[];
  /** The session's DAP TCP endpoint while it is open (`session.dapEndpoint.open`). */
  dapEndpoint?: DapEndpointInfo;
  /** The SSH link of a launch while it is not simply up (e.g. `reconnecting` after a drop). */
  link?: LinkStatusInfo;
  /**
   * Set while the program is not responding: a request to its tracer has waited 5 s or more and
   * nothing has come from the tracer meanwhile (a SIGSTOPped or hung program). When the tracer
   * last said anything, ms since the Unix epoch. Absent while it responds.
   */
  notRespondingSince?: number;
  /**
   * For a child process of a debugged program (a gunicorn worker, a multiprocessing worker…):
   * the session of its parent process. Its `target` is then its command line.
   */
  parentId?: string;
  /**
   * For a program's root session: how many of its child processes run without the debugger,
   * because the profile's limit on followed child processes was reached.
   */
  unfollowed?: number;
  /**
   * For a snapshot (`origin` `snapshot`): its id in the local store. The session is read-only:
   * it is stopped for good at the recorded moment, and nothing can step, continue or change.
   */
  snapshotId?: string;
  /**
   * True when the program runs in a pseudo-terminal on its machine (a launch whose profile's
   * `console` is `integratedTerminal` or `externalTerminal`): its stdout and stderr are one
   * terminal stream, written as it comes (escape sequences included), `session.stdin` takes
   * keystrokes as typed (no line editing, Ctrl+D is a byte), and `session.resize` sets its size.
   */
  terminal?: boolean;
}

/**
 * One session's change in a {@link SessionListPatch}: the session list is sent whole once, then
 * as patches (`session-list.ts`).
 */
export type SessionPatch =
  /** A session the previous version did not have, whole. */
  | { id: string; info: SessionInfo }
  /** Fields of a session the previous version had: `set` new values, `unset` keys now absent. */
  | { id: string; set?: Partial<SessionInfo>; unset?: (keyof SessionInfo)[] }
  /** A session forgotten (off the list for good). */
  | { id: string; removed: true };

/** The whole list at `version` (`sessions.changed`, `sessions.list`). */
export interface SessionList {
  sessions: SessionInfo[];
  /** The list's version; the next patch has `since` equal to it. */
  version: number;
}

/** What changed from version `since` to `version` (= `since + 1`), oldest session first. */
export interface SessionListPatch {
  since: number;
  version: number;
  patches: SessionPatch[];
}

/** `launch`: Periscope started the program over SSH; `connect`: the program dialled the tracer port. */
export type SessionOrigin =
  /** Periscope started the program over SSH. */
  | 'launch'
  /** Periscope attached to a program that was already running (by PID or to its debugpy port). */
  | 'attach'
  /** The program dialled the relay's tracer port (`debugpy.connect`). */
  | 'connect'
  /** A snapshot replayed: a program as it was at one moment (read-only). */
  | 'snapshot';

/** One client of a session, as other clients see it. */
export interface SessionClientInfo {
  /** Relay-unique id, e.g. `c3`. */
  id: string;
  /** Who it is for people, e.g. `Browser 2` or `Visual Studio Code (127.0.0.1:50112)`. */
  name: string;
  /** `app`: a Periscope window or browser; `dap`: a DAP client on the session's DAP endpoint. */
  kind: 'app' | 'dap';
}

/** An open DAP TCP endpoint of one session (loopback only; DAP has no authentication). */
export interface DapEndpointInfo {
  host: string;
  port: number;
  /** DAP clients connected to it now. */
  clients: SessionClientInfo[];
}

/** Where the relay listens for tracers that call `debugpy.connect((host, port))`. */
export interface TracerPortInfo {
  host: string;
  port: number;
}

/** A remote forward (`ssh -R`) that lets programs on a profile's machine dial the tracer port. */
export interface TracerTunnelInfo {
  profileId: string;
  profileName: string;
  /** The address programs on the remote machine connect to. */
  remoteHost: string;
  remotePort: number;
  /** The two lines to paste into the program. */
  snippet: string;
}

/** A breakpoint the client wants in place before the program starts running. */
export interface LaunchBreakpoints {
  /** Path of the source file as the client knows it (laptop path; mapped by debugpy's pathMappings). */
  path: string;
  breakpoints: DebugProtocol.SourceBreakpoint[];
}

/** What to run on the remote machine. */
export type LaunchTarget =
  /** `python -m debugpy … <path> <args>` */
  | { kind: 'file'; path: string }
  /** `python -m debugpy … -m <module> <args>` */
  | { kind: 'module'; module: string };

/** Parameters of `session.launch`. */
export interface LaunchParams {
  profileId: string;
  target: LaunchTarget;
  /** Program arguments, passed as separate argv entries (each shell-quoted by the relay). */
  args: string[];
  /** Working directory on the remote machine; empty = the profile's, then the login directory. */
  cwd: string;
  /** Overrides the profile's justMyCode for this session when present. */
  justMyCode?: boolean;
  /** Breakpoints to set before `configurationDone`, so the first run already stops at them. */
  breakpoints: LaunchBreakpoints[];
  /**
   * Exception filter ids to set before `configurationDone` (DAP `setExceptionBreakpoints`);
   * absent = the tracer's defaults. Ids the tracer does not offer are dropped.
   */
  exceptionFilters?: string[];
  /** Function breakpoints to set before `configurationDone` (DAP `setFunctionBreakpoints`). */
  functionBreakpoints?: DebugProtocol.FunctionBreakpoint[];
  /**
   * Run the program inside this container of the profile's machine (`docker exec`) instead of
   * on the machine itself; `target` and `cwd` are then paths inside the container.
   */
  container?: ContainerTarget;
  /**
   * The console's size in character cells, for a program that runs in a terminal (the profile's
   * `console` is `integratedTerminal` or `externalTerminal`): the terminal starts with it, so the
   * program's first `os.get_terminal_size()` is right. Absent: 80 × 24.
   */
  terminalSize?: { cols: number; rows: number };
}

/**
 * Parameters of `session.attach`: a launch's breakpoints and options, but attaching to a program
 * already running on the profile's machine instead of starting one.
 */
export interface AttachParams extends Omit<LaunchParams, 'target' | 'args' | 'cwd'> {
  to: AttachTarget;
}

/** Where a source text came from, so the UI can mark remote-only files. */
export type SourceOrigin = 'local' | 'remote' | 'snapshot';

/** App methods: name → parameters and result. */
export interface AppMethods {
  'profiles.list': {
    params: Record<string, never>;
    result: {
      profiles: Profile[];
      /**
       * Set when the profile file could not be read at start: it was moved aside (nothing was
       * deleted) and Periscope started without it. The UI tells the user where it is.
       */
      recovery?: { movedTo: string; reason: string };
    };
  };
  'profiles.save': { params: { profile: ProfileDraft }; result: { profile: Profile } };
  'profiles.delete': { params: { id: string }; result: Record<string, never> };
  /**
   * Replaces only a profile's saved watch expressions (at most 200, each ≤ 2000 characters);
   * other fields are untouched. Errors: `invalid-profile`, `not-found`.
   */
  'profiles.setWatches': {
    params: { id: string; watchExpressions: string[] };
    result: { profile: Profile };
  };
  /** Connects (asking for host keys through `hostKey.prompt`), launches, attaches; joins the caller. */
  'session.launch': { params: LaunchParams; result: { session: SessionInfo } };
  'sessions.list': { params: Record<string, never>; result: SessionList };
  /**
   * Quick open's index: the Python files (`.py`, `.pyi`) under `root` on the profile's machine
   * (`~` = the login directory), at most 200,000, skipping VCS, cache and virtualenv directories.
   * Errors: `not-found` (profile), `ssh-failed` (connection, or root is not a directory).
   */
  'files.index': {
    params: { profileId: string; root: string };
    result: { root: string; files: string[]; truncated: boolean };
  };
  /**
   * One directory of the profile's machine for the Files panel (SFTP; `~` and relative paths
   * from the login directory): its absolute path, folders first, at most 5,000 entries (`more`
   * counts the rest). Errors: `not-found` (profile), `ssh-failed` (connection, no such directory).
   */
  'files.list': {
    params: { profileId: string; path: string };
    result: { path: string; entries: { name: string; directory: boolean }[]; more: number };
  };
  /**
   * Removes ended sessions from the list (every ended one when `sessionIds` is absent); live
   * sessions, and ended roots of a process tree with live processes, stay. The relay also forgets
   * ended sessions by itself past its retention limits (`maxEndedSessions`, `endedRetentionMs`).
   */
  'sessions.removeEnded': {
    params: { sessionIds?: string[] };
    result: { removed: string[] };
  };
  /** Joins the caller to a session so it receives its events. */
  'session.join': {
    params: { sessionId: string };
    result: { session: SessionInfo; capabilities: DebugProtocol.Capabilities } & SessionCatchUp;
  };
  /**
   * Sends `text` to the stdin of a program Periscope launched (what the person types in the console
   * while it runs); `eof`: then end-of-file (Ctrl+D). For a program in a terminal
   * (`SessionInfo.terminal`) `text` is keystrokes, raw, as a terminal sends them (`\r` for Enter,
   * `\x03` for Ctrl+C, `\x04` for Ctrl+D; `eof` is not used). Errors: `not-found`,
   * `session-ended`, `launch-failed` when the program's input is not Periscope's (attached,
   * dialled in), `ssh-failed`.
   */
  'session.stdin': {
    params: { sessionId: string; text: string; eof?: boolean };
    result: Record<string, never>;
  };
  /**
   * Sets the window size of the program's terminal (a session with `terminal`), in character
   * cells (1–9999 each); the program gets SIGWINCH. Errors: `not-found`, `session-ended`,
   * `launch-failed` when the program has no terminal, `ssh-failed`.
   */
  'session.resize': {
    params: { sessionId: string; cols: number; rows: number };
    result: Record<string, never>;
  };
  /** Ends a session leaving the program running (DAP `disconnect` with `terminateDebuggee: false`). */
  'session.detach': { params: { sessionId: string }; result: Record<string, never> };
  /**
   * "Try now" while the session's SSH link waits to reconnect (the network is back, the next
   * backoff step is far off): the next attempt starts at once. `retrying` false = there was no
   * wait to cut short (the link is up, failed, or an attempt is under way).
   */
  'session.reconnectNow': { params: { sessionId: string }; result: { retrying: boolean } };
  /** Opens the session's DAP TCP endpoint on loopback (a fresh port); idempotent. */
  'session.dapEndpoint.open': {
    params: { sessionId: string };
    result: { endpoint: DapEndpointInfo };
  };
  /** Closes the session's DAP endpoint and disconnects its DAP clients. */
  'session.dapEndpoint.close': { params: { sessionId: string }; result: Record<string, never> };
  /** Replaces the session's shared watch expressions; every client gets `session.watchesChanged`. */
  'session.watches.set': {
    params: { sessionId: string; expressions: string[] };
    result: Record<string, never>;
  };
  /** The tracer port (null when the relay has none) and the open remote forwards. */
  'tracerPort.info': {
    params: Record<string, never>;
    result: { tracerPort: TracerPortInfo | null; tunnels: TracerTunnelInfo[] };
  };
  /** Opens a remote forward on a profile's machine to the tracer port (idempotent per profile). */
  'tracerTunnel.open': { params: { profileId: string }; result: { tunnel: TracerTunnelInfo } };
  /** Closes a profile's remote forward (sessions that came over it keep running). */
  'tracerTunnel.close': { params: { profileId: string }; result: Record<string, never> };
  /** Ends a session: terminates the remote program, closes the forward and the SSH connection. */
  'session.close': { params: { sessionId: string }; result: Record<string, never> };
  /**
   * Reads a source file: from the laptop when `path` exists there, otherwise from the session's
   * remote machine over SFTP. Errors: not found (code `source-not-found`), too big (> 8 MiB).
   */
  /**
   * A page of a pandas DataFrame or Series or a numpy array that `expression` gives in a stopped
   * frame (the data viewer), read in the program by `remote/python/data_view.py`. Errors:
   * `not-found` (session), `session-ended`, `evaluate-failed` (the expression failed, the value is
   * of another type, the thread is not stopped; the message says which).
   */
  'data.page': { params: DataPageParams; result: DataPage };
  /** A 2-D numeric value as a heatmap (see {@link DataHeatmap}); errors as `data.page`'s. */
  'data.heatmap': { params: DataHeatmapParams; result: DataHeatmap };
  'source.read': {
    /**
     * `sessionId`: read on that session's machine; else `profileId`: on that profile's machine
     * (over its shared link; a file found with quick open before anything runs).
     */
    params: { path: string; sessionId?: string; profileId?: string };
    result: { path: string; content: string; origin: SourceOrigin };
  };
  /** The user's answer to a `hostKey.prompt`. */
  'hostKey.answer': {
    params: { promptId: string; accept: boolean };
    result: Record<string, never>;
  };
  /**
   * The user's answer to a `secret.prompt`: one string per prompt line, or `answers: null` when
   * the user cancelled. `remember` asks to keep a password/passphrase in the encrypted store
   * (honoured only when the prompt said `canRemember`).
   */
  'secret.answer': {
    params: { promptId: string; answers: string[] | null; remember?: boolean };
    result: Record<string, never>;
  };
  /**
   * Checks, over a fresh SSH connection, what a launch or attach needs (`PreflightCheck`
   * in `connections.ts`); never rejects for a failed check, each failure is a named diagnosis.
   */
  'session.preflight': { params: PreflightParams; result: PreflightResult };
  /** The remote user's Python processes on a profile's machine (for "Attach to process"). */
  /** With `container`: the processes inside that container (their pids are the container's). */
  'processes.list': {
    params: { profileId: string; container?: ContainerTarget };
    result: { processes: RemoteProcessInfo[] };
  };
  /**
   * The containers of the profile's machine (`docker ps --all`, `podman ps --all`), running
   * first, each with its engine. Without `kind`, both engines are asked and `problems` names an
   * installed engine that failed while another listed (no permission on Docker's socket…).
   * Errors: `launch-failed` naming what is missing (no CLI, no permission on the socket, with
   * the fix), `ssh-failed`.
   */
  'containers.list': {
    params: { profileId: string; kind?: ContainerTarget['kind'] };
    result: { containers: ContainerInfo[]; problems: string[] };
  };
  /**
   * One container's mounts and working directory (`docker inspect`), with path mappings
   * suggested from its bind mounts. Errors as `containers.list`; `not-found` (no such container).
   */
  'containers.inspect': {
    params: { profileId: string; kind: ContainerTarget['kind']; name: string };
    result: ContainerDetails;
  };
  /** Attaches to a running program (by pid, or a user-started debugpy's port); joins the caller. */
  'session.attach': { params: AttachParams; result: { session: SessionInfo } };
  /** Reads the laptop's OpenSSH config (default `~/.ssh/config`) into profile drafts; runs nothing. */
  'profiles.importSshConfig': { params: { path?: string }; result: SshConfigCandidates };
  /** Reads the debugpy `attach` configurations of `<projectPath>/.vscode/launch.json`. */
  'profiles.importLaunchJson': {
    params: { projectPath: string };
    result: { path: string; configurations: LaunchJsonAttach[]; skipped: string[] };
  };
  /** Adds or replaces (by name) an attach configuration in the project's launch.json, keeping comments. */
  'profiles.exportLaunchJson': {
    params: { projectPath: string; configuration: LaunchJsonAttach };
    result: { path: string };
  };
  /** The snapshots kept on this machine, newest first (see `snapshots.changed`). */
  'snapshots.list': { params: Record<string, never>; result: { snapshots: SnapshotSummary[] } };
  /**
   * Lists the profile's ring directory over SSH and fetches (SFTP) the snapshots not kept here
   * yet; `fetched` counts those. Errors: `not-found` (profile), `ssh-failed`.
   */
  'snapshots.fetch': {
    params: { profileId: string };
    result: { snapshots: SnapshotSummary[]; fetched: number };
  };
  /** Opens a kept snapshot as a read-only session and joins the caller. Errors: `not-found`. */
  'snapshots.open': { params: { snapshotId: string }; result: { session: SessionInfo } };
  /**
   * Keeps a snapshot file the person chose (its bytes, base64) and opens it as `snapshots.open`
   * does. Errors: `invalid-message` when the bytes are not a snapshot this Periscope reads.
   */
  'snapshots.openFile': {
    params: { name: string; data: string };
    result: { snapshot: SnapshotSummary; session: SessionInfo };
  };
  /** Forgets a kept snapshot. */
  'snapshots.remove': { params: { snapshotId: string }; result: Record<string, never> };
  /**
   * Installs the capture module on the profile's machine for programs started by hand, and says
   * how to use it. Errors: `not-found` (profile), `ssh-failed`.
   */
  'snapshots.install': { params: { profileId: string }; result: CaptureInstall };
  /** Every forward (`-L`, `-R`) of every SSH connection the relay holds (see `tunnels.changed`). */
  'tunnels.list': { params: Record<string, never>; result: { tunnels: ForwardInfo[] } };
  /**
   * Opens a local forward by hand over the profile's kept-up SSH link (asking host keys and
   * secrets as a launch does); it stays until `tunnels.close` or the relay stops.
   */
  'tunnels.open': { params: OpenForwardParams; result: { tunnel: ForwardInfo } };
  /**
   * Closes a forward by id. A launched session's forward carries its debugger connection, so
   * closing it ends that session; a dial-in forward stops new arrivals (as `tracerTunnel.close`).
   */
  'tunnels.close': { params: { id: string }; result: Record<string, never> };
  /**
   * Follows a remote file with `tail -F` over the profile's kept-up SSH link, for the calling
   * client only: `logs.output` and `logs.status` events carry `logId`. Starts at the file's last
   * 200 lines (the whole file once it appears, when it does not exist yet).
   */
  /** With `container`: that container's log (`docker logs -f`); `path` is then the tab's name. */
  'logs.open': {
    params: { profileId: string; path: string; container?: ContainerTarget };
    result: { logId: string };
  };
  /** Stops a log tail: the remote `tail` is killed by pid. Idempotent. */
  'logs.close': { params: { logId: string }; result: Record<string, never> };
}

export type AppMethod = keyof AppMethods;

/** A host key recorded in a known_hosts file, as ssh(1) names it when warning about it. */
export interface RecordedHostKeyInfo {
  /** e.g. `ssh-rsa`. */
  keyType: string;
  /** OpenSSH form, `SHA256:<base64 without padding>`. */
  fingerprint: string;
  /** The known_hosts file holding it. */
  file: string;
  /** 1-based line number in `file`. */
  line: number;
}

/** App events: name → body. */
export interface AppEvents {
  /**
   * The whole session list: the first message of every connection (`session-list.ts`). After it,
   * changes come as `sessions.patched`.
   */
  'sessions.changed': SessionList;
  /**
   * What changed in the session list (created, state change, ended, forgotten), from version
   * `since`; a client whose list is not at `since` asks `sessions.list` (`SessionListMirror`).
   */
  'sessions.patched': SessionListPatch;
  /** Output of the remote program's process (its stdout/stderr over SSH), in arrival order. */
  'session.output': {
    sessionId: string;
    category: 'stdout' | 'stderr' | 'console';
    text: string;
    /**
     * Where `text` sits in the session's output stream, `[start, end)` in characters since the
     * session started; a "lines dropped" marker has `start === end`. A client that joins again
     * (after a reconnection the relay replays its output ring) skips what it already has.
     */
    start?: number;
    end?: number;
  };
  /**
   * The SSH server presented a host key that is not in known_hosts: ask the user.
   * Answer with `hostKey.answer`. `fingerprint` is OpenSSH's form, `SHA256:<base64 without padding>`.
   */
  'hostKey.prompt': {
    promptId: string;
    host: string;
    port: number;
    keyType: string;
    fingerprint: string;
    /**
     * Present (non-empty) when keys of OTHER types are already recorded for this host (OpenSSH:
     * "but keys of different type are already known for this host"): the server now shows a
     * type we hold no record of, which may be a man-in-the-middle. Absent on a first visit.
     */
    otherKnownKeys?: RecordedHostKeyInfo[];
  };
  /**
   * SSH authentication needs a secret: a password, a key's passphrase, or the server's
   * keyboard-interactive questions (`name`/`instructions` from the server, one `prompts` line per
   * answer; `echo: false` = hide what is typed). Answer with `secret.answer`. Asked only after
   * the host key was accepted; the relay waits at most 5 minutes.
   */
  'secret.prompt': {
    promptId: string;
    /** `sudo`: sudo's password on the remote machine, for a launch with launch.json's `sudo`. */
    kind: 'password' | 'passphrase' | 'keyboard-interactive' | 'sudo';
    host: string;
    port: number;
    user: string;
    /** The key file, for `passphrase`. */
    keyPath?: string;
    /** 1-based position in the ProxyJump chain when a jump host asks; absent for the destination. */
    jumpHost?: number;
    name: string;
    instructions: string;
    prompts: { prompt: string; echo: boolean }[];
    /** True when the answer can be kept encrypted (OS keychain); false in web mode. */
    canRemember: boolean;
  };
  /** A client's `setBreakpoints` succeeded: the source's breakpoints are now these, for everyone. */
  'session.breakpointsChanged': {
    sessionId: string;
    source: DebugProtocol.Source;
    breakpoints: DebugProtocol.SourceBreakpoint[];
    /** The tracer's answer to that `setBreakpoints` (verification), in the order of `breakpoints`. */
    verification?: DebugProtocol.Breakpoint[];
    by: SessionClientInfo;
  };
  /** The session's shared watch expressions changed. */
  'session.watchesChanged': { sessionId: string; expressions: string[]; by: SessionClientInfo };
  /** Another client evaluated `expression` in the console (`repl` context); `result` is what it got. */
  'session.consoleEcho': {
    sessionId: string;
    by: SessionClientInfo;
    expression: string;
    ok: boolean;
    result: string;
  };
  /** The forwards changed (state, bytes, opened, closed); at most every 500 ms while bytes move. */
  'tunnels.changed': { tunnels: ForwardInfo[] };
  /** The kept snapshots changed (fetched, opened from a file, a snapshot point's hit, removed). */
  'snapshots.changed': { snapshots: SnapshotSummary[] };
  /** New bytes of a followed log file (UTF-8 decoded, ANSI escapes kept), to its client only. */
  'logs.output': { logId: string; text: string };
  /** A log tail's state changed, or `tail` said something (`message`). */
  'logs.status': { logId: string; state: LogTailState; message?: string };
}

/** What a client joining a running session needs to catch up (answer of `session.join`). */
export interface SessionCatchUp {
  /** Shared breakpoint state: the last `setBreakpoints` arguments of each source. */
  breakpoints: DebugProtocol.SetBreakpointsArguments[];
  /** Shared watch expressions. */
  watches: string[];
  /** The threads, as the tracer listed them at join time (empty if it did not answer in time). */
  threads: DebugProtocol.Thread[];
  /** The body of the last `stopped` event while the program is stopped. */
  stopped?: DebugProtocol.StoppedEvent['body'];
}

export type AppEventName = keyof AppEvents;

// ---- client → relay ----

export interface DapClientMessage {
  type: 'dap';
  sessionId: string;
  message: DebugProtocol.Request;
}

export interface AppRequest<M extends AppMethod = AppMethod> {
  type: 'app';
  /** Client-chosen id, echoed in the response. A positive integer. */
  id: number;
  method: M;
  params: AppMethods[M]['params'];
}

export type ClientMessage = DapClientMessage | AppRequest;

// ---- relay → client ----

export interface DapRelayMessage {
  type: 'dap';
  sessionId: string;
  message: DebugProtocol.Response | DebugProtocol.Event;
}

/**
 * Every error code of failed app requests (and of protocol errors, with `id` 0), in one list:
 * the backend maps a thrown error whose `code` is one of these to it, anything else to
 * `internal`. `limit-reached`: a relay limit was reached (tracers, clients, pending requests); the
 * message names it. `session-ended`: the session has ended.
 */
export const APP_ERROR_CODES = [
  'invalid-message',
  'unknown-method',
  'not-found',
  'source-not-found',
  'host-key-unknown',
  'host-key-changed',
  'host-key-revoked',
  'host-key-rejected',
  'invalid-profile',
  'auth-failed',
  'ssh-failed',
  'launch-failed',
  'attach-failed',
  'limit-reached',
  'session-ended',
  'evaluate-failed',
  'internal',
] as const;

/** One of {@link APP_ERROR_CODES}. */
export type AppErrorCode = (typeof APP_ERROR_CODES)[number];

export interface AppError {
  code: AppErrorCode;
  /** One plain sentence for the user. Never contains a secret or the client token. */
  message: string;
}

export type AppResponse =
  | { type: 'app-response'; id: number; ok: true; result: unknown }
  | { type: 'app-response'; id: number; ok: false; error: AppError };

export interface AppEventMessage<E extends AppEventName = AppEventName> {
  type: 'app-event';
  event: E;
  body: AppEvents[E];
}

export type RelayMessage = DapRelayMessage | AppResponse | AppEventMessage;
