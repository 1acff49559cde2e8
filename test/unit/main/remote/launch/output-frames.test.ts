import { describe, expect, it } from 'vitest';
import type { OutputCategory } from '../../../../../src-main/remote/launch/launch-output.js';
import { OutputDeframer } from '../../../../../src-main/remote/launch/output-frames.js';

type Piece = [OutputCategory, string];

function frame(category: OutputCategory, payload: Buffer | string): Buffer {
  const bytes = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  return Buffer.concat([
    Buffer.from(`${category === 'stdout' ? 'o' : 'e'} ${bytes.length}\n`),
    bytes,
  ]);
}

/** Feeds `chunks` and returns the output merged per consecutive category, plus the errors. */
function deframe(chunks: Buffer[], end = true): { pieces: Piece[]; errors: string[] } {
  const raw: [OutputCategory, Buffer][] = [];
  const errors: string[] = [];
  const deframer = new OutputDeframer({
    onData: (category, chunk) => {
      expect(chunk.length).toBeGreaterThan(0);
      raw.push([category, Buffer.from(chunk)]);
    },
    onError: (message) => errors.push(message),
  });
  for (const chunk of chunks) deframer.push(chunk);
  if (end) deframer.end();
  const pieces: [OutputCategory, Buffer][] = [];
  for (const [category, chunk] of raw) {
    const last = pieces.at(-1);
    if (last?.[0] === category) last[1] = Buffer.concat([last[1], chunk]);
    else pieces.push([category, chunk]);
  }
  return { pieces: pieces.map(([c, b]) => [c, b.toString('utf8')]), errors };
}

/** Splits `bytes` into pieces of `size` bytes. */
function split(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) out.push(bytes.subarray(at, at + size));
  return out;
}

const records: Piece[] = [
  ['stdout', 'line 1\n'],
  ['stderr', 'oops ✓\n'],
  ['stdout', 'line 2 with "o 5\\n" inside\ne 3\n'],
  ['stderr', 'x'],
  ['stdout', 'a'.repeat(300)],
];
const file = Buffer.concat(records.map(([c, t]) => frame(c, t)));

describe('OutputDeframer', () => {
  it('delivers many records of one chunk in file order with their streams', () => {
    expect(deframe([file])).toEqual({ pieces: records, errors: [] });
  });

  it.each([1, 2, 3, 5, 7, 13, 64])('gives the same result with chunks of %i bytes', (size) => {
    expect(deframe(split(file, size))).toEqual({ pieces: records, errors: [] });
  });

  it('gives the same result for every single split point', () => {
    for (let at = 0; at <= file.length; at++) {
      expect(deframe([file.subarray(0, at), file.subarray(at)]).pieces).toEqual(records);
    }
  });

  it('passes a payload on as it arrives, before the record is complete', () => {
    const got: string[] = [];
    const deframer = new OutputDeframer({ onData: (c, b) => got.push(`${c}:${b.toString()}`) });
    deframer.push(Buffer.from('o 10\nhel'));
    expect(got).toEqual(['stdout:hel']);
    deframer.push(Buffer.from('lo worl'));
    expect(got).toEqual(['stdout:hel', 'stdout:lo worl']);
  });

  it('is binary safe: NUL, newlines and invalid UTF-8 pass unchanged', () => {
    const payload = Buffer.from([0, 10, 0xff, 0xfe, 0x65, 0x20, 0x33, 10, 0]);
    const got: Buffer[] = [];
    const deframer = new OutputDeframer({ onData: (_c, b) => got.push(Buffer.from(b)) });
    for (const piece of split(frame('stderr', payload), 2)) deframer.push(piece);
    expect(Buffer.concat(got).equals(payload)).toBe(true);
  });

  it('accepts an empty record', () => {
    expect(deframe([Buffer.concat([frame('stdout', ''), frame('stderr', 'z')])])).toEqual({
      pieces: [['stderr', 'z']],
      errors: [],
    });
  });

  it('on a malformed header: one clear error, and everything from there on as stdout', () => {
    const bad = Buffer.concat([
      frame('stdout', 'fine\n'),
      Buffer.from('garbage here\n'),
      frame('stderr', 'after\n'),
    ]);
    for (const size of [1, 4, bad.length]) {
      const { pieces, errors } = deframe(split(bad, size));
      expect(pieces).toEqual([['stdout', 'fine\ngarbage here\ne 6\nafter\n']]);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(
        /^malformed record header at byte 9 of the program's output: "g[a-z ]*(\\n)?"; the rest is shown as stdout$/,
      );
    }
  });

  it('rejects a header with a bad length (leading zero, too long, not a number)', () => {
    for (const header of ['o 01\n', 'o 12345678901\n', 'e -1\n', 'o 3 \n', 'O 3\n', 'o  3\n']) {
      const { pieces, errors } = deframe([Buffer.from(`${header}abc`)]);
      expect(pieces).toEqual([['stdout', `${header}abc`]]);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/^malformed record header at byte 0 of the program's output: /);
    }
  });

  it('reports a header cut short at the end and passes its bytes on as stdout', () => {
    const { pieces, errors } = deframe([
      Buffer.concat([frame('stderr', 'x\n'), Buffer.from('o 1')]),
    ]);
    expect(pieces).toEqual([
      ['stderr', 'x\n'],
      ['stdout', 'o 1'],
    ]);
    expect(errors).toEqual([
      'the output ended inside a record header at byte 6 of the program\'s output: "o 1"; the rest is shown as stdout',
    ]);
  });

  it('says nothing at the end of a payload cut short (its bytes were passed on)', () => {
    expect(deframe([Buffer.from('o 10\nabc')])).toEqual({
      pieces: [['stdout', 'abc']],
      errors: [],
    });
  });
});
