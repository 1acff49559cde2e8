import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  OutputBatcher,
  OutputRing,
  type OutputChunk,
} from '../../../../src-main/relay/output-ring.js';
import { OutputCursor } from '../../../../src-renderer/stores/shared-session-sync.js';

describe('OutputRing', () => {
  it('keeps everything under its bound, merging runs of one category', () => {
    const ring = new OutputRing(100);
    ring.push({ category: 'stdout', text: 'a\n' });
    ring.push({ category: 'stdout', text: 'b\n' });
    ring.push({ category: 'stderr', text: 'oops\n' });
    expect(ring.replay()).toEqual([
      { category: 'stdout', text: 'a\nb\n', start: 0, end: 4 },
      { category: 'stderr', text: 'oops\n', start: 4, end: 9 },
    ]);
    expect(ring.dropped).toBe(0);
  });

  it('drops whole old lines past its bound and says how many', () => {
    const ring = new OutputRing(30);
    for (let i = 0; i < 10; i++) ring.push({ category: 'stdout', text: `line ${i}\n` });
    expect(ring.size).toBeLessThanOrEqual(30);
    const [marker, ...kept] = ring.replay();
    const keptLines = kept
      .map((c) => c.text)
      .join('')
      .split('\n')
      .filter(Boolean);
    expect(keptLines.at(-1)).toBe('line 9');
    expect(keptLines.every((l) => /^line \d$/.test(l))).toBe(true);
    expect(marker).toEqual({
      category: 'console',
      text: `[${10 - keptLines.length} lines of output dropped]\n`,
      // Covers no output: it sits where the kept output resumes.
      start: kept[0]?.start,
      end: kept[0]?.start,
    });
    expect(kept.at(-1)?.end).toBe(ring.streamOffset);
    expect(ring.streamOffset).toBe(70);
  });

  it('places every chunk in the output stream, so a rejoining client skips what it has', () => {
    const ring = new OutputRing(1000);
    const first = ring.push({ category: 'stdout', text: 'one\n' });
    const second = ring.push({ category: 'stdout', text: 'two\n' });
    expect([first.start, first.end, second.start, second.end]).toEqual([0, 4, 4, 8]);
    // A window that showed "one" and rejoins gets the replay and shows only "two".
    const cursor = new OutputCursor();
    expect(cursor.unseen(first.text, first.start, first.end)).toBe('one\n');
    const replayed = ring
      .replay()
      .map((c) => cursor.unseen(c.text, c.start, c.end))
      .join('');
    expect(replayed).toBe('two\n');
    // Replayed again (a second reconnection): nothing new.
    expect(ring.replay().map((c) => cursor.unseen(c.text, c.start, c.end))).toEqual(['']);
    // Text without a range (a "lines dropped" marker of a live batch) is always shown.
    expect(cursor.unseen('[3 lines of output dropped]\n')).toBe('[3 lines of output dropped]\n');
  });

  it('shows a replay’s "lines dropped" marker only when it marks a gap after what was shown', () => {
    const ring = new OutputRing(20);
    const cursor = new OutputCursor();
    for (let i = 0; i < 3; i++) {
      const c = ring.push({ category: 'stdout', text: `line ${i}\n` });
      cursor.unseen(c.text, c.start, c.end);
    }
    // Shown up to the end: the ring dropped lines this window had seen; no marker, no repeats.
    expect(
      ring
        .replay()
        .map((c) => cursor.unseen(c.text, c.start, c.end))
        .join(''),
    ).toBe('');
    // Offline while five more lines were printed: some of them were dropped, and it says so.
    for (let i = 3; i < 8; i++) ring.push({ category: 'stdout', text: `line ${i}\n` });
    const shown = ring
      .replay()
      .map((c) => cursor.unseen(c.text, c.start, c.end))
      .join('');
    expect(shown).toMatch(/^\[\d lines of output dropped\]\nline 6\nline 7\n$/);
  });

  it('stays bounded under a flood', () => {
    const ring = new OutputRing(64 * 1024);
    for (let i = 0; i < 100_000; i++) ring.push({ category: 'stdout', text: `flood ${i}\n` });
    expect(ring.size).toBeLessThanOrEqual(64 * 1024);
    const kept = ring
      .replay()
      .slice(1)
      .map((c) => c.text)
      .join('')
      .split('\n')
      .filter(Boolean).length;
    expect(ring.dropped + kept).toBe(100_000);
  });
});

describe('OutputBatcher', () => {
  afterEach(() => vi.useRealTimers());

  it('delivers many small pieces as one batch per interval', () => {
    vi.useFakeTimers();
    const batches: OutputChunk[][] = [];
    const batcher = new OutputBatcher({ deliver: (b) => batches.push(b), intervalMs: 50 });
    for (const piece of ['tick', ' ', '1', '\n', 'tick', ' ', '2', '\n'])
      batcher.push({ category: 'stdout', text: piece });
    expect(batches).toEqual([]);
    vi.advanceTimersByTime(50);
    expect(batches).toEqual([[{ category: 'stdout', text: 'tick 1\ntick 2\n' }]]);
  });

  it('drops the oldest of an oversize batch behind a marker', () => {
    vi.useFakeTimers();
    const batches: OutputChunk[][] = [];
    const batcher = new OutputBatcher({
      deliver: (b) => batches.push(b),
      intervalMs: 50,
      maxBatchChars: 20,
    });
    for (let i = 0; i < 10; i++) batcher.push({ category: 'stdout', text: `line ${i}\n` });
    vi.advanceTimersByTime(50);
    expect(batches[0]?.[0]?.text).toMatch(/^\[\d+ lines of output dropped\]\n$/);
    expect(batches[0]?.at(-1)?.text.endsWith('line 9\n')).toBe(true);
  });
});
