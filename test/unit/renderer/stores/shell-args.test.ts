import { describe, expect, it } from 'vitest';
import { splitArgs } from '../../../../src-renderer/stores/shell-args.js';

describe('splitArgs', () => {
  it('splits on runs of whitespace', () => {
    expect(splitArgs('  -v   --count 3\t x ')).toEqual(['-v', '--count', '3', 'x']);
  });
  it('returns no words for blank input', () => {
    expect(splitArgs('   ')).toEqual([]);
  });
  it('keeps quoted spaces and joins adjacent parts', () => {
    expect(splitArgs(`--name "Ada Lovelace" 'a b'c x"y z"`)).toEqual([
      '--name',
      'Ada Lovelace',
      'a bc',
      'xy z',
    ]);
  });
  it('keeps empty quoted arguments', () => {
    expect(splitArgs(`a "" ''`)).toEqual(['a', '', '']);
  });
  it('treats single quotes literally and handles escapes in double quotes', () => {
    expect(splitArgs(`'$HOME \\n' "say \\"hi\\" \\n"`)).toEqual(['$HOME \\n', 'say "hi" \\n']);
  });
  it('escapes with a backslash outside quotes', () => {
    expect(splitArgs('a\\ b c\\"d')).toEqual(['a b', 'c"d']);
  });
  it('rejects unclosed quotes with a clear message', () => {
    expect(() => splitArgs('"abc')).toThrow(/unclosed double quote/);
    expect(() => splitArgs("x 'abc")).toThrow(/unclosed single quote/);
  });
});
