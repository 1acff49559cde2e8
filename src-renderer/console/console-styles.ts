/**
 * ANSI SGR styling of console text by where it came from.
 *
 * The sequences are ECMA-48 "Select Graphic Rendition" codes, which xterm.js renders with the
 * colours of its theme (`red`, `cyan`, `brightBlack`), so the app's theme decides the actual RGB.
 */

/** Where a piece of console text came from; decides its colour. */
export type ConsoleKind = 'stdout' | 'stderr' | 'console' | 'input' | 'result' | 'error' | 'info';

/** SGR 0: reset all attributes. */
export const SGR_RESET = '\x1b[0m';
/** SGR 31: red foreground (theme colour `red`). */
export const SGR_RED = '\x1b[31m';
/** SGR 36: cyan foreground (theme colour `cyan`). */
export const SGR_CYAN = '\x1b[36m';
/** SGR 90: bright-black foreground, i.e. grey (theme colour `brightBlack`). */
export const SGR_GREY = '\x1b[90m';

const KIND_STYLE: Record<ConsoleKind, string> = {
  stdout: '',
  stderr: SGR_RED,
  console: SGR_GREY,
  input: SGR_CYAN,
  result: '',
  error: SGR_RED,
  info: SGR_GREY,
};

/**
 * Kinds the program writes (its own stdout and stderr). Their text passes through unchanged, ANSI
 * colours included, and may stop in the middle of a line.
 */
export function isProgramOutput(kind: ConsoleKind): boolean {
  return kind === 'stdout' || kind === 'stderr';
}

/**
 * Kinds that are whole messages written by the console itself (input echo, evaluation results,
 * hints): they always start on a fresh line and end with a newline.
 */
export function isWholeMessage(kind: ConsoleKind): boolean {
  return kind === 'input' || kind === 'result' || kind === 'error' || kind === 'info';
}

/**
 * Wraps terminal-ready text in the colour of its kind. Debugger kinds start with a reset so that
 * attributes the program left on (bold, a colour without reset) do not bleed into them; every
 * coloured chunk ends with a reset. Uncoloured program output (`stdout`) is returned as is.
 */
export function styleConsoleText(kind: ConsoleKind, text: string): string {
  if (text === '') return '';
  const style = KIND_STYLE[kind];
  if (kind === 'stdout') return text;
  if (isProgramOutput(kind)) return `${style}${text}${SGR_RESET}`;
  return `${SGR_RESET}${style}${text}${SGR_RESET}`;
}

/** Converts every line ending (`\n` or `\r\n`) to `\r\n`, as a terminal with `convertEol: false` needs. */
export function toTerminalNewlines(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}
