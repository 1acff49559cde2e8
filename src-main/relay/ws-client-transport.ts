/**
 * A {@link ClientTransport} over one WebSocket (`ws`), for web mode.
 * Text frames only; a binary frame or an oversize message closes the socket with a reason.
 */
import type { WebSocket } from 'ws';
import type { ClientTransport } from './client-transport.js';

/** WebSocket close code for a policy violation (RFC 6455 §7.4.1). */
const POLICY_VIOLATION = 1008;

/** See the module comment. */
export class WsClientTransport implements ClientTransport {
  constructor(
    private readonly socket: WebSocket,
    readonly label: string,
  ) {}

  send(message: string): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(message);
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
