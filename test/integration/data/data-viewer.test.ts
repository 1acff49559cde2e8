/**
 * The data viewer against a real debugpy launched over a real sshd, on Debian's pandas and numpy:
 * pages of a DataFrame of 10**6 rows (first, last, a column window), a Series, a MultiIndex frame,
 * a 3-D array's slices, a heatmap, and the errors a person sees for other values and bad
 * expressions. The program keeps running afterwards (the helper changes nothing).
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type TestSshd } from '../../harness/sshd.js';
import {
  launchWorld,
  untilStoppedWithLocals,
  type DebuggerWorld,
} from '../debugger/debugger-kit.js';
import type { DataTarget } from '../../../src-common/protocol/data-view.js';

const program = resolve('test/fixtures/programs/frames.py');
const STOP_LINE = 34;

describe('data viewer on real pandas and numpy', () => {
  let sshd: TestSshd;
  let w: DebuggerWorld;
  let frameId = 0;
  const at = (expression: string, lead?: number[]): DataTarget => ({
    sessionId: w.session.id,
    frameId,
    expression,
    ...(lead ? { lead } : {}),
  });

  beforeAll(async () => {
    sshd = await startSshd();
    w = await launchWorld(sshd, { program, breakpoints: [{ path: program, lines: [STOP_LINE] }] });
    const view = await untilStoppedWithLocals(w, STOP_LINE);
    frameId = view.selectedFrameId ?? 0;
  }, 120_000);
  afterAll(async () => {
    await w?.dispose();
    await sshd?.stop();
  });

  it('pages a DataFrame of a million rows: shape, dtypes, first and last rows', async () => {
    const first = await w.client.app('data.page', {
      ...at('frame'),
      row: 0,
      rows: 50,
      col: 0,
      cols: 20,
    });
    expect(first).toMatchObject({
      kind: 'dataframe',
      type: 'pandas.core.frame.DataFrame',
      shape: [1_000_000, 5],
      rows: 1_000_000,
      cols: 5,
      heatmap: false,
    });
    expect(first.columns).toEqual([
      { label: 'id', dtype: 'int64' },
      { label: 'price', dtype: 'float64' },
      { label: 'qty', dtype: 'int64' },
      { label: 'city', dtype: 'category' },
      { label: 'when', dtype: 'datetime64[ns]' },
    ]);
    expect(first.cells).toHaveLength(50);
    expect(first.cells[3]).toEqual(['3', '0.75', '3', 'Oslo', '2026-12-01 00:00:03']);

    const last = await w.client.app('data.page', {
      ...at('frame'),
      row: 999_990,
      rows: 50,
      col: 1,
      cols: 2,
    });
    expect(last.row).toBe(999_990);
    expect(last.index.at(-1)).toBe('999999');
    expect(last.cells).toHaveLength(10);
    expect(last.cells.at(-1)).toEqual(['249999.75', '0']);
  });

  it('shows a Series, a MultiIndex frame with cut cells, and a 3-D array by its leading index', async () => {
    const series = await w.client.app('data.page', {
      ...at('totals'),
      row: 0,
      rows: 2,
      col: 0,
      cols: 5,
    });
    expect(series).toMatchObject({ kind: 'series', shape: [1_000_000], cols: 1 });
    expect(series.columns).toEqual([{ label: 'price', dtype: 'float64' }]);

    const labels = await w.client.app('data.page', {
      ...at('labels'),
      row: 0,
      rows: 5,
      col: 0,
      cols: 5,
      maxChars: 40,
    });
    expect(labels.columns.map((c) => c.label)).toEqual(['text / long', 'num / x']);
    expect(labels.cells[0]?.[0]).toBe(`${'a'.repeat(39)}\u2026`);

    const slice = await w.client.app('data.page', {
      ...at('cube', [1]),
      row: 0,
      rows: 5,
      col: 0,
      cols: 5,
    });
    expect(slice).toMatchObject({ kind: 'ndarray', shape: [2, 3, 4], lead: [1], rows: 3, cols: 4 });
    expect(slice.cells[0]).toEqual(['12', '13', '14', '15']);
  });

  it('draws a 2-D array as a heatmap reduced to blocks', async () => {
    const heat = await w.client.app('data.heatmap', { ...at('wave'), maxSide: 100 });
    expect(heat).toMatchObject({
      shape: [300, 400],
      height: 100,
      width: 100,
      stepRows: 3,
      stepCols: 4,
    });
    expect(heat.min).toBeLessThan(-0.9);
    expect(heat.max).toBeGreaterThan(0.9);
    expect(Buffer.from(heat.data, 'base64')).toHaveLength(100 * 100);
  });

  it('answers other values, failing expressions and text frames with an error a person can read', async () => {
    const failure = (request: Promise<unknown>): Promise<{ code?: string; message?: string }> =>
      request.then(
        () => ({}),
        (err: unknown) => err as { code?: string; message?: string },
      );
    const page = { row: 0, rows: 5, col: 0, cols: 5 };
    const tuple = await failure(w.client.app('data.page', { ...at('frame.shape'), ...page }));
    expect(tuple.code).toBe('evaluate-failed');
    expect(tuple.message).toBe(
      'frame.shape: A tuple is not a pandas DataFrame or Series or a numpy array.',
    );
    const missing = await failure(w.client.app('data.page', { ...at('no_such_name'), ...page }));
    expect(missing.code).toBe('evaluate-failed');
    expect(missing.message).toMatch(/NameError: name 'no_such_name' is not defined/);
    const text = await failure(w.client.app('data.heatmap', { ...at('labels'), maxSide: 10 }));
    expect(text.message).toBe('labels: Only a frame whose columns are all numeric can be drawn.');
  });

  it('leaves the program as it was: it runs on to its result', async () => {
    await w.model.resume('continue');
    const ended = await w.client.appEvent(
      'sessions.changed',
      (b) => b.sessions.find((s) => s.id === w.session.id)?.state === 'ended',
      60_000,
    );
    expect(ended.sessions.find((s) => s.id === w.session.id)?.endReason).toBe('exit code 0');
    expect(w.client.output(w.session.id)).toContain('ready (1000000, 5)');
  });
});
