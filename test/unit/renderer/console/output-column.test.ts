import { describe, expect, it } from 'vitest';
import { OutputColumnTracker } from '../../../../src-renderer/console/output-column.js';

function columnAfter(text: string, cols = 80): number {
  const tracker = new OutputColumnTracker();
  tracker.feed(text, cols);
  return tracker.column;
}

describe('OutputColumnTracker', () => {
  it('counts printable characters and resets on CR', () => {
    expect(columnAfter('abc')).toBe(3);
    expect(columnAfter('abc\r\n')).toBe(0);
    expect(columnAfter('abc\r\nde')).toBe(2);
  });

  it('ignores SGR and OSC sequences', () => {
    expect(columnAfter('\x1b[1;31mred\x1b[0m')).toBe(3);
    expect(columnAfter('\x1b]0;title\x07ab')).toBe(2);
  });

  it('follows CHA, CUF, CUB, CUP, BS and TAB', () => {
    expect(columnAfter('abc\x1b[10G')).toBe(9);
    expect(columnAfter('abc\x1b[2C')).toBe(5);
    expect(columnAfter('abc\x1b[D')).toBe(2);
    expect(columnAfter('abc\x1b[5;7H')).toBe(6);
    expect(columnAfter('abc\b')).toBe(2);
    expect(columnAfter('ab\t')).toBe(8);
  });

  it('wraps at the right margin with a pending wrap', () => {
    expect(columnAfter('abcd', 4)).toBe(4);
    expect(columnAfter('abcde', 4)).toBe(1);
  });

  it('handles an escape sequence split across writes', () => {
    const tracker = new OutputColumnTracker();
    tracker.feed('ab\x1b[3', 80);
    tracker.feed('1mc', 80);
    expect(tracker.column).toBe(3);
  });

  it('counts a surrogate pair once', () => {
    expect(columnAfter('😀')).toBe(1);
  });
});
