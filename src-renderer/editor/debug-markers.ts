/**
 * What the source view marks on each line: breakpoints and the current (selected frame's) line.
 * Pure data, no CodeMirror: `debug-state.ts` turns it into gutter markers and line decorations.
 */

/** A breakpoint as the source view shows it (DAP `Breakpoint`, reduced). */
export interface SourceBreakpoint {
  /** 1-based line. */
  line: number;
  /** Whether the debugger confirmed the breakpoint (DAP `Breakpoint.verified`). */
  verified: boolean;
  /** Why it is not verified, or other debugger information (DAP `Breakpoint.message`). */
  message?: string;
  /** False: a disabled breakpoint (hollow, not sent to the tracer). Default true. */
  enabled?: boolean;
  /**
   * Shape: dot (`plain`, default), dot with a bar (`conditional`), diamond (`log`), square
   * (`snapshot`: a snapshot point).
   */
  kind?: 'plain' | 'conditional' | 'log' | 'snapshot';
  /** Something is wrong with it (moved, never hit, not verified): a small warning badge. */
  warning?: boolean;
}

/** Everything marked on one line. */
export interface LineMarker {
  /** 1-based line. */
  line: number;
  /** The line's breakpoint, if any. */
  breakpoint: SourceBreakpoint | null;
  /** The selected frame stopped on this line. */
  current: boolean;
}

/** Tooltip of an unverified breakpoint that has no message. */
export const UNVERIFIED_TOOLTIP = 'Breakpoint not verified by the debugger yet';

/**
 * Merges breakpoints and the current line into per-line markers, sorted by line. Lines outside
 * `1 … lineCount` and non-integer lines are dropped. When several breakpoints share a line (the
 * debugger moved one onto another's line), a verified one wins, then the first.
 */
export function computeLineMarkers(
  breakpoints: readonly SourceBreakpoint[],
  currentLine: number | null,
  lineCount: number,
): LineMarker[] {
  const byLine = new Map<number, LineMarker>();
  const isValid = (line: number): boolean =>
    Number.isInteger(line) && line >= 1 && line <= lineCount;
  for (const breakpoint of breakpoints) {
    if (!isValid(breakpoint.line)) continue;
    const existing = byLine.get(breakpoint.line);
    if (existing?.breakpoint && (existing.breakpoint.verified || !breakpoint.verified)) continue;
    byLine.set(breakpoint.line, { line: breakpoint.line, breakpoint, current: false });
  }
  if (currentLine !== null && isValid(currentLine)) {
    const existing = byLine.get(currentLine);
    byLine.set(currentLine, {
      line: currentLine,
      breakpoint: existing?.breakpoint ?? null,
      current: true,
    });
  }
  return [...byLine.values()].sort((a, b) => a.line - b.line);
}

/** Tooltip of a breakpoint marker: the debugger's message, or why it is hollow. */
export function breakpointTooltip(breakpoint: SourceBreakpoint): string {
  if (breakpoint.message) return breakpoint.message;
  return breakpoint.verified ? `Breakpoint on line ${breakpoint.line}` : UNVERIFIED_TOOLTIP;
}

/** True when two breakpoint lists show the same thing (same order, lines, states, shapes, messages). */
export function sameBreakpoints(
  a: readonly SourceBreakpoint[],
  b: readonly SourceBreakpoint[],
): boolean {
  if (a.length !== b.length) return false;
  return a.every((x, i) => {
    const y = b[i];
    return (
      y !== undefined &&
      x.line === y.line &&
      x.verified === y.verified &&
      x.message === y.message &&
      (x.enabled ?? true) === (y.enabled ?? true) &&
      (x.kind ?? 'plain') === (y.kind ?? 'plain') &&
      (x.warning ?? false) === (y.warning ?? false)
    );
  });
}
