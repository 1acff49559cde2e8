/**
 * A profile machine's snapshot ring directory, where the crash capture
 * (`remote/python/periscope_capture.py`) writes one file per snapshot: listing it, and installing
 * the capture module for programs started by hand (`PYTHONPATH=<dir> python3 app.py`). Each is
 * one SSH exec of `snapshot_ring.py` by the profile's interpreter — or, for a container's ring,
 * by the container's interpreter through `docker exec` (`ContainerPlace.wrap`); the files
 * themselves are fetched over SFTP (`SshConnection.readFile`), or read inside the container
 * (`remote/containers/container-files.ts`).
 */
import type { SshConnection } from '../../ssh/connection/ssh-connection.js';
import { shellJoin } from '../../ssh/exec/shell-quote.js';
import { SshError } from '../../ssh/ssh-error.js';
import type { ContainerPlace } from '../containers/container-place.js';
import SNAPSHOT_RING from '../python/snapshot_ring.py';
import PERISCOPE_CAPTURE from '../python/periscope_capture.py';
import CAPTURE_SITECUSTOMIZE from '../python/capture_sitecustomize.py';

/** The capture's default ring directory (`periscope_capture.py` `DEFAULTS["directory"]`). */
export const DEFAULT_SNAPSHOT_DIRECTORY = '~/.cache/periscope/snapshots';
/** Where `installCapture` puts the module and its sitecustomize. */
export const DEFAULT_CAPTURE_DIRECTORY = '~/.cache/periscope/capture';

/** The marker line `snapshot_ring.py` prints (its `MARKER`). */
export const SNAPSHOT_RING_MARKER = '__periscope_snapshots__ ';

/** One snapshot file in the ring. */
export interface RingFile {
  /** File name, `<UTC time>-<host>-<pid>-<seq>.psnap.json.gz`. */
  name: string;
  /** Size in bytes (gzip'd). */
  bytes: number;
}

/** What the ring holds. */
export interface RingListing {
  /** The ring directory, absolute on the remote machine. */
  directory: string;
  /** Oldest first. */
  files: RingFile[];
}

async function runRing(
  connection: SshConnection,
  python: string,
  args: string[],
  stdin?: string,
  place?: ContainerPlace,
): Promise<Record<string, unknown>> {
  const command = shellJoin([python, '-c', SNAPSHOT_RING, ...args]);
  const result = await connection.run(place ? place.wrap(command) : command, {
    ...(stdin !== undefined ? { stdin } : {}),
  });
  const line = result.stdout.split('\n').find((l) => l.startsWith(SNAPSHOT_RING_MARKER));
  if (!line) {
    const why = result.stderr.trim().split('\n').slice(-2).join(' ') || `exit code ${result.code}`;
    const where = place ? ` in ${place.label}` : '';
    throw new SshError(
      'ssh-failed',
      `could not reach the snapshots with ${python}${where}: ${why}`,
    );
  }
  let parsed: Record<string, unknown>;
  try {
    const value: unknown = JSON.parse(line.slice(SNAPSHOT_RING_MARKER.length));
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      throw new Error('not an object');
    parsed = value as Record<string, unknown>;
  } catch {
    throw new SshError('ssh-failed', `the snapshot listing from ${python} was not readable`);
  }
  if (typeof parsed['error'] === 'string') throw new SshError('ssh-failed', parsed['error']);
  return parsed;
}

/**
 * Lists the snapshot files of `directory` on `connection`'s machine (a missing directory is
 * empty); with `place`, of `directory` inside that container (`~` is then the home of the
 * container's user), listed by `python` there.
 * @throws SshError `ssh-failed` when the command cannot run or the directory cannot be read.
 */
export async function listSnapshotRing(
  connection: SshConnection,
  python: string,
  directory = DEFAULT_SNAPSHOT_DIRECTORY,
  place?: ContainerPlace,
): Promise<RingListing> {
  const parsed = await runRing(connection, python, ['list', directory], undefined, place);
  const files = Array.isArray(parsed['files']) ? (parsed['files'] as unknown[]) : [];
  return {
    directory: String(parsed['directory']),
    files: files.flatMap((f) => {
      const { name, bytes } = (f ?? {}) as { name?: unknown; bytes?: unknown };
      return typeof name === 'string' && typeof bytes === 'number' ? [{ name, bytes }] : [];
    }),
  };
}

/**
 * Installs the capture module and its sitecustomize in `directory` on `connection`'s machine,
 * for programs started by hand with that directory on `PYTHONPATH`; they write to `ring`.
 * @returns the absolute directory and the absolute ring directory programs will write to.
 * @throws SshError `ssh-failed` when the files cannot be written.
 */
export async function installCapture(
  connection: SshConnection,
  python: string,
  directory = DEFAULT_CAPTURE_DIRECTORY,
  ring = DEFAULT_SNAPSHOT_DIRECTORY,
): Promise<{ directory: string; snapshotDirectory: string }> {
  const files = {
    'periscope_capture.py': PERISCOPE_CAPTURE,
    'sitecustomize.py': CAPTURE_SITECUSTOMIZE,
  };
  const parsed = await runRing(
    connection,
    python,
    ['install', directory, ring],
    JSON.stringify(files),
  );
  return {
    directory: String(parsed['directory']),
    snapshotDirectory: String(parsed['snapshotDirectory']),
  };
}
