/** Watch expressions kept in the browser's storage, per profile. */
import { describe, expect, it } from 'vitest';
import { loadWatches, saveWatches } from '../../../../src-renderer/stores/watch-storage.js';

describe('watch storage', () => {
  it('saves watch expressions per profile and ignores bad stored data', () => {
    const data = new Map<string, string>();
    const storage = {
      getItem: (k: string) => data.get(k) ?? null,
      setItem: (k: string, val: string) => void data.set(k, val),
    };
    saveWatches(storage, 'p1', ['a', 'b + 1']);
    expect(loadWatches(storage, 'p1')).toEqual(['a', 'b + 1']);
    expect(loadWatches(storage, 'p2')).toEqual([]);
    data.set('periscope.watches.p3', '{not json');
    expect(loadWatches(storage, 'p3')).toEqual([]);
  });
});
