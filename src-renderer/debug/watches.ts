/**
 * The watch list of a session: add, edit, remove, reorder, and evaluation in the selected frame
 * (DAP `evaluate`, context `watch`) on every stop and after anything that may change values.
 * Results for an earlier stop or frame are dropped.
 */
import type { WatchItem } from './session-view.js';
import { evaluateWatchExpression, newWatchItem, withWatchResult } from './watch-evaluation.js';
import type { ModelCore } from './model-core.js';

/** A new, not yet evaluated watch with the model's next id. */
export function newWatch(core: ModelCore, expression: string): WatchItem {
  return newWatchItem(core.nextWatchId++, expression);
}

/** Evaluates the watch `id` in the selected frame when paused (not on the previous stop). */
async function evaluateIfPaused(core: ModelCore, id: number): Promise<void> {
  const frameId = core.current.selectedFrameId;
  if (core.current.state !== 'stopped' || frameId === null || core.current.staleFrames) return;
  await evaluateWatch(core, id, frameId, core.isCurrentFrame());
}

/** Adds a watch expression and evaluates it when paused. Blank input is ignored. */
export async function addWatch(core: ModelCore, expression: string): Promise<void> {
  const text = expression.trim();
  if (!text) return;
  const watch = newWatch(core, text);
  core.update({ watches: [...core.current.watches, watch] });
  await evaluateIfPaused(core, watch.id);
}

/** Removes a watch expression. */
export function removeWatch(core: ModelCore, id: number): void {
  core.update({ watches: core.current.watches.filter((w) => w.id !== id) });
}

/** Replaces a watch's expression (blank removes it) and evaluates it when paused. */
export async function editWatch(core: ModelCore, id: number, expression: string): Promise<void> {
  const text = expression.trim();
  if (!text) return removeWatch(core, id);
  const old = core.current.watches.find((w) => w.id === id);
  if (!old || old.expression === text) return;
  const watch = newWatchItem(id, text);
  core.update({ watches: core.current.watches.map((w) => (w.id === id ? watch : w)) });
  await evaluateIfPaused(core, id);
}

/** Moves a watch to position `index` (0-based, clamped) of the list. */
export function moveWatch(core: ModelCore, id: number, index: number): void {
  const list = [...core.current.watches];
  const from = list.findIndex((w) => w.id === id);
  if (from === -1) return;
  const [watch] = list.splice(from, 1);
  if (!watch) return;
  list.splice(Math.max(0, Math.min(index, list.length)), 0, watch);
  core.update({ watches: list });
}

/** Replaces the watch list (a profile's saved watches) and evaluates it when paused. */
export async function setWatchExpressions(
  core: ModelCore,
  expressions: readonly string[],
): Promise<void> {
  const watches = core.current.watches;
  const same =
    expressions.length === watches.length &&
    expressions.every((e, i) => watches[i]?.expression === e);
  if (same) return;
  core.update({ watches: expressions.map((e) => newWatch(core, e)) });
  await reevaluateWatches(core);
}

/** Evaluates every watch again in the selected frame, when paused. */
export async function reevaluateWatches(core: ModelCore): Promise<void> {
  const frameId = core.current.selectedFrameId;
  if (core.current.state !== 'stopped' || frameId === null || core.current.staleFrames) return;
  await evaluateWatches(core, frameId, core.isCurrentFrame());
}

/** Evaluates every watch in `frameId`; results arriving when `isCurrent()` is false are dropped. */
export async function evaluateWatches(
  core: ModelCore,
  frameId: number,
  isCurrent: () => boolean,
): Promise<void> {
  await Promise.all(core.current.watches.map((w) => evaluateWatch(core, w.id, frameId, isCurrent)));
}

async function evaluateWatch(
  core: ModelCore,
  id: number,
  frameId: number,
  isCurrent: () => boolean,
): Promise<void> {
  const watch = core.current.watches.find((w) => w.id === id);
  if (!watch) return;
  const result = await evaluateWatchExpression(core.deps.dapRequest, watch.expression, frameId);
  if (!isCurrent()) return;
  core.update({
    watches: core.current.watches.map((w) => (w.id === id ? withWatchResult(w, result) : w)),
  });
}
