/**
 * The data viewer (like PyCharm's "View as DataFrame" and VS Code's Data Viewer): a pandas
 * DataFrame or Series or a numpy array, opened from the variables tree or the watch list, shown
 * as a table read a block of rows at a time (`data.page`: only what is on screen, so a frame of
 * 10**6 rows opens as fast as one of ten) and, for 2-D numeric values, as a heatmap
 * (`data.heatmap`). The value is read again at each new stop (its expression in the frame then
 * selected); while the program runs, the last stop's rows stay on screen, marked as such.
 */
import { errorMessage } from '../../src-common/errors.js';
import type {
  DataHeatmap,
  DataPage,
  DataPageParams,
  DataTarget,
} from '../../src-common/protocol/data-view.js';
import { connection } from '../backend/connection.svelte.js';
import { BLOCK_ROWS, BlockCache, blocksFor } from '../data-view/row-window.js';

/** Columns fetched at once; wider values page by columns. */
export const COLUMN_WINDOW = 50;

/** Cells are cut to this many characters (the full text is one `evaluate` away). */
export const CELL_CHARS = 200;

/** Side of the heatmap image, in blocks. */
export const HEATMAP_SIDE = 256;

/** What the viewer shows. */
export type DataViewMode = 'table' | 'heatmap';

class DataViewerStore {
  /** What is open (null: closed). `title` is what the person clicked (a name, an expression). */
  target = $state.raw<(DataTarget & { title: string }) | null>(null);
  mode = $state<DataViewMode>('table');
  /** The first block's answer: shape, columns, dtypes (null until it arrives). */
  head = $state.raw<DataPage | null>(null);
  /** The first column of the column window. */
  col = $state(0);
  /** Leading indexes of an array of more than two dimensions. */
  lead = $state.raw<number[]>([]);
  heatmap = $state.raw<DataHeatmap | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  /** What is shown is from the last stop: the program runs on, or has ended (else null). */
  stale = $state<'running' | 'ended' | null>(null);
  /** Counts `open` calls: the panel starts afresh (scroll, row typed) for each. */
  opened = $state(0);
  /** Bumped when a block arrives, so rows re-read the cache. */
  version = $state(0);
  private readonly blocks = new BlockCache<DataPage>();
  private readonly inFlight = new Set<number>();
  /** Answers of an older value (before a stop, another column window) are dropped. */
  private generation = 0;

  /** Opens `target`'s value, read in its frame. */
  open(target: DataTarget & { title: string }): void {
    this.opened++;
    this.target = target;
    this.mode = 'table';
    this.col = 0;
    this.lead = target.lead ?? [];
    this.stale = null;
    void this.reload();
  }

  close(): void {
    this.target = null;
    this.head = null;
    this.heatmap = null;
    this.generation++;
    this.blocks.clear();
  }

  /** The program ran on (`stale`) or stopped again in `frameId` (read the value there). */
  followStop(state: 'stopped' | 'running' | 'ended', frameId: number | null): void {
    const target = this.target;
    if (!target) return;
    if (state !== 'stopped' || frameId === null) {
      this.stale = state === 'ended' ? 'ended' : 'running';
      return;
    }
    if (frameId === target.frameId && !this.stale) return;
    this.target = { ...target, frameId };
    this.stale = null;
    void this.reload();
  }

  /** Shows the column window starting at `col`. */
  showColumns(col: number): void {
    const total = this.head?.cols ?? 0;
    this.col = Math.max(0, Math.min(col, Math.max(0, total - 1)));
    void this.reload();
  }

  /** Picks the leading indexes of an N-D array. */
  setLead(lead: number[]): void {
    this.lead = lead;
    void this.reload();
  }

  setMode(mode: DataViewMode): void {
    this.mode = mode;
    if (mode === 'heatmap' && !this.heatmap) void this.loadHeatmap();
  }

  /** The answer that holds `row` of the current column window, if fetched. */
  blockOf(row: number): DataPage | undefined {
    return this.blocks.get(Math.floor(row / BLOCK_ROWS));
  }

  /** Fetches the blocks rows `first` … `first + count - 1` need (each block once). */
  ensureRows(first: number, count: number): void {
    const target = this.target;
    if (!target || !this.head || this.stale) return;
    for (const block of blocksFor(first, count, this.head.rows))
      if (!this.blocks.has(block) && !this.inFlight.has(block)) void this.fetchBlock(block);
  }

  private async reload(): Promise<void> {
    const target = this.target;
    if (!target) return;
    const generation = ++this.generation;
    this.blocks.clear();
    this.inFlight.clear();
    this.heatmap = null;
    this.loading = true;
    this.error = null;
    try {
      const page = await connection.client.request('data.page', this.pageParams(target, 0));
      if (generation !== this.generation) return;
      this.head = page;
      this.lead = page.lead;
      this.blocks.set(0, page);
      this.version++;
      if (!page.heatmap && this.mode === 'heatmap') this.mode = 'table';
      if (this.mode === 'heatmap') void this.loadHeatmap();
    } catch (err) {
      if (generation === this.generation) {
        this.head = null;
        this.error = errorMessage(err);
      }
    } finally {
      if (generation === this.generation) this.loading = false;
    }
  }

  private async fetchBlock(block: number): Promise<void> {
    const target = this.target;
    if (!target) return;
    const generation = this.generation;
    this.inFlight.add(block);
    try {
      const page = await connection.client.request(
        'data.page',
        this.pageParams(target, block * BLOCK_ROWS),
      );
      if (generation !== this.generation) return;
      this.blocks.set(block, page);
      this.version++;
    } catch (err) {
      if (generation === this.generation) this.error = errorMessage(err);
    } finally {
      if (generation === this.generation) this.inFlight.delete(block);
    }
  }

  private async loadHeatmap(): Promise<void> {
    const target = this.target;
    if (!target) return;
    const generation = this.generation;
    this.loading = true;
    try {
      const heatmap = await connection.client.request('data.heatmap', {
        sessionId: target.sessionId,
        frameId: target.frameId,
        expression: target.expression,
        lead: this.lead,
        maxSide: HEATMAP_SIDE,
      });
      if (generation === this.generation) this.heatmap = heatmap;
    } catch (err) {
      if (generation === this.generation) this.error = errorMessage(err);
    } finally {
      if (generation === this.generation) this.loading = false;
    }
  }

  private pageParams(target: DataTarget, row: number): DataPageParams {
    return {
      sessionId: target.sessionId,
      frameId: target.frameId,
      expression: target.expression,
      lead: this.lead,
      row,
      rows: BLOCK_ROWS,
      col: this.col,
      cols: COLUMN_WINDOW,
      maxChars: CELL_CHARS,
    };
  }
}

/** The one data viewer. */
export const dataViewer = new DataViewerStore();

/** Types the data viewer opens (DAP `Variable.type` / evaluate `type`, as debugpy names them). */
const VIEWABLE_TYPES: readonly string[] = ['DataFrame', 'Series', 'ndarray'];

/** Whether a value of DAP type `type` opens in the data viewer. */
export function isViewableType(type: string | null | undefined): boolean {
  return type !== null && type !== undefined && VIEWABLE_TYPES.includes(type);
}
