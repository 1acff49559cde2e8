/**
 * The main window: one `BrowserWindow` showing the renderer from `app://periscope/index.html`.
 *
 * Web preferences follow Electron's security checklist: sandboxed renderer, context isolation,
 * no Node integration, web security on; the preload bridge (`preload.cjs`) is its only way out.
 */
import { BrowserWindow } from 'electron';
import { join } from 'node:path';
import { APP_INDEX_URL } from './app-url.js';

/** Where the built files are, all absolute. */
export interface WindowPaths {
  /** `dist/app/preload.cjs`. */
  preload: string;
  /** `assets/icon.png` (shown by Linux and Windows; macOS takes the bundle's icon). */
  icon: string;
}

/** Default and minimum window size, in CSS pixels. */
export const WINDOW_SIZE = { width: 1280, height: 800, minWidth: 900, minHeight: 600 } as const;

/**
 * Creates the main window and starts loading the app page. The window is shown once the page has
 * painted (`ready-to-show`), so it never flashes white.
 *
 * Call after `app` is ready, after the `app://` handler is registered, and after security
 * restrictions are in place (`app.on('web-contents-created')`).
 */
export function createMainWindow(paths: WindowPaths): BrowserWindow {
  const window = new BrowserWindow({
    ...WINDOW_SIZE,
    title: 'Periscope',
    icon: paths.icon,
    show: false,
    backgroundColor: '#1e1f24',
    webPreferences: {
      preload: paths.preload,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      navigateOnDragDrop: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  return window;
}

/** Loads the app page into `window`; rejects when the page fails to load. */
export function loadAppPage(window: BrowserWindow): Promise<void> {
  return window.loadURL(APP_INDEX_URL);
}

/** The absolute paths of the built app, given the directory of `dist/app/main.js`. */
export function windowPathsFrom(appDir: string): WindowPaths {
  return {
    preload: join(appDir, 'preload.cjs'),
    icon: join(appDir, '..', '..', 'assets', 'icon.png'),
  };
}
