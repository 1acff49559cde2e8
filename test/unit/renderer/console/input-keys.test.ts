import { describe, expect, it } from 'vitest';
import { parseInputKeys } from '../../../../src-renderer/console/input-keys.js';

describe('parseInputKeys', () => {
  it('groups printable characters into one text key', () => {
    expect(parseInputKeys('abc é 😀')).toEqual([{ type: 'text', text: 'abc é 😀' }]);
  });

  it('maps xterm control characters and cursor sequences', () => {
    const data =
      '\r\x7f\x1b[3~\x1b[D\x1b[C\x1b[A\x1b[B\x1b[H\x1b[F\x1bOH\x1bOF\x1b[1~\x1b[4~\x01\x05\x15\x03\x0b\x17';
    expect(parseInputKeys(data).map((k) => k.type)).toEqual([
      'enter',
      'backspace',
      'delete',
      'left',
      'right',
      'up',
      'down',
      'home',
      'end',
      'home',
      'end',
      'home',
      'end',
      'home',
      'end',
      'killToStart',
      'cancel',
      'killToEnd',
      'killWordBackward',
    ]);
  });

  it('understands application cursor mode (SS3) and Ctrl+arrows', () => {
    expect(parseInputKeys('\x1bOA\x1bOD\x1b[1;5D\x1b[1;5C').map((k) => k.type)).toEqual([
      'up',
      'left',
      'wordLeft',
      'wordRight',
    ]);
  });

  it('drops unknown sequences, a lone ESC and other controls', () => {
    expect(parseInputKeys('a\x1b[15~b\x1b\x07c\x1b[200')).toEqual([
      { type: 'text', text: 'a' },
      { type: 'text', text: 'b' },
      { type: 'text', text: 'c' },
    ]);
  });

  it('turns Tab into spaces', () => {
    expect(parseInputKeys('\tx')).toEqual([{ type: 'text', text: '    x' }]);
  });

  it('splits a plain paste into lines (xterm sends line breaks as CR)', () => {
    expect(parseInputKeys('x = 1\ry = 2\r')).toEqual([
      { type: 'text', text: 'x = 1' },
      { type: 'enter' },
      { type: 'text', text: 'y = 2' },
      { type: 'enter' },
    ]);
  });

  it('treats CRLF as one Enter', () => {
    expect(parseInputKeys('a\r\nb').map((k) => k.type)).toEqual(['text', 'enter', 'text']);
  });

  it('unwraps a bracketed paste, keeping its lines and dropping its controls', () => {
    const keys = parseInputKeys('>\x1b[200~if x:\n\tpass\x03\n\x1b[201~<');
    expect(keys).toEqual([
      { type: 'text', text: '>' },
      { type: 'text', text: 'if x:' },
      { type: 'enter' },
      { type: 'text', text: '    pass' },
      { type: 'enter' },
      { type: 'text', text: '<' },
    ]);
  });
});
