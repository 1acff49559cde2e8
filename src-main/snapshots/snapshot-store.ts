/**
 * The snapshots kept on this machine, in `<data dir>/snapshots/`: each fetched from a profile's
 * ring directory or opened from a file, as its own gzip'd file (the bytes as captured, so it can
 * be shared as it is) and a small summary beside it (`<id>.json`: the Snapshots panel's row and
 * the profile it came from), both written to a temporary name and renamed. Bounded: past
 * {@link SnapshotStoreLimits} the oldest (by capture time) go. Every file is checked
 * (`parseSnapshot`) before it is kept.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { SnapshotSummary } from '../../src-common/protocol/snapshots.js';
import { parseSnapshot, summarize, type SnapshotDocument } from './snapshot-document.js';

/** How much the store keeps. */
export interface SnapshotStoreLimits {
  /** Most snapshots kept. */
  maxFiles: number;
  /** Most bytes of snapshot files (gzip'd) kept; the newest is kept even if larger. */
  maxBytes: number;
}

/** 500 snapshots, 500 MB. */
export const DEFAULT_SNAPSHOT_STORE_LIMITS: SnapshotStoreLimits = {
  maxFiles: 500,
  maxBytes: 500 * 1024 * 1024,
};

const SUFFIX = '.psnap.json.gz';
/** A capture module's file name (`<time>-<host>-<pid>-<seq>.psnap.json.gz`), or one of ours. */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,200}\.psnap\.json\.gz$/;

/** True when `id` can name a stored snapshot (no path, the capture's suffix). */
export function isSnapshotId(id: string): boolean {
  return ID_PATTERN.test(id) && !id.includes('..');
}

/** See the module comment. */
export class SnapshotStore {
  private index: Map<string, SnapshotSummary> | undefined;
  /** Writes one at a time, so trimming sees every file. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly directory: string,
    private readonly limits: SnapshotStoreLimits = DEFAULT_SNAPSHOT_STORE_LIMITS,
  ) {}

  /** Every kept snapshot, newest first. */
  async list(): Promise<SnapshotSummary[]> {
    const index = await this.load();
    return [...index.values()].sort(newestFirst);
  }

  /** True when a snapshot with this id is kept. */
  async has(id: string): Promise<boolean> {
    return (await this.load()).has(id);
  }

  /**
   * Keeps `bytes` (a snapshot file) under `name` when that is a capture file name, else under a
   * name made from its content; an id already kept is kept as it is.
   * @returns its summary (with its id).
   * @throws SnapshotFormatError when the bytes are not a snapshot this Periscope reads.
   */
  add(name: string, bytes: Buffer, profileId: string | null): Promise<SnapshotSummary> {
    const work = this.queue.then(async () => {
      const doc = parseSnapshot(bytes);
      const id = isSnapshotId(name)
        ? name
        : `opened-${createHash('sha256').update(bytes).digest('hex').slice(0, 20)}${SUFFIX}`;
      const index = await this.load();
      const known = index.get(id);
      if (known) return known;
      const summary: SnapshotSummary = {
        ...summarize(doc),
        id,
        profileId,
        bytes: bytes.length,
      };
      await mkdir(this.directory, { recursive: true, mode: 0o700 });
      await atomicWrite(join(this.directory, id), bytes);
      await atomicWrite(join(this.directory, `${id}.json`), Buffer.from(JSON.stringify(summary)));
      index.set(id, summary);
      await this.trim(index, id);
      return summary;
    });
    this.queue = work.catch(() => undefined);
    return work;
  }

  /**
   * The snapshot `id`: its document and summary.
   * @throws Error when it is not kept; SnapshotFormatError when its file no longer parses.
   */
  async read(id: string): Promise<{ doc: SnapshotDocument; summary: SnapshotSummary }> {
    const summary = (await this.load()).get(id);
    if (!summary || !isSnapshotId(id)) throw new Error(`snapshot ${id} is not kept here`);
    return { doc: parseSnapshot(await readFile(join(this.directory, id))), summary };
  }

  /** Forgets the snapshot `id` (its file and summary). Nothing happens when it is not kept. */
  async remove(id: string): Promise<void> {
    const index = await this.load();
    if (!index.delete(id) || !isSnapshotId(id)) return;
    await rm(join(this.directory, id), { force: true });
    await rm(join(this.directory, `${id}.json`), { force: true });
  }

  private async trim(index: Map<string, SnapshotSummary>, keep: string): Promise<void> {
    const all = [...index.values()].sort(newestFirst);
    let bytes = 0;
    const drop: string[] = [];
    all.forEach((s, i) => {
      bytes += s.bytes;
      if (s.id !== keep && (i >= this.limits.maxFiles || bytes > this.limits.maxBytes))
        drop.push(s.id);
    });
    for (const id of drop) await this.remove(id);
  }

  private async load(): Promise<Map<string, SnapshotSummary>> {
    if (this.index) return this.index;
    const index = new Map<string, SnapshotSummary>();
    const names = await readdir(this.directory).catch(() => [] as string[]);
    const present = new Set(names);
    for (const name of names) {
      if (!name.endsWith(`${SUFFIX}.json`)) continue;
      const id = name.slice(0, -'.json'.length);
      if (!isSnapshotId(id) || !present.has(id)) continue;
      try {
        const parsed = summarySchema.safeParse(
          JSON.parse(await readFile(join(this.directory, name), 'utf8')),
        );
        // A summary edited or cut short by hand is skipped, never the whole list.
        if (parsed.success && parsed.data.id === id) index.set(id, parsed.data);
      } catch {
        // A summary that does not read is as if the snapshot were not kept.
      }
    }
    this.index ??= index;
    return this.index;
  }
}

const text = z.string().max(10_000);
/** A kept summary file as `SnapshotSummary` (the store wrote it; a person may have edited it). */
const summarySchema = z.object({
  id: text,
  profileId: text.nullable(),
  time: text,
  kind: z.enum(['exception', 'point']),
  hook: text,
  host: text,
  pid: z.number(),
  program: text,
  exception: text.nullable(),
  point: text.optional(),
  bytes: z.number(),
}) satisfies z.ZodType<SnapshotSummary>;

function newestFirst(a: SnapshotSummary, b: SnapshotSummary): number {
  return b.time.localeCompare(a.time) || b.id.localeCompare(a.id);
}

async function atomicWrite(path: string, bytes: Buffer): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}`;
  await writeFile(temporary, bytes, { mode: 0o600 });
  await rename(temporary, path);
}
