/**
 * Who evaluates the source view's hovered expressions (`hover-value.ts`), without CodeMirror: the
 * sessions store sets it at start, before the editor (a chunk of its own) is loaded.
 */

/** A hover value: the expression, its value text and type. */
export interface HoverResult {
  expression: string;
  value: string;
  type: string | null;
}

/** Evaluates an expression for a hover; null when nothing should be shown. */
export type HoverEvaluator = (expression: string) => Promise<HoverResult | null>;

let evaluator: HoverEvaluator | null = null;

/** Sets (or clears with null) the function that evaluates hovered expressions. */
export function setHoverEvaluator(next: HoverEvaluator | null): void {
  evaluator = next;
}

/** The evaluator set now, if any. */
export function hoverEvaluator(): HoverEvaluator | null {
  return evaluator;
}
