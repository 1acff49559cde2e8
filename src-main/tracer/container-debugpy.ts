/**
 * The debugpy of a launch into a container: the container's own, or — with the target's
 * `copyDebugpy` and none inside — a copy of the machine's for this session
 * (`remote/containers/debugpy-copy.ts`), first on the program's `PYTHONPATH` and removed when
 * the session ends. Without `copyDebugpy`, a launch that finds no debugpy inside says so and
 * names both fixes: the copy, or debugpy in the image.
 */
import type { ReconnectingSsh } from '../ssh/connection/reconnecting-ssh.js';
import type { ContainerPlace } from '../remote/containers/container-place.js';
import {
  copyDebugpyInto,
  locateMachineDebugpy,
  removeCopiedDebugpy,
  withPythonPath,
} from '../remote/containers/debugpy-copy.js';
import { SshError } from '../ssh/ssh-error.js';

/** The place to launch in, and what the session's console and end should know. */
export interface SessionDebugpy {
  /** `place`, or it with the copy first on `PYTHONPATH`. */
  place: ContainerPlace;
  /** A console line about the copy (absent: the container's own debugpy, nothing said). */
  notice?: string;
  /** Removes the copy (never rejects); absent when nothing was copied. */
  remove?: () => Promise<unknown>;
}

/**
 * Copies the machine's debugpy (that of `machinePython`) into `place` when `copy` is set and the
 * container's Python has none.
 * @throws SshError `launch-failed` naming what is missing (no debugpy on the machine, a
 *   container Python older than 3.7, an unpack that failed); `ssh-failed` when the link is down.
 */
export async function sessionDebugpy(
  ssh: ReconnectingSsh,
  place: ContainerPlace,
  machinePython: string,
  copy: boolean,
): Promise<SessionDebugpy> {
  if (!copy) return { place };
  const connection = ssh.current;
  if (!connection) throw new SshError('ssh-failed', 'the SSH connection is down');
  const host = connection.target.host;
  const from = await locateMachineDebugpy(connection, machinePython);
  const copied = await copyDebugpyInto(connection, place, from);
  if (copied.state === 'has-own')
    return {
      place,
      notice: `Periscope: ${place.label} has debugpy ${copied.version} of its own (Python ${copied.python}): that one is used, nothing was copied.`,
    };
  return {
    place: withPythonPath(place, copied.dir),
    notice: `Periscope: debugpy ${copied.version} copied from ${host}'s ${from.dir} into ${copied.dir} in ${place.label} (Python ${copied.python}) for this session; it is removed when the session ends.`,
    remove: () => removeCopiedDebugpy(ssh.current, place, copied.dir),
  };
}

/**
 * A launch error of `place` reworded when it is debugpy missing inside the container (and no copy
 * was asked for): what is missing, the copy that fixes it for the session, the image fix.
 * Other errors are returned as they are.
 */
export function noDebugpyInContainer(error: unknown, place: ContainerPlace, host: string): unknown {
  if (!(error instanceof SshError) || !/debugpy is not importable/.test(error.message))
    return error;
  return new SshError(
    'launch-failed',
    `debugpy is not importable by ${place.python} in ${place.label} on ${host}. Periscope can copy the machine's own debugpy into the container for this session (the launch dialog's "Copy the machine's debugpy in"; the container target's copyDebugpy), or add it to the image (\`${place.python} -m pip install debugpy\` in its Dockerfile).`,
    { cause: error },
  );
}
