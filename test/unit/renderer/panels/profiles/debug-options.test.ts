import { describe, expect, it } from 'vitest';
import { splitPythonArgs } from '../../../../../src-renderer/panels/profiles/debug-options.js';

describe('splitPythonArgs', () => {
  it('makes each whitespace-separated word one interpreter flag', () => {
    expect(splitPythonArgs('  -X dev\t-O  ')).toEqual(['-X', 'dev', '-O']);
    expect(splitPythonArgs('')).toEqual([]);
    expect(splitPythonArgs('   ')).toEqual([]);
  });
});
