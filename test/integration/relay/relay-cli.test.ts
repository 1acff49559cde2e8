/**
 * `periscope relay` as a user runs it: the bundled CLI (built here with esbuild), a real program
 * dialling its tracer port, a real WebSocket client with the printed token, the loopback rule and
 * its explicit override with a warning; `periscope web` printing the new URL when the token is
 * replaced.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DIAL_IN_PROGRAM, killAll, startDialIn, type DialInProcess } from './dial-in-helpers.js';
import { httpGet, USER_NAVIGATION } from './web-http-kit.js';

let root: string;
let bundleDir: string;
let cli: string;
let staticDir: string;
const children: ChildProcess[] = [];
const programs: DialInProcess[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'periscope-relay-cli-'));
  // Inside the checkout, so the bundle's external packages resolve from node_modules.
  await mkdir(resolve('node_modules/.cache'), { recursive: true });
  bundleDir = await mkdtemp(resolve('node_modules/.cache/periscope-relay-cli-'));
  cli = join(bundleDir, 'periscope.js');
  await esbuild.build({
    entryPoints: [resolve('src-main/cli/main.ts')],
    outfile: cli,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    // As scripts/build-main.mjs: the remote helpers (src-main/remote/python/*.py) are text.
    loader: { '.py': 'text' },
    logLevel: 'silent',
    absWorkingDir: resolve('.'),
  });
  staticDir = join(root, 'renderer');
  await mkdir(staticDir);
  await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>Periscope</title>');
});

afterAll(async () => {
  killAll(programs);
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await rm(root, { recursive: true, force: true });
  await rm(bundleDir, { recursive: true, force: true });
});

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function run(args: string[]): Run {
  const child = spawn(process.execPath, [cli, ...args], {
    cwd: resolve('.'),
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function waitFor<T>(probe: () => T | undefined, what: string, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('periscope relay (headless)', () => {
  it('prints its help', async () => {
    const r = run(['relay', '--help']);
    expect(await r.exited).toBe(0);
    expect(r.stdout()).toContain('Usage: periscope relay [options]');
    expect(r.stdout()).toContain('--tracer-port N');
    expect(r.stdout()).toContain('--timeout-disable-mode M');
  });

  it('refuses a non-loopback address without --allow-remote', async () => {
    const r = run([
      'relay',
      '--tracer-host',
      '0.0.0.0',
      '--tracer-port',
      '0',
      '--client-port',
      '0',
    ]);
    expect(await r.exited).toBe(2);
    expect(r.stderr()).toContain(
      '--tracer-host 0.0.0.0 is not a loopback address; add --allow-remote to bind it anyway',
    );
  });

  it('serves dialled-in programs to a client holding the printed token', async () => {
    const dataDir = join(root, 'data');
    const r = run([
      'relay',
      '--tracer-port',
      '0',
      '--client-port',
      '0',
      '--data-dir',
      dataDir,
      '--static-dir',
      staticDir,
      '--log-level',
      'warn',
    ]);
    const tracerPort = await waitFor(
      () => /tracer port: 127\.0\.0\.1:(\d+)/.exec(r.stdout())?.[1],
      'the tracer port line',
    );
    expect(r.stdout()).toContain(`debugpy.connect(("127.0.0.1", ${tracerPort}))`);
    const url = new URL(await waitFor(() => /web UI: (\S+)/.exec(r.stdout())?.[1], 'the URL'));
    const token = url.searchParams.get('token') ?? '';
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const program = startDialIn(DIAL_IN_PROGRAM, Number(tracerPort), ['400', '0.05']);
    programs.push(program);

    const ws = new WebSocket(`ws://127.0.0.1:${url.port}/client`, {
      headers: {
        Origin: `http://127.0.0.1:${url.port}`,
        Authorization: `Bearer ${token}`,
      },
    });
    await new Promise((done, fail) => ws.once('open', done).once('error', fail));
    const messages: { type: string; id?: number; result?: { sessions: { pid?: number }[] } }[] = [];
    ws.on('message', (d: Buffer) => messages.push(JSON.parse(d.toString()) as never));
    let id = 0;
    const sessions = await waitFor(() => {
      const reply = messages.find((m) => m.type === 'app-response' && m.id === id);
      if (reply?.result?.sessions.some((s) => s.pid === program.child.pid))
        return reply.result.sessions;
      if (!reply && id > 0) return undefined;
      ws.send(JSON.stringify({ type: 'app', id: ++id, method: 'sessions.list', params: {} }));
      return undefined;
    }, 'the dialled-in session');
    expect(sessions).toHaveLength(1);
    ws.close();
    r.child.kill('SIGTERM');
    expect(await r.exited).toBe(0);
    // Shutting down detaches from dialled-in programs: the program runs on.
    await new Promise((done) => setTimeout(done, 300));
    expect(program.child.exitCode).toBe(null);
  });

  it('binds a non-loopback address with --allow-remote, and warns', async () => {
    const r = run([
      'relay',
      '--allow-remote',
      '--tracer-host',
      '0.0.0.0',
      '--tracer-port',
      '0',
      '--client-port',
      '0',
      '--data-dir',
      join(root, 'data2'),
      '--static-dir',
      staticDir,
    ]);
    await waitFor(() => (/web UI: /.test(r.stdout()) ? true : undefined), 'the URL');
    expect(r.stdout()).toMatch(/tracer port: 0\.0\.0\.0:\d+/);
    expect(r.stderr()).toContain('WARNING: listening on 0.0.0.0, not loopback');
    r.child.kill('SIGTERM');
    expect(await r.exited).toBe(0);
  });
});

describe('periscope web', () => {
  it('prints the new URL on stdout when wrong tokens replaced the token, and it works', async () => {
    const r = run([
      'web',
      '--port',
      '0',
      '--data-dir',
      join(root, 'data-web'),
      '--static-dir',
      staticDir,
    ]);
    const url = new URL(await waitFor(() => /web UI: (\S+)/.exec(r.stdout())?.[1], 'the URL'));
    const port = Number(url.port);
    // Ten wrong tokens from a program on this machine (no browser headers): the limit.
    for (let i = 0; i < 10; i++)
      expect((await httpGet(port, `/?token=wrong${i}`)).status).toBe(401);
    const fresh = new URL(
      await waitFor(() => /New URL: (\S+)/.exec(r.stdout())?.[1], 'the new URL on stdout'),
    );
    expect(fresh.port).toBe(url.port);
    expect(fresh.searchParams.get('token')).not.toBe(url.searchParams.get('token'));
    expect((await httpGet(port, `${fresh.pathname}${fresh.search}`, USER_NAVIGATION)).status).toBe(
      302,
    );
    expect((await httpGet(port, `${url.pathname}${url.search}`, USER_NAVIGATION)).status).toBe(429);
    r.child.kill('SIGTERM');
    expect(await r.exited).toBe(0);
  });

  it('prints its URL before loading the backend, and exits with the reason when the data directory cannot be used', async () => {
    const blocker = join(root, 'not-a-directory');
    await writeFile(blocker, 'a file where the data directory would go');
    const r = run([
      'web',
      '--port',
      '0',
      '--data-dir',
      join(blocker, 'data'),
      '--static-dir',
      staticDir,
    ]);
    await waitFor(() => (/web UI: /.test(r.stdout()) ? true : undefined), 'the URL');
    // No page asks for the backend here: it loads a second after the URL, and cannot.
    expect(await r.exited).toBe(1);
    expect(r.stderr()).toMatch(/^periscope: .*not-a-directory/m);
  });
});
