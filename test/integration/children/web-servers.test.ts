/**
 * Real Python servers that run their code in child processes (issue 11), launched over the real
 * sshd under real debugpy: gunicorn with 3 sync workers serving a Flask app, `flask run --debug`
 * (reloader) and Django's `runserver` (autoreload). A view breakpoint stops in whichever worker
 * serves the request; after an edit and the reload the new server process is followed too; Stop
 * ends every process of the tree and Detach leaves all of them running (checked with `ps`).
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LaunchParams, SessionInfo } from '../../../src-common/protocol/client-protocol.js';
import type { Profile } from '../../../src-common/protocol/profile.js';
import type { ProfileStore } from '../../../src-main/profiles/profile-store.js';
import type { Backend } from '../../../src-main/backend/backend.js';
import { freePort } from '../../harness/free-port.js';
import { loopbackRelay } from '../../harness/loopback-relay.js';
import { RelayTestClient } from '../../harness/relay-test-client.js';
import { startSshd, type TestSshd } from '../../harness/sshd.js';

const run = promisify(execFile);
const fixtures = resolve('test/fixtures/programs/servers');
const VIEW_LINE = 8; // `pid = os.getpid()` in app.py and views.py

/** GET http://127.0.0.1:<port>/ → the body (rejects after `timeoutMs`). */
function fetchText(port: number, timeoutMs = 30_000): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const request = get({ host: '127.0.0.1', port, path: '/', timeout: timeoutMs }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolvePromise(body));
    });
    request.on('timeout', () => request.destroy(new Error('no response in time')));
    request.on('error', reject);
  });
}

/** Those of `pids` that run (`ps`, as a person would check on the remote machine). */
async function alive(pids: number[]): Promise<number[]> {
  const { stdout } = await run('ps', ['-o', 'pid=', '-p', pids.join(',')]).catch(() => ({
    stdout: '',
  }));
  return stdout
    .split('\n')
    .map((l) => Number(l.trim()))
    .filter((pid) => pid > 0);
}

/** Waits until something accepts connections on `port` (the server is up). */
async function listening(port: number, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const up = await new Promise<boolean>((resolvePromise) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolvePromise(true);
      });
      socket.on('error', () => resolvePromise(false));
    });
    if (up) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${port}; output:\n${output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('servers whose code runs in child processes', () => {
  let sshd: TestSshd;
  let root: string;
  let relay: Backend;
  let profile: Profile;
  let store: ProfileStore;
  let client: RelayTestClient;

  beforeAll(async () => {
    sshd = await startSshd();
    root = await mkdtemp(join(tmpdir(), 'periscope-servers-'));
    ({ relay, profile, store } = await loopbackRelay(root, sshd));
    client = new RelayTestClient();
    relay.connectClient(client);
  });
  afterAll(async () => {
    await relay?.close();
    await sshd?.stop();
    await rm(root, { recursive: true, force: true });
  });

  const childrenOf = (id: string): SessionInfo[] =>
    relay.listSessions().filter((s) => s.parentId === id && s.state !== 'ended');

  /** A copy of the servers fixture of its own (the reload tests edit it). */
  async function project(name: string): Promise<string> {
    const dir = join(root, name);
    await cp(fixtures, dir, { recursive: true });
    return dir;
  }

  async function launch(
    params: Omit<LaunchParams, 'profileId'>,
    on: Profile = profile,
  ): Promise<SessionInfo> {
    return (await client.app('session.launch', { profileId: on.id, ...params })).session;
  }

  /** Requests `/` and waits for the breakpoint to stop a child of `rootId`; the stop's session. */
  async function requestAndStop(
    port: number,
    rootId: string,
  ): Promise<{ session: string; pid: number; body: Promise<string> }> {
    await listening(port, () => client.output(rootId));
    const from = client.received.length;
    const body = fetchText(port);
    body.catch(() => undefined);
    for (;;) {
      const stop = await client.anyDapEvent('stopped', 30_000, from);
      const info = relay.listSessions().find((s) => s.id === stop.sessionId);
      if (info?.parentId !== rootId) continue;
      const threadId = (stop.event.body as DebugProtocol.StoppedEvent['body']).threadId!;
      const stack = await client.dap(info.id, 1, 'stackTrace', { threadId });
      const frame = (stack.body as DebugProtocol.StackTraceResponse['body']).stackFrames[0]!;
      expect(frame.line).toBe(VIEW_LINE);
      const pid = await client.dap(info.id, 2, 'evaluate', {
        expression: 'os.getpid()',
        frameId: frame.id,
        context: 'watch',
      });
      expect(Number((pid.body as DebugProtocol.EvaluateResponse['body']).result)).toBe(info.pid);
      return { session: info.id, pid: info.pid!, body };
    }
  }

  /**
   * A reloader's test: the view stops in the server process; an edit of `file` on the remote
   * machine makes the reloader start a new server process, which is followed and stops too.
   */
  async function stopEditStopAgain(port: number, rootId: string, file: string): Promise<void> {
    const before = await requestAndStop(port, rootId);
    await client.dap(before.session, 3, 'continue', { threadId: 0 });
    expect(await before.body).toBe(`served by ${before.pid}\n`);

    await writeFile(file, (await readFile(file, 'utf8')).replace('served by', 'served again by'));
    await expect
      .poll(() => relay.listSessions().find((s) => s.id === before.session)?.state, {
        timeout: 20_000,
      })
      .toBe('ended');
    await expect.poll(() => childrenOf(rootId).length, { timeout: 20_000 }).toBe(1);
    // The old server may answer a request while it exits (debugpy says `terminated` first).
    await expect.poll(() => alive([before.pid]), { timeout: 20_000 }).toEqual([]);
    const after = await requestAndStop(port, rootId);
    expect(after.pid).not.toBe(before.pid);
    await client.dap(after.session, 3, 'continue', { threadId: 0 });
    expect(await after.body).toBe(`served again by ${after.pid}\n`);
  }

  it('gunicorn with 3 workers: two requests stop in two workers; Stop ends every process', async () => {
    const dir = await project('gunicorn');
    const port = await freePort();
    const session = await launch({
      target: { kind: 'module', module: 'gunicorn' },
      args: ['-w', '3', '-b', `127.0.0.1:${port}`, 'app:app'],
      cwd: dir,
      breakpoints: [{ path: join(dir, 'app.py'), breakpoints: [{ line: VIEW_LINE }] }],
    });
    await expect
      .poll(() => childrenOf(session.id).filter((c) => c.state === 'running').length, {
        timeout: 30_000,
      })
      .toBe(3);
    // setproctitle names them: that is what the process tree shows.
    await expect
      .poll(() => childrenOf(session.id).map((c) => c.target), { timeout: 10_000 })
      .toEqual(Array(3).fill('gunicorn: worker [app:app]'));

    // The first request holds its worker at the breakpoint, so the second goes to another one.
    const first = await requestAndStop(port, session.id);
    const second = await requestAndStop(port, session.id);
    expect(second.pid).not.toBe(first.pid);
    for (const stop of [first, second])
      await client.dap(stop.session, 3, 'continue', { threadId: 0 });
    expect(await first.body).toBe(`served by ${first.pid}\n`);
    expect(await second.body).toBe(`served by ${second.pid}\n`);

    const rootPid = relay.listSessions().find((s) => s.id === session.id)!.pid!;
    const pids = [rootPid, ...childrenOf(session.id).map((c) => c.pid!)];
    expect(pids).toHaveLength(4);
    expect(await alive(pids)).toHaveLength(4);
    await client.app('session.close', { sessionId: session.id });
    await expect.poll(() => alive(pids), { timeout: 15_000 }).toEqual([]);
    for (const child of relay.listSessions().filter((s) => s.parentId === session.id))
      expect(child.state).toBe('ended');
  }, 120_000);

  it('gunicorn: Detach leaves the master and every worker running and serving', async () => {
    const dir = await project('gunicorn-detach');
    const port = await freePort();
    const session = await launch({
      target: { kind: 'module', module: 'gunicorn' },
      args: ['-w', '3', '-b', `127.0.0.1:${port}`, 'app:app'],
      cwd: dir,
      breakpoints: [{ path: join(dir, 'app.py'), breakpoints: [{ line: VIEW_LINE }] }],
    });
    await expect
      .poll(() => childrenOf(session.id).filter((c) => c.state === 'running').length, {
        timeout: 30_000,
      })
      .toBe(3);
    const rootPid = relay.listSessions().find((s) => s.id === session.id)!.pid!;
    const running = [rootPid, ...childrenOf(session.id).map((c) => c.pid!)].sort();
    await client.app('session.detach', { sessionId: session.id });
    try {
      expect(
        relay
          .listSessions()
          .filter((s) => s.id === session.id || s.parentId === session.id)
          .every((s) => s.state === 'ended'),
      ).toBe(true);
      // Without the debugger the breakpoint is gone: the request is answered at once.
      expect(await fetchText(port, 10_000)).toMatch(/^served by \d+\n$/);
      expect((await alive(running)).sort()).toEqual(running);
    } finally {
      for (const pid of running) process.kill(pid, 'SIGKILL');
    }
  }, 120_000);

  it('flask run --debug: the reloaded server process is followed and stops again', async () => {
    const dir = await project('flask');
    const port = await freePort();
    const session = await launch({
      target: { kind: 'module', module: 'flask' },
      args: ['--app', 'app', '--debug', 'run', '-p', String(port)],
      cwd: dir,
      breakpoints: [{ path: join(dir, 'app.py'), breakpoints: [{ line: VIEW_LINE }] }],
    });
    await stopEditStopAgain(port, session.id, join(dir, 'app.py'));
    await client.app('session.close', { sessionId: session.id });
  }, 120_000);

  it('django runserver: the view stops in the autoreloaded server, before and after an edit', async () => {
    const dir = await project('django');
    const port = await freePort();
    // launch.json's `django`: the autoreloader's SystemExit(3) is then not an uncaught exception.
    const django = await store.save({ ...profile, id: undefined, name: 'django', django: true });
    const session = await launch(
      {
        target: { kind: 'file', path: join(dir, 'manage.py') },
        args: ['runserver', `127.0.0.1:${port}`],
        cwd: dir,
        breakpoints: [{ path: join(dir, 'views.py'), breakpoints: [{ line: VIEW_LINE }] }],
      },
      django,
    );
    await stopEditStopAgain(port, session.id, join(dir, 'views.py'));
    await client.app('session.close', { sessionId: session.id });
  }, 120_000);

  it('gunicorn: the workers come back after an SSH drop, and a request stops in one', async () => {
    const dir = await project('gunicorn-drop');
    const port = await freePort();
    const session = await launch({
      target: { kind: 'module', module: 'gunicorn' },
      args: ['-w', '3', '-b', `127.0.0.1:${port}`, 'app:app'],
      cwd: dir,
      breakpoints: [{ path: join(dir, 'app.py'), breakpoints: [{ line: VIEW_LINE }] }],
    });
    const running = (): SessionInfo[] =>
      childrenOf(session.id).filter((c) => c.state === 'running' && c.link === undefined);
    await expect.poll(() => running().length, { timeout: 30_000 }).toBe(3);
    const before = running().map((c) => c.id);

    await sshd.restart({ dropSessions: true, downMs: 500 });
    // Root and workers say they reconnect, then are back: the same sessions, not new ones.
    await expect
      .poll(
        () => {
          const rootInfo = relay.listSessions().find((s) => s.id === session.id);
          return rootInfo?.link === undefined && rootInfo?.state === 'running' && running().length;
        },
        { timeout: 60_000 },
      )
      .toBe(3);
    expect(running().map((c) => c.id)).toEqual(before);

    const stop = await requestAndStop(port, session.id);
    expect(before).toContain(stop.session);
    await client.dap(stop.session, 3, 'continue', { threadId: 0 });
    expect(await stop.body).toBe(`served by ${stop.pid}\n`);
    await client.app('session.close', { sessionId: session.id });
  }, 150_000);
});
