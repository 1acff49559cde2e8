/**
 * How a DAP message gets onto the wire, hostile: a valid `Content-Length` frame (most of the time,
 * so the JSON inside reaches the relay's logic), split into many writes (inside the header, inside
 * a multi-byte character), or a broken frame: wrong, missing, huge or malformed `Content-Length`,
 * extra header lines, a header past 8 KiB, invalid UTF-8, a byte-order mark, a body that is not an
 * object, random bytes. A broken frame ends the connection (the relay must drop it, and only it).
 */
import type { FuzzRandom } from './fuzz-random.js';

/** One frame's writes, and whether the framing is broken (the peer should then be dropped). */
export interface WireFrame {
  writes: Buffer[];
  broken: boolean;
  /** A short name of the mutation, for the failure report. */
  mutation: string;
}

/** A correct frame of `body`. */
export function frame(body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'latin1'), body]);
}

/** `bytes` cut at random places into 2 to `maxPieces` writes (1-byte writes included). */
export function splitWrites(rng: FuzzRandom, bytes: Buffer, maxPieces = 40): Buffer[] {
  const pieces = Math.min(bytes.length, rng.range(2, maxPieces));
  const cuts = new Set<number>();
  while (cuts.size < pieces - 1) cuts.add(rng.range(1, Math.max(1, bytes.length - 1)));
  const sorted = [...cuts].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let start = 0;
  for (const cut of sorted) {
    if (cut > start) out.push(bytes.subarray(start, cut));
    start = cut;
  }
  out.push(bytes.subarray(start));
  return out;
}

/** Invalid UTF-8 sequences: a stray continuation byte, an overlong NUL, a truncated character. */
const BAD_UTF8 = [
  [0xff],
  [0x80],
  [0xc0, 0x80],
  [0xe2, 0x82],
  [0xf4, 0x90, 0x80, 0x80],
  [0xed, 0xa0, 0x80],
];

/** `body` with an invalid UTF-8 sequence put inside its first string (or at the end). */
function withBadUtf8(rng: FuzzRandom, body: Buffer): Buffer {
  const at = body.indexOf('"', 1) + 1 || body.length - 1;
  return Buffer.concat([body.subarray(0, at), Buffer.from(rng.pick(BAD_UTF8)), body.subarray(at)]);
}

/** The broken framings, each making the writes of a body (`broken` is true for all). */
const BROKEN: readonly (readonly [string, (rng: FuzzRandom, body: Buffer) => Buffer])[] = [
  [
    'length too small',
    (r, b) =>
      Buffer.concat([
        Buffer.from(`Content-Length: ${Math.max(1, b.length - r.range(1, 8))}\r\n\r\n`),
        b,
      ]),
  ],
  ['no header', (_r, b) => b],
  [
    'lower-case header',
    (_r, b) => Buffer.concat([Buffer.from(`content-length: ${b.length}\r\n\r\n`), b]),
  ],
  [
    'extra header line',
    (_r, b) =>
      Buffer.concat([
        Buffer.from(`Content-Length: ${b.length}\r\nContent-Type: application/json\r\n\r\n`),
        b,
      ]),
  ],
  ['LF line ends', (_r, b) => Buffer.concat([Buffer.from(`Content-Length: ${b.length}\n\n`), b])],
  [
    'space in length',
    (_r, b) => Buffer.concat([Buffer.from(`Content-Length:  ${b.length} \r\n\r\n`), b]),
  ],
  [
    'negative length',
    (_r, b) => Buffer.concat([Buffer.from(`Content-Length: -${b.length}\r\n\r\n`), b]),
  ],
  [
    'nine digits',
    (_r, b) =>
      Buffer.concat([
        Buffer.from(`Content-Length: 0${String(b.length).padStart(8, '0')}\r\n\r\n`),
        b,
      ]),
  ],
  [
    'over 16 MiB',
    (r, b) =>
      Buffer.concat([
        Buffer.from(`Content-Length: ${r.pick([16 * 1024 * 1024 + 1, 99_999_999])}\r\n\r\n`),
        b,
      ]),
  ],
  ['zero length', () => Buffer.from('Content-Length: 0\r\n\r\n')],
  ['header over 8 KiB', (r) => Buffer.from(`X-${'a'.repeat(8192 + r.int(100))}`)],
  ['invalid UTF-8', (r, b) => frame(withBadUtf8(r, b))],
  ['byte-order mark', (_r, b) => frame(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b]))],
  [
    'not an object',
    (r) => frame(Buffer.from(r.pick(['[]', '1', '"x"', 'null', 'true', '[{"seq":1}]']))),
  ],
  ['truncated JSON', (r, b) => frame(b.subarray(0, Math.max(1, b.length - r.range(1, 4))))],
  ['random bytes', (r) => r.bytes(r.range(1, 200))],
  ['NUL header', (_r, b) => Buffer.concat([Buffer.from('Content-Length: \0\r\n\r\n'), b])],
];

/**
 * The writes of `body` (a message's JSON text): valid and whole, valid and split, or broken with
 * probability `pBroken`. `length longer` is broken too, but only shows once more bytes come.
 */
export function wireFrame(rng: FuzzRandom, body: string, pBroken: number): WireFrame {
  const bytes = Buffer.from(body, 'utf8');
  if (rng.chance(pBroken)) {
    const [mutation, make] = rng.pick(BROKEN);
    const wire = make(rng, bytes);
    return { writes: rng.chance(0.3) ? splitWrites(rng, wire) : [wire], broken: true, mutation };
  }
  const whole = frame(bytes);
  if (rng.chance(0.1)) return { writes: splitWrites(rng, whole), broken: false, mutation: 'split' };
  if (rng.chance(0.005))
    return { writes: byteByByte(whole, 2000), broken: false, mutation: 'byte by byte' };
  return { writes: [whole], broken: false, mutation: 'whole' };
}

/** The first `n` bytes of `bytes` one write each, then the rest in one. */
function byteByByte(bytes: Buffer, n: number): Buffer[] {
  const head = [...bytes.subarray(0, n)].map((b) => Buffer.from([b]));
  return bytes.length > n ? [...head, bytes.subarray(n)] : head;
}
