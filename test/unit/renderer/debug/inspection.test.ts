/** Inspection helpers: Python string literals as repr() writes them. */
import { describe, expect, it } from 'vitest';
import { parsePythonString } from '../../../../src-renderer/debug/inspection.js';

describe('values', () => {
  it('reads Python string literals as repr() writes them', () => {
    expect(parsePythonString("'a\\nb'")).toBe('a\nb');
    expect(parsePythonString('"it\'s"')).toBe("it's");
    expect(parsePythonString("'\\x41\\u00e9\\\\'")).toBe('Aé\\');
    expect(parsePythonString('[1, 2]')).toBeNull();
  });
});
