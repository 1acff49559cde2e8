import { describe, expect, it } from 'vitest';
import { groupDigits } from '../../../../src-renderer/ui/group-digits.js';

describe('groupDigits', () => {
  it('writes numbers as toLocaleString("en") does', () => {
    for (const n of [0, 7, 999, 1000, 10_000, 100_000, 1_000_000, 1234567890, -4321])
      expect(groupDigits(n)).toBe(n.toLocaleString('en'));
  });

  it('rounds fractions to whole numbers', () => {
    expect(groupDigits(1234.6)).toBe('1,235');
  });
});
