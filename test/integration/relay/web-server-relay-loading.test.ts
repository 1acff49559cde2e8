/**
 * Web mode prints its URL before its relay is loaded (src-main/cli/main.ts): the server serves
 * the page while the relay is a promise, says when it is needed (the page and its start files
 * served, or a WebSocket upgrade), holds the page's WebSocket until the relay is ready, and
 * drops it when the relay failed to load. Real sockets, a real Backend, a real WebSocket client.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { silentLogger } from '../../../src-main/log/logger.js';
import { ProfileStore } from '../../../src-main/profiles/profile-store.js';
import { Backend } from '../../../src-main/backend/backend.js';
import { createClientToken } from '../../../src-main/web/client-token.js';
import { startWebServer, type WebServer } from '../../../src-main/web/web-server.js';
import { httpGet, pageUpgrade, signIn, tryUpgrade } from './web-http-kit.js';

const PAGE =
  '<!doctype html><title>Periscope</title>' +
  '<script type="module" crossorigin src="./assets/app.js"></script>' +
  '<link rel="stylesheet" crossorigin href="./assets/app.css">';

interface World {
  root: string;
  server: WebServer;
  token: string;
  /** How often the server said the relay is needed. */
  needed: () => number;
  /** Loads the relay (a Backend over a fresh data dir), or fails it. */
  settle: (how: 'load' | 'fail') => Promise<Backend | undefined>;
}

let world: World | undefined;
let backend: Backend | undefined;

afterEach(async () => {
  await backend?.close();
  await world?.server.close();
  if (world) await rm(world.root, { recursive: true, force: true });
  world = undefined;
  backend = undefined;
});

async function makeWorld(): Promise<World> {
  const root = await mkdtemp(join(tmpdir(), 'periscope-relay-loading-'));
  const staticDir = join(root, 'renderer');
  await mkdir(join(staticDir, 'assets'), { recursive: true });
  await writeFile(join(staticDir, 'index.html'), PAGE);
  await writeFile(join(staticDir, 'assets', 'app.js'), 'export {};');
  await writeFile(join(staticDir, 'assets', 'app.css'), 'body {}');
  let resolve: (relay: Backend) => void = () => undefined;
  let reject: (error: Error) => void = () => undefined;
  const relay = new Promise<Backend>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  let needed = 0;
  const token = createClientToken();
  const server = await startWebServer({
    relay,
    onRelayNeeded: () => needed++,
    staticDir,
    token,
    logger: silentLogger,
  });
  return {
    root,
    server,
    token,
    needed: () => needed,
    settle: async (how) => {
      if (how === 'fail') {
        reject(new Error('the data directory cannot be read'));
        return undefined;
      }
      const profileStore = await ProfileStore.open(join(root, 'data'), { logger: silentLogger });
      backend = new Backend({ profileStore, dataDir: join(root, 'data'), logger: silentLogger });
      resolve(backend);
      return backend;
    },
  };
}

describe('web server with a relay still to load', () => {
  it('serves the page at once, and needs the relay once the page and its start files are served', async () => {
    world = await makeWorld();
    const signedIn = await signIn(world.server.port, world.token);
    const headers = { Cookie: signedIn.cookie };
    const page = await httpGet(world.server.port, '/', headers);
    expect(page.status).toBe(200);
    expect(page.body).toContain('assets/app.js');
    expect(world.needed()).toBe(0);
    expect((await httpGet(world.server.port, '/assets/app.js', headers)).status).toBe(200);
    expect(world.needed()).toBe(0);
    expect((await httpGet(world.server.port, '/assets/app.css', headers)).status).toBe(200);
    expect(world.needed()).toBe(1);
  });

  it("holds the page's WebSocket until the relay is loaded, then speaks the client protocol", async () => {
    const w = (world = await makeWorld());
    const signedIn = await signIn(w.server.port, w.token);
    const { path, headers } = pageUpgrade(w.server.port, signedIn);
    const ws = new WebSocket(`ws://127.0.0.1:${w.server.port}${path}`, { headers });
    const events: string[] = [];
    ws.once('open', () => events.push('open'));
    // The upgrade itself says the relay is needed (a program with a bearer token loads no page).
    await expect.poll(() => w.needed()).toBe(1);
    expect(events).toEqual([]);
    await w.settle('load');
    await new Promise<void>((resolve) => ws.once('open', () => resolve()));
    const reply = new Promise<unknown>((resolve) =>
      ws.on('message', (data: Buffer) => {
        const message = JSON.parse(data.toString()) as { type: string };
        if (message.type === 'app-response') resolve(message);
      }),
    );
    ws.send(JSON.stringify({ type: 'app', id: 1, method: 'profiles.list', params: {} }));
    expect(await reply).toEqual({
      type: 'app-response',
      id: 1,
      ok: true,
      result: { profiles: [] },
    });
    ws.close();
  });

  it('drops WebSockets when the relay failed to load, and still serves the page', async () => {
    world = await makeWorld();
    const signedIn = await signIn(world.server.port, world.token);
    await world.settle('fail');
    const { path, headers } = pageUpgrade(world.server.port, signedIn);
    expect(await tryUpgrade(world.server.port, headers, path)).toBe(-1);
    expect((await httpGet(world.server.port, '/', { Cookie: signedIn.cookie })).status).toBe(200);
  });
});
