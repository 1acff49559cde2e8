/**
 * A container whose Python cannot import debugpy gets the remote machine's own debugpy for one
 * session (issue 14: "no change to the image beyond debugpy being importable there"): the
 * machine's interpreter names its debugpy package directory (`python/locate_debugpy.py`), `tar
 * -ch` streams it (the vendored pydevd of Debian's python3-debugpy is symlinks into
 * dist-packages, resolved so) into `docker exec -i NAME python -c <python/debugpy_unpack.py>`,
 * which checks the container's Python is new enough (debugpy 1.6: 3.7+) and unpacks into a
 * fresh temp directory of the container's user. The launch then puts that directory first on
 * `PYTHONPATH` ({@link withPythonPath}) and removes it when the session ends
 * ({@link removeCopiedDebugpy}). Only the container's Python is needed inside: no tar, no
 * `docker cp` (whose files would be root's, which a non-root container user could not remove).
 */
import type { SshConnection } from '../../ssh/connection/ssh-connection.js';
import { shellJoin, shellQuote } from '../../ssh/exec/shell-quote.js';
import { SshError } from '../../ssh/ssh-error.js';
import LOCATE from '../python/locate_debugpy.py';
import UNPACK from '../python/debugpy_unpack.py';
import type { ContainerPlace } from './container-place.js';

/** The oldest Python debugpy 1.6 runs on. */
export const DEBUGPY_MIN_PYTHON = '3.7';

/** The machine's debugpy, as its interpreter imports it. */
export interface MachineDebugpy {
  /** The package directory, e.g. `/usr/lib/python3/dist-packages/debugpy`. */
  dir: string;
  version: string;
  /** The machine interpreter's version, e.g. `3.11.2`. */
  python: string;
  /**
   * Directories of packages the tree's pydevd imports from outside it (Debian's `bytecode`),
   * copied beside pydevd (`python/locate_debugpy.py`).
   */
  extras: string[];
}

/** What {@link copyDebugpyInto} did. */
export type DebugpyCopy =
  /** Unpacked into `dir` inside the container; `python` is the container's version. */
  | { state: 'copied'; dir: string; version: string; python: string; from: MachineDebugpy }
  /** The container's Python imports a debugpy of its own (`version`): nothing was copied. */
  | { state: 'has-own'; version: string; python: string };

/** The one line the unpack script prints. */
interface UnpackReport {
  state: 'too-old' | 'has-own' | 'copied' | 'failed';
  python: string;
  executable: string;
  dir?: string;
  version?: string;
  error?: string;
}

/** What a copied directory's path looks like (checked before it is removed). */
const COPY_DIR = /^\/[^\s'"\\]*\/periscope-debugpy-[A-Za-z0-9_]+$/;

/**
 * Finds the debugpy that `python` imports on the machine of `connection`.
 * @throws SshError `launch-failed` naming the interpreter when it has no debugpy (or does not
 *   run), with the fix; `ssh-failed` when the command cannot run.
 */
export async function locateMachineDebugpy(
  connection: SshConnection,
  python: string,
): Promise<MachineDebugpy> {
  const host = connection.target.host;
  const result = await connection.run(shellJoin([python, '-c', LOCATE]), {
    maxOutputBytes: 64 * 1024,
  });
  const report = parseLine<{
    dir?: string;
    version?: string;
    python: string;
    extras?: string[];
    error?: string;
  }>(result.stdout, '__periscope_debugpy_at__ ');
  if (!report)
    throw new SshError(
      'launch-failed',
      `the machine's Python ${python} on ${host} did not run (${result.stderr.trim().slice(-300) || `exit code ${result.code}`}), so there is no debugpy of the machine to copy into the container; set the profile's Python to one that has debugpy`,
    );
  if (!report.dir)
    throw new SshError(
      'launch-failed',
      `the machine has no debugpy to copy into the container: ${python} on ${host} cannot import it (${report.error ?? 'import failed'}). Set the profile's Python to the machine's interpreter that has debugpy (e.g. /usr/bin/python3 with Debian's python3-debugpy), or install it there (\`${python} -m pip install debugpy\`), or add debugpy to the container's image`,
    );
  return {
    dir: report.dir,
    version: report.version ?? 'unknown',
    python: report.python,
    extras: report.extras ?? [],
  };
}

/**
 * Copies `from` into the container of `place`, unless its Python has a debugpy of its own (or
 * with `force`, always).
 * @throws SshError `launch-failed` when the container's Python is older than
 *   {@link DEBUGPY_MIN_PYTHON} (named, with its version) or the copy cannot be unpacked or
 *   imported there; `ssh-failed` when the command cannot run.
 */
export async function copyDebugpyInto(
  connection: SshConnection,
  place: ContainerPlace,
  from: MachineDebugpy,
  force = false,
): Promise<DebugpyCopy> {
  const members = [from.dir, ...from.extras].flatMap((dir) => ['-C', parentOf(dir), baseOf(dir)]);
  const tar = shellJoin(['tar', '-chf', '-', '--exclude=__pycache__', ...members]);
  const unpack = place.wrap(
    shellJoin([
      place.python,
      '-c',
      UNPACK,
      ...(force ? ['--force'] : []),
      ...from.extras.map(baseOf),
    ]),
  );
  // tar's own complaints go away: the unpack script says what arrived.
  const result = await connection.run(`${tar} 2>/dev/null | ${unpack}`, {
    maxOutputBytes: 64 * 1024,
  });
  const report = parseLine<UnpackReport>(result.stdout, '__periscope_unpack__ ');
  const host = connection.target.host;
  if (!report)
    throw new SshError(
      'launch-failed',
      `could not copy debugpy into ${place.label} on ${host}: ${place.python} did not run there (${result.stderr.trim().slice(-300) || `exit code ${result.code}`}); set the container target's Python to the container's interpreter`,
    );
  return judgeUnpack(report, place, from, host);
}

/**
 * The outcome of the unpack script's `report` as {@link copyDebugpyInto} returns it.
 * @throws SshError `launch-failed` for `too-old` and `failed`, naming the Python and the fix.
 */
export function judgeUnpack(
  report: UnpackReport,
  place: Pick<ContainerPlace, 'label' | 'python'>,
  from: MachineDebugpy,
  host: string,
): DebugpyCopy {
  switch (report.state) {
    case 'too-old':
      throw new SshError(
        'launch-failed',
        `${place.label} on ${host} has Python ${report.python} (${report.executable}), too old for debugpy ${from.version}, which needs Python ${DEBUGPY_MIN_PYTHON} or newer; nothing was copied. Use a newer interpreter in the container (the container target's Python), or an image with Python ${DEBUGPY_MIN_PYTHON}+`,
      );
    case 'has-own':
      return { state: 'has-own', version: report.version ?? 'unknown', python: report.python };
    case 'copied':
      if (report.dir && COPY_DIR.test(report.dir))
        return {
          state: 'copied',
          dir: report.dir,
          version: report.version ?? from.version,
          python: report.python,
          from,
        };
      throw new SshError(
        'launch-failed',
        `the copy of debugpy in ${place.label} landed in an unexpected directory (${report.dir ?? 'none'})`,
      );
    default:
      throw new SshError(
        'launch-failed',
        `the machine's debugpy ${from.version} (${from.dir}) could not be used in ${place.label} on ${host} with Python ${report.python}: ${report.error ?? 'unknown error'}. Add debugpy to the container's image instead (\`${place.python} -m pip install debugpy\`)`,
      );
  }
}

/**
 * `place` with `dir` first on `PYTHONPATH` of every command run in it (the container's own
 * `PYTHONPATH`, if any, after it).
 */
export function withPythonPath(place: ContainerPlace, dir: string): ContainerPlace {
  const assign = `PYTHONPATH=${shellQuote(dir)}\${PYTHONPATH:+:$PYTHONPATH}; export PYTHONPATH; `;
  return { ...place, wrap: (command) => place.wrap(`${assign}${command}`) };
}

/**
 * Removes a directory {@link copyDebugpyInto} made. Never rejects; a path that is not such a
 * directory is left alone. @returns false when it could not be removed (the link was down).
 */
export async function removeCopiedDebugpy(
  connection: SshConnection | undefined,
  place: ContainerPlace,
  dir: string,
): Promise<boolean> {
  if (!connection || connection.isClosed || !COPY_DIR.test(dir)) return false;
  const result = await connection
    .run(place.wrap(`rm -rf -- ${shellQuote(dir)}`))
    .catch(() => undefined);
  return result?.code === 0;
}

function parentOf(dir: string): string {
  return dir.replace(/\/+$/, '').replace(/\/[^/]+$/, '') || '/';
}

function baseOf(dir: string): string {
  return dir.replace(/\/+$/, '').split('/').pop() ?? '';
}

function parseLine<T>(stdout: string, marker: string): T | undefined {
  const line = stdout.split('\n').find((l) => l.startsWith(marker));
  if (!line) return undefined;
  try {
    return JSON.parse(line.slice(marker.length)) as T;
  } catch {
    return undefined;
  }
}
