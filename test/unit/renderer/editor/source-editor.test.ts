import { describe, expect, it } from 'vitest';
import { minimalChange } from '../../../../src-renderer/editor/source-editor.js';

function apply(before: string, after: string): string {
  const change = minimalChange(before, after);
  return before.slice(0, change.from) + change.insert + before.slice(change.to);
}

describe('minimalChange', () => {
  it('replaces only the differing middle', () => {
    expect(minimalChange('a\nb\nc\n', 'a\nB\nc\n')).toEqual({ from: 2, to: 3, insert: 'B' });
  });

  it('handles insertions, deletions, identical and empty texts', () => {
    expect(minimalChange('abc', 'abXc')).toEqual({ from: 2, to: 2, insert: 'X' });
    expect(minimalChange('abXc', 'abc')).toEqual({ from: 2, to: 3, insert: '' });
    expect(minimalChange('same', 'same')).toEqual({ from: 4, to: 4, insert: '' });
    expect(minimalChange('', 'new')).toEqual({ from: 0, to: 0, insert: 'new' });
    expect(minimalChange('old', '')).toEqual({ from: 0, to: 3, insert: '' });
  });

  it('normalises CRLF and CR line breaks like CodeMirror', () => {
    expect(apply('x\ny\n', 'x\r\ny\rz\r\n')).toBe('x\ny\nz\n');
  });

  it('does not let prefix and suffix overlap on repeated text', () => {
    expect(apply('aaa', 'aaaa')).toBe('aaaa');
    expect(apply('abab', 'ab')).toBe('ab');
  });
});
