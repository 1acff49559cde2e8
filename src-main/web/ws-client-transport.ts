/**
 * A {@link ClientTransport} over one WebSocket (`ws`), for web mode.
 * Text frames only; a binary frame or an oversize message closes the socket with a reason. A client
 * that cannot keep up (more than `maxBufferedBytes` queued unsent, `WebSocket.bufferedAmount`) is
 * disconnected with a reason instead of growing the relay's memory without bound. A client that
 * stops answering pings is dropped too (`ws-heartbeat.ts`). A protocol error from the peer drops
 * its connection and nothing else.
 */
import type { WebSocket } from 'ws';
import type { ClientTransport } from '../backend/clients/client-transport.js';
import { CLIENT_PING_INTERVAL_MS, keepAlive } from './ws-heartbeat.js';

/** WebSocket close code for a policy violation (RFC 6455 §7.4.1). */
const POLICY_VIOLATION = 1008;

/** Default unsent bytes a client may fall behind by (16 MiB). */
export const MAX_CLIENT_BACKLOG_BYTES = 16 * 1024 * 1024;

/** See the module comment. */
export class WsClientTransport implements ClientTransport {
  private closedBySlowness = false;

  /**
   * @param onError told about a protocol error from the peer (a frame over the size limit,
   *   invalid UTF-8, an unmasked frame, a bad close code…); the socket is then dropped. `ws` emits
   *   these as `error` events, which end the process when nobody listens.
   * @param pingIntervalMs how often the client is pinged; one missed answer drops it.
   */
  constructor(
    private readonly socket: WebSocket,
    readonly label: string,
    private readonly maxBufferedBytes = MAX_CLIENT_BACKLOG_BYTES,
    onError: (error: Error) => void = () => undefined,
    pingIntervalMs = CLIENT_PING_INTERVAL_MS,
  ) {
    socket.on('error', (error: Error) => {
      onError(error);
      socket.terminate();
    });
    keepAlive(
      socket,
      () => {
        this.close(`client not responding: no answer to a ping within ${pingIntervalMs} ms`);
        // Its side will not answer the close handshake either.
        socket.terminate();
      },
      pingIntervalMs,
    );
  }

  send(message: string): void {
    if (this.socket.readyState !== this.socket.OPEN || this.closedBySlowness) return;
    if (this.socket.bufferedAmount > this.maxBufferedBytes) {
      this.closedBySlowness = true;
      this.close(`client too slow: ${this.socket.bufferedAmount} bytes not yet sent`);
      // The close handshake cannot finish behind a full buffer: drop the connection now.
      this.socket.terminate();
      return;
    }
    this.socket.send(message);
  }

  onMessage(listener: (message: string) => void): void {
    this.socket.on('message', (data, isBinary) => {
      if (isBinary) {
        this.close('binary frames are not part of the client protocol');
        return;
      }
      listener(
        Buffer.isBuffer(data)
          ? data.toString('utf8')
          : Buffer.concat(data as Buffer[]).toString('utf8'),
      );
    });
  }

  onClose(listener: () => void): void {
    this.socket.once('close', listener);
  }

  close(reason: string): void {
    // Close reasons are limited to 123 bytes by the WebSocket protocol.
    this.socket.close(POLICY_VIOLATION, reason.slice(0, 120));
  }
}
