/**
 * How many rows of a newly shown page of a big container are built in the frame that shows it.
 * The window's height bounds what any panel can show, so the rows past it cannot be on screen in
 * that frame; they are built right after it is painted (`PageRows.svelte`).
 */

/** Height of one variable row, px (`VariableNode.svelte`'s `.row`). */
export const ROW_HEIGHT_PX = 22;

/** Rows that fit in a window `windowHeight` px tall (at least 1). */
export function firstFrameRows(windowHeight: number): number {
  return Math.max(1, Math.ceil(windowHeight / ROW_HEIGHT_PX));
}
