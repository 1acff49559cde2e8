/**
 * Snapshot points: a breakpoint kind that records a snapshot each time its line runs (with a
 * condition, and a hit limit: 1 by default) and never pauses. On the wire it is a DAP logpoint
 * whose message calls the capture module in the program's frame
 * (`remote/python/periscope_capture.py` `snapshot_point`); debugpy evaluates a logpoint's
 * message in the thread that reached the line and never stops for it. The capture writes the
 * snapshot to the machine's ring directory and the logpoint prints
 * `periscope-snapshot <path>`, which the relay reads to fetch it at once.
 *
 * debugpy evaluates a logpoint's message *before* its condition (pydevd_frame.py), so a DAP
 * condition would not keep a snapshot from being taken: on the wire the condition goes into the
 * call (`when='…'`, evaluated by the capture in the same frame) and the DAP condition is left
 * out. {@link toWire} and {@link fromWire} convert between the breakpoint as people edit it
 * (condition apart) and as the tracer gets it.
 */

/** The line a snapshot point's hit prints before the snapshot file's remote path. */
export const SNAPSHOT_POINT_OUTPUT = 'periscope-snapshot ';

/** Most snapshots one snapshot point records when no limit is given. */
export const DEFAULT_SNAPSHOT_POINT_LIMIT = 1;

/** Largest hit limit a snapshot point takes. */
export const MAX_SNAPSHOT_POINT_LIMIT = 1000;

const QUOTED = "'((?:[^'\\\\]|\\\\.)*)'";
const MESSAGE = new RegExp(
  `^\\{__import__\\('periscope_capture'\\)\\.snapshot_point\\(${QUOTED}, limit=(\\d+)(?:, when=${QUOTED})?\\)\\}$`,
);

/** What a snapshot point is: its id (`file.py:line`), its hit limit, and on the wire its condition. */
export interface SnapshotPoint {
  id: string;
  limit: number;
  /** The condition (a Python expression), in the wire form only. */
  when?: string;
}

/** A Python string literal of `text` in single quotes. */
function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

function unquote(text: string): string {
  return text.replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c));
}

/** The logpoint message of a snapshot point. */
export function snapshotPointMessage(point: SnapshotPoint): string {
  const limit = Math.min(Math.max(1, Math.floor(point.limit)), MAX_SNAPSHOT_POINT_LIMIT);
  const when = point.when ? `, when=${quote(point.when)}` : '';
  return `{__import__('periscope_capture').snapshot_point(${quote(point.id)}, limit=${limit}${when})}`;
}

/** The snapshot point a logpoint message stands for, or null for any other message. */
export function parseSnapshotPoint(logMessage: string | undefined): SnapshotPoint | null {
  const match = logMessage ? MESSAGE.exec(logMessage) : null;
  if (!match) return null;
  return {
    id: unquote(match[1]!),
    limit: Number(match[2]),
    ...(match[3] !== undefined ? { when: unquote(match[3]) } : {}),
  };
}

/** The breakpoint fields a snapshot point and a wire breakpoint share. */
interface PointFields {
  condition?: string;
  logMessage?: string;
}

/**
 * A breakpoint as the tracer gets it: a snapshot point's condition moves into its message.
 * Any other breakpoint is returned as it is.
 */
export function toWire<T extends PointFields>(bp: T): T {
  const point = parseSnapshotPoint(bp.logMessage);
  if (!point || !bp.condition) return bp;
  const { condition, ...rest } = bp;
  return { ...rest, logMessage: snapshotPointMessage({ ...point, when: condition }) } as T;
}

/** The inverse of {@link toWire}: a snapshot point's `when` back as its condition. */
export function fromWire<T extends PointFields>(bp: T): T {
  const point = parseSnapshotPoint(bp.logMessage);
  if (!point?.when) return bp;
  return {
    ...bp,
    condition: point.when,
    logMessage: snapshotPointMessage({ id: point.id, limit: point.limit }),
  };
}
