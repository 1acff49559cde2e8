/**
 * A local forward (ssh(1) `-L 127.0.0.1:<port>:<remoteHost>:<remotePort>`): a TCP listener on the
 * laptop's loopback whose connections are carried to `remoteHost:remotePort` as seen from the SSH
 * server, each in a `direct-tcpip` channel (RFC 4254 §7.2).
 */
import net from 'node:net';
import type { Client, ClientChannel } from 'ssh2';
import type { Logger } from '../../log/logger.js';
import { SshError } from '../ssh-error.js';
import { errorMessage } from '../../../src-common/errors.js';

/** An open local forward. */
export interface LocalForward {
  /** The port on 127.0.0.1 to connect to. */
  localPort: number;
  /** Stops listening and destroys every open forwarded connection. Idempotent. */
  close(): Promise<void>;
}

/**
 * Listens on 127.0.0.1 on a free port and forwards each accepted connection through `client`.
 * If the remote side refuses a channel, that one local socket is destroyed. Sockets use TCP_NODELAY
 * (DAP messages are small and latency-bound).
 * @throws SshError `ssh-failed` if the local listener cannot be opened.
 */
export async function openLocalForward(
  client: Client,
  remoteHost: string,
  remotePort: number,
  logger: Logger,
): Promise<LocalForward> {
  const sockets = new Set<net.Socket>();
  const channels = new Set<ClientChannel>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('error', () => socket.destroy());
    socket.once('close', () => sockets.delete(socket));
    const sourcePort = socket.remotePort ?? 0;
    try {
      client.forwardOut('127.0.0.1', sourcePort, remoteHost, remotePort, (error, channel) => {
        if (error) {
          logger.debug('forward channel refused', { remoteHost, remotePort, error: error.message });
          socket.destroy();
          return;
        }
        if (socket.destroyed) {
          channel.close();
          return;
        }
        channels.add(channel);
        channel.on('error', () => socket.destroy());
        channel.once('close', () => {
          channels.delete(channel);
          socket.destroy();
        });
        socket.once('close', () => channel.close());
        socket.pipe(channel).pipe(socket);
      });
    } catch (error) {
      logger.debug('forward channel could not be opened', { error: errorMessage(error) });
      socket.destroy();
    }
  });
  server.on('error', (error) =>
    logger.warn('local forward listener failed', { error: error.message }),
  );

  const localPort = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') reject(new Error('no port'));
      else resolve(address.port);
    });
  }).catch((error: unknown) => {
    throw new SshError(
      'ssh-failed',
      `could not open a local port for forwarding: ${errorMessage(error)}`,
      {
        cause: error,
      },
    );
  });

  let closing: Promise<void> | undefined;
  return {
    localPort,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        for (const channel of channels) channel.close();
      });
      return closing;
    },
  };
}
