/**
 * Slowloris against web mode (issue 17, item 10): connections that send their headers a line at a
 * time, or nothing at all, were bounded only by the fd limit (Node's 60 s headers timeout, checked
 * every 30 s, and no cap). Now at most 64 connections without the token are open at once (the
 * longest-waiting one closed for each new one), each is closed once its headers take over 10 s,
 * and a browser with the token gets in meanwhile.
 */
import { connect, type Socket } from 'node:net';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { silentLogger } from '../../../src-main/log/logger.js';
import { ProfileStore } from '../../../src-main/profiles/profile-store.js';
import { createClientToken } from '../../../src-main/web/client-token.js';
import { Backend } from '../../../src-main/backend/backend.js';
import { startWebServer, type WebServer } from '../../../src-main/web/web-server.js';
import {
  CONNECTIONS_CHECK_INTERVAL_MS,
  HEADERS_TIMEOUT_MS,
  MAX_UNAUTHENTICATED_CONNECTIONS,
} from '../../../src-main/web/connection-guard.js';
import { httpGet, pageUpgrade, signIn } from './web-http-kit.js';

/** A slow client: the request line, then one header line every 500 ms, never the blank line. */
interface Slow {
  socket: Socket;
  openedAt: number;
  closedAt?: number;
}

function slowClient(port: number, silent: boolean): Promise<Slow> {
  return new Promise((resolve) => {
    const slow: Slow = { socket: connect(port, '127.0.0.1'), openedAt: Date.now() };
    let timer: NodeJS.Timeout | undefined;
    slow.socket.on('connect', () => {
      slow.openedAt = Date.now();
      if (!silent) {
        slow.socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`);
        timer = setInterval(() => slow.socket.write('X-Slow: still here\r\n'), 500);
      }
      resolve(slow);
    });
    slow.socket.on('error', () => undefined);
    slow.socket.on('data', () => undefined);
    slow.socket.on('close', () => {
      clearInterval(timer);
      slow.closedAt = Date.now();
      resolve(slow);
    });
  });
}

describe('web mode against slowloris', () => {
  let root: string;
  let server: WebServer;
  let relay: Backend;
  let token: string;
  const slow: Slow[] = [];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'periscope-slowloris-'));
    const staticDir = join(root, 'renderer');
    await mkdir(staticDir);
    await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>Periscope</title>');
    const profileStore = await ProfileStore.open(join(root, 'data'), { logger: silentLogger });
    relay = new Backend({ profileStore, dataDir: join(root, 'data'), logger: silentLogger });
    token = createClientToken();
    server = await startWebServer({ relay, staticDir, token, logger: silentLogger });
  });

  afterAll(async () => {
    for (const s of slow) s.socket.destroy();
    await relay.close();
    await server.close();
    await rm(root, { recursive: true, force: true });
  });

  it('keeps slow connections bounded in number and time, and lets the browser in', async () => {
    const port = server.port;
    for (let i = 0; i < 200; i++) slow.push(await slowClient(port, false));
    const silent = await slowClient(port, true);
    slow.push(silent);
    await new Promise((r) => setTimeout(r, 500));
    const openNow = slow.filter((s) => s.closedAt === undefined).length;
    expect(openNow).toBeLessThanOrEqual(MAX_UNAUTHENTICATED_CONNECTIONS);

    // A browser with the token gets in while the slow ones are held.
    const signedIn = await signIn(port, token);
    const page = await httpGet(port, '/', { Cookie: signedIn.cookie });
    expect(page.status).toBe(200);
    const upgrade = pageUpgrade(port, signedIn);
    const ws = new WebSocket(`ws://127.0.0.1:${port}${upgrade.path}`, { headers: upgrade.headers });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });

    // The rest are closed once their headers have taken too long, the silent one too.
    const bound = HEADERS_TIMEOUT_MS + CONNECTIONS_CHECK_INTERVAL_MS + 1500;
    const deadline = Date.now() + bound + 1000;
    while (slow.some((s) => s.closedAt === undefined) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    const lifetimes = slow.map((s) => (s.closedAt ?? Infinity) - s.openedAt);
    expect(Math.max(...lifetimes)).toBeLessThan(bound);
    expect((silent.closedAt ?? Infinity) - silent.openedAt).toBeGreaterThanOrEqual(
      HEADERS_TIMEOUT_MS - 100,
    );
    // The authenticated WebSocket was not touched.
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
    process.stdout.write(
      `slowloris: ${slow.length} slow connections, ${openNow} open at once, ` +
        `the last closed after ${Math.max(...lifetimes)} ms\n`,
    );
  });
});
