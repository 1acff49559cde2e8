/**
 * Programs in Podman containers on the remote machine (issue 14), with real parts: Podman 4.3
 * with its own store in a temp directory (`test/harness/podman.ts`, rootful, vfs, no network),
 * a real sshd whose sessions reach that store (`SetEnv CONTAINERS_CONF CONTAINERS_STORAGE_CONF`),
 * the machine's debugpy bind-mounted into the containers. The machine's Docker CLI (when it is
 * installed) finds no daemon (`DOCKER_HOST` names a socket nothing listens on): a machine with
 * Podman and no Docker. What a user sees: the containers listed with their engine, the checks,
 * a launch inside (`podman exec`) that breaks by the machine path through the mapping its bind
 * mount suggests, the log tab (`podman logs -f`), attach by PID and attach to a debugpy port
 * inside a container.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { ContainerTarget } from '../../../src-common/protocol/containers.js';
import type { TestPodman } from '../../harness/podman.js';
import type { TestSshd } from '../../harness/sshd.js';
import { podmanWorld, SLEEPER, type PodmanWorld } from './container-kit.js';
import {
  INSIDE,
  INSIDE_LINE,
  SERVICE,
  SERVICE_LINE,
  SERVICE_PORT,
  WORKER,
  WORKER_LINE,
} from './container-programs.js';
import { launchWorld, type DebuggerWorld } from '../debugger/debugger-kit.js';
import { expectRunsInside } from './container-scenarios.js';
import { withRelayClient } from '../../harness/loopback-relay.js';
import { RelayTestClient } from '../../harness/relay-test-client.js';

const PORT = SERVICE_PORT;

const CHATTY = [
  'import sys, time',
  'for n in range(1, 100000):',
  '    print(f"line {n}", file=sys.stderr if n % 5 == 0 else sys.stdout, flush=True)',
  '    time.sleep(0.05)',
].join('\n');

const target = (name: string, overrides: Partial<ContainerTarget> = {}): ContainerTarget => ({
  kind: 'podman',
  name,
  python: '',
  pathMappings: [],
  ...overrides,
});

describe('programs in Podman containers', () => {
  let w: PodmanWorld | undefined;
  let podman: TestPodman;
  let sshd: TestSshd;
  let project: string;
  let root: string;
  let world: DebuggerWorld | undefined;

  beforeAll(async () => {
    w = await podmanWorld(async (engine, dir) => {
      await writeFile(join(dir, 'app.py'), INSIDE);
      await writeFile(join(dir, 'work.py'), WORKER);
      await writeFile(join(dir, 'service.py'), SERVICE);
      await engine.run('web', SLEEPER, { binds: [`${dir}:/app`], extra: ['-w', '/app'] });
      await engine.run('worker', ['/usr/bin/python3', '/app/work.py'], {
        binds: [`${dir}:/app`],
      });
      await engine.run('svc', ['/usr/bin/python3', '-Xfrozen_modules=off', '/app/service.py'], {
        binds: [`${dir}:/app`],
        extra: ['-e', 'PYDEVD_DISABLE_FILE_VALIDATION=1'],
      });
      await engine.run('chatty', ['/usr/bin/python3', '-c', CHATTY]);
      // The machine's debugpy hidden inside: an empty directory over dist-packages.
      await mkdir(join(dir, 'empty'));
      await engine.run('bare', SLEEPER, {
        binds: [`${dir}:/app`, `${join(dir, 'empty')}:/usr/lib/python3/dist-packages:ro`],
      });
      await engine.podman(['create', '--name', 'stopped-one', 'periscope-test:1', '/bin/true']);
    });
    ({ engine: podman, sshd, project, root } = w);
  }, 180_000);
  afterAll(async () => {
    await world?.dispose();
    await w?.stop();
  }, 60_000);

  const withClient = async (
    body: (client: RelayTestClient, profileId: string) => Promise<void>,
  ): Promise<void> => {
    await withRelayClient(root, sshd, async ({ profile, client }) => {
      await body(client, profile.id);
    });
  };

  it('lists the containers with their engine, running first, and inspects one', async () => {
    await withClient(async (client, profileId) => {
      const { containers, problems } = await client.app('containers.list', { profileId });
      expect(containers.map((c) => [c.kind, c.name, c.state, c.image])).toEqual([
        ['podman', 'bare', 'running', 'localhost/periscope-test:1'],
        ['podman', 'chatty', 'running', 'localhost/periscope-test:1'],
        ['podman', 'svc', 'running', 'localhost/periscope-test:1'],
        ['podman', 'web', 'running', 'localhost/periscope-test:1'],
        ['podman', 'worker', 'running', 'localhost/periscope-test:1'],
        ['podman', 'stopped-one', 'created', 'localhost/periscope-test:1'],
      ]);
      expect(containers[0]?.status).toMatch(/^Up /);
      // The Docker CLI, where installed, reaches no daemon: named, and Podman's list stands.
      expect(problems).toEqual(
        hasDockerCli() ? [expect.stringContaining('the docker daemon does not answer on')] : [],
      );

      const details = await client.app('containers.inspect', {
        profileId,
        kind: 'podman',
        name: 'web',
      });
      expect(details).toMatchObject({ name: 'web', running: true, workingDir: '/app' });
      expect(details.suggestedMappings).toEqual([{ localRoot: project, remoteRoot: '/app' }]);
      await expect(
        client.app('containers.inspect', { profileId, kind: 'podman', name: 'nope' }),
      ).rejects.toThrow(/no container "nope"/);
    });
  });

  it('the checks pass inside a Podman container and name one that is not running', async () => {
    await withClient(async (client, profileId) => {
      const ok = await client.app('session.preflight', {
        profileId,
        mode: 'launch',
        container: target('web'),
      });
      expect(ok.checks.map((c) => [c.id, c.status])).toEqual([
        ['ssh', 'ok'],
        ['auth', 'ok'],
        ['engine', 'ok'],
        ['engine-socket', 'ok'],
        ['container', 'ok'],
        ['python', 'ok'],
        ['debugpy', 'ok'],
        ['port', 'ok'],
      ]);
      const byId = Object.fromEntries(ok.checks.map((c) => [c.id, c]));
      expect(byId.engine?.detail).toMatch(/^podman version 4\./);
      expect(byId['engine-socket']?.detail).toBe("podman reads root's container store");
      expect(byId.python?.detail).toContain('in container "web" (podman)');
      const stopped = await client.app('session.preflight', {
        profileId,
        mode: 'launch',
        container: target('stopped-one'),
      });
      expect(stopped.checks.find((c) => c.id === 'container')).toMatchObject({
        status: 'failed',
        fix: 'Start it: `podman start stopped-one`.',
      });
    });
  });

  it('launches inside with podman exec: a breakpoint by the machine path verifies through the suggested mapping; inspect, step, output, end', async () => {
    const hostFile = join(project, 'app.py');
    world = await launchWorld(sshd, {
      program: '/app/app.py',
      container: target('web', {
        python: '/usr/bin/python3',
        pathMappings: [{ localRoot: project, remoteRoot: '/app' }],
      }),
      breakpoints: [{ path: hostFile, lines: [INSIDE_LINE] }],
    });
    await expectRunsInside(world, hostFile, 'podman');
    await world.dispose();
    world = undefined;
  });

  it('Stop ends the program inside the Podman container, and nothing of it stays there', async () => {
    await writeFile(join(project, 'loop.py'), 'import time\nwhile True:\n    time.sleep(0.1)\n');
    world = await launchWorld(sshd, { program: '/app/loop.py', container: target('web') });
    const ps = (): Promise<string> => podman.podman(['exec', 'web', 'sh', '-c', 'ps -eo args']);
    await world.until(() => true);
    expect(await ps()).toContain('/app/loop.py');
    await world.client.app('session.close', { sessionId: world.session.id });
    await expect.poll(ps, { timeout: 10_000 }).not.toContain('loop.py');
    expect(await ps()).not.toContain('debugpy/adapter');
    await world.dispose();
    world = undefined;
  });

  it("copies the machine's debugpy into a Podman container without one; a breakpoint hits on the copy; Stop removes it", async () => {
    const copies = async (): Promise<string[]> =>
      (await podman.podman(['exec', 'bare', 'ls', '-a', '/tmp']))
        .split('\n')
        .filter((name) => name.startsWith('periscope-debugpy-'));
    await expect(
      podman.podman(['exec', 'bare', '/usr/bin/python3', '-c', 'import debugpy']),
    ).rejects.toThrow(/No module named 'debugpy'/);
    await withClient(async (client, profileId) => {
      const { session } = await client.app('session.launch', {
        profileId,
        target: { kind: 'file', path: '/app/app.py' },
        args: [],
        cwd: '/app',
        breakpoints: [{ path: '/app/app.py', breakpoints: [{ line: INSIDE_LINE }] }],
        container: target('bare', { copyDebugpy: true }),
      });
      const stop = (await client.dapEvent(session.id, 'stopped', 30_000))
        .body as DebugProtocol.StoppedEvent['body'];
      expect(stop.reason).toBe('breakpoint');
      const [copy] = await copies();
      expect(copy).toMatch(/^periscope-debugpy-/);
      expect(client.output(session.id)).toContain(
        `/usr/lib/python3/dist-packages/debugpy into /tmp/${copy} in container "bare" (podman)`,
      );
      await client.app('session.close', { sessionId: session.id });
      await expect.poll(copies, { timeout: 10_000 }).toEqual([]);
    });
  }, 90_000);

  it("follows a Podman container's log in a tab (podman logs -f) and closes it cleanly", async () => {
    await withClient(async (client, profileId) => {
      const { logId } = await client.app('logs.open', {
        profileId,
        path: 'podman logs chatty',
        container: target('chatty'),
      });
      const numbers = (): number[] => RelayTestClient.numbered(client.logText(logId), 'line');
      await expect.poll(() => numbers().length, { timeout: 20_000 }).toBeGreaterThan(20);
      // In order, stdout and stderr (every fifth line) alike, with no gap.
      const seen = numbers();
      expect(seen).toEqual(Array.from({ length: seen.length }, (_, i) => seen[0]! + i));
      expect(client.logText(logId)).not.toMatch(/\d{4}-\d\d-\d\dT/);
      const following = (): string =>
        execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
          .split('\n')
          .filter((l) => l.includes('podman logs --follow'))
          .join('\n');
      expect(following()).toContain('podman logs --follow --timestamps --tail 200 chatty');

      // An SSH drop: the stream resumes with `--since` Podman's last timestamp, no gap, no repeat.
      const reconnected = client.appEvent(
        'logs.status',
        (b) => b.logId === logId && /Reconnected/.test(b.message ?? ''),
        40_000,
      );
      await sshd.restart({ dropSessions: true, downMs: 1000 });
      await reconnected;
      const atResume = numbers().at(-1)!;
      await expect
        .poll(() => numbers().at(-1)!, { timeout: 20_000 })
        .toBeGreaterThan(atResume + 10);
      const all = numbers();
      expect(all).toEqual(Array.from({ length: all.length }, (_, i) => all[0]! + i));
      expect(following()).toMatch(/podman logs --follow --timestamps --since \S+ chatty/);

      await client.app('logs.close', { logId });
      await expect.poll(following, { timeout: 10_000 }).toBe('');
    });
  }, 60_000);

  it('attaches by PID inside a Podman container: listed with its container, breaks, detaches leaving it running', async () => {
    await withClient(async (client, profileId) => {
      const worker = target('worker');
      const { processes } = await client.app('processes.list', { profileId, container: worker });
      expect(processes).toContainEqual(
        expect.objectContaining({ pid: 1, command: '/usr/bin/python3 /app/work.py' }),
      );
      const machine = await client.app('processes.list', { profileId });
      const outside = machine.processes.find((p) => p.command === '/usr/bin/python3 /app/work.py');
      const id = (await podman.podman(['inspect', '--format', '{{.Id}}', 'worker'])).trim();
      expect(outside?.container).toEqual({ kind: 'podman', id, name: 'worker', pid: 1 });
      // Never injected from the machine.
      await expect(
        client.app('session.attach', {
          profileId,
          to: { kind: 'pid', pid: outside!.pid },
          breakpoints: [],
        }),
      ).rejects.toThrow(/runs inside a container .*was not touched/);

      const { session } = await client.app('session.attach', {
        profileId,
        to: { kind: 'pid', pid: 1, container: worker },
        breakpoints: [],
      });
      expect(session.target).toMatch(/^process 1 in worker \(via (gdb|lldb)\)$/);
      const stop = await breakOnce(client, session.id, '/app/work.py', WORKER_LINE, 9001);
      const stack = await client.dap(session.id, 9010, 'stackTrace', { threadId: stop.threadId });
      const frame = (stack.body as DebugProtocol.StackTraceResponse['body']).stackFrames[0]!;
      const count = await client.dap(session.id, 9011, 'evaluate', {
        expression: 'count',
        frameId: frame.id,
        context: 'watch',
      });
      expect(Number((count.body as DebugProtocol.EvaluateResponse['body']).result)).toBeGreaterThan(
        0,
      );
      await client.dap(session.id, 9012, 'continue', { threadId: stop.threadId });
      await client.app('session.detach', { sessionId: session.id });
      const ps = await podman.podman(['exec', 'worker', 'ps', '-o', 'pid=,args=', '-p', '1']);
      expect(ps).toContain('/usr/bin/python3 /app/work.py');
      const state = await podman.podman(['inspect', '--format', '{{.State.Running}}', 'worker']);
      expect(state.trim()).toBe('true');
    });
  }, 120_000);

  it('attaches to a debugpy port inside a Podman container through podman exec, with nothing published', async () => {
    const count = async (): Promise<number> =>
      Number(await readFile(join(project, 'count.txt'), 'utf8').catch(() => '0'));
    await expect.poll(count, { timeout: 20_000 }).toBeGreaterThan(0);
    await withClient(async (client, profileId) => {
      const { session } = await client.app('session.attach', {
        profileId,
        to: { kind: 'port', port: PORT, container: target('svc') },
        breakpoints: [],
      });
      expect(session.target).toBe(`debugpy on port ${PORT} in svc`);
      const stop = await breakOnce(client, session.id, '/app/service.py', SERVICE_LINE, 9101);
      await client.dap(session.id, 9110, 'continue', { threadId: stop.threadId });
      expect(client.output(session.id)).toContain(
        `inside container "svc" (podman) on 127.0.0.1, through \`podman exec\` over the SSH connection (no port published).`,
      );
      await client.app('session.detach', { sessionId: session.id });
      const before = await count();
      await expect.poll(count, { timeout: 10_000 }).toBeGreaterThan(before + 5);
    });
  }, 90_000);
});

/** Whether the machine has a docker CLI (`command -v docker`). */
function hasDockerCli(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v docker'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Sets one breakpoint at `path:line`, waits for the stop there (its top frame), then clears the
 * breakpoints; the thread stays stopped. @returns the stopped event's body.
 */
async function breakOnce(
  client: RelayTestClient,
  sessionId: string,
  path: string,
  line: number,
  seq: number,
): Promise<DebugProtocol.StoppedEvent['body']> {
  const stopped = client.dapEvent(sessionId, 'stopped', 30_000);
  await client.dap(sessionId, seq, 'setBreakpoints', { source: { path }, breakpoints: [{ line }] });
  const stop = (await stopped).body as DebugProtocol.StoppedEvent['body'];
  expect(stop.reason).toBe('breakpoint');
  const stack = await client.dap(sessionId, seq + 1, 'stackTrace', { threadId: stop.threadId });
  const frame = (stack.body as DebugProtocol.StackTraceResponse['body']).stackFrames[0]!;
  expect(frame).toMatchObject({ line, source: { path } });
  await client.dap(sessionId, seq + 2, 'setBreakpoints', { source: { path }, breakpoints: [] });
  return stop;
}
