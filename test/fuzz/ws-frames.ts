/**
 * Raw WebSocket frames (RFC 6455 §5.2) a client could send, hostile: binary frames, fragmented
 * messages (valid, with a ping between fragments, or with a continuation out of place), unmasked
 * frames, invalid UTF-8 (whole or split across fragments), close frames with invalid codes or
 * reasons, oversized or fragmented control frames, reserved opcodes and RSV bits, a length beyond
 * the server's limit. `ws` turns most of these into an `error` event on the server's socket
 * (issue 17's crash 2 when nobody listened).
 */
import type { FuzzRandom } from './fuzz-random.js';

/** The fields of one frame. */
export interface FrameSpec {
  fin?: boolean;
  /** RSV1–3 as bits 0b100, 0b010, 0b001. */
  rsv?: number;
  opcode: number;
  payload: Buffer;
  /** Clients must mask; default true. */
  masked?: boolean;
  /** Announce this length instead of the payload's (a lie). */
  announce?: number;
}

/** Encodes a frame. */
export function encodeFrame(
  spec: FrameSpec,
  maskKey = Buffer.from([0x37, 0xfa, 0x21, 0x3d]),
): Buffer {
  const { payload } = spec;
  const masked = spec.masked ?? true;
  const length = spec.announce ?? payload.length;
  const head: number[] = [((spec.fin ?? true) ? 0x80 : 0) | ((spec.rsv ?? 0) << 4) | spec.opcode];
  const maskBit = masked ? 0x80 : 0;
  if (length < 126) head.push(maskBit | length);
  else if (length < 65536) head.push(maskBit | 126, length >> 8, length & 0xff);
  else {
    head.push(maskBit | 127);
    const big = BigInt(length);
    for (let i = 7; i >= 0; i--) head.push(Number((big >> BigInt(i * 8)) & 0xffn));
  }
  const body = Buffer.from(payload);
  if (masked)
    for (let i = 0; i < body.length; i++) body[i] = (body[i] ?? 0) ^ (maskKey[i % 4] ?? 0);
  return Buffer.concat([Buffer.from(head), masked ? maskKey : Buffer.alloc(0), body]);
}

/** A text message as one frame, or as 2–6 fragments (valid fragmentation). */
export function textFrames(rng: FuzzRandom, text: string): Buffer[] {
  const payload = Buffer.from(text, 'utf8');
  if (payload.length < 2 || !rng.chance(0.1)) return [encodeFrame({ opcode: 1, payload })];
  const pieces = rng.range(2, Math.min(6, payload.length));
  const out: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < pieces; i++) {
    const end =
      i === pieces - 1
        ? payload.length
        : start + Math.max(1, Math.floor((payload.length - start) / (pieces - i)));
    out.push(
      encodeFrame({
        opcode: i === 0 ? 1 : 0,
        fin: i === pieces - 1,
        payload: payload.subarray(start, end),
      }),
    );
    // A control frame may come between fragments.
    if (i < pieces - 1 && rng.chance(0.3))
      out.push(encodeFrame({ opcode: 9, payload: Buffer.from('p') }));
    start = end;
  }
  return out;
}

const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
const SESSIONS_LIST = Buffer.from('{"type":"app","id":1,"method":"sessions.list","params":{}}');

/** Hostile frame sequences, each named; `fatal` ones are protocol errors (the server drops us). */
export const HOSTILE_FRAMES: readonly (readonly [
  string,
  boolean,
  (rng: FuzzRandom) => Buffer[],
])[] = [
  ['binary frame', true, (r) => [encodeFrame({ opcode: 2, payload: r.bytes(r.range(0, 64)) })]],
  [
    'unmasked text',
    true,
    () => [encodeFrame({ opcode: 1, payload: SESSIONS_LIST, masked: false })],
  ],
  [
    'invalid UTF-8',
    true,
    (r) => [
      encodeFrame({
        opcode: 1,
        payload: Buffer.from(r.pick([[0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0x22, 0xf8]])),
      }),
    ],
  ],
  [
    'invalid UTF-8 across fragments',
    true,
    () => [
      encodeFrame({ opcode: 1, fin: false, payload: Buffer.from([0x22, 0xe2]) }),
      encodeFrame({ opcode: 0, payload: Buffer.from([0x41, 0x22]) }),
    ],
  ],
  [
    'valid UTF-8 split across fragments',
    false,
    () => {
      const text = Buffer.from(
        '{"type":"app","id":2,"method":"sessions.list","params":{},"x":"€"}',
      );
      const cut = text.indexOf(0xe2) + 1;
      return [
        encodeFrame({ opcode: 1, fin: false, payload: text.subarray(0, cut) }),
        encodeFrame({ opcode: 0, payload: text.subarray(cut) }),
      ];
    },
  ],
  ['continuation first', true, () => [encodeFrame({ opcode: 0, payload: SESSIONS_LIST })]],
  [
    'text inside a fragmented message',
    true,
    () => [
      encodeFrame({ opcode: 1, fin: false, payload: Buffer.from('{"a":') }),
      encodeFrame({ opcode: 1, payload: Buffer.from('1}') }),
    ],
  ],
  [
    'close with invalid code',
    true,
    (r) => [
      encodeFrame({
        opcode: 8,
        payload: u16(r.pick([0, 999, 1004, 1005, 1006, 1015, 2999, 5000, 65535])),
      }),
    ],
  ],
  ['close with one byte', true, () => [encodeFrame({ opcode: 8, payload: Buffer.from([3]) })]],
  [
    'close with invalid UTF-8 reason',
    true,
    () => [encodeFrame({ opcode: 8, payload: Buffer.concat([u16(1000), Buffer.from([0xff])]) })],
  ],
  [
    'ping over 125 bytes',
    true,
    (r) => [encodeFrame({ opcode: 9, payload: r.bytes(126 + r.int(200)) })],
  ],
  [
    'fragmented ping',
    true,
    () => [encodeFrame({ opcode: 9, fin: false, payload: Buffer.from('x') })],
  ],
  [
    'reserved opcode',
    true,
    (r) => [
      encodeFrame({
        opcode: r.pick([3, 4, 5, 6, 7, 11, 12, 13, 14, 15]),
        payload: Buffer.from('x'),
      }),
    ],
  ],
  [
    'RSV bits',
    true,
    (r) => [encodeFrame({ opcode: 1, rsv: r.range(1, 7), payload: SESSIONS_LIST })],
  ],
  [
    'length over the limit',
    true,
    (r) => [
      encodeFrame({
        opcode: 1,
        payload: Buffer.alloc(0),
        announce: r.pick([64 * 1024 * 1024 + 1, 2 ** 40, 2 ** 53]),
      }),
    ],
  ],
  ['unsolicited pong', false, (r) => [encodeFrame({ opcode: 10, payload: r.bytes(r.int(125)) })]],
  ['empty text', false, () => [encodeFrame({ opcode: 1, payload: Buffer.alloc(0) })]],
  ['garbage bytes', true, (r) => [r.bytes(r.range(1, 64))]],
  ['clean close', true, () => [encodeFrame({ opcode: 8, payload: u16(1000) })]],
];
