import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SnapshotStore } from '../../../../src-main/snapshots/snapshot-store.js';

/** A valid snapshot file captured at `time`, its exception `ValueError: <message>`. */
function snapshotFile(time: string, message = 'bad'): Buffer {
  return gzipSync(
    Buffer.from(
      JSON.stringify({
        format: 'periscope.snapshot',
        version: 1,
        capture: { kind: 'exception', hook: 'sys.excepthook', time },
        process: { pid: 7, host: 'web1', argv: ['a.py'], program: '/srv/a.py' },
        exception: 0,
        exceptions: [{ type: 'ValueError', message, frames: [1] }],
        threads: [{ id: 1, name: 'MainThread', crashed: true, frames: [1] }],
        frames: [{ id: 1, name: 'f', file: '/srv/a.py', line: 1, locals: null }],
        objects: {},
        sources: {},
      }),
    ),
  );
}

describe('SnapshotStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'periscope-store-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps a snapshot under its capture name with its summary, and reads it back after a restart', async () => {
    const store = new SnapshotStore(dir);
    const name = '20261202T070315.398715Z-web1-7-1.psnap.json.gz';
    const summary = await store.add(name, snapshotFile('2026-12-02T07:03:15Z'), 'p1');
    expect(summary).toMatchObject({
      id: name,
      profileId: 'p1',
      host: 'web1',
      program: '/srv/a.py',
      exception: 'ValueError: bad',
    });
    const again = new SnapshotStore(dir);
    expect(await again.list()).toEqual([summary]);
    expect((await again.read(name)).doc.process.pid).toBe(7);
  });

  it('names a file opened from disk by its content, and refuses what is not a snapshot', async () => {
    const store = new SnapshotStore(dir);
    const bytes = snapshotFile('2026-12-02T07:00:00Z');
    const a = await store.add('../../etc/passwd', bytes, null);
    expect(a.id).toMatch(/^opened-[0-9a-f]{20}\.psnap\.json\.gz$/);
    expect((await store.add('copy.gz', bytes, null)).id).toBe(a.id);
    await expect(store.add('x.psnap.json.gz', Buffer.from('{}'), null)).rejects.toThrow(
      /not a snapshot/,
    );
    expect(await store.list()).toHaveLength(1);
  });

  it('keeps at most maxFiles, dropping the oldest capture first', async () => {
    const store = new SnapshotStore(dir, { maxFiles: 2, maxBytes: 1e9 });
    for (const [i, time] of [
      '2026-12-02T07:00:02Z',
      '2026-12-02T07:00:01Z',
      '2026-12-02T07:00:03Z',
    ].entries())
      await store.add(`s${i}.psnap.json.gz`, snapshotFile(time), 'p');
    expect((await store.list()).map((s) => s.id)).toEqual(['s2.psnap.json.gz', 's0.psnap.json.gz']);
    expect((await readdir(dir)).sort()).toEqual([
      's0.psnap.json.gz',
      's0.psnap.json.gz.json',
      's2.psnap.json.gz',
      's2.psnap.json.gz.json',
    ]);
  });

  it('keeps at most maxBytes, but always the newest one', async () => {
    const one = snapshotFile('2026-12-02T07:00:01Z').length;
    const store = new SnapshotStore(dir, { maxFiles: 100, maxBytes: one + 1 });
    await store.add('a.psnap.json.gz', snapshotFile('2026-12-02T07:00:01Z'), 'p');
    await store.add('b.psnap.json.gz', snapshotFile('2026-12-02T07:00:02Z'), 'p');
    expect((await store.list()).map((s) => s.id)).toEqual(['b.psnap.json.gz']);
    const tiny = new SnapshotStore(join(dir, 'tiny'), { maxFiles: 100, maxBytes: 1 });
    await tiny.add('c.psnap.json.gz', snapshotFile('2026-12-02T07:00:02Z'), 'p');
    expect(await tiny.list()).toHaveLength(1);
  });

  it('trims a snapshot from a clock that runs ahead as if captured when it was kept', async () => {
    const store = new SnapshotStore(dir, { maxFiles: 2, maxBytes: 1e9 });
    const ahead = await store.add('ahead.psnap.json.gz', snapshotFile('2099-01-01T00:00:00Z'), 'p');
    // Shown with its own time, not rewritten.
    expect(ahead.time).toBe('2099-01-01T00:00:00Z');
    await new Promise((resolve) => setTimeout(resolve, 5));
    await store.add('y.psnap.json.gz', snapshotFile(new Date().toISOString()), 'p');
    await new Promise((resolve) => setTimeout(resolve, 5));
    await store.add('z.psnap.json.gz', snapshotFile(new Date().toISOString()), 'p');
    expect((await store.list()).map((s) => s.id)).toEqual(['z.psnap.json.gz', 'y.psnap.json.gz']);
    // The same after a restart: the time it was kept is in its summary file.
    const later = new SnapshotStore(dir, { maxFiles: 2, maxBytes: 1e9 });
    await later.add('ahead2.psnap.json.gz', snapshotFile('2099-01-01T00:00:00Z'), 'p');
    expect((await later.list()).map((s) => s.id)).toEqual([
      'ahead2.psnap.json.gz',
      'z.psnap.json.gz',
    ]);
  });

  it('keeps a different file named like a kept one under its content name; the same file once', async () => {
    const store = new SnapshotStore(dir);
    const name = '20261202T070315.398715Z-web1-7-1.psnap.json.gz';
    const mine = await store.add(name, snapshotFile('2026-12-02T07:03:15Z', 'mine'), 'p1');
    expect((await store.add(name, snapshotFile('2026-12-02T07:03:15Z', 'mine'), null)).id).toBe(
      mine.id,
    );
    const theirs = await store.add(name, snapshotFile('2026-12-02T07:03:15Z', 'theirs'), null);
    expect(theirs.id).toMatch(/^opened-[0-9a-f]{20}\.psnap\.json\.gz$/);
    expect(theirs.exception).toBe('ValueError: theirs');
    expect((await store.read(name)).summary.exception).toBe('ValueError: mine');
    expect(await store.list()).toHaveLength(2);
  });

  it('runs removes in order with adds: a remove asked after an add removes what it added', async () => {
    const store = new SnapshotStore(dir);
    const adding = store.add('a.psnap.json.gz', snapshotFile('2026-12-02T07:00:01Z'), 'p');
    const removing = store.remove('a.psnap.json.gz');
    await Promise.all([adding, removing]);
    expect(await store.list()).toEqual([]);
    expect(await readdir(dir)).toEqual([]);
  });
});
