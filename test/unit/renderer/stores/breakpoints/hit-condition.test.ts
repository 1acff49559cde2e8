import { describe, expect, it } from 'vitest';
import {
  describeHitCondition,
  hitConditionError,
} from '../../../../../src-renderer/stores/breakpoints/hit-condition.js';

describe('hit conditions (debugpy 1.6 forms)', () => {
  it('accepts N, ==N, >=N, >N, <N, <=N, %N and blank', () => {
    for (const ok of ['5', ' ==5', '>= 3', '>2', '<4', '<=4', '%3', '% 2', '']) {
      expect(hitConditionError(ok), ok).toBeNull();
    }
  });

  it('refuses what debugpy would evaluate as a broken expression', () => {
    for (const bad of ['x > 3', '=5', '%0', '>=', 'five', '5 6']) {
      expect(hitConditionError(bad), bad).toMatch(/hit count such as/);
    }
  });

  it('describes them', () => {
    expect(describeHitCondition('3')).toBe('hit = 3');
    expect(describeHitCondition('>=5')).toBe('hit ≥ 5');
    expect(describeHitCondition('%2')).toBe('every 2nd hit');
    expect(describeHitCondition('%11')).toBe('every 11th hit');
    expect(describeHitCondition('== 4')).toBe('hit = 4');
  });
});
