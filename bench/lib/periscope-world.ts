/**
 * Periscope as a user runs it, for benchmarks: the relay and its web-mode client endpoint, a
 * profile, and the stepper program launched and stopped at its breakpoint, reached by a client
 * over the real WebSocket. Two ways to reach the program:
 * - `loopback`: debugpy started locally with the TCP_NODELAY hook, no SSH (isolates the relay);
 * - `ssh`: launched by the relay over a real sshd on 127.0.0.1 and a local forward (the product).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DapConnection } from '../../src-main/dap/dap-connection.js';
import { silentLogger } from '../../src-main/log/logger.js';
import { ProfileStore } from '../../src-main/profiles/profile-store.js';
import { createClientToken } from '../../src-main/web/client-token.js';
import { Backend } from '../../src-main/backend/backend.js';
import type { TracerStarter } from '../../src-main/tracer/launch-tracer.js';
import { startWebServer, type WebServer } from '../../src-main/web/web-server.js';
import type { TestSshd } from '../../test/harness/sshd.js';
import { startLocalDebugpy, type LocalDebugpy } from './local-debugpy.js';
import { WsRelayClient } from './ws-relay-client.js';

/** A running relay with a client attached to one stopped session. */
export interface PeriscopeWorld {
  client: WsRelayClient;
  sessionId: string;
  threadId: number;
  relay: Backend;
  server: WebServer;
  token: string;
  close(): Promise<void>;
}

/** Starts the relay; `sshd` given → launch over SSH, else a local hooked debugpy. */
export async function startPeriscope(
  program: string,
  args: string[],
  breakLine: number,
  sshd?: TestSshd,
  staticDir?: string,
): Promise<PeriscopeWorld> {
  const dir = await mkdtemp(join(tmpdir(), 'periscope-bench-'));
  const store = await ProfileStore.open(join(dir, 'data'), { logger: silentLogger });
  const locals: LocalDebugpy[] = [];
  const localStarter: TracerStarter = async () => {
    const debuggee = await startLocalDebugpy(program, args, true);
    locals.push(debuggee);
    const socket = connect({ host: '127.0.0.1', port: debuggee.port });
    socket.setNoDelay(true);
    await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const connection = new DapConnection(socket, { name: 'bench tracer', logger: silentLogger });
    return {
      link: { connection, dispose: async () => (connection.close('done'), debuggee.stop()) },
      onOutput: () => undefined,
      readFile: () => Promise.reject(new Error('not in benchmarks')),
    };
  };
  const knownHosts = join(dir, 'known_hosts');
  if (sshd) await writeFile(knownHosts, sshd.knownHostsLine() + '\n');
  const relay = new Backend({
    profileStore: store,
    dataDir: join(dir, 'data'),
    logger: silentLogger,
    knownHostsFiles: [knownHosts],
    ...(sshd ? {} : { startTracer: localStarter }),
  });
  const token = createClientToken();
  const server = await startWebServer({
    relay,
    staticDir: staticDir ?? join(dir, 'none'),
    token,
    logger: silentLogger,
  });
  const profile = await store.save({
    name: 'bench',
    host: sshd?.host ?? '127.0.0.1',
    port: sshd?.port ?? 22,
    user: sshd?.user ?? 'nobody',
    auth: { kind: 'key', keyPath: sshd?.userKeyPath ?? '/dev/null' },
    python: '/usr/bin/python3',
    cwd: '',
    pathMappings: [],
    justMyCode: true,
  });
  const client = await WsRelayClient.connect(server.port, token);
  const stoppedEvent = client.waitFor(
    (m) =>
      m.type === 'dap' &&
      m.message.type === 'event' &&
      (m.message as DebugProtocol.Event).event === 'stopped',
  );
  const { session } = await client.app('session.launch', {
    profileId: profile.id,
    target: { kind: 'file', path: program },
    args,
    cwd: '',
    breakpoints: [{ path: program, breakpoints: [{ line: breakLine }] }],
  });
  const stopped = ((await stoppedEvent) as { message: DebugProtocol.StoppedEvent }).message;
  return {
    client,
    sessionId: session.id,
    threadId: stopped.body.threadId ?? 0,
    relay,
    server,
    token,
    close: async () => {
      client.close();
      await relay.close();
      await server.close();
      for (const local of locals) await local.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Opens the UI in a new page (of `browser`, or of a context made by the caller) at the world's token URL, joins its session from the Sessions panel
 * and waits until the stopped line is painted.
 */
export async function openStoppedSession(
  browser: Browser | BrowserContext,
  world: PeriscopeWorld,
): Promise<Page> {
  const page =
    'newContext' in browser
      ? await browser.newPage({ viewport: { width: 1440, height: 900 } })
      : await browser.newPage();
  await page.goto(`http://127.0.0.1:${world.server.port}/?token=${world.token}`);
  await page.getByRole('list', { name: 'Sessions' }).getByRole('button').first().click();
  await page.locator('[data-testid="source-view"] .cm-line.ps-current-line').waitFor();
  return page;
}
