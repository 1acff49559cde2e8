/**
 * A snapshot point's hits reach the Snapshots panel at once: each hit's logpoint prints
 * `periscope-snapshot <remote path>` (`src-common/snapshot-point.ts`), which arrives as a DAP
 * `output` event of the session's tracer; the file is read over the session's own SSH link and
 * handed on to be kept. A read that fails is logged; the snapshot stays in the machine's ring
 * directory, and `snapshots.fetch` brings it later.
 *
 * The program can print anything, that line too: only an absolute path without `.` or `..`
 * parts whose file name is a snapshot's is read, each path once per session, at most
 * {@link MAX_PARALLEL_READS} at a time with {@link MAX_QUEUED_READS} waiting (more are dropped
 * and logged: `snapshots.fetch` still finds them in the ring).
 */
import { basename } from 'node:path';
import type { DapConnection } from '../dap/dap-connection.js';
import type { Logger } from '../log/logger.js';
import type { RemoteFileReader } from '../tracer/source-reader.js';
import { SNAPSHOT_POINT_OUTPUT } from '../../src-common/snapshot-point.js';
import { errorMessage } from '../../src-common/errors.js';
import { MAX_SNAPSHOT_FILE_BYTES } from './snapshot-document.js';
import { isSnapshotId } from './snapshot-store.js';

/** Snapshot files read at once for one session. */
export const MAX_PARALLEL_READS = 2;
/** Hits waiting for a read, per session; later ones are left to `snapshots.fetch`. */
export const MAX_QUEUED_READS = 100;
/** Paths remembered per session so each is read once. */
const MAX_SEEN_PATHS = 10_000;

/** The remote paths of snapshot files an `output` event's text names (one per line). */
export function snapshotPathsIn(output: string): string[] {
  return output
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line.startsWith(SNAPSHOT_POINT_OUTPUT) && line.endsWith('.psnap.json.gz'))
    .map((line) => line.slice(SNAPSHOT_POINT_OUTPUT.length))
    .filter(isSnapshotPath);
}

/** An absolute path without `.`/`..` parts whose file name is a snapshot's. */
function isSnapshotPath(path: string): boolean {
  const parts = path.split('/');
  return (
    path.startsWith('/') &&
    !parts.some((part) => part === '.' || part === '..') &&
    isSnapshotId(basename(path))
  );
}

/**
 * Follows the snapshot points of a session: on each of its tracer connections (`onConnection`
 * gives the current one and each after a re-attach), reads the file of every hit with
 * `readFile` and calls `keep` with its name and bytes.
 */
export function followSnapshotPointHits(
  session: { onConnection(listener: (connection: DapConnection) => void): void },
  readFile: RemoteFileReader,
  keep: (name: string, bytes: Buffer) => Promise<void>,
  logger: Logger,
): void {
  const seen = new Set<string>();
  const waiting: string[] = [];
  let reading = 0;
  const next = (): void => {
    while (reading < MAX_PARALLEL_READS && waiting.length > 0) {
      const path = waiting.shift() as string;
      reading++;
      readFile(path, MAX_SNAPSHOT_FILE_BYTES)
        .then((bytes) => keep(basename(path), bytes))
        .catch((error: unknown) =>
          logger.warn('a snapshot point hit was not fetched', {
            path,
            error: errorMessage(error),
          }),
        )
        .finally(() => {
          reading--;
          next();
        });
    }
  };
  session.onConnection((connection) => {
    connection.onEvent((event) => {
      if (event.event !== 'output') return;
      const output = (event.body as { output?: unknown } | undefined)?.output;
      if (typeof output !== 'string' || !output.includes(SNAPSHOT_POINT_OUTPUT)) return;
      for (const path of snapshotPathsIn(output)) {
        if (seen.has(path)) continue;
        if (waiting.length >= MAX_QUEUED_READS) {
          logger.warn('snapshot point hits arrive faster than they are fetched; left in the ring', {
            path,
          });
          continue;
        }
        if (seen.size >= MAX_SEEN_PATHS) seen.clear();
        seen.add(path);
        waiting.push(path);
        next();
      }
    });
  });
}
