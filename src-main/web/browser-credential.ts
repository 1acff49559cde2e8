/**
 * What a browser holds after opening web mode's token URL, chosen so that no other web server on
 * this machine can receive anything that opens the client endpoint.
 *
 * The problem: a browser sends its cookies for 127.0.0.1 to every port of 127.0.0.1 (cookies
 * ignore ports; SameSite does too, as a site is scheme + host). A cookie holding the token went
 * to any local web server the user visited, which could then replay it against us.
 *
 * The design: opening `/?token=<token>` is answered with a redirect that sets a cookie and puts a
 * key in the URL's fragment, and the token is never stored by the browser:
 * - the **cookie** (`periscope-session-<port>`, HttpOnly, SameSite=Strict) holds a random value,
 *   not the token; it lets the browser load the renderer's files (public code, no data) and is
 *   one half of the WebSocket's credential. Another local server may well receive it: alone it
 *   opens nothing.
 * - the **key**, 256 random bits, travels in the redirect's fragment (`/#key=…`), which browsers
 *   never send to any server. The page moves it into its origin's `localStorage` (per
 *   scheme + host + port, so no other port can read it) and drops it from the address bar; it
 *   sends it with the WebSocket upgrade (`/client?key=…`). No cookie ever carries it.
 * - the upgrade is accepted with the cookie **and** the key **and** our own `Origin` (checked by
 *   the server before this). A program holding the token may instead send
 *   `Authorization: Bearer <token>` (browsers never send that header by themselves).
 *
 * Both values are made once per server start, apart from the token, so when the token is rotated
 * (`token-lockout.ts`) pages already open keep working. Neither is counted as a guess when wrong:
 * a page left open from an earlier run offers stale ones, and both are 256-bit random.
 */
import type { IncomingMessage } from 'node:http';
import { createClientToken, tokenMatches } from './client-token.js';
import { readCookie } from './request-guards.js';

/** Name of the browser's cookie at `port`; per port, so two servers don't clobber each other. */
export function sessionCookieName(port: number): string {
  return `periscope-session-${port}`;
}

/** Name of the upgrade URL's query parameter and of the redirect fragment's field. */
export const KEY_PARAMETER = 'key';

/** See the module comment. One per server start. */
export class BrowserCredential {
  private readonly cookieValue = createClientToken();
  private readonly key = createClientToken();

  /** @param port the server's port (names the cookie), once it listens. */
  constructor(private readonly port: () => number) {}

  /** The `Set-Cookie` header value of the sign-in redirect. */
  setCookieHeader(): string {
    return `${sessionCookieName(this.port())}=${this.cookieValue}; HttpOnly; SameSite=Strict; Path=/`;
  }

  /** The sign-in redirect's `Location`: `pathname` with the key in its fragment. */
  redirectTo(pathname: string): string {
    return `${pathname}#${KEY_PARAMETER}=${this.key}`;
  }

  /** True when `request` carries our cookie (enough for the renderer's files only). */
  hasCookie(request: IncomingMessage): boolean {
    return tokenMatches(this.cookieValue, readCookie(request, sessionCookieName(this.port())));
  }

  /**
   * True when an upgrade carries both halves: our cookie and the key in its URL's query
   * (`url`, the parsed request URL). The caller checks Host and Origin first.
   */
  admitsUpgrade(request: IncomingMessage, url: URL): boolean {
    const keyMatches = tokenMatches(this.key, url.searchParams.get(KEY_PARAMETER));
    return this.hasCookie(request) && keyMatches;
  }
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  const match = /^Bearer ([A-Za-z0-9_-]+)$/.exec(header ?? '');
  return match?.[1];
}
