/**
 * The snapshots kept on this machine, in `<data dir>/snapshots/`: each fetched from a profile's
 * ring directory or opened from a file, as its own gzip'd file (the bytes as captured, so it can
 * be shared as it is) and a small summary beside it (`<id>.json`: the Snapshots panel's row and
 * the profile it came from, and when it was kept), both written to a temporary name and renamed.
 * Bounded: past {@link SnapshotStoreLimits} the oldest go, by capture time — but never later
 * than when this machine kept it, so a remote clock that runs ahead cannot pin its snapshots
 * above every other. Every file is checked (`parseSnapshot`) before it is kept. Adds and removes
 * run one at a time, in the order they were asked for.
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
  /** When each snapshot was kept (ms since the epoch, this machine's clock). */
  private readonly keptAt = new Map<string, number>();
  /** Writes and removes one at a time, so trimming sees every file. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly directory: string,
    private readonly limits: SnapshotStoreLimits = DEFAULT_SNAPSHOT_STORE_LIMITS,
  ) {}

  /** Every kept snapshot, newest first. */
  async list(): Promise<SnapshotSummary[]> {
    const index = await this.load();
    return this.newestFirst([...index.values()]);
  }

  /** True when a snapshot with this id is kept. */
  async has(id: string): Promise<boolean> {
    return (await this.load()).has(id);
  }

  /**
   * Keeps `bytes` (a snapshot file) under `name` when that is a capture file name, else under a
   * name made from its content. The same file kept again is kept as it is; a different file
   * under a name already kept (a colleague's file named like one of ours) is kept under its
   * content's name instead, never hidden behind the old one.
   * @returns its summary (with its id).
   * @throws SnapshotFormatError when the bytes are not a snapshot this Periscope reads.
   */
  add(name: string, bytes: Buffer, profileId: string | null): Promise<SnapshotSummary> {
    return this.enqueue(async () => {
      const doc = parseSnapshot(bytes);
      const index = await this.load();
      const byContent = contentId(bytes);
      let id = isSnapshotId(name) ? name : byContent;
      if (id !== byContent && index.has(id) && !(await this.holds(id, bytes))) id = byContent;
      const known = index.get(id);
      if (known) return known;
      const summary: SnapshotSummary = {
        ...summarize(doc),
        id,
        profileId,
        bytes: bytes.length,
      };
      const keptAt = Date.now();
      await mkdir(this.directory, { recursive: true, mode: 0o700 });
      await atomicWrite(join(this.directory, id), bytes);
      const stored = { ...summary, keptAt: new Date(keptAt).toISOString() };
      await atomicWrite(join(this.directory, `${id}.json`), Buffer.from(JSON.stringify(stored)));
      index.set(id, summary);
      this.keptAt.set(id, keptAt);
      await this.trim(index, id);
      return summary;
    });
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

  /**
   * Forgets the snapshot `id` (its file and summary), after the adds and removes asked for
   * before. Nothing happens when it is not kept.
   */
  remove(id: string): Promise<void> {
    return this.enqueue(() => this.removeNow(id));
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async removeNow(id: string): Promise<void> {
    const index = await this.load();
    if (!index.delete(id) || !isSnapshotId(id)) return;
    this.keptAt.delete(id);
    await rm(join(this.directory, id), { force: true });
    await rm(join(this.directory, `${id}.json`), { force: true });
  }

  /** True when the kept file `id` has exactly `bytes`. */
  private async holds(id: string, bytes: Buffer): Promise<boolean> {
    const kept = await readFile(join(this.directory, id)).catch(() => undefined);
    return kept !== undefined && kept.equals(bytes);
  }

  /**
   * When `summary` counts as captured, ms: its capture time, unless that is later than when it
   * was kept here (a remote clock ahead) or unreadable.
   */
  private effectiveTime(summary: SnapshotSummary): number {
    const captured = Date.parse(summary.time);
    const kept = this.keptAt.get(summary.id);
    if (Number.isNaN(captured)) return kept ?? 0;
    return kept !== undefined && kept < captured ? kept : captured;
  }

  private newestFirst(summaries: SnapshotSummary[]): SnapshotSummary[] {
    return summaries.sort(
      (a, b) => this.effectiveTime(b) - this.effectiveTime(a) || b.id.localeCompare(a.id),
    );
  }

  private async trim(index: Map<string, SnapshotSummary>, keep: string): Promise<void> {
    const all = this.newestFirst([...index.values()]);
    let bytes = 0;
    const drop: string[] = [];
    all.forEach((s, i) => {
      bytes += s.bytes;
      if (s.id !== keep && (i >= this.limits.maxFiles || bytes > this.limits.maxBytes))
        drop.push(s.id);
    });
    for (const id of drop) await this.removeNow(id);
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
        const raw: unknown = JSON.parse(await readFile(join(this.directory, name), 'utf8'));
        const parsed = summarySchema.safeParse(raw);
        // A summary edited or cut short by hand is skipped, never the whole list.
        if (parsed.success && parsed.data.id === id) {
          index.set(id, parsed.data);
          const kept = Date.parse(keptSchema.safeParse(raw).data?.keptAt ?? '');
          if (!Number.isNaN(kept)) this.keptAt.set(id, kept);
        }
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
/** The summary file's `keptAt` (ISO 8601; absent in files of earlier versions). */
const keptSchema = z.object({ keptAt: text });

/** The id of a file kept by its content: `opened-<sha256 prefix>.psnap.json.gz`. */
function contentId(bytes: Buffer): string {
  return `opened-${createHash('sha256').update(bytes).digest('hex').slice(0, 20)}${SUFFIX}`;
}

async function atomicWrite(path: string, bytes: Buffer): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}`;
  await writeFile(temporary, bytes, { mode: 0o600 });
  await rename(temporary, path);
}
