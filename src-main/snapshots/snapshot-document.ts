/**
 * A snapshot file as Periscope reads it: gzip'd JSON in the `periscope.snapshot` format, version
 * 1 (`docs/snapshot-format.md`; written by `remote/python/periscope_capture.py`). The document is
 * checked with zod before anything uses it: a file that is not a snapshot, from a newer format
 * version, or malformed is refused with a message that says which.
 */
import { gunzipSync } from 'node:zlib';
import { z } from 'zod';
import type { SnapshotSummary } from '../../src-common/protocol/snapshots.js';

/** The format name every snapshot carries. */
export const SNAPSHOT_FORMAT = 'periscope.snapshot';
/** The format version this reader knows. */
export const SNAPSHOT_VERSION = 1;
/**
 * Largest snapshot file accepted, in bytes (gzip'd), and largest document once inflated. The
 * capture's own budgets make ~3 MB documents by default (1 MB of values, 2 MB of source); these
 * leave room for raised budgets while keeping a parse (inflate + JSON.parse on the relay's
 * event loop) well under a second.
 */
export const MAX_SNAPSHOT_FILE_BYTES = 16 * 1024 * 1024;
export const MAX_SNAPSHOT_JSON_BYTES = 64 * 1024 * 1024;

const cutSchema = z.string().max(20);

/** One recorded value (`docs/snapshot-format.md`, Value). */
const valueSchema = z.object({
  type: z.string().optional(),
  repr: z.string().optional(),
  ref: z.number().int().positive().optional(),
  length: z.number().int().nonnegative().optional(),
  cut: cutSchema.optional(),
  redacted: z.literal(true).optional(),
});

const objectSchema = z.object({
  type: z.string(),
  repr: z.string(),
  kind: z.enum(['named', 'indexed']),
  length: z.number().int().nonnegative().optional(),
  items: z.array(z.object({ name: z.string(), value: valueSchema })),
  cut: cutSchema.optional(),
  error: z.string().optional(),
  shape: z.array(z.number()).optional(),
  dtype: z.union([z.string(), z.record(z.string(), z.string())]).optional(),
  head: z.string().optional(),
});

const frameSchema = z.object({
  id: z.number().int().positive(),
  name: z.string(),
  file: z.string(),
  line: z.number().int().nonnegative(),
  module: z.string().nullable().optional(),
  locals: z.number().int().positive().nullable().optional(),
  globals: z.number().int().positive().nullable().optional(),
});

const threadSchema = z.object({
  id: z.number().int().nullable(),
  name: z.string(),
  daemon: z.boolean().optional(),
  crashed: z.boolean().optional(),
  frames: z.array(z.number().int().positive()),
});

const exceptionSchema = z.object({
  type: z.string(),
  message: z.string(),
  notes: z.array(z.string()).default([]),
  frames: z.array(z.number().int().positive()),
  value: valueSchema.optional(),
  cause: z.number().int().nonnegative().nullable().optional(),
  context: z.number().int().nonnegative().nullable().optional(),
  suppressContext: z.boolean().optional(),
  group: z.array(z.number().int().nonnegative()).optional(),
});

const documentSchema = z.object({
  format: z.literal(SNAPSHOT_FORMAT),
  version: z.literal(SNAPSHOT_VERSION),
  capture: z.object({
    kind: z.enum(['exception', 'point']),
    hook: z.string(),
    time: z.string(),
    durationMs: z.number().optional(),
    limits: z.record(z.string(), z.unknown()).optional(),
    cuts: z.record(z.string(), z.number()).optional(),
    redaction: z.object({ patterns: z.array(z.string()), count: z.number() }).optional(),
    point: z
      .object({ id: z.string(), hit: z.number(), limit: z.number().nullable().optional() })
      .optional(),
  }),
  process: z.object({
    pid: z.number().int(),
    ppid: z.number().int().optional(),
    argv: z.array(z.string()).default([]),
    program: z.string().default(''),
    executable: z.string().optional(),
    python: z.string().optional(),
    host: z.string(),
    cwd: z.string().nullable().optional(),
  }),
  exception: z.number().int().nonnegative().optional(),
  exceptions: z.array(exceptionSchema).default([]),
  threads: z.array(threadSchema),
  frames: z.array(frameSchema),
  objects: z.record(z.string(), objectSchema),
  sources: z.record(
    z.string(),
    z
      .object({
        sha256: z.string().optional(),
        text: z.string().optional(),
        cut: cutSchema.optional(),
      })
      .nullable(),
  ),
});

/** A checked snapshot document. */
export type SnapshotDocument = z.infer<typeof documentSchema>;
/** One recorded value. */
export type SnapshotValue = z.infer<typeof valueSchema>;
/** One entry of the object table. */
export type SnapshotObject = z.infer<typeof objectSchema>;
/** One recorded stack frame. */
export type SnapshotFrame = z.infer<typeof frameSchema>;
/** One recorded exception of the chain. */
export type SnapshotException = z.infer<typeof exceptionSchema>;

/** Thrown when bytes are not a snapshot this reader can open; the message says why. */
export class SnapshotFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotFormatError';
  }
}

/**
 * Parses a snapshot file's bytes (gzip'd, or plain JSON).
 * @throws {SnapshotFormatError} when the bytes are too large, not gzip/JSON, not a
 *   `periscope.snapshot`, of an unknown version, or malformed (the first problem is named), or
 *   when frames, objects or exceptions refer to entries that do not exist.
 */
export function parseSnapshot(bytes: Buffer): SnapshotDocument {
  if (bytes.length > MAX_SNAPSHOT_FILE_BYTES)
    throw new SnapshotFormatError(`the file is larger than ${MAX_SNAPSHOT_FILE_BYTES} bytes`);
  let text: string;
  try {
    const raw =
      bytes[0] === 0x1f && bytes[1] === 0x8b
        ? gunzipSync(bytes, { maxOutputLength: MAX_SNAPSHOT_JSON_BYTES })
        : bytes;
    text = raw.toString('utf8');
  } catch (error) {
    throw new SnapshotFormatError(`not a readable gzip file (${(error as Error).message})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new SnapshotFormatError('not a snapshot: the file is not JSON');
  }
  const head = value as { format?: unknown; version?: unknown } | null;
  if (typeof head !== 'object' || head === null || head.format !== SNAPSHOT_FORMAT)
    throw new SnapshotFormatError(`not a snapshot: "format" is not "${SNAPSHOT_FORMAT}"`);
  if (head.version !== SNAPSHOT_VERSION)
    throw new SnapshotFormatError(
      `snapshot format version ${String(head.version)} is not known here (this Periscope reads version ${SNAPSHOT_VERSION})`,
    );
  const parsed = documentSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SnapshotFormatError(
      `malformed snapshot: ${issue?.path.join('.') || 'document'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  checkReferences(parsed.data);
  return parsed.data;
}

function checkReferences(doc: SnapshotDocument): void {
  const frameCount = doc.frames.length;
  doc.frames.forEach((frame, index) => {
    if (frame.id !== index + 1)
      throw new SnapshotFormatError(`malformed snapshot: frame ${index + 1} has id ${frame.id}`);
  });
  const badFrame = (ids: number[]): number | undefined => ids.find((id) => id > frameCount);
  for (const thread of doc.threads)
    if (badFrame(thread.frames) !== undefined)
      throw new SnapshotFormatError(
        `malformed snapshot: thread "${thread.name}" names a missing frame`,
      );
  for (const exception of doc.exceptions) {
    if (badFrame(exception.frames) !== undefined)
      throw new SnapshotFormatError(
        `malformed snapshot: exception ${exception.type} names a missing frame`,
      );
    for (const link of [exception.cause, exception.context, ...(exception.group ?? [])])
      if (typeof link === 'number' && link >= doc.exceptions.length)
        throw new SnapshotFormatError(
          `malformed snapshot: exception ${exception.type} links to a missing exception`,
        );
  }
  if (doc.exception !== undefined && doc.exception >= doc.exceptions.length)
    throw new SnapshotFormatError('malformed snapshot: "exception" names a missing exception');
}

/** What a list of snapshots shows of one (the Snapshots panel's row). */
export function summarize(
  doc: SnapshotDocument,
): Omit<SnapshotSummary, 'id' | 'profileId' | 'bytes'> {
  const root = doc.exception !== undefined ? doc.exceptions[doc.exception] : undefined;
  return {
    time: doc.capture.time,
    kind: doc.capture.kind,
    hook: doc.capture.hook,
    host: doc.process.host,
    pid: doc.process.pid,
    program: doc.process.program,
    exception: root ? `${root.type}: ${root.message}` : null,
    ...(doc.capture.point ? { point: doc.capture.point.id } : {}),
  };
}
