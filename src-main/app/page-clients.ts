/**
 * One relay client per page load of a window: every main-frame, cross-document navigation
 * (the first load, a reload) closes the previous page's transport and connects a new one, so a
 * reloaded page starts as a fresh client and the relay forgets what the old page had joined.
 * Electron types only, so it is unit-tested with fakes.
 */
import type { IpcMain, WebContents } from 'electron';
import type { Logger } from '../log/logger.js';
import type { ClientTransport } from '../backend/clients/client-transport.js';
import { IpcClientTransport } from './ipc-client-transport.js';

/** The part of the relay this needs (`Backend.connectClient`). */
export interface ClientAcceptor {
  connectClient(transport: ClientTransport): void;
}

/**
 * Connects `contents`' pages to `relay` over IPC for as long as `contents` lives. Call it before
 * the window's first `loadURL`.
 */
export function connectPageClients(
  contents: WebContents,
  ipcMain: IpcMain,
  relay: ClientAcceptor,
  logger: Logger,
): void {
  let current: IpcClientTransport | undefined;
  contents.on('did-start-navigation', (details) => {
    if (!details.isMainFrame || details.isSameDocument) return;
    current?.close('the page is loading again');
    current = new IpcClientTransport(contents, ipcMain, logger);
    relay.connectClient(current);
  });
}
