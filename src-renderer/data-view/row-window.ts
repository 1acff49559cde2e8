/**
 * The data viewer's row window: which rows a scrolled table shows, which blocks of rows to fetch
 * for them, and a small cache of fetched blocks. A table of 10**6 rows is one tall scroll area
 * whose height is capped at {@link MAX_SCROLL_PX} (browsers cannot lay out taller elements); past
 * the cap, a scroll position maps to a row proportionally.
 */

/** Rows per fetched block (one `data.page` request). */
export const BLOCK_ROWS = 100;

/** Tallest scroll area laid out, in CSS pixels. */
export const MAX_SCROLL_PX = 4_000_000;

/** Blocks kept in the cache (about 30 pages × 50 columns of text). */
export const MAX_CACHED_BLOCKS = 30;

/** Height of the scroll area for `rows` rows of `rowPx` pixels. */
export function scrollHeight(rows: number, rowPx: number): number {
  return Math.min(rows * rowPx, MAX_SCROLL_PX);
}

/**
 * The first row shown when the area is scrolled to `scrollTop` (px), with `visible` rows fitting
 * the viewport of `viewportPx`.
 */
export function firstRowAt(
  scrollTop: number,
  viewportPx: number,
  rows: number,
  rowPx: number,
  visible: number,
): number {
  const lastFirst = Math.max(0, rows - visible);
  const range = scrollHeight(rows, rowPx) - viewportPx;
  if (range <= 0) return 0;
  if (rows * rowPx <= MAX_SCROLL_PX) return Math.min(lastFirst, Math.floor(scrollTop / rowPx));
  return Math.min(lastFirst, Math.round((Math.max(0, scrollTop) / range) * lastFirst));
}

/** The scroll position (px) that shows `row` first; the inverse of {@link firstRowAt}. */
export function scrollTopFor(
  row: number,
  viewportPx: number,
  rows: number,
  rowPx: number,
  visible: number,
): number {
  const lastFirst = Math.max(0, rows - visible);
  const wanted = Math.max(0, Math.min(row, lastFirst));
  if (rows * rowPx <= MAX_SCROLL_PX) return wanted * rowPx;
  const range = scrollHeight(rows, rowPx) - viewportPx;
  return lastFirst === 0 ? 0 : (wanted / lastFirst) * range;
}

/** The indexes of the blocks that hold rows `first` … `first + count - 1` of `total`. */
export function blocksFor(first: number, count: number, total: number): number[] {
  if (total <= 0 || count <= 0) return [];
  const last = Math.min(total, first + count) - 1;
  const blocks: number[] = [];
  for (let b = Math.floor(first / BLOCK_ROWS); b <= Math.floor(last / BLOCK_ROWS); b++)
    blocks.push(b);
  return blocks;
}

/** Fetched blocks of rows by block index, the least recently used dropped past a bound. */
export class BlockCache<T> {
  private readonly blocks = new Map<number, T>();

  constructor(private readonly max = MAX_CACHED_BLOCKS) {}

  get(block: number): T | undefined {
    const value = this.blocks.get(block);
    if (value !== undefined) {
      this.blocks.delete(block);
      this.blocks.set(block, value);
    }
    return value;
  }

  has(block: number): boolean {
    return this.blocks.has(block);
  }

  set(block: number, value: T): void {
    this.blocks.delete(block);
    this.blocks.set(block, value);
    while (this.blocks.size > this.max) {
      const oldest = this.blocks.keys().next().value as number;
      this.blocks.delete(oldest);
    }
  }

  clear(): void {
    this.blocks.clear();
  }

  get size(): number {
    return this.blocks.size;
  }
}
