/**
 * The DAP requests of the Breakpoints panel besides `setBreakpoints` (see
 * `./breakpoint-status.ts`): function breakpoints, exception breakpoint filters, and
 * `exceptionInfo` for the exception view. Each takes a {@link DapRequester} (one session) and never
 * throws: failures come back as text.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import { expectSuccess } from './dap-response.js';
import type { DapRequester } from './model-types.js';
import { errorMessage } from '../../src-common/errors.js';

/** Verification of one function breakpoint (DAP `Breakpoint`, reduced). */
export interface FunctionBreakpointStatus {
  name: string;
  verified: boolean;
  message?: string;
}

/**
 * Sends DAP `setFunctionBreakpoints` with all of `breakpoints` (the request replaces the previous
 * set) and returns one status per breakpoint, in order. A failed request marks every breakpoint
 * unverified with the adapter's message.
 */
export async function requestFunctionBreakpoints(
  dapRequest: DapRequester,
  breakpoints: readonly DebugProtocol.FunctionBreakpoint[],
): Promise<FunctionBreakpointStatus[]> {
  const args: DebugProtocol.SetFunctionBreakpointsArguments = { breakpoints: [...breakpoints] };
  try {
    const response = expectSuccess<DebugProtocol.SetFunctionBreakpointsResponse>(
      await dapRequest('setFunctionBreakpoints', args),
    );
    return breakpoints.map((bp, i) => {
      const answer = response.body.breakpoints[i];
      const status: FunctionBreakpointStatus = {
        name: bp.name,
        verified: answer?.verified ?? false,
      };
      if (answer?.message) status.message = answer.message;
      return status;
    });
  } catch (err) {
    const message = errorMessage(err);
    return breakpoints.map((bp) => ({ name: bp.name, verified: false, message }));
  }
}

/**
 * Sends DAP `setExceptionBreakpoints` with the chosen filter ids (e.g. debugpy's `raised`,
 * `uncaught`, `userUnhandled`). Resolves with null on success, else the error text.
 */
export async function requestExceptionBreakpoints(
  dapRequest: DapRequester,
  filters: readonly string[],
): Promise<string | null> {
  const args: DebugProtocol.SetExceptionBreakpointsArguments = { filters: [...filters] };
  try {
    expectSuccess(await dapRequest('setExceptionBreakpoints', args));
    return null;
  } catch (err) {
    return errorMessage(err);
  }
}

/** What the exception view shows (DAP `ExceptionInfoResponse` body, flattened). */
export interface ExceptionDetails {
  /** Exception type, e.g. `ValueError` (debugpy: the qualified name for non-builtins). */
  typeName: string;
  /** The exception's message (str(exc)); may be empty. */
  message: string;
  /** DAP `breakMode`: `always` (raised), `unhandled`, `userUnhandled`. */
  breakMode: string;
  /** The formatted traceback, or '' when the adapter gave none. */
  stackTrace: string;
}

/**
 * Sends DAP `exceptionInfo` for the thread stopped on an exception.
 * @throws Error with the adapter's message when the request fails.
 */
export async function requestExceptionInfo(
  dapRequest: DapRequester,
  threadId: number,
): Promise<ExceptionDetails> {
  const response = expectSuccess<DebugProtocol.ExceptionInfoResponse>(
    await dapRequest('exceptionInfo', { threadId }),
  );
  const body = response.body;
  const details = body.details;
  return {
    typeName: details?.fullTypeName ?? details?.typeName ?? body.exceptionId,
    message: details?.message ?? body.description ?? '',
    breakMode: body.breakMode,
    stackTrace: details?.stackTrace ?? '',
  };
}
