/**
 * The console terminal's colours and font, read from the `--ps-*` CSS custom properties of its
 * container so the app can theme it (xterm.js needs concrete colours, not `var()` references).
 */
import type { ITheme } from '@xterm/xterm';

/** Default monospace font stack of Periscope's code views. */
export const DEFAULT_MONO_FONT =
  '"JetBrains Mono", "Fira Code", Menlo, Consolas, "DejaVu Sans Mono", monospace';

/** CSS custom property → xterm theme key, with the default (VS Code Dark Modern terminal). */
const THEME_PROPERTIES: [keyof ITheme, string, string][] = [
  ['background', '--ps-console-background', '#181818'],
  ['foreground', '--ps-console-foreground', '#cccccc'],
  ['cursor', '--ps-console-cursor', '#cccccc'],
  ['cursorAccent', '--ps-console-background', '#181818'],
  ['selectionBackground', '--ps-selection-background', '#264f78'],
  ['black', '--ps-ansi-black', '#000000'],
  ['red', '--ps-ansi-red', '#f14c4c'],
  ['green', '--ps-ansi-green', '#23d18b'],
  ['yellow', '--ps-ansi-yellow', '#f5f543'],
  ['blue', '--ps-ansi-blue', '#3b8eea'],
  ['magenta', '--ps-ansi-magenta', '#d670d6'],
  ['cyan', '--ps-ansi-cyan', '#29b8db'],
  ['white', '--ps-ansi-white', '#e5e5e5'],
  ['brightBlack', '--ps-ansi-bright-black', '#8b8b8b'],
  ['brightRed', '--ps-ansi-bright-red', '#f14c4c'],
  ['brightGreen', '--ps-ansi-bright-green', '#23d18b'],
  ['brightYellow', '--ps-ansi-bright-yellow', '#f5f543'],
  ['brightBlue', '--ps-ansi-bright-blue', '#3b8eea'],
  ['brightMagenta', '--ps-ansi-bright-magenta', '#d670d6'],
  ['brightCyan', '--ps-ansi-bright-cyan', '#29b8db'],
  ['brightWhite', '--ps-ansi-bright-white', '#e5e5e5'],
];

/** Reads a CSS custom property; `undefined` when unset. */
export type CssPropertyReader = (name: string) => string | undefined;

/** Builds the xterm theme from CSS custom properties (each falls back to its default). */
export function terminalTheme(read: CssPropertyReader): ITheme {
  const theme: Record<string, string> = {};
  for (const [key, property, fallback] of THEME_PROPERTIES) {
    theme[key] = read(property)?.trim() || fallback;
  }
  return theme;
}

/** Font family and size (px) from `--ps-font-mono` and `--ps-font-size-mono` (default 13px). */
export function terminalFont(read: CssPropertyReader): { fontFamily: string; fontSize: number } {
  const size = Number.parseFloat(read('--ps-font-size-mono') ?? '');
  return {
    fontFamily: read('--ps-font-mono')?.trim() || DEFAULT_MONO_FONT,
    fontSize: Number.isFinite(size) && size > 0 ? size : 13,
  };
}
