/** The data viewer's row window (`src-renderer/data-view/row-window.ts`). */
import { describe, expect, it } from 'vitest';
import {
  BLOCK_ROWS,
  BlockCache,
  MAX_SCROLL_PX,
  blocksFor,
  firstRowAt,
  scrollHeight,
  scrollTopFor,
} from '../../../../src-renderer/data-view/row-window.js';

describe('row window', () => {
  it('maps scroll positions to rows one to one while the area fits, proportionally past the cap', () => {
    expect(scrollHeight(100, 22)).toBe(2200);
    expect(firstRowAt(220, 440, 100, 22, 20)).toBe(10);
    expect(firstRowAt(10_000, 440, 100, 22, 20)).toBe(80);
    expect(scrollTopFor(10, 440, 100, 22, 20)).toBe(220);

    const rows = 1_000_000;
    expect(scrollHeight(rows, 22)).toBe(MAX_SCROLL_PX);
    expect(firstRowAt(0, 440, rows, 22, 20)).toBe(0);
    expect(firstRowAt(MAX_SCROLL_PX - 440, 440, rows, 22, 20)).toBe(rows - 20);
    for (const row of [0, 1234, 500_000, rows - 20])
      expect(firstRowAt(scrollTopFor(row, 440, rows, 22, 20), 440, rows, 22, 20)).toBe(row);
  });

  it('asks for the blocks that hold the rows shown, never past the end', () => {
    expect(blocksFor(0, 30, 1000)).toEqual([0]);
    expect(blocksFor(BLOCK_ROWS - 5, 10, 1000)).toEqual([0, 1]);
    expect(blocksFor(995, 30, 1000)).toEqual([9]);
    expect(blocksFor(0, 10, 0)).toEqual([]);
  });

  it('keeps the blocks used last, up to its bound', () => {
    const cache = new BlockCache<string>(2);
    cache.set(1, 'a');
    cache.set(2, 'b');
    expect(cache.get(1)).toBe('a');
    cache.set(3, 'c');
    expect(cache.has(2)).toBe(false);
    expect(cache.has(1) && cache.has(3)).toBe(true);
    expect(cache.size).toBe(2);
  });
});
