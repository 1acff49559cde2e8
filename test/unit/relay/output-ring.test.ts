import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  OutputBatcher,
  OutputRing,
  type OutputChunk,
} from '../../../src-main/relay/output-ring.js';

describe('OutputRing', () => {
  it('keeps everything under its bound, merging runs of one category', () => {
    const ring = new OutputRing(100);
    ring.push({ category: 'stdout', text: 'a\n' });
    ring.push({ category: 'stdout', text: 'b\n' });
    ring.push({ category: 'stderr', text: 'oops\n' });
    expect(ring.replay()).toEqual([
      { category: 'stdout', text: 'a\nb\n' },
      { category: 'stderr', text: 'oops\n' },
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
    });
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
