// Renders assets/icon.png (512×512 RGBA) from the same geometry as assets/icon.svg: a rounded
// square, an almond-shaped eye, a teal iris, a pupil and a highlight. Plain Node (zlib), no
// network, no image tools. 4×4 supersampling for smooth edges. Usage: node scripts/make-icon.mjs
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const SIZE = 512;
const SAMPLES = 4;

// Eye: intersection of two circles through (76,256) and (436,256), 110 px tall each side.
const HALF_WIDTH = 180;
const HALF_HEIGHT = 110;
const OFFSET = (HALF_WIDTH ** 2 - HALF_HEIGHT ** 2) / (2 * HALF_HEIGHT);
const RADIUS = HALF_HEIGHT + OFFSET;

const hex = (h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
const BACKGROUND = hex('#1b2633');
const EYE = hex('#e8eef4');
const IRIS = hex('#2fb5a5');
const PUPIL = hex('#0d141c');
const HIGHLIGHT = hex('#ffffff');

const inCircle = (x, y, cx, cy, r) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;

function inRoundedSquare(x, y, inset, r) {
  const lo = inset + r;
  const hi = SIZE - inset - r;
  const cx = Math.min(Math.max(x, lo), hi);
  const cy = Math.min(Math.max(y, lo), hi);
  return (
    x >= inset && x <= SIZE - inset && y >= inset && y <= SIZE - inset && inCircle(x, y, cx, cy, r)
  );
}

/** The colour at one point, or undefined outside the icon. */
function colourAt(x, y) {
  if (!inRoundedSquare(x, y, 16, 96)) return undefined;
  if (inCircle(x, y, 282, 230, 14)) return HIGHLIGHT;
  if (inCircle(x, y, 256, 256, 36)) return PUPIL;
  if (inCircle(x, y, 256, 256, 78)) return IRIS;
  if (inCircle(x, y, 256, 256 + OFFSET, RADIUS) && inCircle(x, y, 256, 256 - OFFSET, RADIUS))
    return EYE;
  return BACKGROUND;
}

const rowBytes = SIZE * 4 + 1;
const raw = Buffer.alloc(rowBytes * SIZE);
for (let y = 0; y < SIZE; y++) {
  raw[y * rowBytes] = 0; // filter: none
  for (let x = 0; x < SIZE; x++) {
    let r = 0,
      g = 0,
      b = 0,
      a = 0;
    for (let sy = 0; sy < SAMPLES; sy++) {
      for (let sx = 0; sx < SAMPLES; sx++) {
        const c = colourAt(x + (sx + 0.5) / SAMPLES, y + (sy + 0.5) / SAMPLES);
        if (!c) continue;
        r += c[0];
        g += c[1];
        b += c[2];
        a += 1;
      }
    }
    const o = y * rowBytes + 1 + x * 4;
    if (a > 0) {
      raw[o] = Math.round(r / a);
      raw[o + 1] = Math.round(g / a);
      raw[o + 2] = Math.round(b / a);
    }
    raw[o + 3] = Math.round((255 * a) / (SAMPLES * SAMPLES));
  }
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header[8] = 8; // bit depth
header[9] = 6; // colour type: RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(new URL('../assets/icon.png', import.meta.url), png);
console.log(`assets/icon.png: ${SIZE}×${SIZE}, ${png.length} bytes`);
