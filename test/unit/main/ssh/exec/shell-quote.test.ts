import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellJoin, shellQuote } from '../../../../../src-main/ssh/exec/shell-quote.js';

/** Runs the quoted words through a real /bin/sh and returns the arguments it saw. */
function throughShell(words: string[]): string[] {
  const out = execFileSync('/bin/sh', ['-c', `printf '%s\\0' ${shellJoin(words)}`]);
  return out.toString('utf8').split('\0').slice(0, -1);
}

describe('shellQuote', () => {
  it('leaves safe words bare and quotes the rest', () => {
    expect(shellQuote('/usr/bin/python3')).toBe('/usr/bin/python3');
    expect(shellQuote('127.0.0.1:5678')).toBe('127.0.0.1:5678');
    expect(shellQuote('')).toBe("''");
    expect(shellQuote('a b')).toBe("'a b'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote('A=1')).toBe("'A=1'");
    expect(shellQuote('~/x')).toBe("'~/x'");
  });

  it('round-trips hostile words through /bin/sh unchanged', () => {
    const words = [
      '',
      'plain',
      'with space',
      "single ' quote",
      'double " quote',
      '$HOME `id` $(id)',
      'back\\slash',
      'new\nline',
      '*',
      '~',
      '; rm -rf /tmp/nothing-here',
      '-n',
      'ünïcödé ✓',
      "'''",
    ];
    expect(throughShell(words)).toEqual(words);
  });
});
