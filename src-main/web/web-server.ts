/**
 * Web mode's server: the renderer's static files and the client endpoint (WebSocket at
 * `/client`) on a loopback address, behind a per-run token.
 *
 * - Opening `/?token=<token>` (the URL printed at start) exchanges the token for a cookie that is
 *   not the token and a key in the redirect's fragment (`browser-credential.ts`: why no cookie
 *   may be worth anything alone), so the token leaves the address bar and the browser keeps it
 *   nowhere.
 * - Another site's page gets 403 for anything (`request-site.ts`), before its token or cookie is
 *   looked at: only a URL the user opened, our own pages and programs get further.
 * - Other files need the cookie (401 without); the WebSocket needs the cookie and the key, or
 *   `Authorization: Bearer <token>` from a program. A `Host` that is not a loopback name at our
 *   port gets 403 (DNS rebinding); an upgrade whose `Origin` is not our own gets 403. Refusals
 *   happen before any message flows.
 * - Repeated wrong tokens from this machine rotate the token (`token-lockout.ts`); the new URL
 *   goes to `onTokenRotated`, for the user, and works at once; pages already open go on.
 * - Slow and idle connections without the token are bounded in time and number
 *   (`connection-guard.ts`).
 * - Binding a non-loopback address needs `allowRemote`; then `Host` may also be that address (or
 *   the names in `allowedHosts`).
 * - The relay may not be loaded yet when the server listens (`relay` a promise: web mode prints
 *   its URL first): `onRelayNeeded` says when to load it (`page-start-files.ts`), the client
 *   endpoint (and `ws`) is made ready once the relay is, and an upgrade that comes sooner waits.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { WebSocketServer } from 'ws';
import { HEADER_CSP } from '../../src-common/content-security-policy.js';
import { isLoopbackName } from '../../src-common/net.js';
import type { Logger } from '../log/logger.js';
import { MAX_CLIENT_MESSAGE_CHARS } from '../backend/clients/client-message-size.js';
import type { Backend } from '../backend/backend.js';
import { BrowserCredential, bearerToken } from './browser-credential.js';
import { isAllowedHost, isOwnOrigin } from './request-guards.js';
import { requestSite } from './request-site.js';
import { TokenLockout, type TokenVerdict } from './token-lockout.js';
import { WsClientTransport } from './ws-client-transport.js';
import { GUARDED_SERVER_OPTIONS, guardConnections } from './connection-guard.js';
import { PageStartWatch } from './page-start-files.js';

/** Options of {@link startWebServer}. */
export interface WebServerOptions {
  /**
   * The relay clients connect to, or the promise of it while it loads (WebSocket upgrades wait
   * for it; when it rejects, they are dropped and whoever made the promise reports why).
   */
  relay: Backend | Promise<Backend>;
  /**
   * For a relay still to load: called once the app page and the scripts and styles it starts
   * with have been served (the browser is running them; its WebSocket comes next), and at each
   * WebSocket upgrade. Called again on later page loads; make it idempotent.
   */
  onRelayNeeded?: () => void;
  /** Directory with the built renderer (`dist/renderer`). */
  staticDir: string;
  token: string;
  /** Loopback address to bind; default 127.0.0.1. */
  host?: string;
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  logger: Logger;
  /** Allows a non-loopback `host` (headless relay, `--allow-remote`). */
  allowRemote?: boolean;
  /** More names accepted in `Host`/`Origin` besides loopback (e.g. the server's DNS name). */
  allowedHosts?: string[];
  /**
   * Wrong tokens (from this machine) before the token is replaced (default 10), and the lock
   * after that in ms (default 60 000), during which wrong tokens are not counted.
   */
  lockout?: { maxBadTokens?: number; lockMs?: number };
  /**
   * Called with the new URL when the token was replaced. Print it for the user where they
   * started Periscope (stdout): the old URL no longer works.
   */
  onTokenRotated?: (url: string) => void;
}

/** A running web server. */
export interface WebServer {
  readonly port: number;
  /** The URL to open, carrying the (current) token. Print it for the user; never log it. */
  readonly url: string;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
};

/** Starts the server. Rejects when the address is taken or not loopback. */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const host = options.host ?? '127.0.0.1';
  const loopback = isLoopbackName(host);
  if (!loopback && !options.allowRemote) {
    throw new Error(`Web mode listens on loopback only; refusing to bind ${host}.`);
  }
  const { logger, relay } = options;
  const lockout = new TokenLockout({
    token: options.token,
    ...(options.lockout?.maxBadTokens !== undefined
      ? { maxFailures: options.lockout.maxBadTokens }
      : {}),
    ...(options.lockout?.lockMs !== undefined ? { lockMs: options.lockout.lockMs } : {}),
    onRotated: (lockedForMs) => {
      logger.warn('too many wrong tokens: token replaced', { lockedForMs });
      options.onTokenRotated?.(currentUrl());
    },
  });
  const credential = new BrowserCredential(() => port);
  const extraHosts = [...(loopback ? [] : [host]), ...(options.allowedHosts ?? [])];
  const hostAllowed = (header: string | undefined): boolean =>
    isAllowedHost(header, port, extraHosts);
  const urlHost = host === '::1' ? '[::1]' : host.includes(':') ? `[${host}]` : host;
  const currentUrl = (): string => `http://${urlHost}:${port}/?token=${lockout.token}`;
  /** Checks a token that `request` offers (see `token-lockout.ts` for what is counted). */
  const checkToken = (request: IncomingMessage, offered: string): TokenVerdict =>
    lockout.check(offered, requestSite(request, port, extraHosts));
  const lockedFor = (): number => Math.ceil(lockout.remainingMs() / 1000);
  const staticRoot = resolve(options.staticDir);
  /** The client endpoint's server, once made. */
  let wss: WebSocketServer | undefined;
  /** The client endpoint: `ws` is loaded (and its server made) once the relay is ready. */
  const endpoint = Promise.resolve(relay).then(async (backend) => {
    const { WebSocketServer } = await import('ws');
    wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE_CHARS * 4 });
    wss.on('wsClientError', (error, socket) => {
      logger.warn('bad WebSocket handshake', { error: error.message.slice(0, 200) });
      socket.destroy();
    });
    return { backend, wss };
  });
  // A relay that failed to load is reported by whoever made its promise; upgrades are dropped.
  endpoint.catch(() => undefined);
  const relayNeeded = (): void => options.onRelayNeeded?.();
  const pageStart = new PageStartWatch(relayNeeded);
  let port = 0;

  const server: Server = createServer(GUARDED_SERVER_OPTIONS, (request, response) => {
    handleHttp(request, response).catch((error: unknown) => {
      logger.error('HTTP request failed', { error: String(error) });
      if (!response.headersSent) respond(response, 500, 'Internal error');
      else response.destroy();
    });
  });
  const guard = guardConnections(server, logger);

  async function handleHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!hostAllowed(request.headers.host))
      return respond(response, 403, 'Forbidden: unexpected Host header.');
    // Nothing here is for another site's pages (as Fetch Metadata resource isolation): refused
    // before a token or cookie is looked at, so they can neither guess, nor spend the wrong-token
    // budget, nor load our files to learn that Periscope runs.
    if (requestSite(request, port, extraHosts) === 'foreign')
      return respond(response, 403, FOREIGN_REFUSAL);
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return respond(response, 405, 'Method not allowed');
    const url = requestUrl(request);
    if (!url) return respond(response, 400, 'Bad request');
    const offered = url.searchParams.get('token');
    if (offered !== null) return signIn(request, response, url, offered);
    if (!credential.hasCookie(request)) {
      return respond(
        response,
        401,
        'Unauthorized: open the URL Periscope printed when it started (it carries the access token).',
      );
    }
    await serveStatic(url.pathname, response);
  }

  /** `/?token=…`: the token exchanged for the browser's credential, or a refusal. */
  function signIn(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    offered: string,
  ): void {
    const verdict = checkToken(request, offered);
    if (verdict === 'foreign') return respond(response, 403, FOREIGN_REFUSAL);
    if (verdict === 'locked')
      return respond(
        response,
        429,
        `Too many wrong tokens: the token was replaced; wrong ones are refused for ` +
          `${lockedFor()} s more. Use the new URL Periscope printed.`,
      );
    if (verdict !== 'ok')
      return respond(response, 401, 'Unauthorized: that token is not valid for this Periscope.');
    response.writeHead(302, {
      'Set-Cookie': credential.setCookieHeader(),
      Location: credential.redirectTo(url.pathname),
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
    });
    response.end();
  }

  async function serveStatic(pathname: string, response: ServerResponse): Promise<void> {
    let relative: string;
    try {
      relative = decodeURIComponent(pathname === '/' ? '/index.html' : pathname);
    } catch {
      return respond(response, 400, 'Bad request');
    }
    const file = resolve(staticRoot, normalize('.' + relative));
    if (file !== staticRoot && !file.startsWith(staticRoot + sep))
      return respond(response, 404, 'Not found');
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) return respond(response, 404, 'Not found');
    const body = await readFile(file);
    response.writeHead(200, {
      'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': body.length,
      'Content-Security-Policy': HEADER_CSP,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': file.endsWith('.html') ? 'no-store' : 'private, max-age=300',
    });
    response.end(body);
    if (relative === '/index.html') pageStart.pageServed(body.toString('utf8'));
    else pageStart.fileServed(relative.slice(1));
  }

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refuse = (status: 401 | 403 | 404 | 429, why: string): void => {
      logger.warn('client endpoint refused an upgrade', {
        status,
        why,
        from: request.socket.remoteAddress,
      });
      const text = {
        401: 'Unauthorized',
        403: 'Forbidden',
        404: 'Not Found',
        429: 'Too Many Requests',
      }[status];
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    const url = requestUrl(request);
    if (url?.pathname !== '/client') return refuse(404, 'unknown path');
    if (!hostAllowed(request.headers.host))
      return refuse(403, 'Host is not a loopback name at this port');
    if (!isOwnOrigin(request.headers.origin, request.headers.host, port, extraHosts))
      return refuse(403, 'Origin is not this app');
    const bearer = bearerToken(request);
    if (bearer !== undefined) {
      const verdict = checkToken(request, bearer);
      if (verdict === 'locked') return refuse(429, 'wrong token during the lock');
      if (verdict !== 'ok') return refuse(401, 'wrong bearer token');
    } else if (!credential.admitsUpgrade(request, url)) {
      return refuse(401, 'missing or wrong cookie and key');
    }
    relayNeeded();
    endpoint.then(
      ({ backend, wss }) => upgrade(wss, backend, request, socket, head),
      () => socket.destroy(),
    );
  });

  /** Completes an admitted upgrade and hands the socket to the relay as a client. */
  function upgrade(
    clients: WebSocketServer,
    backend: Backend,
    request: IncomingMessage,
    socket: Duplex,
    head: Buffer,
  ): void {
    clients.handleUpgrade(request, socket, head, (ws) => {
      guard.authenticated(socket);
      const label = `ws ${request.socket.remoteAddress ?? '?'}:${request.socket.remotePort ?? '?'}`;
      backend.connectClient(
        new WsClientTransport(ws, label, undefined, (error) =>
          logger.warn('client sent a bad WebSocket frame; disconnected', {
            client: label,
            error: error.message.slice(0, 200),
          }),
        ),
      );
    });
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    get url() {
      return currentUrl();
    },
    close: () =>
      new Promise<void>((done) => {
        for (const ws of wss?.clients ?? []) ws.terminate();
        wss?.close();
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** The request's path and query, or undefined when they do not parse (e.g. `//[`). */
function requestUrl(request: IncomingMessage): URL | undefined {
  try {
    return new URL(request.url ?? '/', 'http://placeholder');
  } catch {
    return undefined;
  }
}

/** The answer to a request another site's page made (`request-site.ts`). */
const FOREIGN_REFUSAL =
  'Forbidden: pages of other sites may not use Periscope. ' +
  'Paste the URL Periscope printed into the address bar.';

function respond(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
  });
  response.end(text + '\n');
}

/** The default static directory: `renderer/` beside the bundled CLI (`dist/periscope.js`). */
export function defaultStaticDir(bundleDir: string): string {
  return join(bundleDir, 'renderer');
}
