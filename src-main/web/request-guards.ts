/**
 * Checks on HTTP requests and WebSocket upgrades to the web-mode server, against DNS rebinding
 * and cross-site use (as Jupyter and Werkzeug's debugger guard theirs):
 * - `Host` must be a loopback name with the server's port (127.0.0.1, localhost, [::1]);
 * - a WebSocket upgrade's `Origin` must be the server's own origin (`http://<that host>`).
 *
 * What a request must carry besides is in `browser-credential.ts` and `token-lockout.ts`.
 */
import type { IncomingMessage } from 'node:http';
import { LOOPBACK_HOSTS } from '../../src-common/net.js';

/** Host names accepted in `Host` and `Origin`: loopback names only, as a URL spells them. */
const LOOPBACK_URL_HOSTS = new Set(LOOPBACK_HOSTS.map((h) => (h.includes(':') ? `[${h}]` : h)));

/**
 * True when the `Host` header names a loopback host at `port` (e.g. `127.0.0.1:8002`), or one of
 * `extraHosts` (exact, lower-case names or addresses; a headless relay bound to a public address).
 */
export function isAllowedHost(
  hostHeader: string | undefined,
  port: number,
  extraHosts: readonly string[] = [],
): boolean {
  if (!hostHeader) return false;
  const match = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(hostHeader.toLowerCase());
  if (!match) return false;
  const name = match[1] ?? '';
  const allowed =
    LOOPBACK_URL_HOSTS.has(name) ||
    extraHosts.some((h) => {
      const extra = h.toLowerCase();
      return name === extra || name === `[${extra}]`;
    });
  return allowed && Number(match[2]) === port;
}

/** True when `Origin` is exactly this server's own origin as reached through `Host`. */
export function isOwnOrigin(
  origin: string | undefined,
  hostHeader: string | undefined,
  port: number,
  extraHosts: readonly string[] = [],
): boolean {
  if (!origin || !isAllowedHost(hostHeader, port, extraHosts)) return false;
  return origin.toLowerCase() === `http://${(hostHeader ?? '').toLowerCase()}`;
}

/** Reads one cookie's value from a `Cookie` header, or undefined. */
export function readCookie(request: IncomingMessage, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
