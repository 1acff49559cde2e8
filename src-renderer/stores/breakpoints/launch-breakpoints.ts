/** The breakpoint part of `session.launch` parameters, from a profile's book. */
import type { LaunchParams } from '../../../src-common/protocol/client-protocol.js';
import { breakpoints } from './breakpoints.svelte.js';

/**
 * The enabled line breakpoints, the enabled function breakpoints and the chosen exception filters
 * of a profile, so the tracer has them before the program runs (`LaunchParams`). Exception filters
 * are left out when the user never chose (the tracer's defaults apply).
 */
export function launchBreakpointParams(
  profileId: string,
): Pick<LaunchParams, 'breakpoints' | 'exceptionFilters' | 'functionBreakpoints'> {
  const book = breakpoints.book(profileId);
  const params: Pick<LaunchParams, 'breakpoints' | 'exceptionFilters' | 'functionBreakpoints'> = {
    breakpoints: book.toLaunch(),
  };
  const filters = book.exceptionFilters();
  if (filters !== null) params.exceptionFilters = filters;
  const functions = book.functionBreakpoints();
  if (functions.length > 0) params.functionBreakpoints = functions;
  return params;
}
