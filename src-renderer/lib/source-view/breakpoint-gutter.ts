/**
 * The breakpoint gutter (left of the line numbers) and line numbers that toggle a breakpoint when
 * clicked, as in VS Code. Markers come from `debugMarksField`.
 */
import type { Extension } from '@codemirror/state';
import { GutterMarker, gutter, lineNumbers } from '@codemirror/view';
import type { BlockInfo, EditorView } from '@codemirror/view';
import { debugMarksField } from './debug-state.js';

/** Called with the 1-based line whose gutter was clicked. */
export type ToggleBreakpoint = (line: number) => void;

/** Keeps the gutter's width when no line has a marker. */
class SpacerMarker extends GutterMarker {
  override toDOM(): Node {
    return document.createElement('span');
  }
}

/**
 * The breakpoint gutter plus clickable line numbers. A primary-button mousedown on either toggles
 * the breakpoint of that line through `onToggle` (the editor's own handling is prevented).
 */
export function breakpointGutter(onToggle: ToggleBreakpoint): Extension {
  const toggle = (view: EditorView, block: BlockInfo, event: Event): boolean => {
    if (event instanceof MouseEvent && event.button !== 0) return false;
    onToggle(view.state.doc.lineAt(block.from).number);
    return true;
  };
  return [
    gutter({
      class: 'ps-breakpoint-gutter',
      markers: (view) => view.state.field(debugMarksField).gutter,
      renderEmptyElements: true,
      initialSpacer: () => new SpacerMarker(),
      domEventHandlers: { mousedown: toggle },
    }),
    lineNumbers({ domEventHandlers: { mousedown: toggle } }),
  ];
}
