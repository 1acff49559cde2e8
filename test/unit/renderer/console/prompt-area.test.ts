import { describe, expect, it } from 'vitest';
import { OutputColumnTracker } from '../../../../src-renderer/console/output-column.js';
import { renderPromptArea } from '../../../../src-renderer/console/prompt-area.js';
import type { PromptAreaContent } from '../../../../src-renderer/console/prompt-area.js';
import { ScreenModel } from './screen-model.js';

/** Writes output, draws the area, then (optionally) erases it and writes more output. */
function scenario(cols: number, before: string, content: PromptAreaContent, after?: string) {
  const screen = new ScreenModel(cols);
  const tracker = new OutputColumnTracker();
  screen.write(before);
  tracker.feed(before, cols);
  const drawn = renderPromptArea(content, cols, tracker.column);
  screen.write(drawn.draw);
  const cursorAfterDraw = screen.cursor;
  if (after !== undefined) {
    screen.write(drawn.erase);
    screen.write(after);
  }
  return { screen, cursorAfterDraw };
}

const single = (text: string, cursor = [...text].length): PromptAreaContent => ({
  lines: [{ prompt: '>>> ', text }],
  cursor,
});

describe('renderPromptArea', () => {
  it('draws the prompt and puts the cursor at the input cursor', () => {
    const { screen, cursorAfterDraw } = scenario(40, 'out\r\n', single('abcdef', 2));
    expect(screen.text()).toEqual(['out', '>>> abcdef']);
    expect(cursorAfterDraw).toEqual({ row: 1, col: 6 });
  });

  it('erases the input so output continues where it stopped', () => {
    const { screen } = scenario(40, 'out\r\n', single('x = 1'), 'more\r\n');
    expect(screen.text()).toEqual(['out', 'more']);
  });

  it('starts below a partial output line and returns to its end when erased', () => {
    const drawn = scenario(40, 'Name: ', single('1+1'));
    expect(drawn.screen.text()).toEqual(['Name: ', '>>> 1+1'].map((l) => l.trimEnd()));
    const { screen } = scenario(40, 'Name: ', single('1+1'), 'Bob\r\n');
    expect(screen.text()).toEqual(['Name: Bob']);
  });

  it('erases an input that wraps over several rows', () => {
    const long = 'x'.repeat(25); // 4 + 25 = 29 columns on a 10-column terminal: 3 rows
    const drawn = scenario(10, 'a\r\n', single(long, 3));
    expect(drawn.screen.text()).toEqual(['a', '>>> xxxxxx', 'xxxxxxxxxx', 'xxxxxxxxx']);
    expect(drawn.cursorAfterDraw).toEqual({ row: 1, col: 7 });
    const { screen } = scenario(10, 'a\r\n', single(long, 3), 'b');
    expect(screen.text()).toEqual(['a', 'b']);
  });

  it('opens a row for the cursor when the input exactly fills the last row', () => {
    const text = 'y'.repeat(6); // 4 + 6 = 10 = cols
    const drawn = scenario(10, '', single(text));
    expect(drawn.cursorAfterDraw).toEqual({ row: 1, col: 0 });
    const { screen } = scenario(10, 'o\r\n', single(text), 'p\r\n');
    expect(screen.text()).toEqual(['o', 'p']);
  });

  it('draws and erases a multi-line block', () => {
    const content: PromptAreaContent = {
      lines: [
        { prompt: '>>> ', text: 'if x:' },
        { prompt: '... ', text: '    y' },
      ],
      cursor: 5,
    };
    const drawn = scenario(40, '', content);
    expect(drawn.screen.text()).toEqual(['>>> if x:', '...     y']);
    expect(drawn.cursorAfterDraw).toEqual({ row: 1, col: 9 });
    const { screen } = scenario(40, 'z\r\n', content, 'w\r\n');
    expect(screen.text()).toEqual(['z', 'w']);
  });

  it('shows a placeholder while the input is empty, with the cursor after the prompt', () => {
    const drawn = scenario(80, '', { ...single(''), placeholder: 'Pause the program' });
    expect(drawn.screen.text()).toEqual(['>>> Pause the program']);
    expect(drawn.cursorAfterDraw).toEqual({ row: 0, col: 4 });
  });

  it('truncates the placeholder to the row', () => {
    const drawn = scenario(12, '', { ...single(''), placeholder: 'a long placeholder' });
    // Room is left for the cursor: 12 - 4 - 1 = 7 columns (trailing space trimmed here).
    expect(drawn.screen.text()).toEqual(['>>> a long']);
  });

  it('continues output after a pending wrap', () => {
    const { screen } = scenario(4, 'abcd', single(''), 'e');
    expect(screen.text()).toEqual(['abcd', 'e']);
  });
});
