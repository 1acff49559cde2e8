/**
 * Launching a program inside a container of the remote machine (issue 14), end to end with real
 * parts: a real dockerd (its own temp directory, no network, `test/harness/dockerd.ts`), a real
 * sshd whose sessions reach it (`SetEnv DOCKER_HOST`), the machine's debugpy bind-mounted into
 * the container, and the renderer's debug model. The container publishes no port: DAP goes
 * laptop → SSH → `docker exec -i` stdio → debugpy on the container's loopback.
 */
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerTarget } from '../../../src-common/protocol/containers.js';
import type { TestDockerd } from '../../harness/dockerd.js';
import type { TestSshd } from '../../harness/sshd.js';
import { containerWorld, SLEEPER, type ContainerWorld } from './container-kit.js';
import { INSIDE, INSIDE_LINE } from './container-programs.js';
import { launchWorld, type DebuggerWorld } from '../debugger/debugger-kit.js';
import { expectRunsInside } from './container-scenarios.js';
import { loopbackRelay } from '../../harness/loopback-relay.js';
import { continueChildrenUntil } from '../../harness/process-tree.js';
import { RelayTestClient } from '../../harness/relay-test-client.js';

const PROGRAM = INSIDE;
const FIRST_LINE = INSIDE_LINE;

describe('launch in a container', () => {
  let w: ContainerWorld | undefined;
  let dockerd: TestDockerd;
  let sshd: TestSshd;
  let project: string;
  let world: DebuggerWorld | undefined;

  const target = (overrides: Partial<ContainerTarget> = {}): ContainerTarget => ({
    kind: 'docker',
    name: 'web',
    python: '/usr/bin/python3',
    pathMappings: [],
    ...overrides,
  });

  beforeAll(async () => {
    w = await containerWorld(async (docker, dir) => {
      await writeFile(join(dir, 'app.py'), PROGRAM);
      await docker.run('web', SLEEPER, { binds: [`${dir}:/app`], extra: ['-w', '/app'] });
      await docker.docker(['create', '--name', 'stopped-one', 'periscope-test:1', '/bin/true']);
    });
    ({ dockerd, sshd, project } = w);
  }, 120_000);
  afterAll(async () => {
    await world?.dispose();
    await w?.stop();
  }, 60_000);

  it('lists the containers of the machine, running first, and inspects one', async () => {
    const dir = await mkdtemp('/tmp/periscope-container-it-');
    const { relay, profile } = await loopbackRelay(dir, sshd);
    const client = new RelayTestClient();
    relay.connectClient(client);
    try {
      const { containers } = await client.app('containers.list', {
        profileId: profile.id,
        kind: 'docker',
      });
      expect(containers.map((c) => [c.name, c.state, c.image])).toEqual([
        ['web', 'running', 'periscope-test:1'],
        ['stopped-one', 'created', 'periscope-test:1'],
      ]);
      const details = await client.app('containers.inspect', {
        profileId: profile.id,
        kind: 'docker',
        name: 'web',
      });
      expect(details).toMatchObject({ name: 'web', running: true, workingDir: '/app' });
      expect(details.mounts).toContainEqual({
        type: 'bind',
        source: project,
        destination: '/app',
        rw: true,
      });
      // Only the project's bind mount: the system directories bound in are not suggested.
      expect(details.suggestedMappings).toEqual([{ localRoot: project, remoteRoot: '/app' }]);
      await expect(
        client.app('containers.inspect', { profileId: profile.id, kind: 'docker', name: 'nope' }),
      ).rejects.toThrow(/no container "nope"/);
    } finally {
      await relay.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('runs the program inside: a breakpoint by the machine path verifies through the suggested mapping; inspect, step, output, Stop', async () => {
    const hostFile = join(project, 'app.py');
    world = await launchWorld(sshd, {
      program: '/app/app.py',
      container: target({ pathMappings: [{ localRoot: project, remoteRoot: '/app' }] }),
      breakpoints: [{ path: hostFile, lines: [FIRST_LINE] }],
    });
    await expectRunsInside(world, hostFile, 'docker');
    await world.dispose();
    world = undefined;
  });

  it('without the mapping the same breakpoint does not verify: the path inside is not the machine path', async () => {
    const hostFile = join(project, 'app.py');
    world = await launchWorld(sshd, {
      program: '/app/app.py',
      container: target(),
      breakpoints: [{ path: hostFile, lines: [FIRST_LINE] }],
    });
    await world.until((v) => v.state === 'ended', 30_000);
    // The output comes through the tail of the mux's file: it may land just after the end.
    const id = world.session.id;
    await expect.poll(() => world!.client.output(id), { timeout: 10_000 }).toContain('total 42');
    expect(world.model.view.breakpoints.get(hostFile)?.[0]?.verified).not.toBe(true);
    await world.dispose();
    world = undefined;
  });

  it('Stop ends the program inside the container, and nothing of it stays there', async () => {
    const loop = 'import time\nwhile True:\n    time.sleep(0.1)\n';
    await writeFile(join(project, 'loop.py'), loop);
    world = await launchWorld(sshd, { program: '/app/loop.py', container: target() });
    const ps = (): Promise<string> =>
      dockerd.docker(['exec', 'web', 'sh', '-c', 'ps -eo args']).then((out) => out);
    await world.until(() => true);
    expect(await ps()).toContain('/app/loop.py');
    await world.client.app('session.close', { sessionId: world.session.id });
    for (let i = 0; i < 50 && (await ps()).includes('loop.py'); i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await ps()).not.toContain('loop.py');
    expect(await ps()).not.toContain('debugpy/adapter');
    await world.dispose();
    world = undefined;
  });

  it('runs a program in a terminal inside the container (launch.json console integratedTerminal)', async () => {
    const program =
      'import os, sys\nprint("tty", sys.stdin.isatty(), "%dx%d" % tuple(os.get_terminal_size()), flush=True)\nprint("got", input("? "), flush=True)\n';
    await writeFile(join(project, 'tty.py'), program);
    world = await launchWorld(sshd, {
      program: '/app/tty.py',
      container: target(),
      profile: { console: 'integratedTerminal' },
      terminalSize: { cols: 70, rows: 20 },
    });
    const id = world.session.id;
    expect(world.session.terminal).toBe(true);
    await expect
      .poll(() => world!.client.output(id), { timeout: 30_000 })
      .toContain('tty True 70x20\r\n? ');
    await world.client.app('session.stdin', { sessionId: id, text: 'hi\r' });
    await expect.poll(() => world!.client.output(id), { timeout: 10_000 }).toContain('got hi\r\n');
    await world.until((v) => v.state === 'ended', 30_000);
    await world.dispose();
    world = undefined;
  });

  it('follows a child process inside the container: a worker stops at its breakpoint', async () => {
    await copyFile(resolve('test/fixtures/programs/pool_map.py'), join(project, 'pool_map.py'));
    const dir = await mkdtemp('/tmp/periscope-container-it-');
    const { relay, profile } = await loopbackRelay(dir, sshd);
    const client = new RelayTestClient();
    relay.connectClient(client);
    try {
      const { session } = await client.app('session.launch', {
        profileId: profile.id,
        target: { kind: 'file', path: '/app/pool_map.py' },
        args: ['spawn'],
        cwd: '',
        container: target(),
        breakpoints: [{ path: '/app/pool_map.py', breakpoints: [{ line: 8 }] }],
      });
      const stop = await client.anyDapEvent('stopped', 30_000, 0);
      const child = relay.listSessions().find((s) => s.id === stop.sessionId);
      expect(child?.parentId).toBe(session.id);
      await client.dap(session.id, 3, 'setBreakpoints', {
        source: { path: '/app/pool_map.py' },
        breakpoints: [],
      });
      await continueChildrenUntil(relay, client, session.id, 'results [0, 1, 4, 9] workers');
    } finally {
      await relay.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
