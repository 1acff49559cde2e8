/**
 * Preflight diagnoses, the remote process list, attach by pid (gdb or lldb, proved first) and
 * attach to a user-started debugpy's port — against the real sshd, real debugpy, real gdb,
 * through the relay's client protocol. Programs to attach to are started over SSH by the test.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src-main/log/logger.js';
import { ProfileStore } from '../../../src-main/profiles/profile-store.js';
import type { PreflightCheck } from '../../../src-common/protocol/connections.js';
import type { Profile } from '../../../src-common/protocol/profile.js';
import { Backend } from '../../../src-main/backend/backend.js';
import { freePort } from '../../harness/free-port.js';
import { overSsh, startOverSsh } from '../../harness/over-ssh.js';
import { RelayTestClient } from '../../harness/relay-test-client.js';
import { startSshd, type TestSshd } from '../../harness/sshd.js';

const LOOP_LINE = 5; // `n += 1` in the program below
const LOOP = `import time
n = 0
print("looping", flush=True)
while True:
    n += 1
    time.sleep(0.05)
`;
const NO_DEBUGPY = '/root/.pyenv/versions/3.11.7/bin/python3';

describe('preflight and attach', () => {
  let sshd: TestSshd;
  let root: string;
  let relay: Backend;
  let store: ProfileStore;
  let client: RelayTestClient;
  let program: string;
  const started: number[] = [];

  const ssh = (command: string): Promise<string> => overSsh(sshd, command);

  async function startRemote(command: string): Promise<number> {
    const pid = await startOverSsh(sshd, command);
    started.push(pid);
    return pid;
  }

  function profile(python: string): Promise<Profile> {
    return store.save({
      name: `loopback ${python}`,
      host: sshd.host,
      port: sshd.port,
      user: sshd.user,
      auth: { kind: 'key', keyPath: sshd.userKeyPath },
      python,
      cwd: '',
      pathMappings: [],
      justMyCode: true,
      env: [],
    });
  }

  const byId = (checks: PreflightCheck[]): Record<string, PreflightCheck> =>
    Object.fromEntries(checks.map((c) => [c.id, c]));

  beforeAll(async () => {
    sshd = await startSshd();
    root = await mkdtemp(join(tmpdir(), 'periscope-attach-it-'));
    await mkdir(join(root, 'data'));
    program = join(root, 'loop.py');
    await writeFile(program, LOOP);
    await writeFile(join(root, 'known_hosts'), `${sshd.knownHostsLine()}\n`);
    store = await ProfileStore.open(join(root, 'data'), { logger: silentLogger });
    relay = new Backend({
      profileStore: store,
      dataDir: join(root, 'data'),
      logger: silentLogger,
      knownHostsFiles: [join(root, 'known_hosts')],
    });
    client = new RelayTestClient();
    relay.connectClient(client);
  });
  afterAll(async () => {
    for (const pid of started) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await relay?.close();
    await sshd?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('refuses bad attach and preflight input with a clear error', async () => {
    const bad = await client.appRaw('session.attach', {
      profileId: 'p',
      to: { kind: 'pid', pid: -1 },
      breakpoints: [],
    });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-message' } });
    const mode = await client.appRaw('session.preflight', {
      profileId: 'p',
      mode: 'sideways',
    } as never);
    expect(mode).toMatchObject({ ok: false, error: { code: 'invalid-message' } });
    const missing = await client.appRaw('session.preflight', { profileId: 'nope', mode: 'launch' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('passes every check for a good profile, with versions', async () => {
    const good = await profile('/usr/bin/python3');
    const result = await client.app('session.preflight', { profileId: good.id, mode: 'launch' });
    expect(result.ok).toBe(true);
    const checks = byId(result.checks);
    expect(result.checks.map((c) => c.id)).toEqual(['ssh', 'auth', 'python', 'debugpy', 'port']);
    expect(checks.python?.detail).toMatch(/^Python 3\.\d+\.\d+ at \/usr\/bin\/python3/);
    expect(checks.debugpy?.detail).toMatch(/^debugpy 1\.\d/);
  }, 30_000);

  it('names a missing debugpy and says how to install it', async () => {
    const bare = await profile(NO_DEBUGPY);
    const result = await client.app('session.preflight', { profileId: bare.id, mode: 'launch' });
    expect(result.ok).toBe(false);
    const checks = byId(result.checks);
    expect(checks.python?.status).toBe('ok');
    expect(checks.debugpy).toMatchObject({ status: 'failed' });
    expect(checks.debugpy?.detail).toContain('No module named');
    expect(checks.debugpy?.fix).toContain(`${NO_DEBUGPY} -m pip install debugpy`);
    expect(checks.debugpy?.fix).toContain('python3-debugpy');
  }, 30_000);

  it('names a wrong python path and skips what depends on it', async () => {
    const wrong = await profile('/opt/nowhere/bin/python3');
    const result = await client.app('session.preflight', { profileId: wrong.id, mode: 'launch' });
    const checks = byId(result.checks);
    expect(checks.python).toMatchObject({ status: 'failed' });
    expect(checks.python?.detail).toContain('/opt/nowhere/bin/python3" was not found');
    expect(checks.debugpy?.status).toBe('skipped');
    expect(checks.port?.status).toBe('skipped');
  }, 30_000);

  it('names an unreachable server, a taken port and a port nobody listens on', async () => {
    const good = await profile('/usr/bin/python3');
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const busy = await client.app('session.preflight', {
        profileId: good.id,
        mode: 'attach-pid',
        port,
      });
      expect(byId(busy.checks).port).toMatchObject({ status: 'failed' });
      expect(byId(busy.checks).port?.detail).toContain(`127.0.0.1:${port} is taken`);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
    const empty = await client.app('session.preflight', {
      profileId: good.id,
      mode: 'attach-port',
      port: await freePort(),
    });
    expect(byId(empty.checks).port?.detail).toMatch(/nothing listens on 127\.0\.0\.1:\d+/);
    expect(byId(empty.checks).port?.fix).toContain('-m debugpy --listen 127.0.0.1:');

    const closed = await store.save({
      ...good,
      id: undefined,
      name: 'nobody',
      port: await freePort(),
    });
    const down = await client.app('session.preflight', { profileId: closed.id, mode: 'launch' });
    expect(byId(down.checks).ssh?.status).toBe('failed');
    expect(byId(down.checks).auth?.status).toBe('skipped');
  }, 30_000);

  it('checks ptrace and proves the injectors for attach-to-process, and names a dead pid', async () => {
    const good = await profile('/usr/bin/python3');
    const pid = await startRemote(`/usr/bin/python3 ${program}`);
    const result = await client.app('session.preflight', {
      profileId: good.id,
      mode: 'attach-pid',
      pid,
    });
    expect(result.ok).toBe(true);
    // This kernel has no Yama: /proc/sys/kernel/yama/ptrace_scope is absent = not restricted.
    expect(byId(result.checks).ptrace?.detail).toMatch(/not restricted|ptrace_scope is/);
    // Each injector is proved on a throwaway process; one of them is named for the attach
    // (lldb on a CPU where gdb cannot inject, which gdb's row then says in gdb's own words).
    const injectors = [byId(result.checks).gdb!, byId(result.checks).lldb!];
    expect(injectors.filter((c) => c.detail.endsWith('attach will use it'))).toHaveLength(1);
    for (const c of injectors) {
      expect(c.status).not.toBe('failed');
      if (c.status === 'warning') expect(c.detail).toMatch(/cannot inject here: \S/);
    }
    const dead = await client.app('session.preflight', {
      profileId: good.id,
      mode: 'attach-pid',
      pid: 4_000_000,
    });
    expect(byId(dead.checks).ptrace).toMatchObject({ status: 'failed' });
  }, 30_000);

  it('lists the remote Python processes and attaches to one by pid', async () => {
    const good = await profile('/usr/bin/python3');
    const pid = await startRemote(`/usr/bin/python3 ${program}`);
    const { processes } = await client.app('processes.list', { profileId: good.id });
    const listed = processes.find((p) => p.pid === pid);
    expect(listed?.command).toBe(`/usr/bin/python3 ${program}`);
    expect(listed?.started).toMatch(/^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}$/);

    const { session } = await client.app('session.attach', {
      profileId: good.id,
      to: { kind: 'pid', pid },
      breakpoints: [{ path: program, breakpoints: [{ line: LOOP_LINE }] }],
    });
    expect(session.target).toMatch(new RegExp(`^process ${pid} \\(via (gdb|lldb)\\)$`));
    const stop = (await client.dapEvent(session.id, 'stopped', 30_000))
      .body as DebugProtocol.StoppedEvent['body'];
    expect(stop.reason).toBe('breakpoint');
    const stack = await client.dap(session.id, 101, 'stackTrace', { threadId: stop.threadId });
    const frame = (stack.body as DebugProtocol.StackTraceResponse['body']).stackFrames[0]!;
    expect(frame.line).toBe(LOOP_LINE);
    const n = await client.dap(session.id, 102, 'evaluate', {
      expression: 'n',
      frameId: frame.id,
      context: 'watch',
    });
    expect(Number((n.body as DebugProtocol.EvaluateResponse['body']).result)).toBeGreaterThan(0);

    // Detach: the program was not ours, it keeps running.
    await client.app('session.detach', { sessionId: session.id });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await ssh(`kill -0 ${pid} && echo alive`)).trim()).toBe('alive');
    // …and the user is told that the injected debugpy still listens.
    const ended = relay.listSessions().find((s) => s.id === session.id);
    expect(ended?.endReason).toMatch(/its debugpy keeps listening on 127\.0\.0\.1:\d+ of/);
  }, 90_000);

  it('attaches to a debugpy someone started with --listen, through a local forward', async () => {
    const good = await profile('/usr/bin/python3');
    const port = await freePort();
    await startRemote(
      `env PYDEVD_DISABLE_FILE_VALIDATION=1 /usr/bin/python3 -m debugpy --listen 127.0.0.1:${port} ${program}`,
    );
    await expect
      .poll(
        async () =>
          byId(
            (
              await client.app('session.preflight', {
                profileId: good.id,
                mode: 'attach-port',
                port,
              })
            ).checks,
          ).port?.status,
        { timeout: 15_000, interval: 300 },
      )
      .toBe('ok');
    const { session } = await client.app('session.attach', {
      profileId: good.id,
      to: { kind: 'port', port },
      breakpoints: [{ path: program, breakpoints: [{ line: LOOP_LINE }] }],
    });
    expect(session.target).toBe(`debugpy on port ${port}`);
    const stop = (await client.dapEvent(session.id, 'stopped', 30_000))
      .body as DebugProtocol.StoppedEvent['body'];
    expect(stop.reason).toBe('breakpoint');

    // The server restarts and cuts the connection: the attach session comes back by itself.
    const reconnecting = client.appEvent(
      'sessions.changed',
      (b) => b.sessions.find((s) => s.id === session.id)?.link?.state === 'reconnecting',
      20_000,
    );
    await sshd.restart({ dropSessions: true, downMs: 500 });
    await reconnecting;
    await client.appEvent(
      'sessions.changed',
      (b) => {
        const info = b.sessions.find((s) => s.id === session.id);
        return info?.link === undefined && info?.state !== 'ended';
      },
      30_000,
    );
    const threads = await client.dap(session.id, 9100, 'threads');
    expect(threads.success).toBe(true);
    await client.app('session.detach', { sessionId: session.id });
  }, 90_000);
});
