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
});
