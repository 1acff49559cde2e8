/**
 * The preload script of every Periscope window: the only bridge between the sandboxed renderer
 * and the main process. It exposes `window.periscope` ({@link PeriscopeBridge}) and nothing else:
 * no `ipcRenderer`, no IPC event objects, one channel each way (Electron security checklist,
 * "Do not expose Electron APIs to untrusted web content").
 *
 * Built by `scripts/build-main.mjs` into one CommonJS file, `dist/app/preload.cjs`, as sandboxed
 * preloads require.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { PeriscopeBridge } from '../../src-common/protocol/bridge.js';
import { CLIENT_CHANNEL, RELAY_CHANNEL } from './ipc-channels.js';

let relayListener: ((message: string) => void) | undefined;

ipcRenderer.on(RELAY_CHANNEL, (_event, message: unknown) => {
  if (typeof message === 'string') relayListener?.(message);
});

const bridge: PeriscopeBridge = {
  send(message: string): void {
    if (typeof message !== 'string') {
      throw new TypeError('periscope.send takes one client-protocol message as a JSON string');
    }
    ipcRenderer.send(CLIENT_CHANNEL, message);
  },
  onMessage(listener: (message: string) => void): void {
    if (typeof listener !== 'function') {
      throw new TypeError('periscope.onMessage takes a function');
    }
    relayListener = listener;
  },
};

contextBridge.exposeInMainWorld('periscope', bridge);
