import type { DebugProtocol } from '@vscode/debugprotocol';
import { dapErrorText, lastLine } from './dap-response.js';
import type { WatchItem } from './session-view.js';
import type { DapRequester } from './model-types.js';
import { errorMessage } from '../../src-common/errors.js';

/** The result of one watch evaluation. */
export type WatchResult = Pick<WatchItem, 'value' | 'type' | 'error'>;

/**
 * Evaluates a watch expression in a frame (DAP `evaluate`, context `watch`). Never throws:
 * errors come back as `error` (the last line of debugpy's traceback text).
 */
export async function evaluateWatchExpression(
  dapRequest: DapRequester,
  expression: string,
  frameId: number,
): Promise<WatchResult> {
  try {
    const response = await dapRequest('evaluate', { expression, frameId, context: 'watch' });
    if (!response.success)
      return { value: null, type: null, error: lastLine(dapErrorText(response)) };
    const body = (response as DebugProtocol.EvaluateResponse).body;
    return { value: body.result, type: body.type ?? null, error: null };
  } catch (err) {
    return { value: null, type: null, error: errorMessage(err) };
  }
}

/**
 * A watch with a new result: fresh (not stale), and `changed` when its text differs from the
 * previous evaluation's (a first evaluation is never "changed").
 */
export function withWatchResult(watch: WatchItem, result: WatchResult): WatchItem {
  const before = watch.error ?? watch.value;
  const after = result.error ?? result.value;
  return { ...watch, ...result, changed: before !== null && before !== after, stale: false };
}

/** A new watch item that has not been evaluated yet. */
export function newWatchItem(id: number, expression: string): WatchItem {
  return { id, expression, value: null, type: null, error: null, changed: false, stale: false };
}
