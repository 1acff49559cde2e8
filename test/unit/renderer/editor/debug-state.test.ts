import { EditorState } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import type { DebugGutterMarker } from '../../../../src-renderer/editor/debug-gutter-marker.js';
import {
  debugMarks,
  readDebugMarks,
  setBreakpointsEffect,
  setCurrentLineEffect,
} from '../../../../src-renderer/editor/debug-state.js';

const doc = Array.from({ length: 10 }, (_, i) => `line_${i + 1} = ${i + 1}`).join('\n');

/** Gutter markers as [line, breakpoint state, current]. */
function gutterOf(state: EditorState): [number, string, boolean][] {
  const result: [number, string, boolean][] = [];
  const cursor = readDebugMarks(state).gutter.iter();
  for (; cursor.value !== null; cursor.next()) {
    const marker = cursor.value as DebugGutterMarker;
    const state_ =
      marker.breakpoint === null ? 'none' : marker.breakpoint.verified ? 'verified' : 'unverified';
    result.push([state.doc.lineAt(cursor.from).number, state_, marker.current]);
  }
  return result;
}

/** Lines carrying the current-line decoration. */
function decoratedLines(state: EditorState): number[] {
  const lines: number[] = [];
  readDebugMarks(state).decorations.between(0, state.doc.length, (from, _to, value) => {
    expect((value.spec as { class?: string }).class).toBe('ps-current-line');
    lines.push(state.doc.lineAt(from).number);
  });
  return lines;
}

describe('debugMarksField', () => {
  it('starts with the given breakpoints and current line', () => {
    const state = EditorState.create({
      doc,
      extensions: debugMarks(
        [
          { line: 2, verified: true },
          { line: 5, verified: false },
        ],
        5,
      ),
    });
    expect(gutterOf(state)).toEqual([
      [2, 'verified', false],
      [5, 'unverified', true],
    ]);
    expect(decoratedLines(state)).toEqual([5]);
  });

  it('follows effects', () => {
    let state = EditorState.create({ doc, extensions: debugMarks([], null) });
    expect(gutterOf(state)).toEqual([]);
    expect(decoratedLines(state)).toEqual([]);
    state = state.update({
      effects: [setBreakpointsEffect.of([{ line: 7, verified: true }]), setCurrentLineEffect.of(3)],
    }).state;
    expect(gutterOf(state)).toEqual([
      [3, 'none', true],
      [7, 'verified', false],
    ]);
    expect(decoratedLines(state)).toEqual([3]);
    state = state.update({ effects: setCurrentLineEffect.of(null) }).state;
    expect(decoratedLines(state)).toEqual([]);
    expect(gutterOf(state)).toEqual([[7, 'verified', false]]);
  });

  it('keeps the same value when a transaction touches neither marks nor document', () => {
    const state = EditorState.create({
      doc,
      extensions: debugMarks([{ line: 1, verified: true }], 1),
    });
    const next = state.update({ selection: { anchor: 3 } }).state;
    expect(readDebugMarks(next)).toBe(readDebugMarks(state));
  });

  it('drops marks beyond the end when the document shrinks', () => {
    let state = EditorState.create({
      doc,
      extensions: debugMarks([{ line: 9, verified: true }], 10),
    });
    state = state.update({ changes: { from: 0, to: state.doc.length, insert: 'a\nb' } }).state;
    expect(gutterOf(state)).toEqual([]);
    expect(decoratedLines(state)).toEqual([]);
  });

  it('handles a 10,000-line document quickly', () => {
    const big = Array.from({ length: 10_000 }, (_, i) => `x${i} = ${i}`).join('\n');
    const breakpoints = Array.from({ length: 500 }, (_, i) => ({
      line: i * 20 + 1,
      verified: i % 2 === 0,
    }));
    const started = performance.now();
    let state = EditorState.create({ doc: big, extensions: debugMarks(breakpoints, 5000) });
    for (let line = 1; line <= 100; line += 1) {
      state = state.update({ effects: setCurrentLineEffect.of(line * 100) }).state;
    }
    expect(performance.now() - started).toBeLessThan(1000);
    expect(gutterOf(state)).toHaveLength(501);
  });
});
