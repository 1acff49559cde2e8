/**
 * The data viewer's reads (`src-main/tracer/data-view.ts`) against a fake tracer: the request it
 * sends, and what a hostile or broken program's answers become (errors, never a client crash).
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import { describe, expect, it } from 'vitest';
import {
  dataViewExpression,
  readDataHeatmap,
  readDataPage,
  type TracerRequester,
} from '../../../../src-main/tracer/data-view.js';

const target = { sessionId: 's1', frameId: 7, expression: 'df' };
const pageParams = { ...target, row: 0, rows: 10, col: 0, cols: 5 };
const good = {
  kind: 'dataframe',
  type: 'pandas.core.frame.DataFrame',
  shape: [1, 1],
  lead: [],
  rows: 1,
  cols: 1,
  row: 0,
  col: 0,
  columns: [{ label: 'a', dtype: 'int64' }],
  index: ['0'],
  indexName: null,
  cells: [['1']],
  heatmap: true,
};

function answering(result: string, success = true): TracerRequester & { sent: unknown[] } {
  const sent: unknown[] = [];
  const fake = (_command: string, args: unknown): Promise<DebugProtocol.Response> => {
    sent.push(args);
    return Promise.resolve({
      seq: 1,
      type: 'response',
      request_seq: 1,
      command: 'evaluate',
      success,
      ...(success ? { body: { result, variablesReference: 0 } } : { message: result }),
    });
  };
  return Object.assign(fake, { sent });
}

describe('data viewer reads', () => {
  it('asks in the frame, in the clipboard context, for the raw string', async () => {
    const tracer = answering(JSON.stringify(good));
    await expect(readDataPage(tracer, pageParams)).resolves.toEqual(good);
    expect(tracer.sent[0]).toMatchObject({
      frameId: 7,
      context: 'clipboard',
      format: { rawString: true },
    });
  });

  it('embeds the expression outside the helper so it sees the frame, and the request as JSON', () => {
    const text = dataViewExpression('a["x"]', { op: 'page', row: 3 });
    expect(text.endsWith(`(a["x"]))`)).toBe(true);
    expect(text).toContain(JSON.stringify(JSON.stringify({ op: 'page', row: 3 })));
    expect(text).toMatch(/_periscope_data_view_[0-9a-f]{12}/);
  });

  it("turns the program's errors and refusals into evaluate-failed with its words", async () => {
    await expect(
      readDataPage(answering('{"error": "A list is not…"}'), pageParams),
    ).rejects.toMatchObject({
      code: 'evaluate-failed',
      message: 'df: A list is not…',
    });
    await expect(
      readDataPage(answering(`NameError("name 'df' is not defined")`), pageParams),
    ).rejects.toMatchObject({ message: "NameError: name 'df' is not defined" });
    await expect(
      readDataPage(answering('Thread is not suspended', false), pageParams),
    ).rejects.toMatchObject({ code: 'evaluate-failed', message: 'Thread is not suspended' });
  });

  it('refuses answers of the wrong shape, too many cells, or too much text', async () => {
    const wrong = [
      '[1, 2]',
      'null',
      JSON.stringify({ ...good, cells: 'x' }),
      JSON.stringify({ ...good, kind: 'list' }),
      JSON.stringify({ ...good, cells: Array.from({ length: 501 }, () => ['1']) }),
      JSON.stringify({ ...good, rows: -1 }),
      'x'.repeat(9 * 1024 * 1024),
    ];
    for (const answer of wrong)
      await expect(readDataPage(answering(answer), pageParams)).rejects.toMatchObject({
        code: 'evaluate-failed',
      });
    await expect(
      readDataHeatmap(answering(JSON.stringify(good)), { ...target, maxSide: 10 }),
    ).rejects.toMatchObject({ code: 'evaluate-failed' });
  });
});
