/**
 * Paces program output into the terminal. xterm.js parses and lays out every byte it is given,
 * but the console keeps only its scrollback (a few thousand lines); during a flood, most lines
 * would be drawn only to scroll out at once. The pacer collects output while the terminal is
 * busy, writes it in one piece when the terminal has caught up, and replaces lines that could
 * not be kept anyway by one dim marker saying how many were skipped. Memory stays bounded: the
 * pending text is cut to the same number of lines whenever it grows past {@link MAX_PENDING_CHARS}.
 *
 * Measured (bench/figures/output-flood.ts): 1,000,000 lines over SSH reached the console in
 * ~10 s when every line went through xterm.
 */
import { SGR_GREY, SGR_RESET } from './console-styles.js';

/** Pending text past which it is cut to the kept lines at once, in characters. */
export const MAX_PENDING_CHARS = 4 * 1024 * 1024;

/** Writes text to the terminal and calls `done` when the terminal has processed it. */
export type PacedWrite = (text: string, done: () => void) => void;

/** Runs `flush` soon (e.g. on a timer); absent = write at once (tests, tiny outputs). */
export type FlushScheduler = (flush: () => void) => void;

/** Options of an {@link OutputPacer}. */
export interface OutputPacerOptions {
  /** Lines the terminal keeps (its scrollback); older lines of one write are skipped. */
  maxLines: number;
  write: PacedWrite;
  schedule?: FlushScheduler;
}

/** See the module comment. */
export class OutputPacer {
  private pending: string[] = [];
  private pendingChars = 0;
  private scheduled = false;
  private writing = false;

  constructor(private readonly options: OutputPacerOptions) {}

  /** Queues terminal-ready output. */
  push(chunk: string): void {
    if (chunk === '') return;
    this.pending.push(chunk);
    this.pendingChars += chunk.length;
    if (this.pendingChars > MAX_PENDING_CHARS) {
      const kept = keepLastLines(this.pending.join(''), this.options.maxLines);
      this.pending = [kept];
      this.pendingChars = kept.length;
    }
    this.kick();
  }

  /** True while output waits or is being written. */
  get busy(): boolean {
    return this.writing || this.pending.length > 0;
  }

  private kick(): void {
    if (this.scheduled || this.writing || this.pending.length === 0) return;
    const schedule = this.options.schedule;
    if (!schedule) {
      this.flush();
      return;
    }
    this.scheduled = true;
    schedule(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const text = keepLastLines(this.pending.join(''), this.options.maxLines);
    this.pending = [];
    this.pendingChars = 0;
    if (!this.options.schedule) {
      this.options.write(text, () => undefined);
      return;
    }
    this.writing = true;
    this.options.write(text, () => {
      this.writing = false;
      this.kick();
    });
  }
}

/**
 * `text` with all but its last `maxLines` lines replaced by a dim "… N lines skipped" line.
 * Lines end with `\n` (the console writes `\r\n`). Text within the limit comes back as it is.
 */
export function keepLastLines(text: string, maxLines: number): string {
  let cut = text.length;
  for (let kept = 0; kept <= maxLines; kept++) {
    cut = text.lastIndexOf('\n', cut - 1);
    if (cut < 0) return text;
  }
  let skipped = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i <= cut; i = text.indexOf('\n', i + 1)) skipped++;
  const marker = `${SGR_RESET}${SGR_GREY}… ${skipped.toLocaleString('en')} lines of output skipped (the console keeps the last ${maxLines.toLocaleString('en')})${SGR_RESET}\r\n`;
  return marker + text.slice(cut + 1);
}
