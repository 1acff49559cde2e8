/**
 * xterm.js and the two addons every terminal of the app loads (fit, search), fetched on first
 * use: they are about half of the renderer's code (~350 KiB minified), and the first screen (the
 * profiles panel) does not need them. The debug console asks for them once the first screen is
 * in (ui/first-screen.ts); a log tab at once.
 */
import type { Terminal } from '@xterm/xterm';
import type { FitAddon } from '@xterm/addon-fit';
import type { SearchAddon } from '@xterm/addon-search';

/** The classes of the lazily loaded xterm.js modules. */
export interface Xterm {
  Terminal: typeof Terminal;
  FitAddon: typeof FitAddon;
  SearchAddon: typeof SearchAddon;
}

let loading: Promise<Xterm> | undefined;

/**
 * Loads xterm.js and its fit and search addons (once; later calls get the same promise).
 * @throws {Error} (rejects) when the chunk cannot be fetched (a broken build or install).
 */
export function loadXterm(): Promise<Xterm> {
  loading ??= Promise.all([
    import('@xterm/xterm'),
    import('@xterm/addon-fit'),
    import('@xterm/addon-search'),
  ]).then(([xterm, fit, search]) => ({
    Terminal: xterm.Terminal,
    FitAddon: fit.FitAddon,
    SearchAddon: search.SearchAddon,
  }));
  return loading;
}
