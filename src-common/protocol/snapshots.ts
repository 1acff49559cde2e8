/**
 * Snapshots as clients see them: one row of the Snapshots panel, and what a profile needs to
 * turn capture on for programs Periscope did not start (`docs/snapshot-format.md` is the file
 * format; `src-main/snapshots/` reads, fetches and replays them).
 */

/** One snapshot kept on this machine (fetched from a profile's machine, or opened from disk). */
export interface SnapshotSummary {
  /** Id in the local store: the snapshot's file name. */
  id: string;
  /** The profile whose machine it came from; null when opened from a file. */
  profileId: string | null;
  /** When it was captured (ISO 8601, UTC). */
  time: string;
  /** `exception`: post-mortem; `point`: a snapshot point's hit. */
  kind: 'exception' | 'point';
  /** What recorded it: `sys.excepthook`, `threading.excepthook`, `logging:<logger>`, … */
  hook: string;
  /** The machine the program ran on (its hostname). */
  host: string;
  pid: number;
  /** The program's path (`sys.argv[0]`, absolute). */
  program: string;
  /** `Type: message` of the exception, or null for a snapshot point. */
  exception: string | null;
  /** The snapshot point's id, for a point's hit. */
  point?: string;
  /** Size of the file (gzip'd), in bytes. */
  bytes: number;
}

/** How to turn capture on for a program on a profile's machine (`snapshots.install`). */
export interface CaptureInstall {
  /** The remote directory holding `periscope_capture.py` and its `sitecustomize.py`. */
  directory: string;
  /** The ring directory where programs write snapshots. */
  snapshotDirectory: string;
  /** The command line prefix: `PYTHONPATH=<directory> ` (then `python3 app.py`). */
  pythonPathPrefix: string;
  /** The one line to put in a program by hand instead. */
  line: string;
}
