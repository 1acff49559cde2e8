/**
 * Helpers of the web-mode auth tests: one HTTP request or WebSocket upgrade over a real socket,
 * with exactly the headers given (a browser's Sec-Fetch-* and Origin are spelled out by the test),
 * and a Backend in a temporary directory with a one-file renderer to serve.
 */
import { request as httpRequest } from 'node:http';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { silentLogger } from '../../../src-main/log/logger.js';
import { ProfileStore } from '../../../src-main/profiles/profile-store.js';
import { Backend } from '../../../src-main/backend/backend.js';

/** One HTTP answer: status, headers and body text. */
export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** GETs `path` from 127.0.0.1:`port` with `Host: 127.0.0.1:port` unless `headers` say otherwise. */
export function httpGet(
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<HttpAnswer> {
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

/**
 * Tries a WebSocket upgrade at `path` (default `/client`); resolves with 'open' (and closes the
 * socket) or the HTTP status of the refusal (-1 when the connection failed otherwise).
 */
export function tryUpgrade(
  port: number,
  headers: Record<string, string>,
  path = '/client',
): Promise<'open' | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, { headers });
    ws.once('open', () => {
      ws.close();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    ws.once('error', () => resolve(-1));
  });
}

/** The `name=value` pairs of an answer's `Set-Cookie` headers, as a `Cookie` header sends them. */
export function cookiesOf(answer: HttpAnswer): string {
  const raw = answer.headers['set-cookie'];
  const lines = Array.isArray(raw) ? raw : raw ? [raw] : [];
  return lines.map((line) => line.split(';')[0]?.trim() ?? '').join('; ');
}

/** A Backend over a temporary data dir and a renderer dir with one `index.html`. */
export interface WebWorld {
  relay: Backend;
  staticDir: string;
  dispose(): Promise<void>;
}

/** Makes a {@link WebWorld}. */
export async function makeWebWorld(prefix: string): Promise<WebWorld> {
  const root = await mkdtemp(join(tmpdir(), prefix));
  const staticDir = join(root, 'renderer');
  await mkdir(staticDir);
  await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>Periscope</title>');
  const profileStore = await ProfileStore.open(join(root, 'data'), { logger: silentLogger });
  const relay = new Backend({ profileStore, dataDir: join(root, 'data'), logger: silentLogger });
  return {
    relay,
    staticDir,
    dispose: async () => {
      await relay.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Headers Chromium sends for `<img src>` from a page of another site (no Origin, no cookies). */
export const CROSS_SITE_IMAGE = {
  'Sec-Fetch-Site': 'cross-site',
  'Sec-Fetch-Mode': 'no-cors',
  'Sec-Fetch-Dest': 'image',
  Referer: 'http://evil.test/',
} as const;

/** Headers of a URL the user typed, pasted or opened from a terminal. */
export const USER_NAVIGATION = {
  'Sec-Fetch-Site': 'none',
  'Sec-Fetch-Mode': 'navigate',
  'Sec-Fetch-Dest': 'document',
  'Sec-Fetch-User': '?1',
} as const;

/** What a browser keeps after opening the token URL: the cookies set and the page's key. */
export interface SignedIn {
  /** The `Cookie` header the browser sends back to this origin. */
  cookie: string;
  /** The key handed to the page in the redirect's fragment (`#key=…`), or '' when none. */
  key: string;
  /** Where the redirect went (the `Location` header). */
  location: string;
}

/** Opens `/?token=<token>` as the user's browser does and keeps what it is given. */
export async function signIn(port: number, token: string): Promise<SignedIn> {
  const answer = await httpGet(port, `/?token=${encodeURIComponent(token)}`, USER_NAVIGATION);
  if (answer.status !== 302) throw new Error(`sign-in answered ${answer.status}: ${answer.body}`);
  const location = String(answer.headers.location ?? '');
  const hash = new URL(location, 'http://placeholder').hash;
  const key = new URLSearchParams(hash.slice(1)).get('key') ?? '';
  return { cookie: cookiesOf(answer), key, location };
}

/** The upgrade path and headers of the page of a {@link SignedIn} browser at `port`. */
export function pageUpgrade(
  port: number,
  signedIn: SignedIn,
): { path: string; headers: Record<string, string> } {
  return {
    path: signedIn.key ? `/client?key=${encodeURIComponent(signedIn.key)}` : '/client',
    headers: { Origin: `http://127.0.0.1:${port}`, Cookie: signedIn.cookie },
  };
}
