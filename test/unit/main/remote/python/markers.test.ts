/**
 * The lines the TypeScript side looks for in a remote helper's output are the ones the helper
 * prints: each helper's `MARKER` constant (src-main/remote/python/*.py) equals the TypeScript one.
 */
import { describe, expect, it } from 'vitest';
import OUTPUT_MUX from '../../../../../src-main/remote/python/output_mux.py';
import FREE_STALE_SLOT from '../../../../../src-main/remote/python/free_stale_slot.py';
import SITECUSTOMIZE from '../../../../../src-main/remote/python/sitecustomize.py';
import PROBE from '../../../../../src-main/remote/python/preflight_probe.py';
import { PROBE_MARKER } from '../../../../../src-main/remote/probes/preflight.js';
import { STALE_SLOT_MARKER } from '../../../../../src-main/remote/probes/stale-slot.js';
import SNAPSHOT_RING from '../../../../../src-main/remote/python/snapshot_ring.py';
import { SNAPSHOT_RING_MARKER } from '../../../../../src-main/remote/snapshots/snapshot-ring.js';

/** The string a helper assigns to `MARKER` (one `MARKER = "…"` line). */
function pythonMarker(source: string): string | undefined {
  return /^MARKER = "([^"]*)"$/m.exec(source)?.[1];
}

describe('helper constants', () => {
  it('the mux takes the records the sitecustomize writes: the same RECORD_LIMIT', () => {
    const limit = (source: string): string | undefined =>
      /^_?RECORD_LIMIT = (\d+)$/m.exec(source)?.[1];
    expect(limit(OUTPUT_MUX)).toMatch(/^\d+$/);
    expect(limit(SITECUSTOMIZE)).toBe(limit(OUTPUT_MUX));
  });
});

describe('helper markers', () => {
  it.each([
    ['preflight_probe.py', PROBE, PROBE_MARKER],
    ['free_stale_slot.py', FREE_STALE_SLOT, STALE_SLOT_MARKER],
    ['snapshot_ring.py', SNAPSHOT_RING, SNAPSHOT_RING_MARKER],
  ])('%s', (_name, source, marker) => {
    expect(pythonMarker(source)).toBe(marker);
    expect(source).toContain('print(MARKER + ');
  });
});
