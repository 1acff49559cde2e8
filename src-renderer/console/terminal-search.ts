/**
 * The pure parts of searching an xterm.js terminal (the log tabs and the debug console share them
 * through `panels/console/TerminalFind.svelte`): the match colours, the "N of M" text, and the key
 * handler a terminal gets so that Ctrl+F opens the find bar and function keys reach the
 * debugger's shortcuts.
 */
import type { ISearchOptions } from '@xterm/addon-search';

/**
 * Options of every find (`SearchAddon.findNext` / `findPrevious`): the match colours of VS Code's
 * terminal find widget. Decorations need `#RRGGBB` colours and a terminal created with
 * `allowProposedApi: true`.
 */
export const SEARCH_OPTIONS: ISearchOptions = {
  decorations: {
    matchBackground: '#623315',
    matchBorder: '#623315',
    matchOverviewRuler: '#d18616',
    activeMatchBackground: '#9e6a03',
    activeMatchBorder: '#f1c232',
    activeMatchColorOverviewRuler: '#f1c232',
  },
};

/** Most matches highlighted at once (`SearchAddon`'s `highlightLimit`); beyond it the count is "N+". */
export const HIGHLIGHT_LIMIT = 2000;

/**
 * What `SearchAddon.onDidChangeResults` reports: `index` is the 0-based active match, or -1 when
 * there are more than {@link HIGHLIGHT_LIMIT} matches (the addon stops counting); `count` is the
 * number of matches (capped at the limit).
 */
export interface SearchResults {
  index: number;
  count: number;
}

/**
 * The text beside the find box: '' with no query or before a search, "No results", "3 of 12",
 * or "2000+ matches" when the addon stopped counting.
 */
export function describeSearchResults(query: string, results: SearchResults | null): string {
  if (results === null || query === '') return '';
  if (results.count === 0) return 'No results';
  if (results.index < 0) return `${results.count}+ matches`;
  return `${results.index + 1} of ${results.count}`;
}

/** The parts of a `KeyboardEvent` the key checks read. */
export type KeyInfo = Pick<KeyboardEvent, 'type' | 'key' | 'ctrlKey' | 'metaKey'>;

/** True for a Ctrl+F (Cmd+F on macOS) key press: open the find bar. */
export function isFindShortcut(event: KeyInfo): boolean {
  return event.type === 'keydown' && (event.ctrlKey || event.metaKey) && event.key === 'f';
}

/** True for F1–F12 (and beyond): the debugger's shortcuts (F5 continue, F10 step over, …). */
export function isFunctionKey(event: Pick<KeyboardEvent, 'key'>): boolean {
  return /^F\d{1,2}$/.test(event.key);
}

/**
 * A handler for xterm's `attachCustomKeyEventHandler` (return false: xterm ignores the event).
 * Ctrl+F is taken from the terminal — its default is prevented (no browser find, and in the
 * console no Ctrl+F "cursor right" control character) and `onFind` is called; function keys are
 * left to the window's shortcuts instead of becoming escape sequences. Everything else, arrows
 * and Tab included, goes to the terminal as before.
 */
export function terminalKeyHandler(
  onFind: () => void,
): (event: KeyInfo & Pick<KeyboardEvent, 'preventDefault'>) => boolean {
  return (event) => {
    if (isFindShortcut(event)) {
      event.preventDefault();
      onFind();
      return false;
    }
    return !isFunctionKey(event);
  };
}
