/**
 * The preflight of a launch into a container (issue 14), against a real dockerd and sshd: each
 * missing piece is named with its fix — no CLI, no permission on the docker socket (a real user
 * outside the docker group), container missing or not running, no debugpy inside. The outsider's
 * PATH (`~/.ssh/environment`) holds the docker CLI and no podman, so its missing CLI is named
 * even on a machine that has Podman.
 */
import { execFile } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreflightResult } from '../../../src-common/protocol/connections.js';
import type { ContainerTarget } from '../../../src-common/protocol/containers.js';
import type { ProfileDraft } from '../../../src-common/protocol/profile.js';
import type { TestDockerd } from '../../harness/dockerd.js';
import type { TestSshd } from '../../harness/sshd.js';
import { containerWorld, SLEEPER, type ContainerWorld } from './container-kit.js';
import { loopbackRelay } from '../../harness/loopback-relay.js';
import { RelayTestClient } from '../../harness/relay-test-client.js';

const execFileAsync = promisify(execFile);
/** A real user of the machine outside the docker group (made here when missing, removed after). */
const OUTSIDER = 'periscope-nodocker';

describe('preflight of a launch in a container', () => {
  let w: ContainerWorld | undefined;
  let dockerd: TestDockerd;
  let sshd: TestSshd;
  let keys: string | undefined;
  let madeUser = false;
  let outsiderEnv: string | undefined;

  beforeAll(async () => {
    if (
      !(await execFileAsync('id', [OUTSIDER]).then(
        () => true,
        () => false,
      ))
    ) {
      // `-p '*'`: no password, but not locked (sshd refuses locked accounts, `!`).
      await execFileAsync('useradd', ['-m', '-s', '/bin/sh', '-p', '*', OUTSIDER]);
      madeUser = true;
    }
    // sshd reads authorized keys as the user: the outsider gets a copy it can read.
    keys = await mkdtemp('/tmp/periscope-outsider-keys-');
    await chmod(keys, 0o755);
    w = await containerWorld(
      async (docker, dir) => {
        // The socket's own mode (0660 root:docker) decides, not the directory around it.
        await chmod(docker.dir, 0o711);
        await docker.run('web', SLEEPER);
        // The machine's debugpy hidden inside: an empty directory over dist-packages.
        await docker.run('bare', SLEEPER, { binds: [`${dir}:/usr/lib/python3/dist-packages:ro`] });
        await docker.docker(['create', '--name', 'stopped-one', 'periscope-test:1', '/bin/true']);
        // A container whose seccomp profile refuses ptrace: no injector can work in it.
        const seccomp = join(docker.dir, 'no-ptrace.json');
        await writeFile(
          seccomp,
          JSON.stringify({
            defaultAction: 'SCMP_ACT_ALLOW',
            syscalls: [{ names: ['ptrace'], action: 'SCMP_ACT_ERRNO' }],
          }),
        );
        await docker.run('locked', SLEEPER, { extra: ['--security-opt', `seccomp=${seccomp}`] });
      },
      [
        'PermitUserEnvironment PATH',
        `Match User ${OUTSIDER}`,
        `  AuthorizedKeysFile ${join(keys, 'authorized_keys')}`,
      ],
    );
    ({ dockerd, sshd } = w);
    await copyFile(join(sshd.dir, 'authorized_keys'), join(keys, 'authorized_keys'));
    await chmod(join(keys, 'authorized_keys'), 0o644);
    // The outsider's PATH: the docker CLI alone.
    const docker = (await execFileAsync('sh', ['-c', 'command -v docker'])).stdout.trim();
    await mkdir(join(keys, 'bin'));
    await symlink(docker, join(keys, 'bin', 'docker'));
    await chmod(keys, 0o755);
    const home = (
      await execFileAsync('sh', ['-c', `getent passwd ${OUTSIDER} | cut -d: -f6`])
    ).stdout.trim();
    outsiderEnv = join(home, '.ssh', 'environment');
    await mkdir(join(home, '.ssh'), { recursive: true });
    await writeFile(outsiderEnv, `PATH=${join(keys, 'bin')}\n`, { mode: 0o644 });
  }, 120_000);
  afterAll(async () => {
    await w?.stop();
    if (keys) await rm(keys, { recursive: true, force: true });
    if (outsiderEnv) await rm(outsiderEnv, { force: true });
    if (madeUser) await execFileAsync('userdel', ['-r', OUTSIDER]).catch(() => undefined);
  }, 60_000);

  const preflight = async (
    container: Partial<ContainerTarget>,
    profile: Partial<ProfileDraft> = {},
    mode: { mode: 'launch' } | { mode: 'attach-pid'; pid: number } = { mode: 'launch' },
  ): Promise<PreflightResult & { byId: Record<string, PreflightResult['checks'][number]> }> => {
    const dir = await mkdtemp('/tmp/periscope-container-preflight-');
    const { relay, profile: saved } = await loopbackRelay(dir, sshd, { profile });
    const client = new RelayTestClient();
    relay.connectClient(client);
    try {
      const result = await client.app('session.preflight', {
        profileId: saved.id,
        ...mode,
        container: { kind: 'docker', name: 'web', python: '', pathMappings: [], ...container },
      });
      return { ...result, byId: Object.fromEntries(result.checks.map((c) => [c.id, c])) };
    } finally {
      await relay.close();
      await rm(dir, { recursive: true, force: true });
    }
  };

  it('passes for a running container with Python and debugpy, checking inside it', async () => {
    const result = await preflight({});
    expect(result.checks.map((c) => [c.id, c.status])).toEqual([
      ['ssh', 'ok'],
      ['auth', 'ok'],
      ['engine', 'ok'],
      ['engine-socket', 'ok'],
      ['container', 'ok'],
      ['python', 'ok'],
      ['debugpy', 'ok'],
      ['port', 'ok'],
    ]);
    expect(result.ok).toBe(true);
    expect(result.byId.engine?.detail).toMatch(/^Docker version /);
    expect(result.byId.python?.detail).toContain('in container "web" (docker)');
  });

  it('names a user without access to the docker socket, and the fix', async () => {
    const result = await preflight({}, { user: OUTSIDER });
    expect(result.ok).toBe(false);
    expect(result.byId.engine?.status).toBe('ok');
    expect(result.byId['engine-socket']).toMatchObject({ status: 'failed' });
    expect(result.byId['engine-socket']?.detail).toContain(
      `${OUTSIDER} may not use the docker daemon's socket ${dockerd.socket}`,
    );
    expect(result.byId['engine-socket']?.fix).toContain(`sudo usermod -aG docker ${OUTSIDER}`);
    expect(result.byId.container?.status).toBe('skipped');
    expect(result.byId.python?.status).toBe('skipped');

    // The container list says the same.
    const dir = await mkdtemp('/tmp/periscope-container-preflight-');
    const { relay, profile } = await loopbackRelay(dir, sshd, { profile: { user: OUTSIDER } });
    const client = new RelayTestClient();
    relay.connectClient(client);
    try {
      await expect(
        client.app('containers.list', { profileId: profile.id, kind: 'docker' }),
      ).rejects.toThrow(/may not use the docker daemon's socket.*sudo usermod -aG docker/);
      // Both engines asked: the one installed is named, the missing podman CLI is not.
      const both = client.app('containers.list', { profileId: profile.id });
      await expect(both).rejects.toThrow(/may not use the docker daemon's socket/);
      await expect(both).rejects.not.toThrow(/podman/);
    } finally {
      await relay.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('names a container that is not running, and one that does not exist', async () => {
    const stopped = await preflight({ name: 'stopped-one' });
    expect(stopped.byId.container).toMatchObject({
      status: 'failed',
      fix: 'Start it: `docker start stopped-one`.',
    });
    expect(stopped.byId.python?.status).toBe('skipped');
    const missing = await preflight({ name: 'no-such-one' });
    expect(missing.byId.container?.status).toBe('failed');
    expect(missing.byId.container?.detail).toContain('there is no container "no-such-one"');
  });

  it('names a container without debugpy, with how to add it', async () => {
    const result = await preflight({ name: 'bare' });
    expect(result.byId.python?.status).toBe('ok');
    expect(result.byId.debugpy?.status).toBe('failed');
    expect(result.byId.debugpy?.fix).toContain(
      'docker exec bare /usr/bin/python3 -m pip install debugpy',
    );
  });

  it('names a missing engine CLI', async () => {
    const result = await preflight({ kind: 'podman' }, { user: OUTSIDER });
    expect(result.byId.engine).toMatchObject({ status: 'failed' });
    expect(result.byId.engine?.detail).toContain('the podman command was not found');
    expect(result.byId['engine-socket']?.status).toBe('skipped');
  });

  it('attach by PID in a container: the injector is proved inside; one that may not ptrace is named, with the fix', async () => {
    const ok = await preflight({}, {}, { mode: 'attach-pid', pid: 1 });
    expect(ok.byId.container?.status).toBe('ok');
    expect(ok.byId.ptrace?.status).toBe('ok');
    expect([ok.byId.gdb?.status, ok.byId.lldb?.status]).toContain('ok');
    expect(ok.ok).toBe(true);

    const locked = await preflight({ name: 'locked' }, {}, { mode: 'attach-pid', pid: 1 });
    expect(locked.ok).toBe(false);
    expect(locked.byId.gdb?.status).toBe('failed');
    expect(locked.byId.gdb?.fix).toContain('--cap-add SYS_PTRACE');
  });
});
