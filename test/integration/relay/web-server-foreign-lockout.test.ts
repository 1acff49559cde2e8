/**
 * Issue 17, item 8: a page of another site must not be able to lock the user out. Eleven
 * `<img src="http://127.0.0.1:7821/?token=…">` used to give 429 to everyone for a minute and
 * rotate the token. Here: real HTTP and WebSocket requests with the headers a browser sends for
 * such loads, against the real web server; then the user's own URL and signed-in page must work.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src-main/log/logger.js';
import { createClientToken } from '../../../src-main/web/client-token.js';
import { startWebServer, type WebServer } from '../../../src-main/web/web-server.js';
import {
  CROSS_SITE_IMAGE,
  USER_NAVIGATION,
  httpGet,
  makeWebWorld,
  pageUpgrade,
  signIn,
  tryUpgrade,
  type WebWorld,
} from './web-http-kit.js';

describe('wrong tokens from other sites', () => {
  let world: WebWorld;
  let server: WebServer | undefined;
  let token: string;
  let rotated: string[];

  beforeEach(async () => {
    world = await makeWebWorld('periscope-foreign-');
    token = createClientToken();
    rotated = [];
    server = await startWebServer({
      relay: world.relay,
      staticDir: world.staticDir,
      token,
      logger: silentLogger,
      lockout: { maxBadTokens: 10, lockMs: 60_000 },
      onTokenRotated: (url) => rotated.push(url),
    });
  });

  afterEach(async () => {
    await server?.close();
    server = undefined;
    await world.dispose();
  });

  it('11 cross-site image loads with wrong tokens are refused, not counted, and rotate nothing', async () => {
    const port = server?.port ?? 0;
    const before = server?.url;
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++)
      statuses.push((await httpGet(port, `/?token=guess-${i}`, CROSS_SITE_IMAGE)).status);
    expect(rotated).toEqual([]);
    expect(server?.url).toBe(before);
    // The user's own URL still works, and so does the page it opens.
    const signedIn = await signIn(port, token);
    expect((await httpGet(port, '/', { Cookie: signedIn.cookie })).status).toBe(200);
    const { path, headers } = pageUpgrade(port, signedIn);
    expect(await tryUpgrade(port, headers, path)).toBe('open');
    // Each was refused as cross-site, without looking at the token.
    expect(statuses).toEqual(Array<number>(11).fill(403));
  });

  it('nor do a foreign Origin, another local port (same-site) or cross-site navigations', async () => {
    const port = server?.port ?? 0;
    const foreign: Record<string, string>[] = [
      { Origin: 'http://evil.test', 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'cors' },
      // A page on another port of 127.0.0.1 is "same-site" (sites ignore ports) but not ours.
      { 'Sec-Fetch-Site': 'same-site', 'Sec-Fetch-Mode': 'no-cors', 'Sec-Fetch-Dest': 'image' },
      { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'navigate', 'Sec-Fetch-Dest': 'iframe' },
      {
        'Sec-Fetch-Site': 'cross-site',
        'Sec-Fetch-Mode': 'navigate',
        'Sec-Fetch-Dest': 'document',
      },
      // Origin alone (an older browser's cross-origin fetch or form) is enough to tell.
      { Origin: `http://127.0.0.1:${port + 1}` },
    ];
    for (let round = 0; round < 3; round++) {
      for (const headers of foreign) {
        const answer = await httpGet(port, `/?token=guess-${round}`, headers);
        expect(answer.status, JSON.stringify(headers)).toBe(403);
      }
    }
    // A WebSocket from a foreign page: refused on its Origin, before any token is looked at.
    for (let i = 0; i < 12; i++) {
      expect(
        await tryUpgrade(port, {
          Origin: 'http://evil.test',
          Authorization: `Bearer guess-${i}`,
          Cookie: `periscope-token-${port}=guess-${i}`,
        }),
      ).toBe(403);
    }
    expect(rotated).toEqual([]);
    const signedIn = await signIn(port, token);
    expect(signedIn.location.startsWith('/')).toBe(true);
  });

  it('the token itself is accepted only from the user, never from a page of another site', async () => {
    const port = server?.port ?? 0;
    // A link on another site (a web chat): refused, with a word on what to do instead.
    const link = await httpGet(port, `/?token=${token}`, {
      'Sec-Fetch-Site': 'cross-site',
      'Sec-Fetch-Mode': 'navigate',
      'Sec-Fetch-Dest': 'document',
      'Sec-Fetch-User': '?1',
    });
    expect(link.status).toBe(403);
    expect(link.body).toContain('address bar');
    expect((await httpGet(port, `/?token=${token}`, CROSS_SITE_IMAGE)).status).toBe(403);
    expect((await httpGet(port, `/?token=${token}`, USER_NAVIGATION)).status).toBe(302);
  });
});

describe('wrong tokens from this machine (no browser, or the user mistyping)', () => {
  let world: WebWorld;
  let server: WebServer | undefined;

  beforeEach(async () => {
    world = await makeWebWorld('periscope-local-lockout-');
  });

  afterEach(async () => {
    await server?.close();
    server = undefined;
    await world.dispose();
  });

  it('rotate the token once, hand out the new URL, which works at once; signed-in pages go on', async () => {
    const token = createClientToken();
    const rotated: string[] = [];
    server = await startWebServer({
      relay: world.relay,
      staticDir: world.staticDir,
      token,
      logger: silentLogger,
      lockout: { maxBadTokens: 3, lockMs: 60_000 },
      onTokenRotated: (url) => rotated.push(url),
    });
    const port = server.port;
    const signedIn = await signIn(port, token);
    expect((await httpGet(port, '/?token=wrong1')).status).toBe(401);
    expect((await httpGet(port, '/?token=wrong2', USER_NAVIGATION)).status).toBe(401);
    expect(rotated).toEqual([]);
    expect((await httpGet(port, '/?token=wrong3')).status).toBe(401);
    expect(rotated).toHaveLength(1);
    const newToken = new URL(rotated[0] ?? '').searchParams.get('token') ?? '';
    expect(newToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newToken).not.toBe(token);
    expect(server.url).toBe(rotated[0]);
    // While the lock lasts, wrong tokens get 429 and rotate nothing more.
    for (let i = 0; i < 10; i++) expect((await httpGet(port, `/?token=more${i}`)).status).toBe(429);
    expect(rotated).toHaveLength(1);
    // The old token is worthless; the new URL works right away.
    expect((await httpGet(port, `/?token=${token}`, USER_NAVIGATION)).status).toBe(429);
    expect((await httpGet(port, `/?token=${newToken}`, USER_NAVIGATION)).status).toBe(302);
    // The page the user had open keeps working: its files and its WebSocket.
    expect((await httpGet(port, '/', { Cookie: signedIn.cookie })).status).toBe(200);
    const { path, headers } = pageUpgrade(port, signedIn);
    expect(await tryUpgrade(port, headers, path)).toBe('open');
  });

  it('a right token resets the count of wrong ones', async () => {
    const token = createClientToken();
    const rotated: string[] = [];
    server = await startWebServer({
      relay: world.relay,
      staticDir: world.staticDir,
      token,
      logger: silentLogger,
      lockout: { maxBadTokens: 2, lockMs: 60_000 },
      onTokenRotated: (url) => rotated.push(url),
    });
    const port = server.port;
    expect((await httpGet(port, '/?token=wrong')).status).toBe(401);
    expect((await httpGet(port, `/?token=${token}`)).status).toBe(302);
    expect((await httpGet(port, '/?token=wrong')).status).toBe(401);
    expect((await httpGet(port, `/?token=${token}`)).status).toBe(302);
    expect(rotated).toEqual([]);
  });
});
