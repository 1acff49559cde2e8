/**
 * The client endpoint's lockout after repeated wrong tokens (as Werkzeug's PIN): locked for
 * everyone for a while, token rotated and the new URL handed out; plus the non-loopback bind rule.
 */
import { request as httpRequest } from 'node:http';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { silentLogger } from '../../../src-main/log/logger.js';
import { ProfileStore } from '../../../src-main/profiles/profile-store.js';
import { createClientToken } from '../../../src-main/web/client-token.js';
import { Backend } from '../../../src-main/backend/backend.js';
import { startWebServer, type WebServer } from '../../../src-main/web/web-server.js';

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path, headers: { Host: `127.0.0.1:${port}`, ...headers } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function upgrade(port: number, cookie: string): Promise<'open' | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/client`, {
      headers: { Origin: `http://127.0.0.1:${port}`, Cookie: cookie },
    });
    ws.once('open', () => {
      ws.close();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', () => resolve(-1));
  });
}

describe('web server token lockout', () => {
  let root: string;
  let relay: Backend;
  let server: WebServer | undefined;
  let staticDir: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'periscope-lockout-'));
    staticDir = join(root, 'renderer');
    await mkdir(staticDir);
    await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>Periscope</title>');
    const profileStore = await ProfileStore.open(join(root, 'data'), { logger: silentLogger });
    relay = new Backend({ profileStore, dataDir: join(root, 'data'), logger: silentLogger });
  });

  afterEach(async () => {
    await relay.close();
    await server?.close();
    server = undefined;
    await rm(root, { recursive: true, force: true });
  });

  it('locks the endpoint after repeated wrong tokens and rotates the token', async () => {
    const token = createClientToken();
    const rotated: string[] = [];
    server = await startWebServer({
      relay,
      staticDir,
      token,
      logger: silentLogger,
      lockout: { maxBadTokens: 3, lockMs: 600 },
      onTokenRotated: (url) => rotated.push(url),
    });
    const port = server.port;
    const cookieOf = (t: string): string => `periscope-token-${port}=${t}`;
    expect(await get(port, '/?token=wrong1')).toBe(401);
    expect(await upgrade(port, cookieOf('wrong2'))).toBe(401);
    expect(rotated).toEqual([]);
    expect(await get(port, '/', { Cookie: cookieOf('wrong3') })).toBe(401);
    // Third wrong token: locked for everyone, even with the right (old) token.
    expect(rotated).toHaveLength(1);
    expect(await get(port, `/?token=${token}`)).toBe(429);
    expect(await upgrade(port, cookieOf(token))).toBe(429);
    const newToken = new URL(rotated[0] ?? '').searchParams.get('token') ?? '';
    expect(newToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newToken).not.toBe(token);
    expect(server.url).toBe(rotated[0]);
    // After the lock, the old token is worthless and the new one works.
    await new Promise((r) => setTimeout(r, 700));
    expect(await get(port, '/', { Cookie: cookieOf(token) })).toBe(401);
    expect(await get(port, '/', { Cookie: cookieOf(newToken) })).toBe(200);
    expect(await upgrade(port, cookieOf(newToken))).toBe('open');
  });

  it('a right token resets the count of wrong ones', async () => {
    const token = createClientToken();
    server = await startWebServer({
      relay,
      staticDir,
      token,
      logger: silentLogger,
      lockout: { maxBadTokens: 2, lockMs: 60_000 },
    });
    const port = server.port;
    expect(await get(port, '/?token=wrong')).toBe(401);
    expect(await get(port, `/?token=${token}`)).toBe(302);
    expect(await get(port, '/?token=wrong')).toBe(401);
    expect(await get(port, `/?token=${token}`)).toBe(302);
  });

  it('refuses a non-loopback bind unless allowed', async () => {
    await expect(
      startWebServer({ relay, staticDir, token: 't', logger: silentLogger, host: '0.0.0.0' }),
    ).rejects.toThrow(/loopback only; refusing to bind 0\.0\.0\.0/);
  });
});
