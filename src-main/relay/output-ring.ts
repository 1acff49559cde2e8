/**
 * Program output of one session, with bounded memory (qdb tailed tracer output; a program that
 * prints in a tight loop must not grow the relay without bound):
 * - {@link OutputRing} keeps the latest output (at most `maxChars` characters) for late joiners,
 *   counting the lines it had to drop;
 * - {@link OutputBatcher} coalesces output into one delivery per `intervalMs` (pydevd sends every
 *   `print` as up to four DAP `output` events) and, when more than `maxBatchChars` arrive within
 *   one interval, drops the oldest and says so with a "[N lines dropped]" marker.
 */

/** Output categories the relay streams (DAP `OutputEvent` categories of the program's output). */
export type OutputCategory = 'stdout' | 'stderr' | 'console';

/** One run of output text of one category. */
export interface OutputChunk {
  category: OutputCategory;
  text: string;
  /**
   * Where the text sits in the session's output stream: `[start, end)` in characters since the
   * session started (a dropped-lines marker covers no output: `start === end`, where the kept
   * output resumes). A client that rejoins skips what it already has, so a replay never shows a
   * line twice. Absent on chunks that are not part of the stream.
   */
  start?: number;
  end?: number;
}

/** Default memory bound of a session's ring, in characters (1 MiB of ASCII). */
export const DEFAULT_RING_CHARS = 1024 * 1024;
/** Default batching interval, in ms. */
export const DEFAULT_BATCH_INTERVAL_MS = 50;
/** Default most characters delivered per batch; older ones in the same batch are dropped. */
export const DEFAULT_BATCH_CHARS = 256 * 1024;

/** The marker line shown where output was dropped (`at`: stream offset where output resumes). */
export function droppedMarker(lines: number, at?: number): OutputChunk {
  return {
    category: 'console',
    text: `[${lines} line${lines === 1 ? '' : 's'} of output dropped]\n`,
    ...(at !== undefined ? { start: at, end: at } : {}),
  };
}

/** Lines in `text` for the drop count: newlines, plus one for an unterminated tail. */
function countLines(text: string): number {
  let lines = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  return text.length > 0 && !text.endsWith('\n') ? lines + 1 : lines;
}

/**
 * Largest merged chunk, in characters. Chunks stay small so that trimming the front of a full
 * ring drops whole chunks instead of copying one huge string on every push (measured: with
 * unbounded merging a 1,000,000-line flood spent most of its time re-slicing a 1 MiB string).
 */
const MAX_MERGED_CHARS = 16 * 1024;

/** Appends `chunk` to `chunks`, merging with the last one of the same category while small. */
function appendMerged(chunks: OutputChunk[], chunk: OutputChunk): void {
  const last = chunks[chunks.length - 1];
  if (
    last &&
    last.category === chunk.category &&
    last.text.length + chunk.text.length <= MAX_MERGED_CHARS &&
    (last.end === undefined) === (chunk.end === undefined)
  ) {
    last.text += chunk.text;
    if (chunk.end !== undefined) last.end = chunk.end;
  } else chunks.push({ ...chunk });
}

/**
 * Removes characters from the front of `chunks` until at most `maxChars` remain, cutting at a
 * line start where it can. Returns how many lines were removed.
 */
function trimFront(chunks: OutputChunk[], total: number, maxChars: number): number {
  let excess = total - maxChars;
  let dropped = 0;
  while (excess > 0 && chunks.length > 0) {
    const first = chunks[0] as OutputChunk;
    if (first.text.length <= excess) {
      chunks.shift();
      excess -= first.text.length;
      dropped += countLines(first.text);
      continue;
    }
    // Cut after the first newline at or beyond the excess, so no half line is kept.
    const newline = first.text.indexOf('\n', excess - 1);
    const cut = newline < 0 ? first.text.length : newline + 1;
    dropped += countLines(first.text.slice(0, cut));
    first.text = first.text.slice(cut);
    if (first.start !== undefined) first.start += cut;
    if (first.text.length === 0) chunks.shift();
    excess -= cut;
  }
  return dropped;
}

/** The latest output of a session, bounded in characters. */
export class OutputRing {
  private chunks: OutputChunk[] = [];
  private chars = 0;
  private droppedLines = 0;
  private streamEnd = 0;

  constructor(private readonly maxChars = DEFAULT_RING_CHARS) {}

  /**
   * Adds output at the end (drops the oldest when over the bound) and returns it with its place
   * in the session's output stream (`start`, `end`), to be delivered as such.
   */
  push(chunk: OutputChunk): OutputChunk {
    if (chunk.text.length === 0) return chunk;
    const start = this.streamEnd;
    this.streamEnd += chunk.text.length;
    const placed = { category: chunk.category, text: chunk.text, start, end: this.streamEnd };
    appendMerged(this.chunks, placed);
    this.chars += chunk.text.length;
    if (this.chars > this.maxChars) {
      this.droppedLines += trimFront(this.chunks, this.chars, this.maxChars);
      this.chars = this.chunks.reduce((n, c) => n + c.text.length, 0);
    }
    return placed;
  }

  /** Characters of output since the session started (the stream offset of the next one). */
  get streamOffset(): number {
    return this.streamEnd;
  }

  /** Characters held now (never more than the bound). */
  get size(): number {
    return this.chars;
  }

  /** Lines dropped since the session started. */
  get dropped(): number {
    return this.droppedLines;
  }

  /** What a late joiner gets: a drop marker when lines were dropped, then the kept output. */
  replay(): OutputChunk[] {
    const kept = this.chunks.map((c) => ({ ...c }));
    const resumesAt = kept[0]?.start ?? this.streamEnd;
    return this.droppedLines > 0 ? [droppedMarker(this.droppedLines, resumesAt), ...kept] : kept;
  }
}

/** Options of {@link OutputBatcher}. */
export interface OutputBatcherOptions {
  /** Called with each batch (one or more chunks, categories in arrival order). */
  deliver: (chunks: OutputChunk[]) => void;
  intervalMs?: number;
  maxBatchChars?: number;
}

/** Coalesces output for delivery; see the module comment. */
export class OutputBatcher {
  private pending: OutputChunk[] = [];
  private pendingChars = 0;
  private droppedLines = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly intervalMs: number;
  private readonly maxBatchChars: number;

  constructor(private readonly options: OutputBatcherOptions) {
    this.intervalMs = options.intervalMs ?? DEFAULT_BATCH_INTERVAL_MS;
    this.maxBatchChars = options.maxBatchChars ?? DEFAULT_BATCH_CHARS;
  }

  /** Queues output; it is delivered within `intervalMs`. */
  push(chunk: OutputChunk): void {
    if (chunk.text.length === 0) return;
    appendMerged(this.pending, chunk);
    this.pendingChars += chunk.text.length;
    if (this.pendingChars > this.maxBatchChars) {
      this.droppedLines += trimFront(this.pending, this.pendingChars, this.maxBatchChars);
      this.pendingChars = this.pending.reduce((n, c) => n + c.text.length, 0);
    }
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs);
  }

  /** Delivers what is queued now (and cancels the timer). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0 && this.droppedLines === 0) return;
    const batch =
      this.droppedLines > 0 ? [droppedMarker(this.droppedLines), ...this.pending] : this.pending;
    this.pending = [];
    this.pendingChars = 0;
    this.droppedLines = 0;
    this.options.deliver(batch);
  }

  /** Drops what is queued and stops the timer (session over). */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = [];
  }
}
