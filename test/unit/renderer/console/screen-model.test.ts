import { describe, expect, it } from 'vitest';
import { ScreenModel } from './screen-model.js';

// The test helper must behave like xterm on the sequences the console relies on.
describe('ScreenModel (test helper)', () => {
  it('wraps with a pending wrap at the right margin', () => {
    const screen = new ScreenModel(4);
    screen.write('abcd');
    expect(screen.cursor).toEqual({ row: 0, col: 3 });
    screen.write('e');
    expect(screen.text()).toEqual(['abcd', 'e']);
  });

  it('CR LF at a pending wrap moves one row down, not two', () => {
    const screen = new ScreenModel(4);
    screen.write('abcd\r\nx');
    expect(screen.text()).toEqual(['abcd', 'x']);
  });

  it('moves up, to a column, and erases below', () => {
    const screen = new ScreenModel(10);
    screen.write('one\r\ntwo\r\nthree');
    screen.write('\x1b[1A\x1b[2G\x1b[J');
    expect(screen.text()).toEqual(['one', 't']);
  });
});
