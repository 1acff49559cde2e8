/**
 * Types shared by the debug model's parts and its users: what the model needs from the outside
 * (DAP requests, a console), the resume commands and where a variable row sits.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';

/** Kinds of console text (the console widget colours them). */
export type ConsoleKind = 'stdout' | 'stderr' | 'console' | 'input' | 'result' | 'error' | 'info';

/** Where the model writes program and tracer output (a `ConsoleChannel`). */
export interface ConsoleSink {
  write(text: string, kind: ConsoleKind): void;
}

/** Sends one DAP request to this session and resolves with the response (also when it failed). */
export type DapRequester = (command: string, args?: unknown) => Promise<DebugProtocol.Response>;

/** What a `DebugSessionModel` needs from the outside. */
export interface DebugSessionModelDeps {
  dapRequest: DapRequester;
  console: ConsoleSink;
  /** Shows the source of a selected frame (loads it when needed). Errors are reported by the caller. */
  showSource?: (source: DebugProtocol.Source, line: number) => Promise<void>;
  /** Watch expressions to start with. */
  watchExpressions?: readonly string[];
  /**
   * How long (ms) the previous stop's frames and variables stay on screen, dimmed, after a
   * resume before they are cleared (a stop within it replaces them directly). Default
   * {@link RESUME_GRACE_MS}.
   */
  resumeGraceMs?: number;
}

/**
 * Default grace after a resume (ms). A step usually stops again within a few tens of
 * milliseconds; clearing the panels at once and filling them again makes them flicker (VS Code
 * keeps a thread's stale call stack and delays its views' refresh for the same reason).
 */
export const RESUME_GRACE_MS = 120;

/** Commands that resume a stopped thread. */
export type ResumeCommand = 'continue' | 'next' | 'stepIn' | 'stepOut';

/** Where a variable row sits, so it can be set in place: its container and the variable. */
export interface VariableTarget {
  /** `variablesReference` of the scope or variable that lists it; null for page items. */
  containerRef: number | null;
  variable: DebugProtocol.Variable;
}
