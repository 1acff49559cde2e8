/**
 * Web mode's sign-in as Chromium does it, against other web servers on this machine (issue 17,
 * items 8 and 9):
 * - a browser sends its cookies for 127.0.0.1 to every port of it, so another local web server
 *   the user visits receives what Periscope's sign-in stored — directly and after a cross-site
 *   redirect. Whatever it receives must open nothing, while the user's page, reloads and new tabs
 *   keep working;
 * - a page of another site loading eleven `<img src="http://127.0.0.1:<port>/?token=…">` must
 *   not lock the user out or replace the token.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test as base, expect, type Page } from '@playwright/test';
import WebSocket from 'ws';
import { startWebMode } from './fixtures.js';

/** Another local web server: records the `Cookie` headers it gets; serves a few pages. */
interface OtherServer {
  port: number;
  cookies: string[];
  close(): Promise<void>;
}

async function startOtherServer(periscopePort: number): Promise<OtherServer> {
  const cookies: string[] = [];
  const server: Server = createServer((request: IncomingMessage, response) => {
    if (request.headers.cookie) cookies.push(request.headers.cookie);
    const path = request.url ?? '/';
    if (path === '/bounce') {
      // A cross-site redirect: localhost → 127.0.0.1 (another site), still this server.
      response.writeHead(302, { Location: `http://127.0.0.1:${port}/landed` });
      response.end();
      return;
    }
    let body = '<!doctype html><title>Another local server</title><p>hello</p>';
    if (path === '/evil') {
      const images = Array.from(
        { length: 11 },
        (_, i) => `<img src="http://127.0.0.1:${periscopePort}/?token=guess-${i}">`,
      );
      body = `<!doctype html><title>Evil</title>${images.join('')}`;
    }
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    response.end(body);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    cookies,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** Tries a WebSocket upgrade to Periscope's client endpoint with `headers`. */
function tryUpgrade(port: number, headers: Record<string, string>): Promise<'open' | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/client`, { headers });
    ws.once('open', () => {
      ws.close();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', () => resolve(-1));
  });
}

async function expectConnected(page: Page): Promise<void> {
  await expect(page.getByText('Relay: connected')).toBeVisible();
}

base(
  'another local web server receives no credential that opens Periscope',
  async ({ page }, testInfo) => {
    const { web, stop } = await startWebMode(testInfo);
    const url = new URL(web.url);
    const port = Number(url.port);
    const token = url.searchParams.get('token') ?? '';
    const other = await startOtherServer(port);
    try {
      await page.goto(web.url);
      await expectConnected(page);
      // Neither the token nor the page's key is left in the address bar.
      expect(page.url()).toBe(`http://127.0.0.1:${port}/`);

      await page.goto(`http://127.0.0.1:${other.port}/`);
      await page.goto(`http://localhost:${other.port}/bounce`);
      await expect(page).toHaveURL(`http://127.0.0.1:${other.port}/landed`);
      // The browser did hand our cookie to the other server (cookies ignore ports)…
      expect(other.cookies.join('\n')).toContain(`-${port}=`);
      // …but it is not the token, and replayed with our Origin it opens no WebSocket.
      expect(other.cookies.join('\n')).not.toContain(token);
      for (const cookie of other.cookies) {
        expect(await tryUpgrade(port, { Origin: `http://127.0.0.1:${port}`, Cookie: cookie })).toBe(
          401,
        );
      }

      // The user's own page goes on: back on its address, reloaded, and in a new tab.
      await page.goto(`http://127.0.0.1:${port}/`);
      await expectConnected(page);
      await page.reload();
      await expectConnected(page);
      const tab = await page.context().newPage();
      await tab.goto(`http://127.0.0.1:${port}/`);
      await expectConnected(tab);
    } finally {
      await other.close();
      await stop();
    }
  },
);

base(
  'a page of another site cannot lock the user out with wrong tokens',
  async ({ page, browser }, testInfo) => {
    const { web, stop } = await startWebMode(testInfo);
    const port = Number(new URL(web.url).port);
    const other = await startOtherServer(port);
    try {
      await page.goto(`http://localhost:${other.port}/evil`);
      await page.waitForFunction(() => Array.from(document.images).every((img) => img.complete));
      // The user, in their own browser, opens the URL Periscope printed at start.
      const context = await browser.newContext();
      const user = await context.newPage();
      await user.goto(web.url);
      await expectConnected(user);
      expect(web.log()).not.toContain('too many wrong tokens');
      await context.close();
    } finally {
      await other.close();
      await stop();
    }
  },
);
