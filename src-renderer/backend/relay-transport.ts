import type { PeriscopeBridge } from '../../src-common/protocol/bridge.js';
import { errorMessage } from '../../src-common/errors.js';
import { clientEndpointUrl, takeClientKey } from './web-client-key.js';

/** Callbacks a {@link RelayTransport} reports to. */
export interface RelayTransportHandlers {
  /** The link is up; messages may be sent. */
  onOpen(): void;
  /** One relay message, a JSON string (see `src-common/protocol/client-protocol.ts`). */
  onMessage(text: string): void;
  /** The link is gone (closed by either side or failed); `reason` is one plain sentence. */
  onClose(reason: string): void;
}

/**
 * A message link between the renderer and the relay: the Electron preload bridge or a WebSocket.
 * `connect` may be called again after `onClose` to reconnect.
 */
export interface RelayTransport {
  connect(handlers: RelayTransportHandlers): void;
  /** Sends one client message (a JSON string). Throws when the link is not open. */
  send(text: string): void;
  /** Closes the link; `onClose` is not called for a close asked for here. */
  close(): void;
}

/**
 * Transport over the Electron preload bridge (`window.periscope`). The bridge lives as long as
 * the window, so it opens at once and never closes.
 */
export class BridgeTransport implements RelayTransport {
  constructor(private readonly bridge: PeriscopeBridge) {}

  connect(handlers: RelayTransportHandlers): void {
    this.bridge.onMessage((text) => handlers.onMessage(text));
    handlers.onOpen();
  }

  send(text: string): void {
    this.bridge.send(text);
  }

  close(): void {
    // The bridge cannot be closed from the renderer.
  }
}

/**
 * Transport over a WebSocket to the relay's `/client` endpoint (web mode). The upgrade carries
 * the page's credential: the browser adds the session cookie (same origin) and the URL carries
 * the client key (`web-client-key.ts`).
 */
export class WebSocketTransport implements RelayTransport {
  private socket: WebSocket | null = null;

  /** @param url - e.g. `ws://127.0.0.1:8123/client?key=…`. */
  constructor(private readonly url: string) {}

  connect(handlers: RelayTransportHandlers): void {
    this.close();
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.url);
    } catch (err) {
      handlers.onClose(errorMessage(err));
      return;
    }
    this.socket = socket;
    socket.onopen = () => handlers.onOpen();
    socket.onmessage = (event: MessageEvent) => {
      if (typeof event.data === 'string') handlers.onMessage(event.data);
    };
    socket.onclose = (event: CloseEvent) => {
      if (this.socket !== socket) return;
      this.socket = null;
      handlers.onClose(event.reason || `The connection closed (code ${event.code}).`);
    };
  }

  send(text: string): void {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN) {
      throw new Error('Not connected to the Periscope relay.');
    }
    this.socket.send(text);
  }

  close(): void {
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onopen = null;
      socket.onmessage = null;
      socket.onclose = null;
      socket.close();
    }
  }
}

/**
 * Picks the transport for this window: the preload bridge when `window.periscope` exists
 * (Electron), else a WebSocket to `/client` on the page's own host (`wss` under https), with
 * the client key taken from the URL's fragment or storage.
 */
export function createDefaultTransport(): RelayTransport {
  const bridge = (window as unknown as { periscope?: PeriscopeBridge }).periscope;
  if (bridge) return new BridgeTransport(bridge);
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return new WebSocketTransport(clientEndpointUrl(scheme, location.host, takeClientKey(window)));
}
