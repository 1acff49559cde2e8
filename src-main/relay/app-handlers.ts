/**
 * The relay's app requests (`AppMethods` of `client-protocol.ts`): one handler per method, grouped
 * by area — profiles (`profile-handlers.ts`), sessions (`session-handlers.ts`), connecting to a
 * profile's machine (`connection-handlers.ts`), and tracer tunnels, forwards and log tails
 * (`tunnel-handlers.ts`) — and {@link handleAppRequest}, which answers one request with its
 * handler's result or with the `AppError` of what it threw. The table is checked to have a handler
 * for every method.
 */
import type { InjectorVerdicts } from '../remote/probes/injector-verdicts.js';
import type { Logger } from '../log/logger.js';
import type { ProfileStore } from '../profiles/profile-store.js';
import type {
  AppMethod,
  AppMethods,
  AppRequest,
  TracerPortInfo,
} from '../protocol/client-protocol.js';
import type { Profile } from '../protocol/profile.js';
import { RelayError, toAppError } from './app-errors.js';
import type { ClientConnections } from './client-connections.js';
import type { ClientHandle } from './client-handle.js';
import { connectionHandlers } from './connection-handlers.js';
import type { DapEndpoints } from './dap-endpoints.js';
import type { LogTails } from './log-tail.js';
import { profileHandlers } from './profile-handlers.js';
import type { ProfileLinks } from './profile-links.js';
import { sessionHandlers } from './session-handlers.js';
import type { SessionStarter } from './session-starter.js';
import type { SessionTable } from './session-table.js';
import type { TracerTunnels } from './tracer-tunnels.js';
import { tunnelHandlers } from './tunnel-handlers.js';
import type { TunnelRegistry } from './tunnels.js';

/** Answers app method `M` for `client`; what it throws becomes the client's `AppError`. */
export type AppHandler<M extends AppMethod> = (
  client: ClientHandle,
  params: AppMethods[M]['params'],
) => Promise<AppMethods[M]['result']>;

/** Handlers of the methods `M` (by default all of them). */
export type AppHandlers<M extends AppMethod = AppMethod> = { [K in M]: AppHandler<K> };

/** What the handlers work with: the relay's parts. */
export interface RelayParts {
  profileStore: ProfileStore;
  sessions: SessionTable;
  starter: SessionStarter;
  endpoints: DapEndpoints;
  connections: ClientConnections;
  /** Remote forwards to the tracer port (`tracerTunnel.*`). */
  tracerTunnels: TracerTunnels;
  /** Every forward, for the Tunnels panel (`tunnels.*`). */
  tunnelRegistry: TunnelRegistry;
  /** SSH links of forwards opened by hand and of log tails, one per profile. */
  profileLinks: ProfileLinks;
  logTails: LogTails;
  /** Attach-by-PID injector verdicts, per machine (`remote/probes/injector-verdicts.ts`). */
  injectorVerdicts: InjectorVerdicts;
  /** Logs what app requests find that is for Periscope's developers, not its users. */
  logger: Logger;
  /** The tracer port, or null when none is open. */
  tracerPort(): TracerPortInfo | null;
  /** Opens a loopback tracer port. */
  openTracerPort(): Promise<TracerPortInfo>;
}

/** The handler of every app method. */
export function appHandlers(parts: RelayParts): AppHandlers {
  return {
    ...profileHandlers(parts),
    ...sessionHandlers(parts),
    ...connectionHandlers(parts),
    ...tunnelHandlers(parts),
  };
}

/** The saved profile `id`. @throws RelayError `not-found` when it no longer exists. */
export function requireProfile(store: Pick<ProfileStore, 'get'>, id: string): Profile {
  const profile = store.get(id);
  if (!profile) throw new RelayError('not-found', 'That profile no longer exists.');
  return profile;
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
