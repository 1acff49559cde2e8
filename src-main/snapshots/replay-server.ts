/**
 * Puts a {@link SnapshotReplay} on a byte stream: `serveSnapshot` answers one DAP client over a
 * `Duplex` (a TCP socket, or one end of an in-memory pair for a session inside Periscope), and
 * `listenSnapshot` is `periscope snapshot serve FILE`'s TCP listener on loopback, where each
 * connection gets its own replay of the same snapshot.
 *
 * Requests are checked as DAP request envelopes (`dap/dap-request-schema.ts`); anything else
 * from the peer is logged and dropped, a framing error closes that connection. Nothing a client
 * sends can change the snapshot: every connection replays it from the start.
 */
import { createServer, type Server } from 'node:net';
import type { Duplex } from 'node:stream';
import { DapConnection } from '../dap/dap-connection.js';
import { validateDapRequest } from '../dap/dap-request-schema.js';
import type { Logger } from '../log/logger.js';
import { isLoopbackHost } from '../../src-common/net.js';
import type { SnapshotDocument } from './snapshot-document.js';
import { SnapshotReplay } from './replay-adapter.js';

/**
 * Serves `doc` to the DAP client on `stream` until the stream closes or the client disconnects.
 * @returns the connection (closing it ends the replay).
 */
export function serveSnapshot(
  stream: Duplex,
  doc: SnapshotDocument,
  logger: Logger,
): DapConnection {
  const replay = new SnapshotReplay(doc);
  const connection = new DapConnection(stream, { name: 'snapshot', logger });
  connection.onRequest((raw) => {
    const checked = validateDapRequest(raw);
    if (!checked.ok) {
      logger.warn('dropped a message that is not a DAP request', { error: checked.error });
      return;
    }
    const request = checked.request;
    const answer = replay.handle(
      request.command,
      request.arguments as Record<string, unknown> | undefined,
    );
    connection.sendResponse(request, answer.body, answer.error);
    for (const { event, body } of answer.events) connection.sendEvent(event, body);
    if (request.command === 'disconnect' || request.command === 'terminate') {
      connection.close('the client disconnected');
    }
  });
  return connection;
}

/** A running `snapshot serve` listener. */
export interface SnapshotListener {
  host: string;
  port: number;
  /** Stops listening and ends every connection. */
  close(): Promise<void>;
}

/**
 * Listens on `host:port` (loopback only; port 0 = any free one) and serves `doc` to each
 * DAP client that connects.
 * @throws Error when `host` is not a loopback address, or the port cannot be bound.
 */
export async function listenSnapshot(
  doc: SnapshotDocument,
  options: { host?: string; port?: number; logger: Logger },
): Promise<SnapshotListener> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopbackHost(host))
    throw new Error(`a snapshot is served on loopback only; ${host} is not a loopback address`);
  const connections = new Set<DapConnection>();
  const server: Server = createServer((socket) => {
    socket.setNoDelay(true);
    const connection = serveSnapshot(
      socket,
      doc,
      options.logger.child(`client ${connections.size + 1}`),
    );
    connections.add(connection);
    connection.onClose(() => connections.delete(connection));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    host,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const connection of connections) connection.close('the snapshot server stopped');
        server.close(() => resolve());
      }),
  };
}
