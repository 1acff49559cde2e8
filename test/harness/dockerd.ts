/**
 * A real dockerd for integration tests, as `../shared/ENVIRONMENT.md` "Docker here" runs it: its
 * own temp directory (data root, exec root, socket, pidfile), the vfs storage driver, no network
 * (`--bridge=none --iptables=false`), no registry. The one image is made with `docker import`
 * from a tar of two empty directories (`/tmp`, `/app`); containers bind-mount the machine's
 * `/usr`, `/lib`, `/lib64`, `/bin` and `/etc` read-only, so the machine's Python and debugpy run
 * inside. `stop` removes every container, stops dockerd by the pid in its pidfile and removes the
 * directory.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, chmod } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const READY_TIMEOUT_MS = 30_000;

/** The image every test container runs: empty `/tmp` (1777) and `/app`, nothing else. */
export const TEST_IMAGE = 'periscope-test:1';

/** The read-only binds that bring the machine's Python and debugpy into a container. */
export const SYSTEM_BINDS = ['/usr', '/lib', '/lib64', '/bin', '/etc']
  .filter((dir) => existsSync(dir))
  .flatMap((dir) => ['-v', `${dir}:${dir}:ro`]);

/** A running test dockerd. */
export interface TestDockerd {
  /** The value for `DOCKER_HOST`: `unix://<dir>/docker.sock`. */
  dockerHost: string;
  /** The socket's path. */
  socket: string;
  dir: string;
  /** Runs the docker CLI against this daemon. @throws when it exits non-zero. */
  docker(args: string[]): Promise<string>;
  /**
   * Starts a detached container `name` (no network, {@link SYSTEM_BINDS} and `binds`, extra
   * `docker run` options) running `command`. @returns its id.
   */
  run(
    name: string,
    command: string[],
    options?: { binds?: string[]; extra?: string[] },
  ): Promise<string>;
  /** Removes every container, stops dockerd (TERM, then KILL) and removes the directory. */
  stop(): Promise<void>;
}

/** Starts dockerd and imports {@link TEST_IMAGE}. @throws with dockerd's log when it does not come up. */
export async function startDockerd(): Promise<TestDockerd> {
  // Short: a unix socket path has at most 107 bytes.
  const dir = await mkdtemp('/tmp/periscope-dockerd-');
  const socket = path.join(dir, 'docker.sock');
  const dockerHost = `unix://${socket}`;
  const child = spawn(
    'dockerd',
    [
      '--data-root',
      path.join(dir, 'root'),
      '--exec-root',
      path.join(dir, 'exec'),
      '-H',
      dockerHost,
      '--pidfile',
      path.join(dir, 'pid'),
      '--storage-driver',
      'vfs',
      '--iptables=false',
      '--bridge=none',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => {
    if (log.length < 256 * 1024) log += text;
  });
  let exited: string | undefined;
  child.once(
    'exit',
    (code, signal) => (exited = `dockerd exited (code ${code}, signal ${signal})`),
  );
  child.once('error', (error) => (exited = `dockerd could not start: ${error.message}`));
  const env = { ...process.env, DOCKER_HOST: dockerHost };
  const docker = async (args: string[]): Promise<string> => {
    const { stdout } = await execFileAsync('docker', args, { env, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  };
  const stop = async (): Promise<void> => {
    const ids = (await docker(['ps', '-aq']).catch(() => '')).split('\n').filter(Boolean);
    if (ids.length) await docker(['rm', '-f', ...ids]).catch(() => undefined);
    await killByPidfile(path.join(dir, 'pid'), child);
    // Never remove a tree something is still mounted under (dockerd unmounts its network
    // namespace files as it exits: give it a moment).
    for (let i = 0; i < 50; i++) {
      const mounts = await readFile('/proc/self/mounts', 'utf8').catch(() => '');
      if (!mounts.includes(` ${dir}/`)) {
        await rm(dir, { recursive: true, force: true });
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  try {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (exited !== undefined) throw new Error(`${exited}: ${log.trim().slice(-2000)}`);
      if (
        await docker(['version', '--format', '{{.Server.Version}}']).then(
          () => true,
          () => false,
        )
      )
        break;
      if (Date.now() > deadline)
        throw new Error(
          `dockerd did not answer within ${READY_TIMEOUT_MS} ms: ${log.slice(-2000)}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await importTestImage('docker', dir, env);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    dockerHost,
    socket,
    dir,
    docker,
    run: async (name, command, options) => (await docker(runArgs(name, command, options))).trim(),
    stop,
  };
}

/**
 * The arguments of `docker run` (and `podman run`, the same) that start a detached container
 * `name` of {@link TEST_IMAGE} with no network, {@link SYSTEM_BINDS}, `options.binds` (`-v`
 * values) and `options.extra` (more options), running `command`.
 */
export function runArgs(
  name: string,
  command: string[],
  options: { binds?: string[]; extra?: string[] } = {},
): string[] {
  return [
    'run',
    '-d',
    '--name',
    name,
    '--network',
    'none',
    ...SYSTEM_BINDS,
    ...(options.binds ?? []).flatMap((bind) => ['-v', bind]),
    ...(options.extra ?? []),
    TEST_IMAGE,
    ...command,
  ];
}

/**
 * Makes {@link TEST_IMAGE} with `cli import` (`docker` or `podman`, whose `import` takes the same
 * arguments) from a tar of `<dir>/image` (empty `/tmp` 1777 and `/app`), with `env` for the CLI.
 * @throws with the CLI's stderr when the import fails.
 */
export async function importTestImage(
  cli: 'docker' | 'podman',
  dir: string,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const rootfs = path.join(dir, 'image');
  await mkdir(path.join(rootfs, 'tmp'), { recursive: true });
  await mkdir(path.join(rootfs, 'app'), { recursive: true });
  await chmod(path.join(rootfs, 'tmp'), 0o1777);
  const tar = spawn('tar', ['-C', rootfs, '-cf', '-', '.'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const load = spawn(cli, ['import', '-', TEST_IMAGE], {
    env,
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  tar.stdout.pipe(load.stdin);
  let stderr = '';
  load.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => load.once('exit', resolve));
  if (code !== 0) throw new Error(`${cli} import failed: ${stderr}`);
}

async function killByPidfile(pidfile: string, child: ChildProcess): Promise<void> {
  const pid = Number((await readFile(pidfile, 'utf8').catch(() => '')).trim()) || child.pid;
  if (pid === undefined) return;
  const gone = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }, 10_000);
  await gone;
  clearTimeout(timer);
}
