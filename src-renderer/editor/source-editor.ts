/**
 * The source view's CodeMirror editor: read-only Python with line numbers, a breakpoint gutter
 * and the current line. Created once per component; later prop changes go through
 * {@link SourceEditor.update}, which replaces the document or dispatches StateEffects instead of
 * recreating the view.
 */
import { python } from '@codemirror/lang-python';
import { EditorState, type StateEffect } from '@codemirror/state';
import type { Extension } from '@codemirror/state';
import { EditorView, highlightSpecialChars, keymap } from '@codemirror/view';
import { gotoLine, highlightSelectionMatches, search, searchKeymap } from '@codemirror/search';
import { breakpointGutter } from './breakpoint-gutter.js';
import type { BreakpointContextMenu, ToggleBreakpoint } from './breakpoint-gutter.js';
import { breakpointEditor, setBreakpointEditorEffect } from './breakpoint-editor-widget.js';
import type {
  BreakpointEditorCallbacks,
  BreakpointEditorTarget,
  EditorValues,
} from './breakpoint-editor-widget.js';
import { sameBreakpoints } from './debug-markers.js';
import type { SourceBreakpoint } from './debug-markers.js';
import { debugMarks, setBreakpointsEffect, setCurrentLineEffect } from './debug-state.js';
import { sourceAppearance } from './source-theme.js';
import { hoverValue } from './hover-value.js';
import { cursorLineTracker } from './cursor-line.js';

/** What the source view shows. */
export interface SourceDocument {
  /** Identifies the file: the same path keeps the scroll position when the content changes. */
  path: string;
  content: string;
  breakpoints: readonly SourceBreakpoint[];
  /** 1-based line of the selected frame, or null. */
  currentLine: number | null;
  /** The inline breakpoint editor's line and values, or null/absent when closed. */
  editing?: BreakpointEditorTarget | null;
}

/** What the source editor reports besides plain gutter clicks. */
export interface SourceEditorHandlers {
  /** Right click on the gutter or a line number. */
  contextMenu?: BreakpointContextMenu;
  /** Enter in the inline breakpoint editor; an error text keeps it open. */
  saveBreakpoint?: (line: number, values: EditorValues) => string | null;
  /** Escape in the inline breakpoint editor. */
  cancelEdit?: () => void;
}

/** A read-only CodeMirror view of one source file at a time. */
export class SourceEditor {
  /** The CodeMirror view (exposed for tests and focus handling). */
  readonly view: EditorView;
  private readonly extensions: Extension[];
  private shown: SourceDocument = {
    path: '',
    content: '',
    breakpoints: [],
    currentLine: null,
    editing: null,
  };
  private onToggle: ToggleBreakpoint;
  /** The scroller's height in px, as the ResizeObserver last saw it. */
  private scrollerHeight = 0;
  private readonly resizes: ResizeObserver;
  private handlers: SourceEditorHandlers = {};

  /**
   * @param parent Element the editor is appended to.
   * @param onToggle Called with the 1-based line when its gutter or line number is clicked.
   */
  constructor(parent: HTMLElement, onToggle: ToggleBreakpoint) {
    this.onToggle = onToggle;
    const callbacks: BreakpointEditorCallbacks = {
      save: (line, values) => this.handlers.saveBreakpoint?.(line, values) ?? null,
      cancel: () => this.handlers.cancelEdit?.(),
    };
    this.extensions = [
      breakpointGutter(
        (line) => this.onToggle(line),
        (line, event) => this.handlers.contextMenu?.(line, event),
      ),
      breakpointEditor(callbacks),
      highlightSpecialChars(),
      python(),
      sourceAppearance(),
      hoverValue(),
      cursorLineTracker(),
      // Find (Ctrl+F, F3 / Shift+F3 for the next and previous match) and Go to Line (Ctrl+G), as
      // in VS Code; the search panel sits above the text. Read-only: it has no replace field.
      search({ top: true }),
      highlightSelectionMatches(),
      keymap.of([{ key: 'Mod-g', run: gotoLine, preventDefault: true }, ...searchKeymap]),
      EditorState.readOnly.of(true),
      EditorView.editable.of(false),
      // Focusable although not editable, so keyboard scrolling and copying work.
      EditorView.contentAttributes.of({ tabindex: '0', 'aria-readonly': 'true' }),
    ];
    this.view = new EditorView({ parent, state: this.createState(this.shown) });
    this.resizes = new ResizeObserver((entries) => {
      const box = entries[entries.length - 1]?.contentRect;
      if (box) this.scrollerHeight = box.height;
    });
    this.resizes.observe(this.view.scrollDOM);
  }

  /** Replaces the click handler (the component's prop may change). */
  setToggleHandler(onToggle: ToggleBreakpoint): void {
    this.onToggle = onToggle;
  }

  /** Replaces the context-menu and inline-editor handlers. */
  setHandlers(handlers: SourceEditorHandlers): void {
    this.handlers = handlers;
  }

  /**
   * Shows `next`. Another path: a new editor state (scrolled to the current line, centered, or to the top).
   * Same path, new content: the document is replaced and the scroll position kept. Breakpoints and
   * current line: effects on the debug-marks field; a current line that is off-screen is scrolled
   * to the middle of the view. Unchanged parts cost nothing.
   */
  update(next: SourceDocument): void {
    const previous = this.shown;
    this.shown = {
      path: next.path,
      content: next.content,
      breakpoints: [...next.breakpoints],
      currentLine: next.currentLine,
      editing: next.editing ?? null,
    };
    if (next.path !== previous.path) {
      this.view.setState(this.createState(this.shown));
      // setState keeps the scroller's offset: a new file would open where the last one was.
      if (next.currentLine !== null) this.revealLine(next.currentLine);
      else this.view.dispatch({ effects: EditorView.scrollIntoView(0, { y: 'start' }) });
      if (this.shown.editing) this.openEditor(this.shown.editing);
      return;
    }
    if (next.content !== previous.content) this.replaceContent(next.content);
    // A step changes the current line (and now and then the breakpoints): one transaction for
    // all of it, since each dispatch makes CodeMirror re-read the DOM selection (a forced layout).
    const effects: StateEffect<unknown>[] = [];
    if (!sameBreakpoints(previous.breakpoints, next.breakpoints)) {
      effects.push(setBreakpointsEffect.of(this.shown.breakpoints));
    }
    if (next.currentLine !== previous.currentLine) {
      effects.push(setCurrentLineEffect.of(next.currentLine));
      const reveal = this.revealEffect(next.currentLine);
      if (reveal) effects.push(reveal);
    }
    if (effects.length > 0) this.view.dispatch({ effects });
    if (!sameEditing(previous.editing ?? null, this.shown.editing ?? null)) {
      if (this.shown.editing) this.openEditor(this.shown.editing);
      else this.view.dispatch({ effects: setBreakpointEditorEffect.of(null) });
    }
  }

  /**
   * Puts the cursor at the start of `line` (1-based, clamped to the document), scrolls it to the
   * middle of the view and focuses the text, as "Open file" with `path:line` asks.
   */
  goToLine(line: number): void {
    const doc = this.view.state.doc;
    const target = doc.line(Math.min(Math.max(1, Math.trunc(line)), doc.lines));
    this.view.dispatch({
      selection: { anchor: target.from, head: target.to },
      effects: EditorView.scrollIntoView(target.from, { y: 'center' }),
    });
    this.view.focus();
  }

  /** Opens the inline editor under its line and scrolls it into view. */
  private openEditor(target: BreakpointEditorTarget): void {
    const doc = this.view.state.doc;
    if (target.line < 1 || target.line > doc.lines) return;
    this.view.dispatch({
      effects: [
        setBreakpointEditorEffect.of(target),
        EditorView.scrollIntoView(doc.line(target.line).to, { y: 'nearest', yMargin: 60 }),
      ],
    });
  }

  /** Destroys the view. */
  destroy(): void {
    this.resizes.disconnect();
    this.view.destroy();
  }

  private createState(document: SourceDocument): EditorState {
    return EditorState.create({
      doc: document.content,
      extensions: [...this.extensions, debugMarks(document.breakpoints, document.currentLine)],
    });
  }

  /**
   * New content for the same file: only the differing middle is replaced, and the line at the top
   * of the view stays there (by line number, to the pixel), even when everything changed.
   */
  private replaceContent(content: string): void {
    const view = this.view;
    const scrollOffset = view.scrollDOM.scrollTop - view.documentPadding.top;
    const topBlock = view.lineBlockAtHeight(Math.max(0, scrollOffset));
    const topLine = view.state.doc.lineAt(topBlock.from).number;
    const intoLine = Math.max(0, scrollOffset - topBlock.top);
    view.dispatch({ changes: minimalChange(view.state.doc.toString(), content) });
    if (scrollOffset <= 0) return;
    const doc = view.state.doc;
    const line = doc.line(Math.min(topLine, doc.lines));
    view.dispatch({
      effects: EditorView.scrollIntoView(line.from, { y: 'start', yMargin: -intoLine }),
    });
  }

  /**
   * The scroll that keeps the current line `line` (1-based) in the middle third of the view: none
   * while it is there already, else it lands a third of the way in. CodeMirror works it out in
   * its own measure phase, and the scroller's height comes from a ResizeObserver: nothing here
   * reads the layout (in a step the panels' DOM has just changed, so a read would force it).
   */
  private revealEffect(line: number | null): StateEffect<unknown> | null {
    const doc = this.view.state.doc;
    if (line === null || line < 1 || line > doc.lines) return null;
    const margin = Math.floor(this.scrollerHeight / 3);
    return EditorView.scrollIntoView(doc.line(line).from, { y: 'nearest', yMargin: margin });
  }

  /** Scrolls `line` (1-based) to the middle of the view (a file just opened at its frame). */
  private revealLine(line: number): void {
    const doc = this.view.state.doc;
    if (line < 1 || line > doc.lines) return;
    this.view.dispatch({
      effects: EditorView.scrollIntoView(doc.line(line).from, { y: 'center' }),
    });
  }
}

/**
 * The smallest single replacement turning `before` into `after` (common prefix and suffix kept).
 * Line breaks of `after` are normalised to `\n` first, as CodeMirror's document does.
 */
export function minimalChange(
  before: string,
  after: string,
): { from: number; to: number; insert: string } {
  const next = after.replace(/\r\n?/g, '\n');
  const shortest = Math.min(before.length, next.length);
  let start = 0;
  while (start < shortest && before.charCodeAt(start) === next.charCodeAt(start)) start += 1;
  let endBefore = before.length;
  let endNext = next.length;
  while (
    endBefore > start &&
    endNext > start &&
    before.charCodeAt(endBefore - 1) === next.charCodeAt(endNext - 1)
  ) {
    endBefore -= 1;
    endNext -= 1;
  }
  return { from: start, to: endBefore, insert: next.slice(start, endNext) };
}

function sameEditing(a: BreakpointEditorTarget | null, b: BreakpointEditorTarget | null): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.line === b.line &&
    a.mode === b.mode &&
    a.values.condition === b.values.condition &&
    a.values.hitCondition === b.values.hitCondition &&
    a.values.logMessage === b.values.logMessage
  );
}
