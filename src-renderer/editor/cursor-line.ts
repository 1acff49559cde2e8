/**
 * The line of the cursor in the source view, for "Run to cursor" and "Jump to cursor": the
 * read-only editor still keeps a selection (a click places it), and this extension reports the
 * 1-based line of its head whenever it changes. Listeners are module-wide: there is one source
 * view per window.
 */
import type { Extension, Text } from '@codemirror/state';
import { EditorView } from '@codemirror/view';

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

function report(line: number | null): void {
  if (line === lastLine) return;
  lastLine = line;
  for (const listener of listeners) listener(line);
}

/** The CodeMirror extension that reports the cursor's line. */
export function cursorLineTracker(): Extension {
  return EditorView.updateListener.of((update) => {
    if (update.selectionSet && update.transactions.some((t) => t.isUserEvent('select'))) {
      lastView = update.view;
      lastDoc = update.state.doc;
      report(update.state.doc.lineAt(update.state.selection.main.head).number);
    }
  });
}
