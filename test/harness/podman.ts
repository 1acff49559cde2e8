/**
 * A real Podman for integration tests, the counterpart of `dockerd.ts`. Podman has no daemon:
 * every `podman` command reads its configuration, so the test store lives in its own temp
 * directory by two files that `CONTAINERS_CONF` and `CONTAINERS_STORAGE_CONF` name — the
 * variables the test sshd passes to the remote user's sessions (`SetEnv`), as `DOCKER_HOST` is
 * for Docker. The store: rootful, the vfs driver, the cgroupfs cgroup manager (no systemd here),
 * the file events backend, no network (`netns = "none"`). The one image is made with `podman
 * import` from a tar of two empty directories; containers bind-mount the machine's `/usr`,
 * `/lib`, `/lib64`, `/bin` and `/etc` read-only (`SYSTEM_BINDS` in `dockerd.ts`), so its Python
 * and debugpy run inside.
 *
 * Measured on this sandbox (podman 4.3.1, runc): a container's default rlimits (nofile and nproc
 * 1048576/4194304) fail with `error setting rlimit type 7: operation not permitted` — the
 * sandbox has no `CAP_SYS_RESOURCE` — so `default_ulimits` are the hard limits podman can set:
 * nofile the process's own, nproc at most `kernel.pid_max` (podman lowers its own to that).
 * And crun, which podman prefers where it is installed, fails every container here with `crun:
 * cgroups in hybrid mode not supported, drop all controllers from cgroupv2`: the runtime is runc.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { importTestImage, runArgs, type TestDockerd } from './dockerd.js';

const execFileAsync = promisify(execFile);

/** A test Podman store; `dir` and `run` (`podman run`) as {@link TestDockerd}'s. */
export interface TestPodman extends Pick<TestDockerd, 'dir' | 'run'> {
  /** The variables that point `podman` at this store: `CONTAINERS_CONF`, `CONTAINERS_STORAGE_CONF`. */
  env: Record<string, string>;
  /** Runs the podman CLI against this store. @throws when it exits non-zero. */
  podman(args: string[]): Promise<string>;
  /** Removes every container at once (no stop timeout) and removes the directory. */
  stop(): Promise<void>;
}

/**
 * Makes the store and imports `TEST_IMAGE` (`dockerd.ts`).
 * @throws with podman's error when it fails.
 */
export async function startPodman(): Promise<TestPodman> {
  const dir = await mkdtemp('/tmp/periscope-podman-');
  const { nofile, nproc } = await hardLimits();
  await writeFile(
    path.join(dir, 'containers.conf'),
    [
      '[containers]',
      `default_ulimits = ["nofile=${nofile}:${nofile}", "nproc=${nproc}:${nproc}"]`,
      'netns = "none"',
      '[engine]',
      // crun (podman's choice when installed) refuses this machine's cgroups (see above).
      'runtime = "runc"',
      'cgroup_manager = "cgroupfs"',
      'events_logger = "file"',
      `events_logfile_path = "${dir}/events.log"`,
      `tmp_dir = "${dir}/tmp"`,
      '',
    ].join('\n'),
  );
  await writeFile(
    path.join(dir, 'storage.conf'),
    ['[storage]', 'driver = "vfs"', `graphroot = "${dir}/root"`, `runroot = "${dir}/run"`, ''].join(
      '\n',
    ),
  );
  const env = {
    CONTAINERS_CONF: path.join(dir, 'containers.conf'),
    CONTAINERS_STORAGE_CONF: path.join(dir, 'storage.conf'),
  };
  const podman = async (args: string[]): Promise<string> => {
    const { stdout } = await execFileAsync('podman', args, {
      env: { ...process.env, ...env },
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout;
  };
  const stop = async (): Promise<void> => {
    await podman(['rm', '--force', '--all', '--time', '0']).catch(() => undefined);
    // Never remove a tree something is still mounted under (a container's /dev/shm), nor while
    // a container's conmon or its exit command (`podman container cleanup`) still runs: that
    // would make the store again.
    for (let i = 0; i < 100; i++) {
      const mounts = await readFile('/proc/self/mounts', 'utf8').catch(() => '');
      if (!mounts.includes(` ${dir}/`) && !(await processesUsing(dir))) {
        await rm(dir, { recursive: true, force: true });
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  try {
    await importTestImage('podman', dir, { ...process.env, ...env });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    env,
    dir,
    podman,
    run: async (name, command, options) => (await podman(runArgs(name, command, options))).trim(),
    stop,
  };
}

/** Whether a process of the machine has `dir` in its command line (conmon, podman). */
async function processesUsing(dir: string): Promise<boolean> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  for (const pid of pids) {
    const args = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (args.includes(dir)) return true;
  }
  return false;
}

/** The hard nofile and nproc limits a container may get here (see the module comment). */
async function hardLimits(): Promise<{ nofile: number; nproc: number }> {
  const limits = await readFile('/proc/self/limits', 'utf8');
  const hard = (name: string, fallback: number): number => {
    const value = new RegExp(`^${name}\\s+\\S+\\s+(\\S+)`, 'm').exec(limits)?.[1];
    return value === undefined || value === 'unlimited' ? fallback : Number(value);
  };
  const pidMax = Number((await readFile('/proc/sys/kernel/pid_max', 'utf8')).trim()) || 32768;
  return {
    nofile: hard('Max open files', 1048576),
    nproc: Math.min(hard('Max processes', 4194304), pidMax),
  };
}
