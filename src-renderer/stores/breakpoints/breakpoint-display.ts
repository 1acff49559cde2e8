/**
 * How a user breakpoint is shown: its kind (plain, conditional, logpoint), state (disabled,
 * verified, not verified, no session), a one-line summary of its options, and the explanation of
 * a problem. Pure: the inputs are plain values (see `breakpoint-view.svelte.ts` for the wiring).
 */
import type { LineBreakpoint } from './breakpoint-book.js';
import type { BreakpointStatus } from '../../debug/session-view.js';
import type { SourceBreakpoint } from '../../editor/debug-markers.js';
import { describeHitCondition } from './hit-condition.js';
import { parseSnapshotPoint } from '../../../src-common/snapshot-point.js';
import {
  explainBreakpoint,
  type BreakpointExplanation,
  type ExplainContext,
} from './unverified-reason.js';

/**
 * Marker shape: VS Code's dot, dot with a bar (conditional / hit count), diamond (logpoint),
 * square (snapshot point: a logpoint that records a snapshot, `src-common/snapshot-point.ts`).
 */
export type BreakpointKind = 'plain' | 'conditional' | 'log' | 'snapshot';

/** `idle`: no live session of this profile, so nothing was verified. */
export type BreakpointState = 'disabled' | 'verified' | 'unverified' | 'idle';

/** Everything the gutter and the Breakpoints panel show for one breakpoint. */
export interface BreakpointDisplay {
  breakpoint: LineBreakpoint;
  kind: BreakpointKind;
  state: BreakpointState;
  /** e.g. `when total > 10 · hit ≥ 3` or `log "step {step}"`; '' for a plain breakpoint. */
  summary: string;
  explanation: BreakpointExplanation | null;
}

/** The marker kind of a breakpoint. */
export function breakpointKind(bp: LineBreakpoint): BreakpointKind {
  if (parseSnapshotPoint(bp.logMessage)) return 'snapshot';
  if (bp.logMessage) return 'log';
  return bp.condition || bp.hitCondition ? 'conditional' : 'plain';
}

/** One-line summary of a breakpoint's options. */
export function breakpointSummary(bp: LineBreakpoint): string {
  const parts: string[] = [];
  if (bp.condition) parts.push(`when ${bp.condition}`);
  if (bp.hitCondition) parts.push(describeHitCondition(bp.hitCondition));
  const point = parseSnapshotPoint(bp.logMessage);
  if (point)
    parts.push(`snapshot ${point.limit === 1 ? 'once' : `up to ${point.limit} times`}, no pause`);
  else if (bp.logMessage) parts.push(`log "${bp.logMessage}"`);
  return parts.join(' · ');
}

/**
 * The display of one breakpoint. `status` is the live session's verification of the file's
 * enabled breakpoints (null when no session of the profile runs).
 */
export function displayBreakpoint(
  bp: LineBreakpoint,
  statuses: readonly BreakpointStatus[] | null,
  context: ExplainContext | null,
): BreakpointDisplay {
  const kind = breakpointKind(bp);
  const summary = breakpointSummary(bp);
  if (!bp.enabled) return { breakpoint: bp, kind, state: 'disabled', summary, explanation: null };
  if (statuses === null || context === null)
    return { breakpoint: bp, kind, state: 'idle', summary, explanation: null };
  const status = statuses.find((s) => s.line === bp.line);
  if (!status) {
    // Sent, the answer not in yet.
    return { breakpoint: bp, kind, state: 'unverified', summary, explanation: null };
  }
  const explanation = explainBreakpoint(bp.path, bp.line, status, context);
  return {
    breakpoint: bp,
    kind,
    state: status.verified ? 'verified' : 'unverified',
    summary,
    explanation,
  };
}

/** The display as the source view's gutter marker. */
export function toSourceBreakpoint(display: BreakpointDisplay): SourceBreakpoint {
  const marker: SourceBreakpoint = {
    line: display.breakpoint.line,
    verified: display.state !== 'unverified',
    enabled: display.state !== 'disabled',
    kind: display.kind,
  };
  const tooltip = markerTooltip(display);
  if (tooltip) marker.message = tooltip;
  if (display.explanation) marker.warning = true;
  return marker;
}

/** Tooltip of a marker: what the breakpoint does, its state, and the explanation. */
export function markerTooltip(display: BreakpointDisplay): string {
  const what =
    display.kind === 'log' ? 'Logpoint' : display.summary ? 'Conditional breakpoint' : 'Breakpoint';
  const lines = [`${what} on line ${display.breakpoint.line}`];
  if (display.summary) lines[0] += ` — ${display.summary}`;
  if (display.state === 'disabled') lines.push('Disabled: not sent to the debugger.');
  if (display.explanation) lines.push(display.explanation.text);
  else if (display.state === 'unverified') lines.push('Not verified by the debugger yet.');
  return lines.join('\n');
}
