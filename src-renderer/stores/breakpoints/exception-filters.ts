/**
 * Exception breakpoint filters: the tracer's (DAP `Capabilities.exceptionBreakpointFilters`) and
 * which of them are on.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';

/**
 * debugpy 1.6's filters, as its adapter's `initialize` response lists them
 * (`debugpy/adapter/clients.py`); shown before any session told us its own.
 */
export const DEBUGPY_EXCEPTION_FILTERS: readonly DebugProtocol.ExceptionBreakpointsFilter[] = [
  {
    filter: 'raised',
    label: 'Raised Exceptions',
    default: false,
    description: 'Break whenever any exception is raised.',
  },
  {
    filter: 'uncaught',
    label: 'Uncaught Exceptions',
    default: true,
    description: 'Break when the process is exiting due to unhandled exception.',
  },
  {
    filter: 'userUnhandled',
    label: 'User Uncaught Exceptions',
    default: false,
    description: 'Break when exception escapes into library code.',
  },
];

/**
 * The filter ids to send: the user's choice (dropping ids the tracer does not offer), or the
 * tracer's defaults when the user never chose (`chosen` null).
 */
export function activeExceptionFilters(
  chosen: readonly string[] | null,
  available: readonly DebugProtocol.ExceptionBreakpointsFilter[],
): string[] {
  if (chosen === null) return available.filter((f) => f.default === true).map((f) => f.filter);
  const ids = new Set(available.map((f) => f.filter));
  return chosen.filter((id) => ids.has(id));
}
