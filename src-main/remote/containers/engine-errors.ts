/**
 * What a container engine's CLI failing means, for people: Docker's and Podman's error texts
 * (their stderr) turned into one named problem with the fix. The texts are the CLI's own, e.g.
 * Docker 20.10+: `permission denied while trying to connect to the Docker daemon socket at
 * unix:///var/run/docker.sock: …`, `Cannot connect to the Docker daemon at unix:///… Is the
 * docker daemon running?`, `Error: No such container: web`, `Error response from daemon:
 * Container 3f… is not running`; Podman 4.3: `Error: no container with name or ID "web" found: no such
 * container`, `… container state improper`.
 */
import type { ContainerEngine } from '../../../src-common/protocol/containers.js';

/** One engine problem: `kind` for code, `message` and `fix` for the user. */
export interface EngineProblem {
  kind: 'no-cli' | 'socket-permission' | 'daemon-down' | 'no-container' | 'not-running' | 'other';
  message: string;
  fix?: string;
}

/**
 * The problem that `stderr` and exit `code` of `cli` (run by `user` on `host`) name, or
 * undefined when the command succeeded (`code` 0).
 */
export function engineProblem(
  cli: ContainerEngine,
  result: { code: number | null; stderr: string },
  where: { user: string; host: string; container?: string },
): EngineProblem | undefined {
  if (result.code === 0) return undefined;
  const text = result.stderr.trim();
  const last = text.split('\n').slice(-3).join(' ');
  // 127: the shell found no such command (POSIX `sh`, "Command Search and Execution").
  if (result.code === 127)
    return {
      kind: 'no-cli',
      message: `the ${cli} command was not found on ${where.host} (not on ${where.user}'s PATH)`,
      fix: `Install ${cli === 'docker' ? 'Docker (e.g. `sudo apt install docker.io`)' : 'Podman (`sudo apt install podman`)'} on ${where.host}, or choose the engine that runs the containers there.`,
    };
  const socket = /(unix:\/\/[^\s:"]+)/.exec(text)?.[1]?.replace(/^unix:\/\//, '');
  if (/permission denied/i.test(text) && /daemon|socket|docker\.sock/i.test(text))
    return {
      kind: 'socket-permission',
      message: `${where.user} may not use the ${cli} daemon's socket${socket ? ` ${socket}` : ''} on ${where.host} (permission denied)`,
      fix: `Add ${where.user} to the docker group on ${where.host}: \`sudo usermod -aG docker ${where.user}\`, then connect again (group membership takes effect at the next login; Periscope opens a new SSH connection). Or use rootless Docker or Podman as ${where.user}.`,
    };
  if (/cannot connect to the docker daemon|is the docker daemon running/i.test(text))
    return {
      kind: 'daemon-down',
      message: `the ${cli} daemon does not answer on ${where.host}: ${last}`,
      fix: `Start it on ${where.host} (\`sudo systemctl start docker\`), or check DOCKER_HOST for ${where.user}.`,
    };
  if (/no such (container|object)/i.test(text))
    return {
      kind: 'no-container',
      message: `there is no container "${where.container ?? ''}" on ${where.host}`,
      fix: 'Pick a container from the list (it may have been removed or renamed).',
    };
  // Podman 4: `can only create exec sessions on running containers: container state improper`.
  if (/is not running|is paused|is restarting|state improper/i.test(text))
    return {
      kind: 'not-running',
      message: `container "${where.container ?? ''}" on ${where.host} is not running: ${last}`,
      fix: `Start it: \`${cli} start ${where.container ?? 'NAME'}\`.`,
    };
  return {
    kind: 'other',
    message: `${cli} failed on ${where.host} (exit code ${result.code ?? 'none'}): ${last}`,
  };
}
