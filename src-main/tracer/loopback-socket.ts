/**
 * Opens a TCP connection to a port on 127.0.0.1 (the laptop end of an SSH local forward).
 * Rejects with the socket error (e.g. ECONNREFUSED) when nothing listens there.
 */
import { connect, type Socket } from 'node:net';

/** Resolves with the connected socket. */
export function connectLoopback(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}
