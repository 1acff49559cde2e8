/**
 * Watch expressions saved per profile in Web Storage (`localStorage`), as JSON arrays under
 * `periscope.watches.<profileId>`, the way breakpoints are saved. Unreadable stored data reads
 * as an empty list rather than throwing.
 */
import type { KeyValueStorage } from './breakpoints/breakpoint-book.js';

/** Most expressions kept per profile. */
export const MAX_SAVED_WATCHES = 200;

/** Storage key of a profile's watch expressions. */
export function watchStorageKey(profileKey: string): string {
  return `periscope.watches.${profileKey}`;
}

/** The saved watch expressions of a profile (empty when none or unreadable). */
export function loadWatches(storage: KeyValueStorage | null, profileKey: string): string[] {
  try {
    const raw = storage?.getItem(watchStorageKey(profileKey));
    if (!raw) return [];
    const parsed: unknown = JSON.parse(raw);
    if (!Array.isArray(parsed)) return [];
    return parsed
      .filter((e): e is string => typeof e === 'string' && e.trim() !== '')
      .slice(0, MAX_SAVED_WATCHES);
  } catch {
    return [];
  }
}

/** Saves a profile's watch expressions; storage errors (quota, private mode) are ignored. */
export function saveWatches(
  storage: KeyValueStorage | null,
  profileKey: string,
  expressions: readonly string[],
): void {
  try {
    storage?.setItem(
      watchStorageKey(profileKey),
      JSON.stringify(expressions.slice(0, MAX_SAVED_WATCHES)),
    );
  } catch {
    // Not saved; the list still works for this window.
  }
}
