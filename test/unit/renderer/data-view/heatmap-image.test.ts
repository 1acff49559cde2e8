/** Heatmap pixels (`src-renderer/data-view/heatmap-image.ts`). */
import { describe, expect, it } from 'vitest';
import {
  byteValue,
  decodeBase64,
  heatmapPixels,
  scaleColor,
} from '../../../../src-renderer/data-view/heatmap-image.js';

describe('heatmap image', () => {
  it('colours 0 and 254 as the ends of the scale and 255 as see-through', () => {
    const pixels = heatmapPixels(new Uint8Array([0, 254, 255]), 3, 1);
    expect([...pixels.slice(0, 4)]).toEqual([68, 1, 84, 255]);
    expect([...pixels.slice(4, 8)]).toEqual([253, 231, 37, 255]);
    expect([...pixels.slice(8, 12)]).toEqual([0, 0, 0, 0]);
    expect(scaleColor(0.5)).toEqual([33, 145, 140]);
  });

  it('reads base64 and turns a byte back into the mean it stands for', () => {
    expect([...decodeBase64(btoa(String.fromCharCode(0, 127, 255)))]).toEqual([0, 127, 255]);
    expect(byteValue(127, -1, 1)).toBeCloseTo(0, 5);
    expect(byteValue(255, -1, 1)).toBeNull();
  });
});
