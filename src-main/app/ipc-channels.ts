/**
 * The closed list of IPC channels between the preload bridge and the main process.
 * Shared by `preload.ts` and `ipc-client-transport.ts`; no Electron import.
 */

/** Renderer → main: one client-protocol message (a JSON string), `ipcRenderer.send`. */
export const CLIENT_CHANNEL = 'periscope:client';

/** Main → renderer: one relay message (a JSON string), `webContents.send`. */
export const RELAY_CHANNEL = 'periscope:relay';
