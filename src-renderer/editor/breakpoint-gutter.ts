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

/** Called with the 1-based line whose gutter was right-clicked, and the mouse event (for its position). */
export type BreakpointContextMenu = (line: number, event: MouseEvent) => void;

/** Keeps the gutter's width when no line has a marker. */
class SpacerMarker extends GutterMarker {
  override toDOM(): Node {
    return document.createElement('span');
  }
}

/**
 * The breakpoint gutter plus clickable line numbers. A primary-button mousedown on either toggles
 * the breakpoint of that line through `onToggle` (the editor's own handling is prevented); a
 * right click (`contextmenu`) calls `onContextMenu` instead of the browser's menu.
 */
export function breakpointGutter(
  onToggle: ToggleBreakpoint,
  onContextMenu?: BreakpointContextMenu,
): Extension {
  const toggle = (view: EditorView, block: BlockInfo, event: Event): boolean => {
    if (event instanceof MouseEvent && event.button !== 0) return false;
    onToggle(view.state.doc.lineAt(block.from).number);
    return true;
  };
  const menu = (view: EditorView, block: BlockInfo, event: Event): boolean => {
    if (!onContextMenu || !(event instanceof MouseEvent)) return false;
    event.preventDefault();
    onContextMenu(view.state.doc.lineAt(block.from).number, event);
    return true;
  };
  return [
    gutter({
      class: 'ps-breakpoint-gutter',
      markers: (view) => view.state.field(debugMarksField).gutter,
      renderEmptyElements: true,
      initialSpacer: () => new SpacerMarker(),
      domEventHandlers: { mousedown: toggle, contextmenu: menu },
    }),
    lineNumbers({ domEventHandlers: { mousedown: toggle, contextmenu: menu } }),
  ];
}
