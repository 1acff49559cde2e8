/**
 * App requests about log tabs: open one (`tail -F` of a remote file, streamed to the client that
 * asked, `logs/log-tails.ts`) and close it. SSH questions are asked of that client.
 */
import { requireProfile, type AppHandlers, type BackendParts } from './handler-types.js';

/** The `logs.*` methods. */
type LogMethod = 'logs.open' | 'logs.close';

/** Handlers of the `logs.*` methods. */
export function logHandlers({
  profileStore,
  connections,
  logTails,
}: BackendParts): AppHandlers<LogMethod> {
  return {
    'logs.open': (client, { profileId, path, container }) => {
      const profile = requireProfile(profileStore, profileId);
      return logTails.open(
        client,
        profile,
        path,
        connections.keepingUp(client, profile),
        container,
      );
    },
    'logs.close': async (client, { logId }) => {
      await logTails.close(client, logId);
      return {};
    },
  };
}
