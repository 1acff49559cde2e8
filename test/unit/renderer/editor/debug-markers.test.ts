import { describe, expect, it } from 'vitest';
import {
  breakpointTooltip,
  computeLineMarkers,
  sameBreakpoints,
  UNVERIFIED_TOOLTIP,
} from '../../../../src-renderer/editor/debug-markers.js';

describe('computeLineMarkers', () => {
  it('merges breakpoints and the current line, sorted by line', () => {
    const markers = computeLineMarkers(
      [
        { line: 9, verified: true },
        { line: 3, verified: false, message: 'pending' },
      ],
      9,
      20,
    );
    expect(markers).toEqual([
      { line: 3, breakpoint: { line: 3, verified: false, message: 'pending' }, current: false },
      { line: 9, breakpoint: { line: 9, verified: true }, current: true },
    ]);
  });

  it('marks a current line without a breakpoint', () => {
    expect(computeLineMarkers([], 4, 10)).toEqual([{ line: 4, breakpoint: null, current: true }]);
  });

  it('drops lines outside the document and non-integer lines', () => {
    const markers = computeLineMarkers(
      [
        { line: 0, verified: true },
        { line: 11, verified: true },
        { line: 2.5, verified: true },
        { line: 10, verified: true },
      ],
      42,
      10,
    );
    expect(markers.map((m) => m.line)).toEqual([10]);
  });

  it('prefers a verified breakpoint when two share a line', () => {
    const markers = computeLineMarkers(
      [
        { line: 5, verified: false },
        { line: 5, verified: true, message: 'moved here' },
        { line: 5, verified: false },
      ],
      null,
      10,
    );
    expect(markers).toEqual([
      { line: 5, breakpoint: { line: 5, verified: true, message: 'moved here' }, current: false },
    ]);
  });
});

describe('breakpointTooltip', () => {
  it('uses the message, else explains an unverified breakpoint', () => {
    expect(breakpointTooltip({ line: 1, verified: false, message: 'No code' })).toBe('No code');
    expect(breakpointTooltip({ line: 1, verified: false })).toBe(UNVERIFIED_TOOLTIP);
    expect(breakpointTooltip({ line: 7, verified: true })).toBe('Breakpoint on line 7');
  });
});

describe('sameBreakpoints', () => {
  it('compares lines, states and messages in order', () => {
    const a = [{ line: 1, verified: true }];
    expect(sameBreakpoints(a, [{ line: 1, verified: true }])).toBe(true);
    expect(sameBreakpoints(a, [{ line: 1, verified: false }])).toBe(false);
    expect(sameBreakpoints(a, [{ line: 1, verified: true, message: 'm' }])).toBe(false);
    expect(sameBreakpoints(a, [])).toBe(false);
  });
});
