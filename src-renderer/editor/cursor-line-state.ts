/**
 * The line of the cursor in the source view, for "Run to cursor" and "Jump to cursor", without
 * CodeMirror: the app reads it from here (`cursorLine`), and the editor's extension
 * (`cursor-line.ts`, loaded with the source view) reports into it ({@link noteCursorLine}).
 * Listeners are module-wide: there is one source view per window.
 */
import type { Text } from '@codemirror/state';
import type { EditorView } from '@codemirror/view';

/** Receives the cursor's 1-based line, or null when the document was replaced. */
export type CursorLineListener = (line: number | null) => void;

const listeners = new Set<CursorLineListener>();
let lastLine: number | null = null;
/** The view and document the line was reported for; another document voids it. */
let lastView: EditorView | null = null;
let lastDoc: Text | null = null;

/** Subscribes to cursor line changes; returns the unsubscriber. */
export function onCursorLine(listener: CursorLineListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * The cursor's 1-based line in the document shown now, or null before any click in it (a line
 * clicked in another file does not count).
 */
export function cursorLine(): number | null {
  if (!lastView || lastView.state.doc !== lastDoc) return null;
  return lastLine;
}

/** The editor's report: the person put the cursor on `line` (1-based) of `doc` in `view`. */
export function noteCursorLine(view: EditorView, doc: Text, line: number): void {
  lastView = view;
  lastDoc = doc;
  report(line);
}

/** Tells the listeners of a new line (or null), once per change. */
function report(line: number | null): void {
  if (line === lastLine) return;
  lastLine = line;
  for (const listener of listeners) listener(line);
}
