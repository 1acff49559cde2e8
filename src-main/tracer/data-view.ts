/**
 * The data viewer's reads of a value in a stopped frame: one DAP `evaluate` per page or heatmap
 * that runs `remote/python/data_view.py` inside the program and returns its JSON answer.
 *
 * The expression installs the helper once per process, as a module of its own in `sys.modules`
 * (named after a hash of its source, so a newer Periscope installs its own), then calls
 * `run(value, request)`. The value's expression is evaluated in the frame, outside the helper's
 * lambdas, so it sees the frame's locals. The answer comes back whole: context `clipboard` lifts
 * pydevd's repr limits and `format.rawString` returns the string unquoted
 * (debugpy `_pydevd_bundle/pydevd_comm.py`, `internal_evaluate_expression_json`;
 * `pydevd_safe_repr.py`). Nothing is recorded in the session: the answer goes to the caller only.
 */
import { createHash } from 'node:crypto';
import type { DebugProtocol } from '@vscode/debugprotocol';
import DATA_VIEW from '../remote/python/data_view.py';
import { z } from 'zod';
import { RelayError } from '../../src-common/errors.js';
import type {
  DataHeatmap,
  DataHeatmapParams,
  DataPage,
  DataPageParams,
  DataTarget,
} from '../../src-common/protocol/data-view.js';

/** How long one page may take in the program before the viewer gives up, in ms. */
export const DATA_VIEW_TIMEOUT_MS = 15_000;

/** Largest answer accepted from the program, in characters (a page is far smaller). */
export const MAX_DATA_ANSWER_CHARS = 8 * 1024 * 1024;

/** Sends one request to the session's tracer (`DebugSession.requestTracer`). */
export type TracerRequester = (
  command: string,
  args: unknown,
  timeoutMs: number,
) => Promise<DebugProtocol.Response>;

const MODULE_NAME = `_periscope_data_view_${createHash('sha256').update(DATA_VIEW).digest('hex').slice(0, 12)}`;

/**
 * The Python expression that answers `request` about `expression`'s value. JSON string literals
 * are valid Python string literals, so the source and the request are embedded with
 * `JSON.stringify`.
 */
export function dataViewExpression(expression: string, request: object): string {
  const install =
    `(lambda m: (exec(${JSON.stringify(DATA_VIEW)}, m.__dict__), ` +
    `__import__('sys').modules.__setitem__(m.__name__, m), m)[2])` +
    `(__import__('types').ModuleType(${JSON.stringify(MODULE_NAME)}))`;
  const helper = `(__import__('sys').modules.get(${JSON.stringify(MODULE_NAME)}) or ${install})`;
  return `(lambda __periscope_view, __periscope_value: __periscope_view.run(__periscope_value, ${JSON.stringify(JSON.stringify(request))}))(${helper}, (${expression}))`;
}

/**
 * Reads a page of the value at `target`.
 * @throws RelayError `evaluate-failed` with the program's reason (the expression failed, the
 *   value is not a DataFrame, Series or ndarray, the frame is gone); what `request` throws.
 */
export async function readDataPage(
  request: TracerRequester,
  params: DataPageParams,
): Promise<DataPage> {
  const { row, rows, col, cols, maxChars } = params;
  return checked(
    pageAnswer,
    await ask(request, params, { op: 'page', row, rows, col, cols, maxChars }),
  );
}

/** Reads the value at `target` as a heatmap; throws as {@link readDataPage}. */
export async function readDataHeatmap(
  request: TracerRequester,
  params: DataHeatmapParams,
): Promise<DataHeatmap> {
  return checked(
    heatmapAnswer,
    await ask(request, params, { op: 'heatmap', maxSide: params.maxSide }),
  );
}

// The program is not trusted: its answer is checked before a client sees it.
const size = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const text = z.string().max(100_000);
const shapeAnswer = {
  kind: z.enum(['dataframe', 'series', 'ndarray']),
  type: text,
  shape: z.array(size).max(64),
  lead: z.array(size).max(64),
  rows: size,
  cols: size,
};
const pageAnswer = z.object({
  ...shapeAnswer,
  row: size,
  col: size,
  columns: z.array(z.object({ label: text, dtype: text })).max(200),
  index: z.array(text).max(500),
  indexName: text.nullable(),
  cells: z.array(z.array(text).max(200)).max(500),
  heatmap: z.boolean(),
}) satisfies z.ZodType<DataPage>;
const heatmapAnswer = z.object({
  ...shapeAnswer,
  height: size.max(512),
  width: size.max(512),
  stepRows: size,
  stepCols: size,
  min: z.number(),
  max: z.number(),
  data: z.string().max(512 * 512 * 2),
}) satisfies z.ZodType<DataHeatmap>;

function checked<T>(schema: z.ZodType<T>, answer: unknown): T {
  const result = schema.safeParse(answer);
  if (!result.success)
    throw new RelayError(
      'evaluate-failed',
      "The program's answer did not have the expected shape.",
    );
  return result.data;
}

async function ask(
  request: TracerRequester,
  target: DataTarget,
  fields: Record<string, unknown>,
): Promise<unknown> {
  const args: DebugProtocol.EvaluateArguments = {
    expression: dataViewExpression(target.expression, { ...fields, lead: target.lead ?? [] }),
    frameId: target.frameId,
    context: 'clipboard',
    format: { rawString: true } as DebugProtocol.ValueFormat,
  };
  const response = await request('evaluate', args, DATA_VIEW_TIMEOUT_MS);
  if (!response.success) throw new RelayError('evaluate-failed', evaluateError(response));
  const answer = parseAnswer((response as DebugProtocol.EvaluateResponse).body.result);
  if ('error' in answer)
    throw new RelayError('evaluate-failed', `${target.expression}: ${String(answer.error)}`);
  return answer;
}

/** The last line of debugpy's error (its traceback's `NameError: …`), or its message. */
function evaluateError(response: DebugProtocol.Response): string {
  const text =
    (response.body as { error?: { format?: string } } | undefined)?.error?.format ??
    response.message ??
    'the tracer refused to evaluate it';
  return lastLine(text) || text;
}

function parseAnswer(result: string): Record<string, unknown> {
  if (result.length > MAX_DATA_ANSWER_CHARS)
    throw new RelayError('evaluate-failed', 'The program answered with more than a page.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(result);
  } catch {
    // debugpy answers an expression that raised with the exception's repr as the result.
    throw new RelayError(
      'evaluate-failed',
      exceptionText(result) || "The program's answer was empty.",
    );
  }
  if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed))
    return parsed as Record<string, unknown>;
  throw new RelayError('evaluate-failed', "The program's answer was not readable.");
}

/** `NameError("name 'x' is not defined")` as `NameError: name 'x' is not defined`. */
function exceptionText(result: string): string {
  const line = lastLine(result);
  const repr = /^([A-Za-z_][\w.]*)\((['"])(.*)\2,?\)$/.exec(line);
  return repr ? `${repr[1]}: ${repr[3]}` : line;
}

/** The last non-empty line of `text`, cut to 500 characters. */
function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return (lines[lines.length - 1] ?? '').trim().slice(0, 500);
}
