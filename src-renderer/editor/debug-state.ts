/**
 * CodeMirror state for the debugger's marks: breakpoints and the current line live in a
 * StateField, changed only through StateEffects, from which the gutter markers and the current
 * line's decoration are derived (recomputed only when the marks or the document change).
 */
import { RangeSet, StateEffect, StateField } from '@codemirror/state';
import type { EditorState, Extension } from '@codemirror/state';
import { Decoration, EditorView } from '@codemirror/view';
import type { DecorationSet, GutterMarker } from '@codemirror/view';
import { computeLineMarkers } from './debug-markers.js';
import type { LineMarker, SourceBreakpoint } from './debug-markers.js';
import { DebugGutterMarker } from './debug-gutter-marker.js';

/** Replaces the breakpoints shown (1-based lines). */
export const setBreakpointsEffect = StateEffect.define<readonly SourceBreakpoint[]>();
/** Sets the current line (1-based) or clears it (`null`). */
export const setCurrentLineEffect = StateEffect.define<number | null>();

/** The debugger's marks and what is drawn for them. */
export interface DebugMarks {
  breakpoints: readonly SourceBreakpoint[];
  currentLine: number | null;
  /** Per-line markers, as computed by `computeLineMarkers`. */
  markers: LineMarker[];
  /** Markers of the breakpoint gutter. */
  gutter: RangeSet<GutterMarker>;
  /** The `ps-current-line` line decoration. */
  decorations: DecorationSet;
}

const currentLineDecoration = Decoration.line({ class: 'ps-current-line' });

function build(
  state: EditorState,
  breakpoints: readonly SourceBreakpoint[],
  currentLine: number | null,
): DebugMarks {
  const doc = state.doc;
  const markers = computeLineMarkers(breakpoints, currentLine, doc.lines);
  const gutter = RangeSet.of(
    markers.map((m) =>
      new DebugGutterMarker(m.line, m.breakpoint, m.current).range(doc.line(m.line).from),
    ),
  );
  const current = markers.find((m) => m.current);
  const decorations =
    current === undefined
      ? Decoration.none
      : Decoration.set([currentLineDecoration.range(doc.line(current.line).from)]);
  return { breakpoints, currentLine, markers, gutter, decorations };
}

/** Holds the {@link DebugMarks}; provides the current line's decoration to the view. */
export const debugMarksField = StateField.define<DebugMarks>({
  create: (state) => build(state, [], null),
  update(value, transaction) {
    let { breakpoints, currentLine } = value;
    let changed = transaction.docChanged;
    for (const effect of transaction.effects) {
      if (effect.is(setBreakpointsEffect)) {
        breakpoints = effect.value;
        changed = true;
      } else if (effect.is(setCurrentLineEffect)) {
        currentLine = effect.value;
        changed = true;
      }
    }
    return changed ? build(transaction.state, breakpoints, currentLine) : value;
  },
  provide: (field) => EditorView.decorations.from(field, (marks) => marks.decorations),
});

/** The field, initialised with `breakpoints` and `currentLine` (for a new EditorState). */
export function debugMarks(
  breakpoints: readonly SourceBreakpoint[],
  currentLine: number | null,
): Extension {
  return debugMarksField.init((state) => build(state, breakpoints, currentLine));
}

/** Convenience for tests and callers: the marks of a state. */
export function readDebugMarks(state: EditorState): DebugMarks {
  return state.field(debugMarksField);
}
