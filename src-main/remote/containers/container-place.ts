/**
 * A place inside the remote machine where Periscope runs commands: a container of Docker or
 * Podman, reached with the engine's CLI over the SSH exec channel (`docker exec -i NAME sh -c
 * …`). Everything that runs "in the container" — the launch script, the port probe, the kill,
 * the stdio bridge to debugpy's port — is a host command that this wraps, so the launch and
 * preflight code stays the host's. A Kubernetes pod is one more `wrap`: `kubectl exec -i -n NS
 * POD -c CONTAINER -- sh -c …`.
 */
import type { ContainerTarget } from '../../../src-common/protocol/containers.js';
import { shellJoin } from '../../ssh/exec/shell-quote.js';

/** See the module comment. */
export interface ContainerPlace {
  target: ContainerTarget;
  /** For sentences: `container "web" (docker)`. */
  label: string;
  /** The engine's CLI on the remote machine: `docker` or `podman`. */
  cli: string;
  /** The interpreter inside that has debugpy (the target's, else the profile's). */
  python: string;
  /**
   * The host shell command that runs the POSIX shell command line `command` inside the
   * container, with the exec channel's stdin, stdout and stderr as its own (no TTY).
   */
  wrap: (command: string) => string;
}

/**
 * The place of `target`; `profilePython` is the interpreter used when the target names none.
 * With `asRoot` (the profile's `sudo`), every command runs as the container's root (`exec -u 0`):
 * the engine needs no password for that, where sudo would need to be in the image.
 */
export function containerPlace(
  target: ContainerTarget,
  profilePython: string,
  asRoot = false,
): ContainerPlace {
  const cli = target.kind;
  const user = asRoot ? ['-u', '0'] : [];
  return {
    target,
    label: `container "${target.name}" (${cli})`,
    cli,
    python: target.python.trim() || profilePython,
    // `exec`: the CLI takes the shell's pid, so closing the channel reaches it.
    wrap: (command) =>
      `exec ${shellJoin([cli, 'exec', '-i', ...user, target.name, 'sh', '-c', command])}`,
  };
}
