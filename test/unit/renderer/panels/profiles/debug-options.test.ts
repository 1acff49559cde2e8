import { describe, expect, it } from 'vitest';
import {
  joinPythonArgs,
  splitPythonArgs,
} from '../../../../../src-renderer/panels/profiles/debug-options.js';

describe('splitPythonArgs', () => {
  it('makes each whitespace-separated word one interpreter flag', () => {
    expect(splitPythonArgs('  -X dev\t-O  ')).toEqual(['-X', 'dev', '-O']);
    expect(splitPythonArgs('')).toEqual([]);
    expect(splitPythonArgs('   ')).toEqual([]);
  });

  it('keeps a quoted word whole, as a shell reads it', () => {
    expect(
      splitPythonArgs(`-W "ignore:a message:UserWarning" -X 'pycache_prefix=/tmp/my cache'`),
    ).toEqual(['-W', 'ignore:a message:UserWarning', '-X', 'pycache_prefix=/tmp/my cache']);
    expect(splitPythonArgs(`"say \\"hi\\"" 'it''s' ""`)).toEqual(['say "hi"', 'its', '']);
    expect(splitPythonArgs(`-X"dev"`)).toEqual(['-Xdev']);
    expect(splitPythonArgs(`"unclosed quote`)).toEqual(['unclosed quote']);
  });
});

describe('joinPythonArgs', () => {
  it('writes flags that split back to the same list', () => {
    const lists = [
      ['-X', 'dev', '-O'],
      ['-W', 'ignore:a message:UserWarning'],
      ['-X', 'pycache_prefix=C:\\my cache'],
      ['say "hi"', "it's", ''],
      [],
    ];
    for (const args of lists) expect(splitPythonArgs(joinPythonArgs(args))).toEqual(args);
    expect(joinPythonArgs(['-X', 'dev'])).toBe('-X dev');
  });
});
