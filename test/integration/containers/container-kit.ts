/**
 * The world of the container tests: a real dockerd (`test/harness/dockerd.ts`), a project
 * directory on the machine that containers bind-mount, a real sshd whose sessions reach that
 * dockerd (`SetEnv DOCKER_HOST`), and a scratch directory for the relay's data. `stop` ends
 * them all (sshd, then dockerd by pid) and removes the directories.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { startDockerd, type TestDockerd } from '../../harness/dockerd.js';
import { startSshd, type TestSshd } from '../../harness/sshd.js';

/** See the module comment. */
export interface ContainerWorld {
  dockerd: TestDockerd;
  sshd: TestSshd;
  /** A fresh directory on the machine, for programs the containers run (bind-mount it). */
  project: string;
  /** A fresh directory for the relay's data (`loopbackRelay`). */
  root: string;
  stop(): Promise<void>;
}

/**
 * Starts the world; `setup` makes the containers (and files in `project`) before sshd starts;
 * `sshdConfig` are more sshd_config lines, after the `SetEnv`.
 */
export async function containerWorld(
  setup: (dockerd: TestDockerd, project: string) => Promise<void>,
  sshdConfig: string[] = [],
): Promise<ContainerWorld> {
  const dockerd = await startDockerd();
  const project = await mkdtemp('/tmp/periscope-container-project-');
  const root = await mkdtemp('/tmp/periscope-container-it-');
  const removeDirs = async (): Promise<void> => {
    await rm(project, { recursive: true, force: true });
    await rm(root, { recursive: true, force: true });
  };
  let sshd: TestSshd;
  try {
    await setup(dockerd, project);
    sshd = await startSshd({
      extraConfig: [`SetEnv DOCKER_HOST=${dockerd.dockerHost}`, ...sshdConfig],
    });
  } catch (error) {
    await dockerd.stop();
    await removeDirs();
    throw error;
  }
  return {
    dockerd,
    sshd,
    project,
    root,
    stop: async () => {
      await sshd.stop();
      await dockerd.stop();
      await removeDirs();
    },
  };
}

/** A pid-1 command that keeps a container running and does nothing. */
export const SLEEPER = ['/usr/bin/python3', '-c', 'import time; time.sleep(100000)'];
