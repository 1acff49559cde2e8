/**
 * The console's input: a one-line editor (readline's basic keys) plus multi-line blocks like the
 * Python interactive prompt, where the lines typed so far stay above the line being edited.
 * Pure state; drawing is done by `prompt-area.ts`.
 */
import type { CommandHistory } from './command-history.js';
import { TAB_SPACES, type InputKey } from './input-keys.js';
import { classifyStatement } from './python-continuation.js';

/** What a key did, so the caller knows whether to redraw, evaluate or echo a cancel. */
export type LineEditorResult =
  | { type: 'edited' }
  /** Enter started or extended a multi-line block. */
  | { type: 'continued' }
  /** Enter completed a statement: evaluate `source` (the `lines` joined with `\n`). */
  | { type: 'submitted'; source: string; lines: string[] }
  /** Ctrl+C: the input (`lines`, possibly empty) was discarded. */
  | { type: 'cancelled'; lines: string[] }
  /** Tab after some text: complete `line` at `cursor` (code units). */
  | { type: 'complete'; line: string; cursor: number };

/** Line editor state: the block's earlier lines, the line being edited and its cursor. */
export class LineEditor {
  private block: string[] = [];
  private chars: string[] = [];
  private cursorIndex = 0;

  /** @param history Where submitted sources go and Up/Down read from. */
  constructor(private readonly history: CommandHistory) {}

  /** Lines of the block already entered (without the line being edited). */
  get blockLines(): readonly string[] {
    return this.block;
  }

  /** The line being edited. */
  get line(): string {
    return this.chars.join('');
  }

  /** Cursor position in the line being edited, in code points (0 … line length). */
  get cursor(): number {
    return this.cursorIndex;
  }

  /** Everything typed: block lines and the current line, joined with `\n`. */
  get source(): string {
    return [...this.block, this.line].join('\n');
  }

  /** True when nothing is typed. */
  get isEmpty(): boolean {
    return this.block.length === 0 && this.chars.length === 0;
  }

  /** Replaces the input with `source` (its last line becomes the edited line, cursor at its end). */
  setSource(source: string): void {
    const lines = source.split('\n');
    const last = lines.pop() ?? '';
    this.block = lines;
    this.chars = [...last];
    this.cursorIndex = this.chars.length;
  }

  /**
   * Replaces the `length` code units before the cursor with `text` (a completion), cursor after
   * it. `length` is clamped to the text before the cursor.
   */
  replaceBeforeCursor(length: number, text: string): void {
    const before = this.chars.slice(0, this.cursorIndex).join('');
    const keep = before.slice(0, Math.max(0, before.length - Math.max(0, length)));
    const inserted = [...keep, ...text];
    this.chars = [...inserted, ...this.chars.slice(this.cursorIndex)];
    this.cursorIndex = inserted.length;
  }

  /** The current line's text before the cursor. */
  get textBeforeCursor(): string {
    return this.chars.slice(0, this.cursorIndex).join('');
  }

  /** Discards the input. */
  reset(): void {
    this.setSource('');
  }

  /** Applies one key. */
  handle(key: InputKey): LineEditorResult {
    switch (key.type) {
      case 'text':
        this.insert(key.text);
        break;
      case 'tab':
        if (this.textBeforeCursor.trim() === '') {
          this.insert(TAB_SPACES);
          break;
        }
        return { type: 'complete', line: this.line, cursor: this.textBeforeCursor.length };
      case 'enter':
        return this.enter();
      case 'cancel': {
        const lines = this.isEmpty ? [] : [...this.block, this.line];
        this.reset();
        this.history.resetNavigation();
        return { type: 'cancelled', lines };
      }
      case 'backspace':
        if (this.cursorIndex > 0) {
          this.chars.splice(this.cursorIndex - 1, 1);
          this.cursorIndex -= 1;
        }
        break;
      case 'delete':
        this.chars.splice(this.cursorIndex, 1);
        break;
      case 'left':
        this.cursorIndex = Math.max(0, this.cursorIndex - 1);
        break;
      case 'right':
        this.cursorIndex = Math.min(this.chars.length, this.cursorIndex + 1);
        break;
      case 'wordLeft':
        this.cursorIndex = this.wordStartBefore(this.cursorIndex);
        break;
      case 'wordRight':
        this.cursorIndex = this.wordEndAfter(this.cursorIndex);
        break;
      case 'home':
        this.cursorIndex = 0;
        break;
      case 'end':
        this.cursorIndex = this.chars.length;
        break;
      case 'killToStart':
        this.chars.splice(0, this.cursorIndex);
        this.cursorIndex = 0;
        break;
      case 'killToEnd':
        this.chars.splice(this.cursorIndex);
        break;
      case 'killWordBackward': {
        const start = this.wordStartBefore(this.cursorIndex);
        this.chars.splice(start, this.cursorIndex - start);
        this.cursorIndex = start;
        break;
      }
      case 'up': {
        const entry = this.history.previous(this.source);
        if (entry !== undefined) this.setSource(entry);
        break;
      }
      case 'down': {
        const entry = this.history.next();
        if (entry !== undefined) this.setSource(entry);
        break;
      }
    }
    return { type: 'edited' };
  }

  private insert(text: string): void {
    const inserted = [...text];
    this.chars.splice(this.cursorIndex, 0, ...inserted);
    this.cursorIndex += inserted.length;
  }

  /**
   * Enter: continue while the statement is incomplete; a compound statement (`if …:`) ends with an
   * empty line, which is not part of the submitted source.
   */
  private enter(): LineEditorResult {
    const line = this.line;
    const lines = [...this.block, line];
    const state = classifyStatement(lines);
    const endsBlock = this.block.length > 0 && line.trim() === '';
    if (state === 'incomplete' || (state === 'compound' && !endsBlock)) {
      this.block = lines;
      this.chars = [];
      this.cursorIndex = 0;
      return { type: 'continued' };
    }
    const submitted = state === 'compound' ? this.block : lines;
    this.reset();
    this.history.add(submitted.join('\n'));
    return { type: 'submitted', source: submitted.join('\n'), lines: submitted };
  }

  private wordStartBefore(index: number): number {
    let i = index;
    while (i > 0 && !isWordChar(this.chars[i - 1])) i -= 1;
    while (i > 0 && isWordChar(this.chars[i - 1])) i -= 1;
    return i;
  }

  private wordEndAfter(index: number): number {
    let i = index;
    while (i < this.chars.length && !isWordChar(this.chars[i])) i += 1;
    while (i < this.chars.length && isWordChar(this.chars[i])) i += 1;
    return i;
  }
}

function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && /[\p{L}\p{N}_]/u.test(ch);
}
