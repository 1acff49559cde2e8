/**
 * The per-session side of the Breakpoints panel that the debug model does not hold: the tracer's
 * capabilities (exception filters, function breakpoint support), function breakpoint verification,
 * the exception-filter request's error, and the exception shown when a thread stopped on one
 * (DAP `exceptionInfo`). Line breakpoints stay in the model (`view.breakpoints`).
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import { breakpoints } from './breakpoints.svelte.js';
import { connection } from '../../backend/connection.svelte.js';
import type { DapRequester } from '../../debug/model-types.js';
import type { StopInfo } from '../../debug/session-view.js';
import {
  requestExceptionBreakpoints,
  requestExceptionInfo,
  requestFunctionBreakpoints,
  type ExceptionDetails,
  type FunctionBreakpointStatus,
} from '../../debug/breakpoint-requests.js';
import { activeExceptionFilters, DEBUGPY_EXCEPTION_FILTERS } from './exception-filters.js';
import { errorMessage } from '../../../src-common/errors.js';

/** The exception view's state for one stop. */
export type ExceptionState =
  | { status: 'loading' }
  | { status: 'loaded'; details: ExceptionDetails }
  | { status: 'error'; message: string };

/** See the module comment. */
class SessionBreakpointsStore {
  /** Capabilities by session id (the relay answers `initialize` with the tracer's). */
  capabilities = $state.raw<Record<string, DebugProtocol.Capabilities>>({});
  /** Function breakpoint verification by session id. */
  functionStatus = $state.raw<Record<string, FunctionBreakpointStatus[]>>({});
  /** Error of the last `setExceptionBreakpoints`, by session id. */
  exceptionFilterError = $state.raw<Record<string, string>>({});
  /** The exception of the stop `exceptionStop` (the active session's). */
  exception = $state.raw<ExceptionState | null>(null);
  /** The user closed the exception view for this stop. */
  exceptionDismissed = $state(false);
  private exceptionStop: StopInfo | null = null;

  /** Exception filters of the active tracer, or debugpy 1.6's before any session told us. */
  filtersOf(sessionId: string | null): readonly DebugProtocol.ExceptionBreakpointsFilter[] {
    const caps = sessionId ? this.capabilities[sessionId] : undefined;
    return caps?.exceptionBreakpointFilters ?? DEBUGPY_EXCEPTION_FILTERS;
  }

  /** Whether function breakpoints can be sent (true before any session is known). */
  supportsFunctionBreakpoints(sessionId: string | null): boolean {
    const caps = sessionId ? this.capabilities[sessionId] : undefined;
    return caps ? caps.supportsFunctionBreakpoints === true : true;
  }

  /**
   * Loads a session's capabilities, then sends its profile's function breakpoints and exception
   * filters (line breakpoints are the model's). Errors land in the statuses, never thrown.
   */
  async sync(sessionId: string, profileId: string): Promise<void> {
    await this.loadCapabilities(sessionId);
    await Promise.all([
      this.sendFunctions(sessionId, profileId),
      this.sendExceptionFilters(sessionId, profileId),
    ]);
  }

  /** Sends the profile's enabled function breakpoints (when the tracer supports them). */
  async sendFunctions(sessionId: string, profileId: string): Promise<void> {
    if (!this.supportsFunctionBreakpoints(sessionId)) return;
    const list = breakpoints.book(profileId).functionBreakpoints();
    const statuses = await requestFunctionBreakpoints(requester(sessionId), list);
    this.functionStatus = { ...this.functionStatus, [sessionId]: statuses };
  }

  /** Sends the profile's exception filters (its choice, else the tracer's defaults). */
  async sendExceptionFilters(sessionId: string, profileId: string): Promise<void> {
    const filters = activeExceptionFilters(
      breakpoints.book(profileId).exceptionFilters(),
      this.filtersOf(sessionId),
    );
    const error = await requestExceptionBreakpoints(requester(sessionId), filters);
    const next = { ...this.exceptionFilterError };
    if (error) next[sessionId] = error;
    else delete next[sessionId];
    this.exceptionFilterError = next;
  }

  /**
   * Follows the active session's stop: on a stop with reason `exception`, loads `exceptionInfo`
   * for its thread once; any other stop (or none) clears the exception view.
   */
  followStop(sessionId: string | null, stop: StopInfo | null): void {
    if (stop === this.exceptionStop) return;
    this.exceptionStop = stop;
    this.exceptionDismissed = false;
    if (!sessionId || stop?.reason !== 'exception' || stop.threadId === null) {
      this.exception = null;
      return;
    }
    this.exception = { status: 'loading' };
    const threadId = stop.threadId;
    requestExceptionInfo(requester(sessionId), threadId).then(
      (details) => {
        if (this.exceptionStop === stop) this.exception = { status: 'loaded', details };
      },
      (err: unknown) => {
        if (this.exceptionStop === stop)
          this.exception = { status: 'error', message: errorMessage(err) };
      },
    );
  }

  private async loadCapabilities(sessionId: string): Promise<void> {
    if (this.capabilities[sessionId]) return;
    try {
      const response = await requester(sessionId)('initialize', {
        clientID: 'periscope',
        adapterID: 'debugpy',
      });
      if (response.success) {
        const caps = (response.body ?? {}) as DebugProtocol.Capabilities;
        this.capabilities = { ...this.capabilities, [sessionId]: caps };
      }
    } catch {
      // Keep debugpy's known filters; the next sync tries again.
    }
  }
}

function requester(sessionId: string): DapRequester {
  return (command, args) => connection.client.dapRequest(sessionId, command, args);
}

/** The window's per-session breakpoint state. */
export const sessionBreakpoints = new SessionBreakpointsStore();
