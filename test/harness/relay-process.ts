/**
 * `periscope relay` as a separate process, the way a server runs it: the CLI bundled with esbuild
 * (as `scripts/build-main.mjs` does), started on free ports, its printed tracer port and web-UI
 * URL read from stdout, its log (stderr) kept. Tests of hostile input use it to see that the
 * process survives and logs no bug; `connectClient` opens an authenticated WebSocket client.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import WebSocket from 'ws';

/** The bundled CLI and a static directory with a stub page. `dispose` removes both. */
export interface BuiltCli {
  cli: string;
  staticDir: string;
  dispose(): Promise<void>;
}

/** Bundles `src-main/cli/main.ts` into a temporary directory inside the checkout. */
export async function buildCli(): Promise<BuiltCli> {
  await mkdir(resolve('node_modules/.cache'), { recursive: true });
  const bundleDir = await mkdtemp(resolve('node_modules/.cache/periscope-cli-'));
  const cli = join(bundleDir, 'periscope.js');
  await esbuild.build({
    entryPoints: [resolve('src-main/cli/main.ts')],
    outfile: cli,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    loader: { '.py': 'text' },
    logLevel: 'silent',
    absWorkingDir: resolve('.'),
  });
  const staticDir = join(bundleDir, 'renderer');
  await mkdir(staticDir);
  await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>Periscope</title>');
  return { cli, staticDir, dispose: () => rm(bundleDir, { recursive: true, force: true }) };
}

/** A running `periscope relay`. */
export interface RelayProcess {
  child: ChildProcess;
  tracerPort: number;
  clientPort: number;
  token: string;
  /** Everything it wrote to stderr (its log) so far. */
  log(): string;
  /** True while the process runs. */
  alive(): boolean;
  /** Opens an authenticated client WebSocket (resolves once open). */
  connectClient(): Promise<AppSocket>;
  /** SIGTERM, then SIGKILL after 5 s; removes the data directory. */
  stop(): Promise<void>;
}

/**
 * Starts `periscope relay` on free loopback ports with `args` added (e.g. `--log-level warn`),
 * and `nodeArgs` given to Node itself (e.g. `--max-old-space-size=256`).
 */
export async function startRelayProcess(
  built: BuiltCli,
  args: string[] = [],
  nodeArgs: string[] = [],
): Promise<RelayProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), 'periscope-relay-proc-'));
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs,
      built.cli,
      'relay',
      '--tracer-port',
      '0',
      '--client-port',
      '0',
      '--data-dir',
      dataDir,
      '--static-dir',
      built.staticDir,
      ...args,
    ],
    { cwd: resolve('.'), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => {
    // Keep the tail only: a hostile run may log a lot.
    err = (err + d.toString()).slice(-4_000_000);
  });
  const deadline = Date.now() + 15_000;
  let tracer: RegExpExecArray | null = null;
  let url: RegExpExecArray | null = null;
  while (!tracer || !url) {
    if (child.exitCode !== null) throw new Error(`relay exited at start: ${err}`);
    if (Date.now() > deadline) throw new Error(`relay did not start: ${out} ${err}`);
    await new Promise((r) => setTimeout(r, 25));
    tracer = /tracer port: 127\.0\.0\.1:(\d+)/.exec(out);
    url = /web UI: (\S+)/.exec(out);
  }
  const parsed = new URL(url[1] ?? '');
  const clientPort = Number(parsed.port);
  const token = parsed.searchParams.get('token') ?? '';
  return {
    child,
    tracerPort: Number(tracer[1]),
    clientPort,
    token,
    log: () => err,
    alive: () => child.exitCode === null && child.signalCode === null,
    connectClient: () => AppSocket.open(clientPort, token),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The WebSocket handshake headers of an authenticated client of the relay at `port`: a program
 * holding the token sends it as a bearer token (a browser signs in instead, see
 * `src-main/web/browser-credential.ts`).
 */
export function clientHeaders(port: number, token: string): Record<string, string> {
  return {
    Origin: `http://127.0.0.1:${port}`,
    Authorization: `Bearer ${token}`,
  };
}

/** A client-protocol WebSocket with `app()` and `dap()` helpers that await the answer. */
export class AppSocket {
  readonly received: Record<string, unknown>[] = [];
  private nextId = 1;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      try {
        this.received.push(JSON.parse(data.toString()) as Record<string, unknown>);
      } catch {
        // not ours to judge here
      }
    });
  }

  /** Opens a client at `port` with `token`. */
  static open(port: number, token: string): Promise<AppSocket> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/client`, {
      headers: clientHeaders(port, token),
    });
    return new Promise((done, fail) => {
      ws.once('open', () => done(new AppSocket(ws)));
      ws.once('error', fail);
    });
  }

  /** Calls an app method; resolves with the whole response. */
  async app(
    method: string,
    params: unknown = {},
    timeoutMs = 10_000,
  ): Promise<{ ok: boolean; result?: unknown; error?: { message: string } }> {
    const id = this.nextId++;
    this.ws.send(JSON.stringify({ type: 'app', id, method, params }));
    const reply = await this.waitFor((m) => m.type === 'app-response' && m.id === id, timeoutMs);
    return reply as { ok: boolean; result?: unknown; error?: { message: string } };
  }

  /** Sends a DAP request to a session; resolves with its response message. */
  async dap(
    sessionId: string,
    seq: number,
    command: string,
    args?: unknown,
    timeoutMs = 10_000,
  ): Promise<Record<string, unknown>> {
    this.ws.send(
      JSON.stringify({
        type: 'dap',
        sessionId,
        message: { seq, type: 'request', command, arguments: args },
      }),
    );
    const reply = await this.waitFor((m) => {
      const message = m.message as Record<string, unknown> | undefined;
      return (
        m.type === 'dap' &&
        m.sessionId === sessionId &&
        message?.type === 'response' &&
        message.request_seq === seq
      );
    }, timeoutMs);
    return reply.message as Record<string, unknown>;
  }

  /** Resolves with the first message (received or to come) that `match` accepts. */
  async waitFor(
    match: (m: Record<string, unknown>) => boolean,
    timeoutMs = 10_000,
  ): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find(match);
      if (found) return found;
      if (this.ws.readyState !== WebSocket.OPEN) throw new Error('the client socket closed');
      if (Date.now() > deadline) throw new Error(`no matching message within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  close(): void {
    this.ws.terminate();
  }
}
