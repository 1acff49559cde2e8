/**
 * A heatmap answer (`DataHeatmap` of `src-common/protocol/data-view.ts`) as RGBA pixels: each
 * byte 0..254 through a perceptually even colour scale (viridis, by its published anchor
 * colours), 255 (no finite value) as transparent. Pure: the canvas is the panel's.
 */

/** Anchors of the scale, low to high (viridis at 0, 0.25, 0.5, 0.75, 1). */
const ANCHORS: readonly [number, number, number][] = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

/** The colour of `t` in 0..1 on the scale. */
export function scaleColor(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t)) * (ANCHORS.length - 1);
  const i = Math.min(ANCHORS.length - 2, Math.floor(x));
  const f = x - i;
  const a = ANCHORS[i] as [number, number, number];
  const b = ANCHORS[i + 1] as [number, number, number];
  return [0, 1, 2].map((k) => Math.round(a[k]! + (b[k]! - a[k]!) * f)) as [number, number, number];
}

const TABLE: readonly [number, number, number][] = Array.from({ length: 255 }, (_, v) =>
  scaleColor(v / 254),
);

/** The bytes of a base64 text. */
export function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** RGBA pixels (`width * height * 4` bytes) of the heatmap's scaled bytes. */
export function heatmapPixels(
  bytes: Uint8Array,
  width: number,
  height: number,
): Uint8ClampedArray<ArrayBuffer> {
  const pixels = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const v = bytes[i] ?? 255;
    if (v === 255) continue;
    const [r, g, b] = TABLE[v] as [number, number, number];
    pixels.set([r, g, b, 255], i * 4);
  }
  return pixels;
}

/** The mean a scaled byte stands for, or null for 255 (no finite value). */
export function byteValue(byte: number, min: number, max: number): number | null {
  if (byte === 255) return null;
  return min + (byte / 254) * (max - min);
}
