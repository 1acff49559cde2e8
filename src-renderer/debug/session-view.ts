import type { DebugProtocol } from '@vscode/debugprotocol';
import type { SessionState } from '../../src-common/protocol/client-protocol.js';

/** Why and where the program is paused (DAP `stopped` event body). */
export interface StopInfo {
  /** DAP reason: `breakpoint`, `step`, `exception`, `pause`, `entry`, … */
  reason: string;
  threadId: number | null;
  description?: string;
  text?: string;
}

/** Children of one `variablesReference`, loaded lazily with the DAP `variables` request. */
export type VariableChildren =
  | { status: 'loading' }
  | { status: 'loaded'; variables: DebugProtocol.Variable[] }
  | { status: 'error'; message: string };

/** One watch expression and its value from the last evaluation (DAP `evaluate`, context `watch`). */
export interface WatchItem {
  id: number;
  expression: string;
  value: string | null;
  type: string | null;
  /** Error text of the last evaluation (last line of a traceback), shown inline. */
  error: string | null;
  /** The value differs from the one at the previous stop. */
  changed: boolean;
  /** The value is from an earlier stop (the program runs now); shown dimmed. */
  stale: boolean;
}

/** Verification of one user breakpoint (DAP `Breakpoint` from `setBreakpoints` / `breakpoint` event). */
export interface BreakpointStatus {
  /** The line the user asked for. */
  line: number;
  verified: boolean;
  message?: string;
  /** Adapter id, for matching `breakpoint` events. */
  id?: number;
  /** The line the adapter actually placed it on, when it moved it. */
  actualLine?: number;
}

/** The stack of one thread other than the selected one, loaded when its row is expanded. */
export type ThreadStack =
  | { status: 'loading' }
  | { status: 'loaded'; frames: DebugProtocol.StackFrame[] }
  | { status: 'error'; message: string };

/**
 * One page of a large container (list, dict, …) shown in the variables tree. debugpy has no
 * start/count paging (it lists the first 100 items of a sequence, 500 of a dict), so pages after
 * the first are fetched by evaluating a slice of the container (see `variable-paging.ts`).
 */
export interface ContainerPage {
  /** `len()` of the container. */
  length: number;
  /** Index of the first item shown. */
  start: number;
  status: 'loading' | 'loaded' | 'error';
  /** The page's items, named by their index (sequences) or key (dicts). */
  variables: DebugProtocol.Variable[];
  /** Why the page could not be loaded (status `error`). */
  message?: string;
}

/**
 * An immutable snapshot of one debug session as the UI shows it; the model replaces it on every
 * change so a view layer can hold it as a plain value.
 */
export interface DebugSessionView {
  state: SessionState;
  /** Why the session ended (relay text or `terminated`). */
  endReason: string | null;
  /** Exit code from the DAP `exited` event. */
  exitCode: number | null;
  stop: StopInfo | null;
  /** A pause was asked for and the program has not stopped yet. */
  pausing: boolean;
  threads: DebugProtocol.Thread[];
  selectedThreadId: number | null;
  /** Stacks of other threads whose rows are expanded, by thread id. */
  threadStacks: ReadonlyMap<number, ThreadStack>;
  /** Capabilities of the tracer (DAP `initialize` response); `{}` until known. */
  capabilities: DebugProtocol.Capabilities;
  /** Stack frames of the selected thread, top first. */
  frames: DebugProtocol.StackFrame[];
  /** The whole stack is loaded (not only the top frame). */
  framesComplete: boolean;
  selectedFrameId: number | null;
  scopes: DebugProtocol.Scope[];
  /** Loaded children by `variablesReference` (scopes and expandable variables). */
  children: ReadonlyMap<number, VariableChildren>;
  /** Expanded `variablesReference`s. */
  expanded: ReadonlySet<number>;
  /** Paged large containers, by the container's `variablesReference`. */
  pages: ReadonlyMap<number, ContainerPage>;
  /** Error text when the scopes of the selected frame could not be loaded. */
  scopesError: string | null;
  /**
   * The frames (and the current line) shown are from the previous stop: the program was resumed
   * and they stay on screen, dimmed, until the next stop replaces them or the resume grace ends.
   */
  staleFrames: boolean;
  /**
   * The frames after the top one are from the previous stop: the new top frame is shown and the
   * rest of the new stack is being loaded.
   */
  staleTail: boolean;
  /** The scopes and variables shown are from the previous stop (as {@link staleFrames}). */
  staleVariables: boolean;
  watches: readonly WatchItem[];
  /** Verification per source path, in the order of the user's lines. */
  breakpoints: ReadonlyMap<string, readonly BreakpointStatus[]>;
}

/** The view of a session that has just been created. */
export function initialSessionView(state: SessionState = 'starting'): DebugSessionView {
  return {
    state,
    endReason: null,
    exitCode: null,
    stop: null,
    pausing: false,
    threads: [],
    selectedThreadId: null,
    threadStacks: new Map(),
    capabilities: {},
    frames: [],
    framesComplete: false,
    selectedFrameId: null,
    scopes: [],
    children: new Map(),
    expanded: new Set(),
    pages: new Map(),
    scopesError: null,
    staleFrames: false,
    staleTail: false,
    staleVariables: false,
    watches: [],
    breakpoints: new Map(),
  };
}

/**
 * One line of status text, e.g. "Running", "Paused on breakpoint (thread MainThread)",
 * "Ended — exit code 0".
 */
export function describeSessionState(view: DebugSessionView): string {
  switch (view.state) {
    case 'starting':
      return 'Starting…';
    case 'running':
      // pydevd stops a thread when it next runs Python code: a thread blocked in C (a sleep, a
      // socket read, a lock) pauses only once that call returns.
      return view.pausing
        ? 'Pausing… waits for the program to run Python code again (a sleep, socket read or lock delays it)'
        : 'Running';
    case 'stopped': {
      const stop = view.stop;
      if (!stop) return 'Paused';
      const what = stop.description ?? `Paused on ${stop.reason}`;
      const thread = view.threads.find((t) => t.id === stop.threadId);
      const threadText = thread ? ` (thread ${thread.name})` : '';
      const extra = stop.text && !what.includes(stop.text) ? `: ${stop.text}` : '';
      return `${what}${extra}${threadText}`;
    }
    case 'ended':
      if (view.exitCode !== null) return `Ended — exit code ${view.exitCode}`;
      return view.endReason ? `Ended — ${view.endReason}` : 'Ended';
  }
}
