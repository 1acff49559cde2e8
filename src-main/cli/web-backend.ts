/**
 * Web mode's backend: the profile store of the data directory and the relay over it. Most of
 * Periscope's code (the relay, SSH, profiles and their zod schemas…) is reached from here only,
 * so `main.ts` imports this module once the URL is printed (its own chunk of the bundle, which
 * Node reads and compiles while the browser opens the page).
 */
import type { Logger } from '../log/logger.js';
import { ProfileStore } from '../profiles/profile-store.js';
import { Backend } from '../backend/backend.js';

/**
 * Opens the profile store in `dataDir` (warning when an unreadable profile file was moved aside)
 * and makes the backend over it.
 * @throws {Error} (rejects) when the data directory cannot be read or created.
 */
export async function openWebBackend(dataDir: string, logger: Logger): Promise<Backend> {
  const profileStore = await ProfileStore.open(dataDir, { logger: logger.child('profiles') });
  if (profileStore.recoveredFrom) {
    logger.warn(
      `the profile file was unreadable and was moved aside to ${profileStore.recoveredFrom}`,
    );
  }
  return new Backend({ profileStore, dataDir, logger: logger.child('relay') });
}
