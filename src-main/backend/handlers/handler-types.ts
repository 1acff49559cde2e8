/**
 * What an app request handler is (`AppHandler`), the table of them (`AppHandlers`), the backend's
 * parts they work with (`BackendParts`), and `requireProfile`, which most of them start with. Its
 * own module so the handler files (one per area) and the table that gathers them
 * (`app-handlers.ts`) both import it, not each other.
 */
import type { Logger } from '../../log/logger.js';
import type { ProfileStore } from '../../profiles/profile-store.js';
import type { InjectorVerdicts } from '../../remote/probes/injector-verdicts.js';
import type {
  AppMethod,
  AppMethods,
  TracerPortInfo,
} from '../../../src-common/protocol/client-protocol.js';
import type { Profile } from '../../../src-common/protocol/profile.js';
import { RelayError } from '../../../src-common/errors.js';
import type { ClientConnections } from '../../connect/client-connections.js';
import type { ClientHandle } from '../clients/client-handle.js';
import type { DapEndpoints } from '../../relay/dap-endpoints.js';
import type { LogTails } from '../../logs/log-tails.js';
import type { ProfileLinks } from '../../connect/profile-links.js';
import type { SessionStarter } from '../sessions/session-starter.js';
import type { SessionTable } from '../sessions/session-table.js';
import type { DialInForwards } from '../../forwards/dial-in-forwards.js';
import type { ForwardRegistry } from '../../forwards/forward-registry.js';
import type { SnapshotStore } from '../../snapshots/snapshot-store.js';

/** Answers app method `M` for `client`; what it throws becomes the client's `AppError`. */
export type AppHandler<M extends AppMethod> = (
  client: ClientHandle,
  params: AppMethods[M]['params'],
) => Promise<AppMethods[M]['result']>;

/** Handlers of the methods `M` (by default all of them). */
export type AppHandlers<M extends AppMethod = AppMethod> = { [K in M]: AppHandler<K> };

/** What the handlers work with: the backend's parts. */
export interface BackendParts {
  profileStore: ProfileStore;
  sessions: SessionTable;
  /** Forgets the ended sessions among `ids` (see `relay/ended-retention.ts`); returns those. */
  removeEnded: (ids: readonly string[]) => string[];
  starter: SessionStarter;
  endpoints: DapEndpoints;
  connections: ClientConnections;
  /** Remote forwards to the tracer port (`tracerTunnel.*`). */
  dialInForwards: DialInForwards;
  /** Every forward, for the Tunnels panel (`tunnels.*`). */
  forwardRegistry: ForwardRegistry;
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
  /** The snapshots kept on this machine (`<data dir>/snapshots`). */
  snapshots: SnapshotStore;
  /** Tells every client the kept snapshots changed (`snapshots.changed`). */
  snapshotsChanged(): Promise<void>;
}

/** The saved profile `id`. @throws RelayError `not-found` when it no longer exists. */
export function requireProfile(store: Pick<ProfileStore, 'get'>, id: string): Profile {
  const profile = store.get(id);
  if (!profile) throw new RelayError('not-found', 'That profile no longer exists.');
  return profile;
}
