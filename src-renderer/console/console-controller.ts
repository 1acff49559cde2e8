/**
 * The console's behaviour, between a terminal (xterm.js, or a fake in tests), a session's
 * {@link ConsoleChannel} and the evaluation of what the user types: a line editor whose prompt
 * stays below the output, history, multi-line blocks, paste. For a program that runs in a
 * terminal of its own (launch.json's `console` `integratedTerminal`), while it runs every key goes
 * to it raw and nothing of the console's is drawn ({@link ConsoleController.setProgramTerminal});
 * paused, the line editor evaluates as for any program.
 */
import { OutputPacer, type FlushScheduler } from './output-pacer.js';
import type { ConsoleChannel } from './console-channel.js';
import { parseInputKeys } from './input-keys.js';
import type { InputKey } from './input-keys.js';
import { LineEditor } from './line-editor.js';
import { OutputColumnTracker } from './output-column.js';
import { renderPromptArea } from './prompt-area.js';
import { errorMessage } from '../../src-common/errors.js';
import { TerminalInput, type SendKeys } from './terminal-input.js';

/** The longest common prefix of some strings ('' for none). */
function commonPrefix(texts: readonly string[]): string {
  if (texts.length === 0) return '';
  let prefix = texts[0] ?? '';
  for (const text of texts) {
    let i = 0;
    while (i < prefix.length && i < text.length && prefix[i] === text[i]) i++;
    prefix = prefix.slice(0, i);
  }
  return prefix;
}

/** What the console needs of a terminal. `Terminal` from `@xterm/xterm` fits. */
export interface ConsoleTerminal {
  /** Width in columns. */
  readonly cols: number;
  /** Writes data; xterm.js calls `callback` once it has processed it. */
  write(data: string, callback?: () => void): void;
}

/** Result of evaluating an expression or statement in the selected frame. */
export interface EvaluationResult {
  /** False: `text` is an error message (shown in red). */
  ok: boolean;
  text: string;
}

/** Evaluates source in the selected frame (DAP `evaluate`, context `repl`). */
export type Evaluate = (expression: string) => Promise<EvaluationResult>;

/** Completions of a line at a cursor (code units): what to replace before the cursor, and with what. */
export interface ConsoleCompletions {
  /** Code units before the cursor that a completion replaces. */
  replaceLength: number;
  items: { label: string; text: string }[];
}

/** Asks for completions (DAP `completions` in the selected frame). */
export type Complete = (line: string, cursor: number) => Promise<ConsoleCompletions>;

/** Most candidates listed below the input at once. */
export const MAX_LISTED_COMPLETIONS = 60;

/**
 * Largest single terminal write of program output, in characters: xterm.js yields to the page
 * between writes once it has parsed for ~12 ms, never inside one. Measured in the output flood
 * figure (1,000,000 lines at full speed; a full scrollback scrolls at each line feed), the page's
 * longest lateness, right after F5 while the first batch is parsed: 16 KiB slices 23-69 ms
 * (median 47, 17 runs on a shared 2-core machine), 8 KiB 31-56 ms, 4 KiB 18-44 ms (8 runs);
 * the time until the last line is painted did not change.
 */
export const WRITE_SLICE_CHARS = 4 * 1024;

/** Settings of a {@link ConsoleController}; all but `terminal` and `channel` can change later. */
export interface ConsoleControllerOptions {
  terminal: ConsoleTerminal;
  channel: ConsoleChannel;
  evaluate: Evaluate;
  /** Tab completion; without it Tab after text does nothing. */
  complete?: Complete;
  /** False when no frame is stopped: the input shows {@link DISABLED_HINT} and does not evaluate. */
  enabled: boolean;
  /** Prompt of a statement's first line; default `>>> `. */
  prompt?: string;
  /**
   * Paces program output (`output-pacer.ts`): when given, output is written when the terminal
   * has caught up, skipping lines beyond `maxOutputLines`; absent, it is written at once.
   */
  scheduleOutput?: FlushScheduler;
  /** Lines the terminal keeps (its scrollback); default 5000. */
  maxOutputLines?: number;
}

/** Shown while evaluation is impossible (no stopped frame). */
export const DISABLED_HINT = 'Pause the program to evaluate in a frame';

/** The hint while typed lines go to the running program's stdin. */
export const INPUT_HINT = 'Program input: Enter sends a line, Ctrl+D ends; pause to evaluate';

/** The prompt while typed lines go to the program's stdin. */
export const INPUT_PROMPT = 'stdin> ';

/**
 * Sends `text` (a typed line with its newline, or '' with `eof` for Ctrl+D) to the running
 * program's stdin; resolves with an error text to show, or null.
 */
export type SendInput = (text: string, eof: boolean) => Promise<string | null>;
/** Prompt of a block's continuation lines, as in the Python interactive interpreter. */
export const CONTINUATION_PROMPT = '... ';

/**
 * Wires a terminal to a console channel. Call {@link attach} once the terminal is open, feed it
 * `onData` strings through {@link handleData}, and {@link dispose} it with the terminal.
 */
export class ConsoleController {
  private readonly terminal: ConsoleTerminal;
  private readonly channel: ConsoleChannel;
  private readonly editor: LineEditor;
  private readonly outputColumn = new OutputColumnTracker();
  private evaluate: Evaluate;
  private complete: Complete | undefined;
  private sendInput: SendInput | undefined;
  /** While the program runs in a terminal: its keystrokes' sender (see `setProgramTerminal`). */
  private programKeys: SendKeys | undefined;
  private keys: TerminalInput | undefined;
  private enabled: boolean;
  private prompt: string;
  /** Erase sequence of the prompt area on screen, or null while it is not drawn. */
  private drawnErase: string | null = null;
  private busy = false;
  /** Keys received while an evaluation runs (typed ahead or pasted). */
  private queuedKeys: InputKey[] = [];
  private unsubscribe: (() => void) | null = null;
  private disposed = false;
  private readonly pacer: OutputPacer;

  constructor(options: ConsoleControllerOptions) {
    this.terminal = options.terminal;
    this.channel = options.channel;
    this.evaluate = options.evaluate;
    this.complete = options.complete;
    this.enabled = options.enabled;
    this.prompt = options.prompt ?? '>>> ';
    this.editor = new LineEditor(options.channel.history);
    this.pacer = new OutputPacer({
      maxLines: options.maxOutputLines ?? 5000,
      write: (text, done) => this.writeOutputNow(text, done),
      ...(options.scheduleOutput ? { schedule: options.scheduleOutput } : {}),
    });
  }

  /** True while an evaluation is awaited. */
  get isBusy(): boolean {
    return this.busy;
  }

  /** Subscribes to the channel (the terminal first gets its history) and draws the prompt. */
  attach(): void {
    if (this.unsubscribe !== null || this.disposed) return;
    this.unsubscribe = this.channel.subscribe((chunk) => this.writeOutput(chunk));
    this.redraw();
  }

  /** Stops listening to the channel; the controller does nothing afterwards. */
  dispose(): void {
    this.disposed = true;
    this.keys?.close();
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.queuedKeys = [];
  }

  /** Changes whether evaluation is possible (redraws the hint). */
  setEnabled(enabled: boolean): void {
    if (enabled === this.enabled) return;
    this.enabled = enabled;
    this.redraw();
  }

  /** Changes the first-line prompt. */
  setPrompt(prompt: string): void {
    if (prompt === this.prompt) return;
    this.prompt = prompt;
    this.redraw();
  }

  /** Changes the evaluation function (e.g. when the app passes a new closure). */
  setEvaluate(evaluate: Evaluate): void {
    this.evaluate = evaluate;
  }

  /** Changes the completion function. */
  setComplete(complete: Complete | undefined): void {
    this.complete = complete;
  }

  /**
   * While the program runs and takes input (launched by Periscope): what Enter sends to its stdin
   * when evaluation is off. Undefined: Enter only says to pause.
   */
  setSendInput(sendInput: SendInput | undefined): void {
    if (sendInput === this.sendInput) return;
    this.sendInput = sendInput;
    this.redraw();
  }

  /**
   * While the program runs in a pseudo-terminal of its own: where every key typed goes, raw
   * (serialized, coalesced while a write is under way: `terminal-input.ts`), instead of the line
   * editor, and the console draws no prompt (the screen is the program's). Undefined: the line
   * editor as usual. Evaluation (`setEnabled(true)`, the program paused) takes the keys back.
   */
  setProgramTerminal(send: SendKeys | undefined): void {
    if (send === this.programKeys) return;
    this.keys?.close();
    this.programKeys = send;
    this.keys = send
      ? new TerminalInput(send, (problem) => this.channel.write(problem, 'error'))
      : undefined;
    // Bracketed paste is the program's to ask for (prompt libraries do); it gets plain pastes.
    if (send) this.terminal.write('\x1b[?2004l');
    this.redraw();
  }

  /** True while keys go straight to the program's terminal. */
  get isRaw(): boolean {
    return this.keys !== undefined && !this.enabled;
  }

  /** Redraws the input after the terminal changed size. */
  handleResize(): void {
    this.redraw();
  }

  /** Handles a string from `Terminal.onData` (typed keys or a paste). */
  handleData(data: string): void {
    if (this.disposed) return;
    if (this.isRaw && !this.busy) {
      this.keys?.push(data);
      return;
    }
    this.queuedKeys.push(...parseInputKeys(data));
    this.processKeys();
  }

  /** Applies queued keys until they run out or an evaluation starts. */
  private processKeys(): void {
    let changed = false;
    while (!this.busy && !this.disposed) {
      const key = this.queuedKeys.shift();
      if (key === undefined) break;
      const input = this.enabled ? undefined : this.sendInput;
      if (input && (key.type === 'enter' || (key.type === 'endOfInput' && this.editor.isEmpty))) {
        this.submitInput(input, key.type === 'endOfInput');
        return;
      }
      if (key.type === 'enter' && !this.enabled) {
        if (this.editor.source.trim() !== '') this.channel.write(DISABLED_HINT, 'info');
        continue;
      }
      const result = this.editor.handle(key);
      if (result.type === 'submitted') {
        this.submit(result.lines);
        return;
      }
      if (result.type === 'complete') {
        if (this.complete === undefined || !this.enabled) continue;
        if (changed) this.redraw();
        this.startCompletion(this.complete, result.line, result.cursor);
        return;
      }
      if (result.type === 'cancelled') {
        this.hide();
        this.channel.write(`${this.echo(result.lines)}^C`, 'input');
      }
      changed = true;
    }
    if (changed && !this.busy) this.redraw();
  }

  /**
   * Tab completion, as readline does it: one candidate is inserted; several insert their common
   * prefix, and when that adds nothing they are listed below the input. Keys typed meanwhile wait.
   */
  private startCompletion(complete: Complete, line: string, cursor: number): void {
    this.busy = true;
    void (async () => {
      let result: ConsoleCompletions = { replaceLength: 0, items: [] };
      try {
        result = await complete(line, cursor);
      } catch {
        // No completions.
      }
      if (this.disposed) return;
      // The line is unchanged: keys typed meanwhile are still queued.
      const typed = line.slice(0, cursor).slice(cursor - result.replaceLength);
      const texts = result.items.map((i) => i.text);
      const prefix = commonPrefix(texts);
      if (texts.length === 1 && texts[0] !== undefined) {
        this.editor.replaceBeforeCursor(result.replaceLength, texts[0]);
      } else if (prefix.length > typed.length) {
        this.editor.replaceBeforeCursor(result.replaceLength, prefix);
      } else if (texts.length > 1) {
        const shown = result.items.slice(0, MAX_LISTED_COMPLETIONS).map((i) => i.label);
        const more = texts.length - shown.length;
        this.hide();
        this.channel.write(`${shown.join('  ')}${more > 0 ? `  … ${more} more` : ''}`, 'info');
      }
    })().finally(() => {
      this.busy = false;
      if (this.disposed) return;
      this.redraw();
      this.processKeys();
    });
  }

  /** Sends the typed line (or end-of-file) to the program's stdin, echoed as a terminal would. */
  private submitInput(send: SendInput, eof: boolean): void {
    const line = this.editor.line;
    this.hide();
    this.editor.reset();
    this.channel.write(eof ? '^D\n' : `${line}\n`, 'stdout');
    this.busy = true;
    void send(eof ? '' : `${line}\n`, eof)
      .then((problem) => {
        if (problem) this.channel.write(problem, 'error');
      })
      .finally(() => {
        this.busy = false;
        if (this.disposed) return;
        this.redraw();
        this.processKeys();
      });
  }

  private submit(lines: string[]): void {
    const source = lines.join('\n');
    this.hide();
    this.channel.write(this.echo(lines), 'input');
    if (source.trim() === '') {
      this.redraw();
      this.processKeys();
      return;
    }
    this.busy = true;
    void this.runEvaluation(source).finally(() => {
      this.busy = false;
      if (this.disposed) return;
      this.redraw();
      this.processKeys();
    });
  }

  private async runEvaluation(source: string): Promise<void> {
    try {
      const result = await this.evaluate(source);
      if (result.text !== '') this.channel.write(result.text, result.ok ? 'result' : 'error');
    } catch (error) {
      const message = errorMessage(error);
      this.channel.write(message || 'Evaluation failed', 'error');
    }
  }

  /** The echo of submitted or cancelled lines, with their prompts. */
  private echo(lines: readonly string[]): string {
    if (lines.length === 0) return this.prompt;
    return lines
      .map((line, index) => `${index === 0 ? this.prompt : CONTINUATION_PROMPT}${line}`)
      .join('\n');
  }

  /** Channel output, paced (`output-pacer.ts`). */
  private writeOutput(chunk: string): void {
    if (this.disposed) return;
    this.pacer.push(chunk);
  }

  /** Erases the input, writes the output, draws the input again below it. */
  private writeOutputNow(chunk: string, done: () => void): void {
    if (this.disposed) return done();
    const erase = this.drawnErase ?? '';
    this.outputColumn.feed(chunk, this.terminal.cols);
    if (this.drawnErase === null) {
      this.writeSliced(chunk, done);
      return;
    }
    const drawn = this.render();
    this.drawnErase = drawn.erase;
    this.writeSliced(erase + chunk + drawn.draw, done);
  }

  /**
   * Writes `text` in pieces of at most {@link WRITE_SLICE_CHARS}: xterm.js parses one write in
   * one go and yields to the page only between writes, so a paced flood's one large write (its
   * last 5000 lines) would hold the main thread for its whole parse.
   */
  private writeSliced(text: string, done: () => void): void {
    let at = 0;
    while (text.length - at > WRITE_SLICE_CHARS) {
      this.terminal.write(text.slice(at, at + WRITE_SLICE_CHARS));
      at += WRITE_SLICE_CHARS;
    }
    this.terminal.write(at === 0 ? text : text.slice(at), done);
  }

  /** Erases the prompt area (if drawn) and keeps it hidden (during an evaluation). */
  private hide(): void {
    if (this.drawnErase === null) return;
    this.terminal.write(this.drawnErase);
    this.drawnErase = null;
  }

  /** Draws the prompt area again, unless an evaluation is running. */
  private redraw(): void {
    if (this.disposed || this.unsubscribe === null || this.busy) return;
    if (this.isRaw) {
      this.hide();
      return;
    }
    const erase = this.drawnErase ?? '';
    const drawn = this.render();
    this.drawnErase = drawn.erase;
    this.terminal.write(erase + drawn.draw);
  }

  private render(): ReturnType<typeof renderPromptArea> {
    const block = this.editor.blockLines;
    const inputMode = !this.enabled && this.sendInput !== undefined;
    const lines = [...block, this.editor.line].map((text, index) => ({
      prompt: index > 0 ? CONTINUATION_PROMPT : inputMode ? INPUT_PROMPT : this.prompt,
      text,
    }));
    return renderPromptArea(
      {
        lines,
        cursor: this.editor.cursor,
        ...(this.enabled ? {} : { placeholder: inputMode ? INPUT_HINT : DISABLED_HINT }),
      },
      this.terminal.cols,
      this.outputColumn.column,
    );
  }
}
