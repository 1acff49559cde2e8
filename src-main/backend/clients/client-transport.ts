/**
 * One client's wire to the relay, whatever carries it: a WebSocket in web mode
 * (`web/ws-client-transport.ts`) or the Electron preload bridge
 * (`src-main/app/ipc-client-transport.ts`). Messages are client-protocol JSON strings
 * (`src-common/protocol/client-protocol.ts`); the relay parses and validates them, so a transport
 * never interprets what it carries.
 */
export interface ClientTransport {
  /** Who is on the other end, for logs and the UI, e.g. `ws 127.0.0.1:53122` or `window 1`. */
  readonly label: string;
  /** Sends one relay message (a JSON string). A closed transport drops it silently. */
  send(message: string): void;
  /** Registers the listener for client messages. Called once, by the relay. */
  onMessage(listener: (message: string) => void): void;
  /** Registers the listener called once when the transport closes, from either side. */
  onClose(listener: () => void): void;
  /** Closes the transport; `reason` is logged and, where the transport can, told to the peer. */
  close(reason: string): void;
}
