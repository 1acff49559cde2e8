/**
 * The backend's app requests (`AppMethods` of `src-common/protocol/client-protocol.ts`): one
 * handler per method, grouped by area — profiles (`profiles.ts`), sessions (`sessions.ts`),
 * connecting to a profile's machine (`connections.ts`), the tracer port and forwards
 * (`forwards.ts`), log tabs (`logs.ts`), remote files (`files.ts`), containers (`containers.ts`),
 * snapshots (`snapshots.ts`) and the data viewer (`data.ts`) — and {@link handleAppRequest}, which answers one
 * request with its handler's result or with the `AppError` of what it threw. The table is checked
 * to have a handler for every method. What a handler is and what it works with: `handler-types.ts`.
 */
import type { Logger } from '../../log/logger.js';
import type { AppMethod, AppRequest } from '../../../src-common/protocol/client-protocol.js';
import { toAppError } from './app-errors.js';
import type { ClientHandle } from '../clients/client-handle.js';
import { connectionHandlers } from './connections.js';
import type { AppHandler, AppHandlers, BackendParts } from './handler-types.js';
import { logHandlers } from './logs.js';
import { profileHandlers } from './profiles.js';
import { sessionHandlers } from './sessions.js';
import { forwardHandlers } from './forwards.js';
import { fileHandlers } from './files.js';
import { dataHandlers } from './data.js';
import { containerHandlers } from './containers.js';
import { snapshotHandlers } from './snapshots.js';

/** The handler of every app method. */
export function appHandlers(parts: BackendParts): AppHandlers {
  return {
    ...profileHandlers(parts),
    ...sessionHandlers(parts),
    ...connectionHandlers(parts),
    ...forwardHandlers(parts),
    ...logHandlers(parts),
    ...fileHandlers(parts),
    ...dataHandlers(parts),
    ...containerHandlers(parts),
    ...snapshotHandlers(parts),
  };
}

/**
 * Runs `request`'s handler and answers `client` with its result, or with the `AppError` of what
 * it threw (`app-errors.ts`; `internal` ones are logged). Never rejects.
 */
export async function handleAppRequest(
  handlers: AppHandlers,
  client: ClientHandle,
  request: AppRequest,
  logger: Logger,
): Promise<void> {
  const handler = handlers[request.method] as AppHandler<AppMethod>;
  try {
    const result = await handler(client, request.params);
    client.sendResult(request.id, result);
  } catch (error) {
    const appError = toAppError(error);
    if (appError.code === 'internal') {
      logger.error('app request failed', { method: request.method, error: String(error) });
    }
    client.sendError(request.id, appError);
  }
}
