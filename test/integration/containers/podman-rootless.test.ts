/**
 * Rootless Podman (issue 14): a user of the machine runs containers in its own store
 * (`~/.config/containers`: vfs, cgroupfs, file events; ids from `/etc/subuid`), and logs in over
 * the real sshd as itself. Its containers are listed with their engine, a launch inside breaks
 * and ends; the container's process is not marked in the machine's process list (on cgroup v1
 * a rootless container gets no cgroup of its own), and an attach by its pid inside the
 * container, named in the request, works. The user, its subordinate ids and its store are made
 * here and removed after.
 */
import { execFile, spawn } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { ContainerTarget } from '../../../src-common/protocol/containers.js';
import { shellJoin } from '../../../src-main/ssh/exec/shell-quote.js';
import { runArgs, TEST_IMAGE } from '../../harness/dockerd.js';
import { startSshd, type TestSshd } from '../../harness/sshd.js';
import { withRelayClient } from '../../harness/loopback-relay.js';
import { SLEEPER } from './container-kit.js';
import { INSIDE, INSIDE_LINE, WORKER, WORKER_LINE } from './container-programs.js';

const execFileAsync = promisify(execFile);
const USER = 'periscope-rootless';
/** Subordinate ids for the user's namespace (a range no other test user takes). */
const SUBIDS = `${USER}:400000:65536`;

describe('rootless Podman', () => {
  let sshd: TestSshd | undefined;
  let keys: string | undefined;
  let root: string | undefined;
  let home = '';
  let uid = '';

  /** Runs `podman args` as the user (its login environment, its store). */
  const podman = async (args: string[], stdin?: string): Promise<string> => {
    const child = spawn('runuser', ['-l', USER, '-c', shellJoin(['podman', ...args])], {
      stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    if (stdin !== undefined) {
      const tar = spawn('cat', [stdin], { stdio: ['ignore', 'pipe', 'inherit'] });
      tar.stdout.pipe(child.stdin!);
    }
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`podman ${args.join(' ')} as ${USER}: ${err}`);
    return out;
  };

  const target = (name: string): ContainerTarget => ({
    kind: 'podman',
    name,
    python: '',
    pathMappings: [],
  });

  beforeAll(async () => {
    await execFileAsync('userdel', ['-r', USER]).catch(() => undefined);
    await execFileAsync('useradd', ['-m', '-s', '/bin/sh', '-p', '*', USER]);
    for (const file of ['/etc/subuid', '/etc/subgid']) {
      const text = await readFile(file, 'utf8').catch(() => '');
      if (!text.split('\n').includes(SUBIDS)) await writeFile(file, `${text}${SUBIDS}\n`);
    }
    uid = (await execFileAsync('id', ['-u', USER])).stdout.trim();
    home = (await execFileAsync('sh', ['-c', `getent passwd ${USER} | cut -d: -f6`])).stdout.trim();
    const config = join(home, '.config', 'containers');
    await mkdir(config, { recursive: true });
    await writeFile(join(config, 'storage.conf'), '[storage]\ndriver = "vfs"\n');
    await writeFile(
      join(config, 'containers.conf'),
      // runc: crun fails here (`cgroups in hybrid mode not supported`, test/harness/podman.ts).
      '[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n',
    );
    await writeFile(join(home, 'app.py'), INSIDE);
    await writeFile(join(home, 'work.py'), WORKER);
    await execFileAsync('chown', ['-R', `${USER}:${USER}`, home]);
    // The image, from a tar of two empty directories, as dockerd.ts makes it.
    const image = await mkdtemp('/tmp/periscope-rootless-image-');
    await mkdir(join(image, 'root', 'tmp'), { recursive: true });
    await mkdir(join(image, 'root', 'app'));
    await chmod(join(image, 'root', 'tmp'), 0o1777);
    await execFileAsync('tar', ['-C', join(image, 'root'), '-cf', join(image, 'image.tar'), '.']);
    await chmod(image, 0o755);
    await podman(['import', '-', TEST_IMAGE], join(image, 'image.tar'));
    await rm(image, { recursive: true, force: true });
    await podman(runArgs('web', SLEEPER, { binds: [`${home}:/app`], extra: ['-w', '/app'] }));
    await podman(
      runArgs('worker', ['/usr/bin/python3', '/app/work.py'], { binds: [`${home}:/app`] }),
    );

    // The user logs in with the test key: sshd reads authorized keys as that user.
    keys = await mkdtemp('/tmp/periscope-rootless-keys-');
    await chmod(keys, 0o755);
    sshd = await startSshd({
      extraConfig: [`Match User ${USER}`, `  AuthorizedKeysFile ${join(keys, 'authorized_keys')}`],
    });
    await copyFile(join(sshd.dir, 'authorized_keys'), join(keys, 'authorized_keys'));
    await chmod(join(keys, 'authorized_keys'), 0o644);
    root = await mkdtemp('/tmp/periscope-rootless-it-');
  }, 180_000);

  afterAll(async () => {
    await sshd?.stop();
    await podman(['rm', '--force', '--all', '--time', '0']).catch(() => undefined);
    // The user's own processes (its pause process, conmon): by pid, then the user.
    const pids = (
      await execFileAsync('ps', ['-u', USER, '-o', 'pid=']).catch(() => ({ stdout: '' }))
    ).stdout
      .split('\n')
      .map((p) => Number(p.trim()))
      .filter((p) => p > 0);
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
    for (let i = 0; i < 50; i++) {
      const gone = await execFileAsync('userdel', ['-r', USER]).then(
        () => true,
        () => false,
      );
      if (gone) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    for (const file of ['/etc/subuid', '/etc/subgid']) {
      const text = await readFile(file, 'utf8').catch(() => '');
      await writeFile(
        file,
        text
          .split('\n')
          .filter((line) => line !== SUBIDS)
          .join('\n'),
      );
    }
    // Rootless Podman's runtime and temp directories (no XDG_RUNTIME_DIR without a login manager).
    if (uid) {
      await rm(`/tmp/podman-run-${uid}`, { recursive: true, force: true });
      await rm(`/tmp/containers-user-${uid}`, { recursive: true, force: true });
    }
    if (keys) await rm(keys, { recursive: true, force: true });
    if (root) await rm(root, { recursive: true, force: true });
  }, 60_000);

  it("lists the user's containers, launches inside one, breaks, and the program ends", async () => {
    await withRelayClient(
      root!,
      sshd!,
      { profile: { user: USER } },
      async ({ profile, client }) => {
        const { containers } = await client.app('containers.list', { profileId: profile.id });
        expect(containers.map((c) => [c.kind, c.name, c.state])).toEqual([
          ['podman', 'web', 'running'],
          ['podman', 'worker', 'running'],
        ]);
        const { session } = await client.app('session.launch', {
          profileId: profile.id,
          target: { kind: 'file', path: '/app/app.py' },
          args: [],
          cwd: '',
          breakpoints: [{ path: '/app/app.py', breakpoints: [{ line: INSIDE_LINE }] }],
          container: target('web'),
        });
        const stop = (await client.dapEvent(session.id, 'stopped', 30_000))
          .body as DebugProtocol.StoppedEvent['body'];
        expect(stop.reason).toBe('breakpoint');
        await client.dap(session.id, 9001, 'continue', { threadId: stop.threadId });
        await expect
          .poll(() => client.output(session.id), { timeout: 20_000 })
          .toMatch(/in the container; pid 1 is \/usr\/bin\/python3 -c import time.* total 42/);
      },
    );
  }, 90_000);

  it('its process carries no container badge (no cgroup of its own), and an attach naming the container works', async () => {
    await withRelayClient(
      root!,
      sshd!,
      { profile: { user: USER } },
      async ({ profile, client }) => {
        const cgroup = await readFile(
          `/proc/${(await podman(['inspect', '--format', '{{.State.Pid}}', 'worker'])).trim()}/cgroup`,
          'utf8',
        );
        const machine = await client.app('processes.list', { profileId: profile.id });
        const outside = machine.processes.find(
          (p) => p.command === '/usr/bin/python3 /app/work.py',
        );
        expect(outside).toBeDefined();
        // What this machine does (cgroup v1): no libpod id, so no badge. With one, the badge.
        if (/libpod-[0-9a-f]{64}/.test(cgroup)) expect(outside?.container?.kind).toBe('podman');
        else expect(outside?.container).toBeUndefined();
        // Picked from the machine's list all the same, it is refused untouched.
        await expect(
          client.app('session.attach', {
            profileId: profile.id,
            to: { kind: 'pid', pid: outside!.pid },
            breakpoints: [],
          }),
        ).rejects.toThrow(/runs inside a container .*was not touched/);

        const { session } = await client.app('session.attach', {
          profileId: profile.id,
          to: { kind: 'pid', pid: 1, container: target('worker') },
          breakpoints: [],
        });
        const stopped = client.dapEvent(session.id, 'stopped', 30_000);
        await client.dap(session.id, 9101, 'setBreakpoints', {
          source: { path: '/app/work.py' },
          breakpoints: [{ line: WORKER_LINE }],
        });
        expect(((await stopped).body as DebugProtocol.StoppedEvent['body']).reason).toBe(
          'breakpoint',
        );
        await client.dap(session.id, 9102, 'setBreakpoints', {
          source: { path: '/app/work.py' },
          breakpoints: [],
        });
        await client.app('session.detach', { sessionId: session.id });
        expect((await podman(['inspect', '--format', '{{.State.Running}}', 'worker'])).trim()).toBe(
          'true',
        );
      },
    );
  }, 90_000);
});
