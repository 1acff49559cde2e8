/**
 * A smoke run of `npm run bench` (few repetitions) so the benchmark cannot rot: every figure is
 * measured and comes out finite. Speed is not asserted here; benchmarks measure, tests assert.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runBenchmarks } from '../../../bench/run.js';
import { renderResults } from '../../../bench/results-table.js';

describe('benchmark smoke run', () => {
  it.skipIf(!existsSync('dist/periscope.js'))(
    'measures every figure',
    { timeout: 240_000 },
    async () => {
      const results = await runBenchmarks(2, () => undefined);
      expect(results.figures.map((f) => `${f.figure}/${f.variant}`)).toEqual([
        'relay overhead/loopback',
        'step latency/loopback',
        'relay overhead/ssh forward',
        'step latency/ssh forward',
        'step to paint/loopback, Chromium',
        'big collection/loopback, Chromium',
        'data viewer (10⁶-row DataFrame)/loopback, Chromium',
      ]);
      for (const figure of results.figures) {
        expect(Number.isFinite(figure.ratio)).toBe(true);
        expect(figure.periscope.n).toBeGreaterThanOrEqual(2);
      }
      expect(results.start?.toInteractive.median).toBeGreaterThan(0);
      expect(results.flood?.lines).toBe(20_000);
      expect(results.fanOut?.tracers).toBe(5);
      expect(Number.isFinite(results.fanOut?.relayShareMs)).toBe(true);
      expect(Number.isFinite(results.flood?.ratio)).toBe(true);
      expect(Number.isFinite(results.flood?.breakdown.programDone)).toBe(true);
      expect(results.children?.fromStart.n).toBe(3);
      expect(results.children?.fromStart.median).toBeGreaterThan(0);
      expect(results.churn?.sessions).toBe(50);
      expect(results.churn?.listed).toBeGreaterThan(0);
      expect(renderResults(results)).toContain('**Session churn**');
      expect(renderResults(results)).toContain('**Child processes**');
      expect(results.snapshotPoint?.periscope.n).toBe(20);
      expect(Number.isFinite(results.snapshotPoint?.addedPerHitMs)).toBe(true);
      expect(results.flaskCapture?.runs).toBe(2);
      expect(renderResults(results)).toContain('**Snapshot point**');
      expect(renderResults(results)).toContain('| step latency | ssh forward |');
      // Every miss is explained by a breakdown measured in the same run.
      const overhead = results.figures.find((f) => f.figure === 'relay overhead');
      expect(Number.isFinite(overhead?.breakdown?.wsHopMs)).toBe(true);
      expect(renderResults(results)).toContain('**Where the relay overhead goes**');
      expect(results.flood?.breakdown.atPage).toBeGreaterThan(0);
      expect(results.flood?.breakdown.atRelayClient).toBeGreaterThan(0);
      expect(results.start?.breakdown.scripts).toBeGreaterThan(0);
    },
  );
});
