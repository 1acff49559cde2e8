/**
 * Draws the console's input (prompt, block lines, line being edited) as a "live region" below
 * the output, and computes the escape sequence that erases it again, so output arriving while the
 * user types is written above an intact input line.
 *
 * Sequences used (ECMA-48, as implemented by xterm.js): CUU `ESC [ n A` (cursor up), CHA
 * `ESC [ n G` (cursor to column n), ED `ESC [ J` (erase from cursor to end of screen), SGR colours.
 * Character widths are counted in code points (wide characters as one column).
 */
import { SGR_CYAN, SGR_GREY, SGR_RESET } from './console-styles.js';

/** One line of the input: its prompt (`>>> ` or `... `) and its text. */
export interface PromptAreaLine {
  prompt: string;
  text: string;
}

/** What the prompt area shows. */
export interface PromptAreaContent {
  /** The block's lines; the last one is the line being edited. At least one line. */
  lines: PromptAreaLine[];
  /** Cursor position in the last line's text, in code points. */
  cursor: number;
  /** Dim text shown after the last prompt while its text is empty (e.g. why input is disabled). */
  placeholder?: string;
}

/** The escape sequences of one drawing of the prompt area. */
export interface DrawnPromptArea {
  /** Writes the area, leaving the terminal cursor at the input cursor. */
  draw: string;
  /** Erases what `draw` wrote, leaving the cursor where the output had left it. */
  erase: string;
}

/**
 * Renders `content` for a terminal `cols` wide whose output cursor is at `outputColumn` (see
 * `OutputColumnTracker`; `cols` means a wrap is pending). When the output stopped mid-line the
 * area starts on the next line, and erasing returns to that column.
 */
export function renderPromptArea(
  content: PromptAreaContent,
  cols: number,
  outputColumn: number,
): DrawnPromptArea {
  const width = Math.max(1, cols);
  const startsOnNewLine = outputColumn > 0 && outputColumn < width;
  let draw = startsOnNewLine ? '\r\n' : '';
  let rowsBeforeLast = 0;
  const lines = content.lines.length > 0 ? content.lines : [{ prompt: '', text: '' }];
  const lastIndex = lines.length - 1;
  lines.forEach((line, index) => {
    const isLast = index === lastIndex;
    draw += `${SGR_CYAN}${line.prompt}${SGR_RESET}${line.text}`;
    const length = visibleLength(line.prompt) + visibleLength(line.text);
    if (isLast) {
      if (line.text === '' && content.placeholder) {
        const room = Math.max(0, width - visibleLength(line.prompt) - 1);
        const placeholder = [...content.placeholder].slice(0, room).join('');
        draw += `${SGR_GREY}${placeholder}${SGR_RESET}`;
      }
    } else {
      draw += '\r\n';
      rowsBeforeLast += rowsOf(length, width);
    }
  });

  const last = lines[lastIndex] ?? { prompt: '', text: '' };
  const promptLength = visibleLength(last.prompt);
  const textLength = visibleLength(last.text);
  const placeholderLength =
    last.text === '' && content.placeholder
      ? Math.min(visibleLength(content.placeholder), Math.max(0, width - promptLength - 1))
      : 0;
  const drawnLength = promptLength + textLength + placeholderLength;
  const endRow = drawnLength === 0 ? 0 : Math.ceil(drawnLength / width) - 1;
  const target = promptLength + Math.max(0, Math.min(content.cursor, textLength));
  const targetRow = Math.floor(target / width);
  const targetCol = target % width;
  if (targetRow > endRow) {
    draw += '\r\n'; // the cursor sits just past a full row: open the next row for it
  } else if (endRow > targetRow) {
    draw += `\x1b[${endRow - targetRow}A`;
  }
  draw += `\x1b[${targetCol + 1}G`;

  const rowsUp = rowsBeforeLast + targetRow + (startsOnNewLine ? 1 : 0);
  let erase = rowsUp > 0 ? `\x1b[${rowsUp}A` : '';
  erase += startsOnNewLine ? `\x1b[${outputColumn + 1}G` : '\r';
  erase += '\x1b[J';
  return { draw, erase };
}

/** Rows a line of `length` columns takes (at least one). */
function rowsOf(length: number, width: number): number {
  return Math.max(1, Math.ceil(length / width));
}

/** Columns `text` takes, in code points, ignoring SGR sequences. */
export function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex -- matching terminal escape sequences (ESC, BEL) is the point
  return [...text.replace(/\x1b\[[0-9;]*m/g, '')].length;
}
