/**
 * A profile's saved watch expressions, kept in the profile itself (`Profile.watchExpressions`,
 * written by the relay's `profiles.setWatches`) so they travel with the profile file.
 *
 * - Reading: the latest list this window wrote, else the profile's list from `profiles.list`;
 *   when both are empty, the list an older Periscope kept in `localStorage`
 *   (`periscope.watches.<profileId>`) is read once and moved into the profile.
 * - Writing: debounced per profile ({@link WATCH_SAVE_DELAY_MS}); the last list wins. After a
 *   successful write the old `localStorage` key is removed, so it is never read again.
 */
import type { Profile } from '../../src-common/protocol/profile.js';
import type { KeyValueStorage } from './breakpoints/breakpoint-book.js';
import { loadWatches, watchStorageKey } from './watch-storage.js';
import { errorMessage } from '../../src-common/errors.js';

/** Quiet time after the last change before a profile's watch list is written, in milliseconds. */
export const WATCH_SAVE_DELAY_MS = 300;

/** What {@link ProfileWatches} needs from the window. */
export interface ProfileWatchesDeps {
  /** The profiles as `profiles.list` answered (may be stale for watches written since). */
  profiles: () => readonly Profile[];
  /** Sends `profiles.setWatches`; rejects with the relay's error. */
  setWatches: (id: string, watchExpressions: string[]) => Promise<unknown>;
  /** The legacy store (`localStorage`), or null when unavailable. */
  storage: () => (KeyValueStorage & { removeItem(key: string): void }) | null;
  /** Tells the user a list could not be saved (the relay's sentence). */
  onError: (message: string) => void;
}

/** Saved watch lists of profiles, read from and written to the profiles themselves. */
export class ProfileWatches {
  /** Lists written (or queued) by this window, newer than `profiles.list`. */
  private readonly latest = new Map<string, string[]>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly deps: ProfileWatchesDeps) {}

  /**
   * The saved watch list of a profile (empty for an unknown profile). The first read of a
   * profile without saved watches takes the old `localStorage` list and queues moving it.
   */
  load(profileId: string): string[] {
    const known = this.latest.get(profileId);
    if (known) return [...known];
    const profile = this.deps.profiles().find((p) => p.id === profileId);
    if (!profile) return [];
    if (profile.watchExpressions.length > 0) return [...profile.watchExpressions];
    const legacy = loadWatches(this.deps.storage(), profileId);
    if (legacy.length > 0) this.save(profileId, legacy);
    return legacy;
  }

  /**
   * Queues writing a profile's watch list; a later call within the delay replaces it. A session
   * without a profile (a program that dialled in) has nowhere to keep it: nothing is written.
   */
  save(profileId: string, expressions: readonly string[]): void {
    if (profileId === '') return;
    const list = [...expressions];
    const previous = this.latest.get(profileId);
    if (previous && previous.join('\n') === list.join('\n') && !this.timers.has(profileId)) return;
    this.latest.set(profileId, list);
    clearTimeout(this.timers.get(profileId));
    this.timers.set(
      profileId,
      setTimeout(() => void this.write(profileId), WATCH_SAVE_DELAY_MS),
    );
  }

  /** Writes every queued list now (the page is going away). */
  flush(): void {
    for (const id of [...this.timers.keys()]) void this.write(id);
  }

  /** Forgets what this window wrote (after `profiles.list` was reloaded). */
  reset(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.latest.clear();
  }

  private async write(profileId: string): Promise<void> {
    clearTimeout(this.timers.get(profileId));
    this.timers.delete(profileId);
    const list = this.latest.get(profileId);
    if (!list) return;
    try {
      await this.deps.setWatches(profileId, list);
      try {
        this.deps.storage()?.removeItem(watchStorageKey(profileId));
      } catch {
        // The old key stays; the profile's list is read first anyway.
      }
    } catch (err) {
      this.deps.onError(`Could not save the watch list: ${errorMessage(err)}`);
    }
  }
}
