/**
 * The data viewer's app requests: a page (`data.page`) or a heatmap (`data.heatmap`) of a pandas
 * DataFrame or Series or a numpy array in a stopped frame of a session (`tracer/data-view.ts`).
 */
import { DapTimeoutError } from '../../dap/dap-errors.js';
import { RelayError } from '../../../src-common/errors.js';
import {
  DATA_VIEW_TIMEOUT_MS,
  readDataHeatmap,
  readDataPage,
  type TracerRequester,
} from '../../tracer/data-view.js';
import type { AppHandlers, BackendParts } from './handler-types.js';

/** Handlers of the `data.*` methods. */
export function dataHandlers(parts: BackendParts): AppHandlers<'data.page' | 'data.heatmap'> {
  const requester = (sessionId: string): TracerRequester => {
    const session = parts.sessions.require(sessionId).session;
    return async (command, args, timeoutMs) => {
      try {
        return await session.requestTracer(command, args, timeoutMs);
      } catch (err) {
        if (err instanceof DapTimeoutError)
          throw new RelayError(
            'evaluate-failed',
            `The program did not answer within ${DATA_VIEW_TIMEOUT_MS / 1000} s.`,
          );
        throw err;
      }
    };
  };
  return {
    'data.page': (_client, params) => readDataPage(requester(params.sessionId), params),
    'data.heatmap': (_client, params) => readDataHeatmap(requester(params.sessionId), params),
  };
}
