/**
 * The logger's rate limit. Most log lines are caused by something outside the relay (a peer's
 * malformed frame, a refused connection, a client's bad message), so a peer that repeats itself
 * must not be able to fill the disk through the log. Lines are grouped by *kind*: their scope and
 * message with every run of digits made one (`dap:tracer-12 127.0.0.1:40312` and
 * `dap:tracer-13 127.0.0.1:40318` are one source). Each kind may write
 * {@link LOG_LINES_PER_WINDOW} lines per {@link LOG_WINDOW_MS}; the rest are counted and, when that
 * window is over, replaced by one line "N similar messages suppressed". At most
 * {@link MAX_LOG_KINDS} kinds are tracked; beyond that the oldest is forgotten (its summary
 * written first), so the limiter's own memory is bounded.
 */
import { LEVEL_RANK, type LogLevel } from './log-level.js';

/** Length of one rate-limit window, in ms. */
export const LOG_WINDOW_MS = 10_000;
/** Lines one kind may write per window. */
export const LOG_LINES_PER_WINDOW = 20;
/** Most kinds of line tracked at once. */
export const MAX_LOG_KINDS = 1000;

/** Options of {@link LineLimiter}; the defaults are the constants above. */
export interface LineLimiterOptions {
  windowMs?: number;
  linesPerWindow?: number;
  maxKinds?: number;
  /** The clock, in ms (tests pass their own). */
  now?: () => number;
}

/** Writes a summary line: `count` lines of `message` in `scope` were not written. */
export type SummaryWriter = (level: LogLevel, scope: string, message: string) => void;

interface Window {
  start: number;
  written: number;
  suppressed: number;
  /** The most severe level among the suppressed lines. */
  level: LogLevel;
  scope: string;
  message: string;
}

/** See the module comment. */
export class LineLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly windowMs: number;
  private readonly linesPerWindow: number;
  private readonly maxKinds: number;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly writeSummary: SummaryWriter,
    options: LineLimiterOptions = {},
  ) {
    this.windowMs = options.windowMs ?? LOG_WINDOW_MS;
    this.linesPerWindow = options.linesPerWindow ?? LOG_LINES_PER_WINDOW;
    this.maxKinds = options.maxKinds ?? MAX_LOG_KINDS;
    this.now = options.now ?? Date.now;
  }

  /** True when the line may be written; false when it is counted for a summary instead. */
  admit(level: LogLevel, scope: string, message: string): boolean {
    const key = kindOf(scope, message);
    const now = this.now();
    let window = this.windows.get(key);
    if (window && now - window.start >= this.windowMs) {
      this.summarise(window);
      this.windows.delete(key);
      window = undefined;
    }
    if (!window) {
      if (this.windows.size >= this.maxKinds) this.evictOldest(now);
      this.windows.set(key, { start: now, written: 1, suppressed: 0, level, scope, message });
      return true;
    }
    if (window.written < this.linesPerWindow) {
      window.written++;
      return true;
    }
    window.suppressed++;
    if (LEVEL_RANK[level] > LEVEL_RANK[window.level]) window.level = level;
    this.timer ??= setTimeout(() => this.flush(), this.windowMs).unref();
    return false;
  }

  /** Writes the summaries of windows that are over and forgets those windows. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const now = this.now();
    let pending = false;
    for (const [key, window] of this.windows) {
      if (now - window.start >= this.windowMs) {
        this.summarise(window);
        this.windows.delete(key);
      } else if (window.suppressed > 0) pending = true;
    }
    if (pending) this.timer = setTimeout(() => this.flush(), this.windowMs).unref();
  }

  /** Kinds tracked now (bounded by `maxKinds`). */
  get size(): number {
    return this.windows.size;
  }

  private evictOldest(now: number): void {
    for (const [key, window] of this.windows) {
      if (now - window.start >= this.windowMs) {
        this.summarise(window);
        this.windows.delete(key);
      }
    }
    if (this.windows.size < this.maxKinds) return;
    const [key, oldest] = this.windows.entries().next().value as [string, Window];
    this.summarise(oldest);
    this.windows.delete(key);
  }

  private summarise(window: Window): void {
    if (window.suppressed === 0) return;
    const seconds = Math.round(this.windowMs / 1000);
    this.writeSummary(
      window.level,
      window.scope,
      `${window.suppressed} similar messages suppressed (more than ${this.linesPerWindow} in ${seconds} s): ${window.message}`,
    );
  }
}

/** The kind of a line: scope and message with digit runs made one. */
function kindOf(scope: string, message: string): string {
  return `${scope}\u0000${message}`.replace(/\d+/g, '#');
}
