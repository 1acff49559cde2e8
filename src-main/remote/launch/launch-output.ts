/**
 * The output of a program launched over SSH: UTF-8 decoding across chunk boundaries, the
 * `__periscope_pid__ <pid>` line our launch command prints first (taken out of stdout), and a
 * backlog so output that arrives before anyone listens is not lost.
 */
import { StringDecoder } from 'node:string_decoder';

/** A stream of the remote program. */
export type OutputCategory = 'stdout' | 'stderr';
/** Receives decoded text, in arrival order. */
export type OutputListener = (category: OutputCategory, text: string) => void;

/** The marker the launch command echoes with the shell's pid before exec'ing Python. */
export const PID_MARKER = '__periscope_pid__';

const BACKLOG_LIMIT_CHARS = 1024 * 1024;
const STDERR_TAIL_CHARS = 4000;

/** Splits and decodes a launched program's stdout/stderr. */
export class LaunchOutput {
  private readonly decoders = {
    stdout: new StringDecoder('utf8'),
    stderr: new StringDecoder('utf8'),
  };
  private readonly listeners = new Set<OutputListener>();
  private backlog: { category: OutputCategory; text: string }[] = [];
  private backlogChars = 0;
  private beforePid = '';
  private pidSeen = false;
  private stderrTailText = '';
  private resolvePid!: (pid: number) => void;
  /**
   * The remote directory holding the output mux's framed output file, when the launch command
   * ran the program under the mux (the marker line's optional second field); set with the pid.
   */
  outputDir: string | undefined;
  /** Resolves with the pid from the marker line (never rejects; it may never settle). */
  readonly pid: Promise<number> = new Promise((resolve) => (this.resolvePid = resolve));

  /** Feeds a raw chunk of the program's stdout or stderr. */
  push(category: OutputCategory, chunk: Buffer): void {
    const text = this.decoders[category].write(chunk);
    if (text !== '') this.accept(category, text);
  }

  /** Flushes any incomplete UTF-8 sequence at the end of the streams. */
  end(): void {
    for (const category of ['stdout', 'stderr'] as const) {
      const text = this.decoders[category].end();
      if (text !== '') this.accept(category, text);
    }
    if (!this.pidSeen && this.beforePid !== '') {
      this.emit('stdout', this.beforePid);
      this.beforePid = '';
    }
  }

  /** Adds a listener; the first one also receives everything buffered so far. */
  onOutput(listener: OutputListener): () => void {
    this.listeners.add(listener);
    if (this.backlog.length > 0) {
      const backlog = this.backlog;
      this.backlog = [];
      this.backlogChars = 0;
      for (const item of backlog) this.call(listener, item.category, item.text);
    }
    return () => this.listeners.delete(listener);
  }

  /** The last ~4000 characters of stderr, for error messages. */
  stderrTail(): string {
    return this.stderrTailText.trim();
  }

  private accept(category: OutputCategory, text: string): void {
    if (category === 'stderr') {
      this.stderrTailText = (this.stderrTailText + text).slice(-STDERR_TAIL_CHARS);
      this.emit(category, text);
      return;
    }
    if (this.pidSeen) {
      this.emit(category, text);
      return;
    }
    // Before the marker: lines printed by shell start-up files pass through; the marker line is dropped.
    this.beforePid += text;
    let newline: number;
    while (!this.pidSeen && (newline = this.beforePid.indexOf('\n')) >= 0) {
      const line = this.beforePid.slice(0, newline);
      this.beforePid = this.beforePid.slice(newline + 1);
      const match = new RegExp(`^${PID_MARKER} (\\d+)(?: (/.*))?\\r?$`).exec(line);
      if (match?.[1] !== undefined) {
        this.pidSeen = true;
        this.outputDir = match[2];
        this.resolvePid(Number(match[1]));
      } else {
        this.emit('stdout', `${line}\n`);
      }
    }
    if (this.pidSeen && this.beforePid !== '') {
      this.emit('stdout', this.beforePid);
      this.beforePid = '';
    }
  }

  private emit(category: OutputCategory, text: string): void {
    if (this.listeners.size === 0) {
      if (this.backlogChars < BACKLOG_LIMIT_CHARS) {
        this.backlog.push({ category, text });
        this.backlogChars += text.length;
      }
      return;
    }
    for (const listener of this.listeners) this.call(listener, category, text);
  }

  private call(listener: OutputListener, category: OutputCategory, text: string): void {
    try {
      listener(category, text);
    } catch {
      // A failing listener must not stop output to the others.
    }
  }
}
