/**
 * The Electron entry (`dist/app/main.js`): wires the relay, the profile store and the window.
 *
 * Order matters: the `app://` scheme is registered as privileged before `ready`; security
 * restrictions are attached to every web contents as it is created; the single-instance lock
 * makes a second launch focus the first window instead. On quit the relay closes its sessions
 * (terminating remote programs) before the process exits, waiting at most
 * `QUIT_TIMEOUT_MS`.
 *
 * `PERISCOPE_USER_DATA_DIR`, when set, replaces Electron's userData directory (tests use a fresh
 * one per run).
 */
import { app, BrowserWindow, dialog, ipcMain, protocol, session } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../log/logger.js';
import { ProfileStore } from '../profiles/profile-store.js';
import { Backend } from '../backend/backend.js';
import { createAppRequestHandler } from './app-protocol.js';
import { APP_SCHEME } from './app-url.js';
import { connectPageClients } from './page-clients.js';
import { applySessionRestrictions, applyWebContentsRestrictions } from './security.js';
import { createMainWindow, loadAppPage, windowPathsFrom } from './window.js';
import { createAppSecretStore } from './safe-storage-secrets.js';
import { errorMessage } from '../../src-common/errors.js';

/** Longest wait for the relay to close its sessions on quit, in ms. */
const QUIT_TIMEOUT_MS = 5000;

const logger = createLogger('app');
const appDir = dirname(fileURLToPath(import.meta.url));
const rendererDir = join(appDir, '..', 'renderer');

let relay: Backend | undefined;
let mainWindow: BrowserWindow | undefined;
let quitState: 'running' | 'closing' | 'closed' = 'running';

function openMainWindow(current: Backend): void {
  const window = createMainWindow(windowPathsFrom(appDir));
  mainWindow = window;
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = undefined;
  });
  connectPageClients(window.webContents, ipcMain, current, logger.child('ipc'));
  loadAppPage(window).catch((error: unknown) => {
    logger.error('the app page did not load', { error: String(error), rendererDir });
  });
}

async function start(): Promise<void> {
  applySessionRestrictions(session.defaultSession, logger.child('security'));
  protocol.handle(APP_SCHEME, createAppRequestHandler(rendererDir, logger.child('protocol')));

  const dataDir = app.getPath('userData');
  const profileStore = await ProfileStore.open(dataDir, { logger: logger.child('profiles') });
  relay = new Backend({
    profileStore,
    dataDir,
    logger: logger.child('relay'),
    secretStore: createAppSecretStore(dataDir),
  });
  openMainWindow(relay);
  // Programs on this machine (or, through an SSH remote forward, on others) may dial in with
  // debugpy.connect(); loopback only, on a free port shown in the Sessions panel.
  relay
    .openTracerPort({ host: '127.0.0.1', port: 0 })
    .catch((error: unknown) =>
      logger.warn('could not open the tracer port', { error: String(error) }),
    );

  if (profileStore.recoveredFrom !== undefined) {
    void dialog.showMessageBox({
      type: 'warning',
      title: 'Profiles could not be read',
      message:
        'Your saved connection profiles could not be read, so Periscope started without them.',
      detail:
        `The file was kept as ${profileStore.recoveredFrom}.\n\n` +
        `Reason: ${profileStore.recoveryReason ?? 'unknown'}`,
    });
  }
}

function closeRelayThenQuit(current: Backend): void {
  quitState = 'closing';
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, QUIT_TIMEOUT_MS).unref());
  Promise.race([current.close(), timeout])
    .catch((error: unknown) => logger.error('closing the relay failed', { error: String(error) }))
    .finally(() => {
      quitState = 'closed';
      app.quit();
    });
}

function main(): void {
  const userDataOverride = process.env.PERISCOPE_USER_DATA_DIR;
  if (userDataOverride) app.setPath('userData', userDataOverride);

  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }

  // standard: real origin and relative URLs; secure: a secure context like https;
  // corsEnabled: Vite's `<script type="module" crossorigin>` loads are CORS-mode fetches;
  // codeCache: V8 caches the compiled bundle across launches.
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: {
        standard: true,
        secure: true,
        supportFetchAPI: true,
        corsEnabled: true,
        codeCache: true,
      },
    },
  ]);

  app.on('web-contents-created', (_event, contents) => {
    applyWebContentsRestrictions(contents, logger.child('security'));
  });

  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  app.on('activate', () => {
    if (relay && BrowserWindow.getAllWindows().length === 0) openMainWindow(relay);
  });

  app.on('before-quit', (event) => {
    if (!relay || quitState === 'closed') return;
    event.preventDefault();
    if (quitState === 'running') closeRelayThenQuit(relay);
  });

  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      const message = errorMessage(error);
      logger.error('Periscope failed to start', { error: message });
      dialog.showErrorBox('Periscope failed to start', message);
      app.exit(1);
    });
}

main();
