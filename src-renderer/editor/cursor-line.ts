/**
 * The CodeMirror side of the cursor line (`cursor-line-state.ts`): the extension that reports the
 * 1-based line of the selection's head whenever the person moves it (the read-only editor still
 * keeps a selection; a click places it).
 */
import type { Extension } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { noteCursorLine } from './cursor-line-state.js';
export { cursorLine, onCursorLine, type CursorLineListener } from './cursor-line-state.js';

/** The CodeMirror extension that reports the cursor's line. */
export function cursorLineTracker(): Extension {
  return EditorView.updateListener.of((update) => {
    if (update.selectionSet && update.transactions.some((t) => t.isUserEvent('select'))) {
      noteCursorLine(
        update.view,
        update.state.doc,
        update.state.doc.lineAt(update.state.selection.main.head).number,
      );
    }
  });
}
