import { describe, expect, it } from 'vitest';
import { keepLastLines, OutputPacer } from '../../../../src-renderer/console/output-pacer.js';

const lines = (from: number, to: number): string =>
  Array.from({ length: to - from }, (_, i) => `line ${from + i}\r\n`).join('');

describe('keepLastLines', () => {
  it('leaves text within the limit as it is', () => {
    expect(keepLastLines(lines(0, 3), 3)).toBe(lines(0, 3));
  });
  it('replaces older lines by a marker that counts them', () => {
    const kept = keepLastLines(lines(0, 10), 3);
    expect(kept.endsWith(lines(7, 10))).toBe(true);
    expect(kept).toContain('7 lines of output skipped (the console keeps the last 3)');
    expect(kept).not.toContain('line 6\r');
  });
});

describe('OutputPacer', () => {
  it('writes at once without a scheduler', () => {
    const written: string[] = [];
    const pacer = new OutputPacer({ maxLines: 100, write: (t, done) => (written.push(t), done()) });
    pacer.push('a\r\n');
    pacer.push('b\r\n');
    expect(written).toEqual(['a\r\n', 'b\r\n']);
  });

  it('collects output while the terminal is busy and writes it in one piece, in order', () => {
    const written: string[] = [];
    const finish: (() => void)[] = [];
    const flushes: (() => void)[] = [];
    const pacer = new OutputPacer({
      maxLines: 100,
      write: (t, done) => (written.push(t), finish.push(done)),
      schedule: (flush) => flushes.push(flush),
    });
    pacer.push('1\r\n');
    flushes.shift()?.();
    pacer.push('2\r\n');
    pacer.push('3\r\n');
    expect(written).toEqual(['1\r\n']);
    finish.shift()?.();
    flushes.shift()?.();
    expect(written).toEqual(['1\r\n', '2\r\n3\r\n']);
    expect(pacer.busy).toBe(true);
    finish.shift()?.();
    expect(pacer.busy).toBe(false);
  });

  it('skips what the scrollback could not keep during a flood, and says so', () => {
    const written: string[] = [];
    const flushes: (() => void)[] = [];
    const pacer = new OutputPacer({
      maxLines: 5,
      write: (t, done) => (written.push(t), done()),
      schedule: (flush) => flushes.push(flush),
    });
    for (let i = 0; i < 1000; i++) pacer.push(`line ${i}\r\n`);
    flushes.shift()?.();
    expect(written).toHaveLength(1);
    expect(written[0]).toContain('995 lines of output skipped');
    expect(written[0]?.endsWith(lines(995, 1000))).toBe(true);
  });
});
