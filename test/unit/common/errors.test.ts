/** The errors both processes share (`src-common/errors.ts`). */
import { describe, expect, it } from 'vitest';
import { errorMessage, RelayError } from '../../../src-common/errors.js';

describe('errorMessage', () => {
  it("is an Error's message, and anything else as String makes it", () => {
    expect(errorMessage(new Error('refused'))).toBe('refused');
    expect(errorMessage(new RelayError('not-found', 'gone'))).toBe('gone');
    expect(errorMessage('plain')).toBe('plain');
    expect(errorMessage(42)).toBe('42');
    expect(errorMessage(undefined)).toBe('undefined');
  });
});
