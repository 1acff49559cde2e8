/**
 * Web mode's HTTP server and client endpoint, over real sockets and a real WebSocket client:
 * token exchange for a cookie and a key, 401 without them, 403 for foreign Host/Origin, no token in
 * logs, loopback-only binding.
 */
import { request as httpRequest } from 'node:http';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { HEADER_CSP } from '../../../src-common/content-security-policy.js';
import { createLogger } from '../../../src-main/log/logger.js';
import { ProfileStore } from '../../../src-main/profiles/profile-store.js';
import { createClientToken } from '../../../src-main/web/client-token.js';
import { Backend } from '../../../src-main/backend/backend.js';
import { startWebServer, type WebServer } from '../../../src-main/web/web-server.js';
import { silentLogger } from '../../../src-main/log/logger.js';
import { pageUpgrade, signIn, type SignedIn } from './web-http-kit.js';

interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path, headers: { Host: `127.0.0.1:${port}`, ...headers } },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Tries a WebSocket upgrade; resolves with 'open' or the HTTP status of the refusal. */
function upgrade(
  port: number,
  headers: Record<string, string>,
  path = '/client',
): Promise<{ outcome: 'open' | number; ws?: WebSocket }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, { headers });
    ws.once('open', () => resolve({ outcome: 'open', ws }));
    ws.once('unexpected-response', (_req, res) => resolve({ outcome: res.statusCode ?? 0 }));
    ws.once('error', () => resolve({ outcome: -1 }));
  });
}

describe('web mode server', () => {
  let root: string;
  let server: WebServer;
  let relay: Backend;
  let token: string;
  let signedIn: SignedIn;
  const logLines: string[] = [];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'periscope-web-'));
    const staticDir = join(root, 'renderer');
    await mkdir(staticDir);
    await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>Periscope</title>');
    await writeFile(join(root, 'secret.txt'), 'outside the static dir');
    const logger = createLogger(
      'test',
      (level, scope, message, fields) =>
        logLines.push(`${level} ${scope} ${message} ${JSON.stringify(fields ?? {})}`),
      'debug',
    );
    const profileStore = await ProfileStore.open(join(root, 'data'), { logger });
    relay = new Backend({ profileStore, dataDir: join(root, 'data'), logger });
    token = createClientToken();
    server = await startWebServer({ relay, staticDir, token, logger });
    signedIn = await signIn(server.port, token);
  });

  afterAll(async () => {
    await relay.close();
    await server.close();
    await rm(root, { recursive: true, force: true });
  });

  const cookie = (): string => signedIn.cookie;
  const origin = (): string => `http://127.0.0.1:${server.port}`;

  it('prints a loopback URL carrying the token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${token}`);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('answers 401 without the token, for the page and any other path', async () => {
    expect((await get(server.port, '/')).status).toBe(401);
    expect((await get(server.port, '/index.html')).status).toBe(401);
    expect((await get(server.port, '/?token=wrong')).status).toBe(401);
    expect(
      (await get(server.port, '/', { Cookie: `periscope-session-${server.port}=wrong` })).status,
    ).toBe(401);
  });

  it('exchanges the token for an HttpOnly SameSite=Strict cookie and a key, and drops it from the address bar', async () => {
    const res = await get(server.port, `/?token=${token}`);
    expect(res.status).toBe(302);
    expect(res.headers.location).toMatch(/^\/#key=[A-Za-z0-9_-]{43}$/);
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(new RegExp(`^periscope-session-${server.port}=[A-Za-z0-9_-]{43};`));
    expect(setCookie).not.toContain(token);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    const page = await get(server.port, '/', { Cookie: cookie() });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Periscope</title>');
    expect(page.headers['content-security-policy']).toBe(HEADER_CSP);
  });

  it('refuses a Host that is not a loopback name at its port (DNS rebinding)', async () => {
    for (const host of [
      'evil.test',
      `evil.test:${server.port}`,
      `127.0.0.1:1`,
      `localhost6:${server.port}`,
      `127.1:${server.port}`,
      `0177.0.0.1:${server.port}`,
    ]) {
      expect((await get(server.port, `/?token=${token}`, { Host: host })).status, host).toBe(403);
    }
  });

  it('does not serve files outside the renderer directory', async () => {
    const res = await get(server.port, '/../secret.txt', { Cookie: cookie() });
    expect(res.status).toBe(404);
    const encoded = await get(server.port, '/%2e%2e/secret.txt', { Cookie: cookie() });
    expect(encoded.status).toBe(404);
  });

  it('refuses WebSocket upgrades without the credential (401) or from another origin or host (403)', async () => {
    const path = pageUpgrade(server.port, signedIn).path;
    expect((await upgrade(server.port, { Origin: origin() })).outcome).toBe(401);
    expect((await upgrade(server.port, { Origin: origin() }, path)).outcome).toBe(401);
    expect(
      (await upgrade(server.port, { Origin: 'http://evil.test', Cookie: cookie() }, path)).outcome,
    ).toBe(403);
    expect((await upgrade(server.port, { Cookie: cookie() }, path)).outcome).toBe(403);
    expect(
      (
        await upgrade(
          server.port,
          { Origin: `http://localhost6:${server.port}`, Cookie: cookie() },
          path,
        )
      ).outcome,
    ).toBe(403);
    expect(
      (
        await upgrade(
          server.port,
          {
            Host: `evil.test:${server.port}`,
            Origin: `http://evil.test:${server.port}`,
            Cookie: cookie(),
          },
          path,
        )
      ).outcome,
    ).toBe(403);
  });

  it('accepts a WebSocket with the cookie, the key and its own origin, and speaks the client protocol', async () => {
    const page = pageUpgrade(server.port, signedIn);
    const { outcome, ws } = await upgrade(server.port, page.headers, page.path);
    expect(outcome).toBe('open');
    const reply = new Promise<unknown>((resolve) =>
      ws?.once('message', (data: Buffer) => resolve(JSON.parse(data.toString()))),
    );
    ws?.send(JSON.stringify({ type: 'app', id: 1, method: 'profiles.list', params: {} }));
    expect(await reply).toEqual({
      type: 'app-response',
      id: 1,
      ok: true,
      result: { profiles: [] },
    });
    const bad = new Promise<unknown>((resolve) =>
      ws?.once('message', (data: Buffer) => resolve(JSON.parse(data.toString()))),
    );
    ws?.send('{"type":"app","id":2,"method":"profiles.delete","params":{}}');
    expect(await bad).toMatchObject({
      type: 'app-response',
      id: 2,
      ok: false,
      error: { code: 'invalid-message' },
    });
    ws?.close();
  });

  it('refuses a non-loopback bind unless allowed', async () => {
    await expect(
      startWebServer({ relay, staticDir: root, token: 't', logger: silentLogger, host: '0.0.0.0' }),
    ).rejects.toThrow(/loopback only; refusing to bind 0\.0\.0\.0/);
  });

  it('never writes the token to its logs', () => {
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.join('\n')).not.toContain(token);
  });
});
