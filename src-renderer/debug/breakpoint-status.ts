import type { DebugProtocol } from '@vscode/debugprotocol';
import { expectSuccess } from './dap-response.js';
import type { BreakpointStatus } from './session-view.js';
import type { DapRequester } from './model-types.js';
import { errorMessage } from '../../src-common/errors.js';

/**
 * Sends DAP `setBreakpoints` for one file with all its breakpoints (the request replaces the
 * file's breakpoints) and returns one status per requested breakpoint, in order: the adapter's
 * `verified`, `message`, `id` and moved `line` (DAP: the response's `breakpoints` array matches
 * the request's order). A breakpoint is a line number or a DAP `SourceBreakpoint` (condition,
 * hit condition, logpoint message). Never throws: a failed request marks every breakpoint
 * unverified with the error text.
 */
export async function requestLineBreakpoints(
  dapRequest: DapRequester,
  path: string,
  breakpoints: readonly (number | DebugProtocol.SourceBreakpoint)[],
): Promise<BreakpointStatus[]> {
  const sourceBreakpoints = breakpoints.map((b) => (typeof b === 'number' ? { line: b } : b));
  const lines = sourceBreakpoints.map((b) => b.line);
  const args: DebugProtocol.SetBreakpointsArguments = {
    source: { path, name: path.split(/[\\/]/).pop() ?? path },
    breakpoints: sourceBreakpoints,
    lines,
  };
  try {
    const response = expectSuccess<DebugProtocol.SetBreakpointsResponse>(
      await dapRequest('setBreakpoints', args),
    );
    return lines.map((line, i) => toStatus(line, response.body.breakpoints[i]));
  } catch (err) {
    const message = errorMessage(err);
    return lines.map((line) => ({ line, verified: false, message }));
  }
}

/**
 * The statuses of a file's breakpoints from a `setBreakpoints` answer that another client got
 * (`verification` in the order of `requested`, as DAP orders the response). Missing entries are
 * unverified.
 */
export function statusesFromAnswer(
  requested: readonly DebugProtocol.SourceBreakpoint[],
  verification: readonly DebugProtocol.Breakpoint[],
): BreakpointStatus[] {
  return requested.map((b, i) => toStatus(b.line, verification[i]));
}

/**
 * Applies a DAP `breakpoint` event (reason `changed`) to the statuses: the one with the same
 * adapter `id` takes the new verification. Returns the new map, or null when no status matched.
 */
export function applyBreakpointEvent(
  statuses: ReadonlyMap<string, readonly BreakpointStatus[]>,
  bp: DebugProtocol.Breakpoint,
): Map<string, readonly BreakpointStatus[]> | null {
  if (bp.id === undefined) return null;
  let touched = false;
  const next = new Map<string, readonly BreakpointStatus[]>();
  for (const [path, list] of statuses) {
    next.set(
      path,
      list.map((s) => {
        if (s.id !== bp.id) return s;
        touched = true;
        return toStatus(s.line, bp);
      }),
    );
  }
  return touched ? next : null;
}

function toStatus(line: number, bp: DebugProtocol.Breakpoint | undefined): BreakpointStatus {
  const status: BreakpointStatus = { line, verified: bp?.verified ?? false };
  if (bp?.message) status.message = bp.message;
  if (bp?.id !== undefined) status.id = bp.id;
  if (bp?.line !== undefined && bp.line !== line) status.actualLine = bp.line;
  return status;
}
