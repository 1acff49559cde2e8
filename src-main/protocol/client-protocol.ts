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
 * This module is imported by the renderer with `import type` only; it has no runtime code that
 * touches Node or Electron.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Profile, ProfileDraft } from './profile.js';

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
}

/** Where a source text came from, so the UI can mark remote-only files. */
export type SourceOrigin = 'local' | 'remote';

/** App methods: name → parameters and result. */
export interface AppMethods {
  'profiles.list': { params: Record<string, never>; result: { profiles: Profile[] } };
  'profiles.save': { params: { profile: ProfileDraft }; result: { profile: Profile } };
  'profiles.delete': { params: { id: string }; result: Record<string, never> };
  /** Connects (asking for host keys through `hostKey.prompt`), launches, attaches; joins the caller. */
  'session.launch': { params: LaunchParams; result: { session: SessionInfo } };
  'sessions.list': { params: Record<string, never>; result: { sessions: SessionInfo[] } };
  /** Joins the caller to a session so it receives its events. */
  'session.join': {
    params: { sessionId: string };
    result: { session: SessionInfo; capabilities: DebugProtocol.Capabilities };
  };
  /** Ends a session: terminates the remote program, closes the forward and the SSH connection. */
  'session.close': { params: { sessionId: string }; result: Record<string, never> };
  /**
   * Reads a source file: from the laptop when `path` exists there, otherwise from the session's
   * remote machine over SFTP. Errors: not found (code `source-not-found`), too big (> 8 MiB).
   */
  'source.read': {
    params: { path: string; sessionId?: string };
    result: { path: string; content: string; origin: SourceOrigin };
  };
  /** The user's answer to a `hostKey.prompt`. */
  'hostKey.answer': {
    params: { promptId: string; accept: boolean };
    result: Record<string, never>;
  };
}

export type AppMethod = keyof AppMethods;

/** App events: name → body. */
export interface AppEvents {
  /** The session list changed (created, state change, ended). */
  'sessions.changed': { sessions: SessionInfo[] };
  /** Output of the remote program's process (its stdout/stderr over SSH), in arrival order. */
  'session.output': { sessionId: string; category: 'stdout' | 'stderr' | 'console'; text: string };
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
  };
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

/** Error codes of failed app requests (and of protocol errors, with `id` 0). */
export type AppErrorCode =
  | 'invalid-message'
  | 'unknown-method'
  | 'not-found'
  | 'source-not-found'
  | 'host-key-unknown'
  | 'host-key-changed'
  | 'host-key-revoked'
  | 'host-key-rejected'
  | 'invalid-profile'
  | 'auth-failed'
  | 'ssh-failed'
  | 'launch-failed'
  | 'attach-failed'
  | 'internal';

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
