/**
 * One session's console: the program's output and the evaluations typed by the user, kept as a
 * bounded buffer of terminal-ready text so that a console view mounted later (or again) first
 * receives what it missed.
 */
import { CommandHistory } from './command-history.js';
import {
  type ConsoleKind,
  isProgramOutput,
  isWholeMessage,
  SGR_GREY,
  SGR_RESET,
  styleConsoleText,
  toTerminalNewlines,
} from './console-styles.js';

export type { ConsoleKind } from './console-styles.js';

/** Options of a {@link ConsoleChannel}. */
export interface ConsoleChannelOptions {
  /** How many characters of history are kept for late subscribers; default 2_000_000. */
  maxBufferedChars?: number;
}

/** Receives terminal-ready chunks: ANSI-coloured, line endings as `\r\n`. */
export type ConsoleWriter = (chunk: string) => void;

/** Escape sequences that clear a terminal: home, erase display (ED 2), erase scrollback (ED 3). */
export const CLEAR_TERMINAL = `${SGR_RESET}\x1b[H\x1b[2J\x1b[3J`;

interface BufferedEntry {
  kind: ConsoleKind;
  /** Terminal-ready text without its colour wrapper. */
  text: string;
}

/** Entries are merged with the previous one of the same kind up to this size (characters). */
const MERGE_LIMIT = 64 * 1024;

/**
 * The console of one debug session. It outlives console views: views {@link subscribe} when they
 * mount and unsubscribe when they are destroyed.
 *
 * Line handling: program output (`stdout`, `stderr`) may stop mid-line and is continued by the
 * next chunk, even of the other stream, as in a terminal. Debugger text (`console`) starts on a
 * fresh line when the open line belongs to another kind. Console messages (`input`, `result`,
 * `error`, `info`) always start on a fresh line and end with a newline.
 */
export class ConsoleChannel {
  /** The commands evaluated in this session's console (kept here so they survive remounts). */
  readonly history = new CommandHistory();

  private readonly maxBufferedChars: number;
  private readonly writers = new Set<ConsoleWriter>();
  private entries: BufferedEntry[] = [];
  private bufferedChars = 0;
  private droppedChars = 0;
  /** Lines written since creation (or the last {@link clear}), dropped ones included. */
  private lines = 0;
  /** Lines dropped from the front of the buffer. */
  private droppedLines = 0;
  /** Kind of the last line if it is still open (no newline yet), else null. */
  private openKind: ConsoleKind | null = null;
  /**
   * True for a program that runs in a pseudo-terminal (`SessionInfo.terminal`): its output is a
   * terminal's already (the line discipline wrote `\r\n`; a full-screen program moves the cursor
   * with bare `\n`), so it is passed through exactly as it came.
   */
  programTerminal = false;

  constructor(options: ConsoleChannelOptions = {}) {
    this.maxBufferedChars = Math.max(0, options.maxBufferedChars ?? 2_000_000);
  }

  /** Characters dropped from the front of the buffer so far (since the last {@link clear}). */
  get dropped(): number {
    return this.droppedChars;
  }

  /** Lines written so far (since the last {@link clear}), including dropped ones. */
  get lineCount(): number {
    return this.lines;
  }

  /**
   * The text this channel still holds, without colours, with `\n` line endings, for "Save
   * output": a first line says how many earlier lines were dropped when the buffer overflowed.
   */
  plainText(): string {
    const body = this.entries
      .map((e) => e.text)
      .join('')
      .replace(ANY_ESCAPE, '')
      .replace(/\r\n/g, '\n');
    return this.droppedLines > 0
      ? `[${this.droppedLines} earlier lines were dropped: the console keeps the last ${this.maxBufferedChars.toLocaleString('en')} characters]\n${body}`
      : body;
  }

  /**
   * Adds text of one kind. `text` may lack a trailing newline (partial line); line endings may be
   * `\n` or `\r\n`. Empty text is ignored. Writers that throw are skipped, never propagated.
   */
  write(text: string, kind: ConsoleKind): void {
    if (text === '') return;
    let body = this.programTerminal && isProgramOutput(kind) ? text : toTerminalNewlines(text);
    if (isWholeMessage(kind) && !body.endsWith('\n')) body += '\r\n';
    if (this.openKind !== null && this.needsLineBreak(this.openKind, kind)) body = `\r\n${body}`;
    this.openKind = body.endsWith('\n') ? null : kind;
    this.append(kind, body);
    this.emit(styleConsoleText(kind, body));
  }

  /**
   * Registers a writer. It first receives the buffered history in one chunk (preceded by a dim
   * "… N earlier characters dropped" line when the buffer overflowed), then every new chunk.
   * Returns the function that unsubscribes it.
   */
  subscribe(writer: ConsoleWriter): () => void {
    const history = this.renderHistory();
    if (history !== '') safeCall(writer, history);
    this.writers.add(writer);
    return () => {
      this.writers.delete(writer);
    };
  }

  /** Forgets the buffered history and tells subscribers to clear their terminal. */
  clear(): void {
    this.entries = [];
    this.bufferedChars = 0;
    this.droppedChars = 0;
    this.lines = 0;
    this.droppedLines = 0;
    this.openKind = null;
    this.emit(CLEAR_TERMINAL);
  }

  /** The buffered history as one terminal-ready chunk. */
  renderHistory(): string {
    const parts: string[] = [];
    if (this.droppedChars > 0) {
      parts.push(
        `${SGR_RESET}${SGR_GREY}… ${this.droppedChars} earlier characters dropped${SGR_RESET}\r\n`,
      );
    }
    for (const entry of this.entries) parts.push(styleConsoleText(entry.kind, entry.text));
    return parts.join('');
  }

  private needsLineBreak(open: ConsoleKind, next: ConsoleKind): boolean {
    if (open === next && !isWholeMessage(next)) return false;
    return !(isProgramOutput(open) && isProgramOutput(next));
  }

  private emit(chunk: string): void {
    for (const writer of [...this.writers]) safeCall(writer, chunk);
  }

  private append(kind: ConsoleKind, text: string): void {
    const last = this.entries[this.entries.length - 1];
    if (last !== undefined && last.kind === kind && last.text.length < MERGE_LIMIT) {
      last.text += text;
    } else {
      this.entries.push({ kind, text });
    }
    this.bufferedChars += text.length;
    this.lines += countNewlines(text);
    this.trim();
  }

  private trim(): void {
    while (this.bufferedChars > this.maxBufferedChars) {
      const first = this.entries[0];
      if (first === undefined) break;
      const excess = this.bufferedChars - this.maxBufferedChars;
      const cut =
        first.text.length <= excess ? first.text.length : safeCutIndex(first.text, excess);
      this.droppedLines += countNewlines(first.text.slice(0, cut));
      if (cut >= first.text.length) {
        this.entries.shift();
      } else {
        first.text = first.text.slice(cut);
      }
      this.bufferedChars -= cut;
      this.droppedChars += cut;
    }
  }
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Every escape sequence (CSI, OSC, short ESC), for plain text. */
// eslint-disable-next-line no-control-regex -- removing terminal escape sequences is the point
const ANY_ESCAPE = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[ -/]*[0-~])/g;

/** Matches one complete escape sequence (CSI, OSC, or a short ESC sequence) at `lastIndex`. */
// eslint-disable-next-line no-control-regex -- matching terminal escape sequences (ESC, BEL) is the point
const ESCAPE_AT = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[ -/]*[0-~])/y;

/**
 * Where to cut `text` to drop at least `minimum` characters from its front: just after the next
 * line break when there is one, otherwise at `minimum`, moved past an escape sequence that would
 * be cut in two.
 */
export function safeCutIndex(text: string, minimum: number): number {
  const newline = text.indexOf('\n', Math.max(0, minimum - 1));
  if (newline !== -1) return newline + 1;
  const escape = text.lastIndexOf('\x1b', minimum - 1);
  if (escape !== -1 && minimum - escape < 256) {
    ESCAPE_AT.lastIndex = escape;
    const match = ESCAPE_AT.exec(text);
    if (match !== null && escape + match[0].length > minimum) return escape + match[0].length;
  }
  return minimum;
}

function safeCall(writer: ConsoleWriter, chunk: string): void {
  try {
    writer(chunk);
  } catch {
    // A broken view must not stop the others nor the session's output.
  }
}
