import { describe, expect, it } from 'vitest';
import { TokenLockout } from '../../../../src-main/web/token-lockout.js';

function lockout(maxFailures = 3, lockMs = 1000) {
  let now = 0;
  const rotations: number[] = [];
  const guard = new TokenLockout({
    token: 'first',
    maxFailures,
    lockMs,
    onRotated: (ms) => rotations.push(ms),
    now: () => now,
  });
  return { guard, rotations, advance: (ms: number) => (now += ms) };
}

describe('TokenLockout', () => {
  it('never compares or counts tokens from foreign pages', () => {
    const { guard, rotations } = lockout(2);
    for (let i = 0; i < 50; i++) expect(guard.check(`x${i}`, 'foreign')).toBe('foreign');
    expect(guard.check('first', 'foreign')).toBe('foreign');
    expect(rotations).toEqual([]);
    expect(guard.check('first', 'ours')).toBe('ok');
  });

  it('rotates after a run of wrong tokens, locks wrong ones, and takes the new token at once', () => {
    const { guard, rotations, advance } = lockout(3, 1000);
    expect(guard.check('a', 'ours')).toBe('wrong');
    expect(guard.check('b', 'ours')).toBe('wrong');
    expect(guard.check('c', 'ours')).toBe('wrong');
    expect(rotations).toEqual([1000]);
    expect(guard.token).not.toBe('first');
    for (let i = 0; i < 10; i++) expect(guard.check(`d${i}`, 'ours')).toBe('locked');
    expect(guard.check('first', 'ours')).toBe('locked');
    expect(guard.check(guard.token, 'ours')).toBe('ok');
    expect(rotations).toHaveLength(1);
    advance(1001);
    expect(guard.remainingMs()).toBe(0);
    expect(guard.check('e', 'ours')).toBe('wrong');
  });

  it('a right token resets the count', () => {
    const { guard, rotations } = lockout(2);
    for (let i = 0; i < 5; i++) {
      expect(guard.check('wrong', 'ours')).toBe('wrong');
      expect(guard.check('first', 'ours')).toBe('ok');
    }
    expect(rotations).toEqual([]);
  });
});
