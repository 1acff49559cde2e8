/**
 * Bounds on web mode's HTTP connections before they have shown the token, so slow or idle
 * connections (slowloris) cannot hold the server's file descriptors:
 * - a request's head must arrive within {@link HEADERS_TIMEOUT_MS} and the whole request within
 *   {@link REQUEST_TIMEOUT_MS} (Node's `headersTimeout` / `requestTimeout`, checked every
 *   {@link CONNECTIONS_CHECK_INTERVAL_MS}; Node's defaults are 60 s and 300 s, checked every 30 s);
 * - at most {@link MAX_UNAUTHENTICATED_CONNECTIONS} connections may be open that have not yet been
 *   answered with success (a page or file served with the cookie, the token exchanged, a
 *   WebSocket accepted); one more arriving closes the one that has waited longest (one whose
 *   success answer is still being sent is let be), so a browser with the token still gets in
 *   while others are held open;
 * - a connection still not authenticated after {@link UNAUTHENTICATED_DEADLINE_MS} is closed
 *   (this also covers a refused upgrade whose peer never closes its side).
 */
import type { Server, ServerOptions, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from '../log/logger.js';

/** Time for a request's head (request line and headers) to arrive, in ms. */
export const HEADERS_TIMEOUT_MS = 10_000;
/** Time for a whole request to arrive, in ms. */
export const REQUEST_TIMEOUT_MS = 30_000;
/** How often Node checks those two timeouts, in ms. */
export const CONNECTIONS_CHECK_INTERVAL_MS = 1000;
/** Most connections open at once that have not been answered with success. */
export const MAX_UNAUTHENTICATED_CONNECTIONS = 64;
/** Time a connection may stay open without being answered with success, in ms. */
export const UNAUTHENTICATED_DEADLINE_MS = 30_000;

/** Options for `http.createServer` with the timeouts above. */
export const GUARDED_SERVER_OPTIONS: ServerOptions = {
  headersTimeout: HEADERS_TIMEOUT_MS,
  requestTimeout: REQUEST_TIMEOUT_MS,
  connectionsCheckingInterval: CONNECTIONS_CHECK_INTERVAL_MS,
};

/** What the web server tells the guard. */
export interface ConnectionGuard {
  /** The connection carried an accepted WebSocket upgrade: it no longer counts. */
  authenticated(socket: Duplex): void;
  /** Connections open now that have not been answered with success. */
  readonly unauthenticated: number;
}

/**
 * Watches `server`'s connections (created with {@link GUARDED_SERVER_OPTIONS}): a response with a
 * status below 400 authenticates its connection; an accepted upgrade is reported with
 * {@link ConnectionGuard.authenticated}.
 */
export function guardConnections(server: Server, logger: Logger): ConnectionGuard {
  /** Unauthenticated connections, oldest first, with their deadline timers. */
  const waiting = new Map<Duplex, NodeJS.Timeout>();
  /** The latest response on each connection. */
  const responses = new WeakMap<Duplex, ServerResponse>();
  const release = (socket: Duplex): void => {
    clearTimeout(waiting.get(socket));
    waiting.delete(socket);
  };
  /** A success response has begun on it (a large file still being sent to a slow browser). */
  const answered = (socket: Duplex): boolean => {
    const response = responses.get(socket);
    return !!response && response.headersSent && response.statusCode < 400;
  };
  /** Makes room: the longest-waiting connection that is not being answered with success. */
  const shedOldest = (): void => {
    for (const socket of waiting.keys()) {
      release(socket);
      if (answered(socket)) continue;
      logger.warn(
        `closed the longest-waiting connection: ${MAX_UNAUTHENTICATED_CONNECTIONS} connections without the token were open (limit), and another arrived`,
      );
      socket.destroy();
      return;
    }
  };
  server.on('connection', (socket: Socket) => {
    if (waiting.size >= MAX_UNAUTHENTICATED_CONNECTIONS) shedOldest();
    const timer = setTimeout(() => {
      release(socket);
      if (answered(socket)) return;
      logger.warn(
        `closed a connection that did not authenticate within ${UNAUTHENTICATED_DEADLINE_MS} ms`,
      );
      socket.destroy();
    }, UNAUTHENTICATED_DEADLINE_MS).unref();
    waiting.set(socket, timer);
    socket.once('close', () => release(socket));
  });
  server.on('request', (request, response) => {
    responses.set(request.socket, response);
    response.once('finish', () => {
      if (response.statusCode < 400) release(request.socket);
    });
  });
  return {
    authenticated: release,
    get unauthenticated() {
      return waiting.size;
    },
  };
}
