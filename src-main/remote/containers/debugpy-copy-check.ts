/**
 * The preflight's `debugpy` check of a launch into a container without debugpy, when the target
 * asks for the machine's debugpy to be copied in (`copyDebugpy`, `debugpy-copy.ts`): it passes
 * when the machine's interpreter has a debugpy to copy and the container's Python is new enough
 * for it; otherwise it names which of the two is missing. Nothing is copied here.
 */
import type { PreflightCheck } from '../../../src-common/protocol/connections.js';
import type { SshConnection } from '../../ssh/connection/ssh-connection.js';
import { errorMessage } from '../../../src-common/errors.js';
import type { ContainerPlace } from './container-place.js';
import { DEBUGPY_MIN_PYTHON, locateMachineDebugpy } from './debugpy-copy.js';

/** One check's verdict. */
export type CheckVerdict = Pick<PreflightCheck, 'status' | 'detail' | 'fix'>;

/**
 * See the module comment; `containerPython` is the version the probe found inside, e.g.
 * `3.11.2`. Never rejects.
 */
export async function checkDebugpyCopy(
  connection: SshConnection,
  place: ContainerPlace,
  machinePython: string,
  containerPython: string,
): Promise<CheckVerdict> {
  if (!pythonAtLeast(containerPython, DEBUGPY_MIN_PYTHON))
    return {
      status: 'failed',
      detail: `${place.label} has Python ${containerPython}, too old for debugpy 1.6, which needs ${DEBUGPY_MIN_PYTHON} or newer: the machine's debugpy cannot be used there`,
      fix: `Use a newer interpreter in the container (the container target's Python), or an image with Python ${DEBUGPY_MIN_PYTHON}+ and debugpy.`,
    };
  try {
    const from = await locateMachineDebugpy(connection, machinePython);
    return {
      status: 'ok',
      detail: `not in ${place.label}: the machine's debugpy ${from.version} (${from.dir}) will be copied in for the session (Python ${containerPython} there)`,
    };
  } catch (error) {
    return {
      status: 'failed',
      detail: `not in ${place.label}, and ${errorMessage(error)}`,
      fix: `Add debugpy to the container's image (\`${place.python} -m pip install debugpy\` in its Dockerfile), or give the profile a Python of the machine that has debugpy to copy.`,
    };
  }
}

/** Whether version `have` (`3.11.2`, `2.7.18`) is at least `need` (`3.7`). */
export function pythonAtLeast(have: string, need: string): boolean {
  const a = have.split('.').map((n) => parseInt(n, 10));
  const b = need.split('.').map((n) => parseInt(n, 10));
  for (let i = 0; i < b.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (Number.isNaN(x)) return false;
    if (x !== y) return x > y;
  }
  return true;
}
