/**
 * The one bridge the Electron preload exposes to the renderer, as `window.periscope`.
 * It carries client-protocol messages (see `client-protocol.ts`) as JSON strings, nothing else.
 */
export interface PeriscopeBridge {
  /** Sends one client message (a JSON string) to the relay in the main process. */
  send(message: string): void;
  /** Registers the listener for relay messages (JSON strings). Replaces any earlier listener. */
  onMessage(listener: (message: string) => void): void;
}
