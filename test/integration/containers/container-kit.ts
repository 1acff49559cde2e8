/**
 * The world of the container tests: a real container engine — dockerd (`test/harness/dockerd.ts`)
 * or Podman's own store (`test/harness/podman.ts`) — a project directory on the machine that
 * containers bind-mount, a real sshd whose sessions reach that engine (`SetEnv DOCKER_HOST`, or
 * Podman's `CONTAINERS_CONF` and `CONTAINERS_STORAGE_CONF`), and a scratch directory for the
 * relay's data. `stop` ends them all (sshd, then the engine) and removes the directories.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { startDockerd, type TestDockerd } from '../../harness/dockerd.js';
import { startPodman, type TestPodman } from '../../harness/podman.js';
import { startSshd, type TestSshd } from '../../harness/sshd.js';

/** One world with `engine` (`TestDockerd` or `TestPodman`). */
interface EngineWorld<E> {
  engine: E;
  sshd: TestSshd;
  /** A fresh directory on the machine, for programs the containers run (bind-mount it). */
  project: string;
  /** A fresh directory for the relay's data (`loopbackRelay`). */
  root: string;
  stop(): Promise<void>;
}

/** See the module comment: a Docker world. */
export interface ContainerWorld extends Omit<EngineWorld<TestDockerd>, 'engine'> {
  dockerd: TestDockerd;
}

/** See the module comment: a Podman world. */
export type PodmanWorld = EngineWorld<TestPodman>;

/**
 * Starts a Docker world; `setup` makes the containers (and files in `project`) before sshd
 * starts; `sshdConfig` are more sshd_config lines, after the `SetEnv`.
 */
export async function containerWorld(
  setup: (dockerd: TestDockerd, project: string) => Promise<void>,
  sshdConfig: string[] = [],
): Promise<ContainerWorld> {
  const { engine, ...rest } = await engineWorld(
    startDockerd,
    (dockerd) => [`DOCKER_HOST=${dockerd.dockerHost}`],
    setup,
    sshdConfig,
  );
  return { dockerd: engine, ...rest };
}

/**
 * Starts a Podman world, as {@link containerWorld} does a Docker one; its sessions' `DOCKER_HOST`
 * names a socket nothing listens on (a machine with Podman and no Docker daemon).
 */
export function podmanWorld(
  setup: (podman: TestPodman, project: string) => Promise<void>,
  sshdConfig: string[] = [],
): Promise<PodmanWorld> {
  return engineWorld(
    startPodman,
    (podman) => [
      ...Object.entries(podman.env).map(([name, value]) => `${name}=${value}`),
      // A machine with Podman and no Docker daemon: the docker CLI, where installed, finds none.
      `DOCKER_HOST=unix://${podman.dir}/no-docker.sock`,
    ],
    setup,
    sshdConfig,
  );
}

async function engineWorld<E extends { stop(): Promise<void> }>(
  start: () => Promise<E>,
  sshEnv: (engine: E) => string[],
  setup: (engine: E, project: string) => Promise<void>,
  sshdConfig: string[],
): Promise<EngineWorld<E>> {
  const engine = await start();
  const project = await mkdtemp('/tmp/periscope-container-project-');
  const root = await mkdtemp('/tmp/periscope-container-it-');
  const removeDirs = async (): Promise<void> => {
    await rm(project, { recursive: true, force: true });
    await rm(root, { recursive: true, force: true });
  };
  let sshd: TestSshd;
  try {
    await setup(engine, project);
    sshd = await startSshd({
      extraConfig: [`SetEnv ${sshEnv(engine).join(' ')}`, ...sshdConfig],
    });
  } catch (error) {
    await engine.stop();
    await removeDirs();
    throw error;
  }
  return {
    engine,
    sshd,
    project,
    root,
    stop: async () => {
      await sshd.stop();
      await engine.stop();
      await removeDirs();
    },
  };
}

/** A pid-1 command that keeps a container running and does nothing. */
export const SLEEPER = ['/usr/bin/python3', '-c', 'import time; time.sleep(100000)'];
