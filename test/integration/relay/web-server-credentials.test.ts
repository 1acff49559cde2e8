/**
 * Issue 17, item 9: a browser sends its cookies for 127.0.0.1 to every port of 127.0.0.1, so any
 * other web server on this machine the user visits receives them. Whatever web mode stores in a
 * cookie must therefore be worthless to whoever receives it: here, another server's view — the
 * exact cookies our sign-in set, replayed with our own Host and Origin over a real WebSocket —
 * must not open the client endpoint, and must not contain the token.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src-main/log/logger.js';
import { createClientToken } from '../../../src-main/web/client-token.js';
import { startWebServer, type WebServer } from '../../../src-main/web/web-server.js';
import {
  httpGet,
  makeWebWorld,
  pageUpgrade,
  signIn,
  tryUpgrade,
  USER_NAVIGATION,
  type SignedIn,
  type WebWorld,
} from './web-http-kit.js';

describe('web mode credentials', () => {
  let world: WebWorld;
  let server: WebServer;
  let token: string;
  let port: number;
  let signedIn: SignedIn;

  beforeAll(async () => {
    world = await makeWebWorld('periscope-credentials-');
    token = createClientToken();
    server = await startWebServer({
      relay: world.relay,
      staticDir: world.staticDir,
      token,
      logger: silentLogger,
    });
    port = server.port;
    signedIn = await signIn(port, token);
  });

  afterAll(async () => {
    await server.close();
    await world.dispose();
  });

  const ownOrigin = (): string => `http://127.0.0.1:${port}`;

  it('keeps the token out of every cookie', () => {
    expect(signedIn.cookie).not.toBe('');
    expect(signedIn.cookie).not.toContain(token);
  });

  it('the cookies alone, replayed by another server with our Host and Origin, open no WebSocket', async () => {
    expect(await tryUpgrade(port, { Origin: ownOrigin(), Cookie: signedIn.cookie })).toBe(401);
    // Nor does any cookie value used as the token, or as the page's key.
    for (const pair of signedIn.cookie.split('; ')) {
      const value = pair.slice(pair.indexOf('=') + 1);
      expect((await httpGet(port, `/?token=${value}`, USER_NAVIGATION)).status).toBe(401);
      expect(
        await tryUpgrade(port, { Origin: ownOrigin(), Authorization: `Bearer ${value}` }),
      ).toBe(401);
      expect(
        await tryUpgrade(
          port,
          { Origin: ownOrigin(), Cookie: signedIn.cookie },
          `/client?key=${encodeURIComponent(value)}`,
        ),
      ).toBe(401);
    }
  });

  it('the page, holding the cookie and the key from the redirect fragment, connects', async () => {
    expect(signedIn.location).toMatch(/^\/#key=[A-Za-z0-9_-]{43}$/);
    expect(signedIn.key).not.toContain(token);
    const { path, headers } = pageUpgrade(port, signedIn);
    expect(await tryUpgrade(port, headers, path)).toBe('open');
    // The key is bound to our origin: from another page, or without the cookie, it is refused.
    expect(await tryUpgrade(port, { ...headers, Origin: 'http://127.0.0.1:1' }, path)).toBe(403);
    expect(await tryUpgrade(port, { Origin: ownOrigin() }, path)).toBe(401);
  });

  it('a program holding the token connects with it as a bearer token', async () => {
    expect(await tryUpgrade(port, { Origin: ownOrigin(), Authorization: `Bearer ${token}` })).toBe(
      'open',
    );
    expect(await tryUpgrade(port, { Origin: ownOrigin(), Authorization: 'Bearer nope' })).toBe(401);
  });

  it("the cookie alone fetches only the renderer files, and not for another site's page", async () => {
    expect((await httpGet(port, '/', { Cookie: signedIn.cookie })).status).toBe(200);
    expect((await httpGet(port, '/')).status).toBe(401);
    // `<script src="http://127.0.0.1:<port>/…">` on a page at another port: the browser sends
    // the cookie (same-site), the server refuses it as foreign.
    const probe = await httpGet(port, '/index.html', {
      Cookie: signedIn.cookie,
      'Sec-Fetch-Site': 'same-site',
      'Sec-Fetch-Mode': 'no-cors',
      'Sec-Fetch-Dest': 'script',
    });
    expect(probe.status).toBe(403);
    expect(
      (await httpGet(port, '/', { Cookie: signedIn.cookie, 'Sec-Fetch-Site': 'same-origin' }))
        .status,
    ).toBe(200);
  });

  it('answers an upgrade or request whose target does not parse, and stays up', async () => {
    for (const line of ['GET //[ HTTP/1.1', 'GET //[/client?key=x HTTP/1.1']) {
      for (const upgrade of [true, false]) {
        const socket = connect(port, '127.0.0.1');
        socket.on('error', () => undefined);
        const head = new Promise<string>((done) => {
          let text = '';
          socket.on('data', (d: Buffer) => (text += d.toString()));
          socket.on('close', () => done(text));
        });
        const upgradeHeaders = upgrade
          ? ['Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Version: 13']
          : ['Connection: close'];
        socket.end(
          [
            line,
            `Host: 127.0.0.1:${port}`,
            ...upgradeHeaders,
            'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
            `Origin: ${ownOrigin()}`,
            '',
            '',
          ].join('\r\n'),
        );
        expect(await head).toMatch(/^HTTP\/1\.1 (400|404)/);
      }
    }
    expect((await httpGet(port, '/', { Cookie: signedIn.cookie })).status).toBe(200);
  });
});
