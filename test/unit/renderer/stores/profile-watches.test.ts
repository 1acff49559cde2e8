/**
 * The renderer's saved watch lists: read from the profile, written debounced with
 * `profiles.setWatches`, and an older Periscope's `localStorage` list moved into the profile once.
 */
import { DEBUG_OPTION_DEFAULTS } from '../../../../src-main/profiles/profile-schema.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Profile } from '../../../../src-common/protocol/profile.js';
import {
  ProfileWatches,
  WATCH_SAVE_DELAY_MS,
} from '../../../../src-renderer/stores/profile-watches.js';
import { watchStorageKey } from '../../../../src-renderer/stores/watch-storage.js';

function profile(id: string, watchExpressions: string[]): Profile {
  return {
    id,
    name: id,
    host: 'h',
    port: 22,
    user: 'u',
    auth: { kind: 'agent' },
    python: 'python3',
    cwd: '',
    pathMappings: [],
    justMyCode: true,
    jumpHosts: [],
    env: [],
    logFiles: [],
    watchExpressions,
    attachPort: 5678,
    subProcess: true,
    maxChildProcesses: 32,
    django: false,
    jinja: false,
    ...DEBUG_OPTION_DEFAULTS,
    containers: [],
    capture: true,
  };
}

describe('ProfileWatches', () => {
  let items: Map<string, string>;
  let sent: [string, string[]][];
  let errors: string[];
  let fail: boolean;
  let watches: ProfileWatches;

  beforeEach(() => {
    vi.useFakeTimers();
    items = new Map();
    sent = [];
    errors = [];
    fail = false;
    const storage = {
      getItem: (k: string) => items.get(k) ?? null,
      setItem: (k: string, v: string) => void items.set(k, v),
      removeItem: (k: string) => void items.delete(k),
    };
    watches = new ProfileWatches({
      profiles: () => [profile('p1', ['a', 'b']), profile('p2', [])],
      setWatches: (id, list) => {
        sent.push([id, list]);
        return fail
          ? Promise.reject(new Error('at most 200 watch expressions'))
          : Promise.resolve();
      },
      storage: () => storage,
      onError: (message) => errors.push(message),
    });
  });
  afterEach(() => vi.useRealTimers());

  it('reads the profile list, and writes only the last change after the delay', async () => {
    expect(watches.load('p1')).toEqual(['a', 'b']);
    expect(watches.load('unknown')).toEqual([]);
    watches.save('p1', ['a']);
    watches.save('p1', ['a', 'c']);
    await vi.advanceTimersByTimeAsync(WATCH_SAVE_DELAY_MS - 1);
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toEqual([['p1', ['a', 'c']]]);
    // What this window wrote wins over the (older) listed profile.
    expect(watches.load('p1')).toEqual(['a', 'c']);
  });

  it('moves an old localStorage list into a profile without one, once', async () => {
    items.set(watchStorageKey('p2'), JSON.stringify(['legacy + 1']));
    expect(watches.load('p2')).toEqual(['legacy + 1']);
    await vi.advanceTimersByTimeAsync(WATCH_SAVE_DELAY_MS);
    expect(sent).toEqual([['p2', ['legacy + 1']]]);
    expect(items.has(watchStorageKey('p2'))).toBe(false);
  });

  it('keeps the old localStorage list and says so when the write fails', async () => {
    fail = true;
    items.set(watchStorageKey('p2'), JSON.stringify(['x']));
    watches.load('p2');
    await vi.advanceTimersByTimeAsync(WATCH_SAVE_DELAY_MS);
    expect(errors).toEqual(['Could not save the watch list: at most 200 watch expressions']);
    expect(items.has(watchStorageKey('p2'))).toBe(true);
  });

  it('flush writes queued lists at once', async () => {
    watches.save('p2', ['z']);
    watches.flush();
    await Promise.resolve();
    expect(sent).toEqual([['p2', ['z']]]);
  });

  it('writes nothing for a session without a profile (a program that dialled in)', async () => {
    watches.save('', ['x']);
    await vi.advanceTimersByTimeAsync(WATCH_SAVE_DELAY_MS + 10);
    watches.flush();
    await Promise.resolve();
    expect(sent).toEqual([]);
    expect(errors).toEqual([]);
  });
});
