/**
 * Dragging the border between two panels of a column (a stack of `section[data-panel]`
 * elements, the way SidebarSection renders them), as in VS Code's split views: dragging down,
 * the panel above the border grows by what the panels below give, nearest first, none below its
 * CSS `min-height`; dragging up, the same the other way round. Works on the DOM the panels are in, so any panel added to a column takes
 * part without being registered anywhere.
 */

/** One drag in progress. */
export interface StackDrag {
  /**
   * The heights (px) of every open panel of the column, by panel id, after the pointer moved
   * `delta` px (down positive) since the drag began.
   */
  move(delta: number): Map<string, number>;
}

interface Measured {
  id: string;
  height: number;
  min: number;
}

function openPanels(column: Element): HTMLElement[] {
  return [...column.querySelectorAll<HTMLElement>(':scope > section[data-panel].open')];
}

/** The ids of the panels in `section`'s column (open or not). */
export function stackPanels(section: HTMLElement): string[] {
  const column = section.parentElement;
  if (!column) return [];
  return [...column.querySelectorAll<HTMLElement>(':scope > section[data-panel]')].map(
    (el) => el.dataset['panel'] ?? '',
  );
}

/** Starts dragging the lower border of `section` (an open panel). */
export function startStackDrag(section: HTMLElement): StackDrag {
  const column = section.parentElement;
  const panels: Measured[] = (column ? openPanels(column) : [section]).map((el) => ({
    id: el.dataset['panel'] ?? '',
    height: el.getBoundingClientRect().height,
    min: parseFloat(getComputedStyle(el).minHeight) || 0,
  }));
  const index = panels.findIndex((p) => p.id === section.dataset['panel']);
  return {
    move(delta: number): Map<string, number> {
      const heights = panels.map((p) => p.height);
      if (index < 0) return toMap(panels, heights);
      if (index === panels.length - 1) {
        const last = panels[index] as Measured;
        heights[index] = Math.max(last.min, last.height + delta);
        return toMap(panels, heights);
      }
      // Down: the panels below give height, nearest first, to the one above the border.
      // Up: the panels above give, nearest first, to the one below the border.
      const [givers, taker] =
        delta > 0 ? [range(index + 1, panels.length), index] : [range(index, -1), index + 1];
      let wanted = Math.abs(delta);
      for (const i of givers) {
        const p = panels[i] as Measured;
        const give = Math.min(wanted, Math.max(0, p.height - p.min));
        heights[i] = p.height - give;
        heights[taker] = (heights[taker] ?? 0) + give;
        wanted -= give;
        if (wanted <= 0) break;
      }
      return toMap(panels, heights);
    },
  };
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; from < to ? i < to : i > to; i += from < to ? 1 : -1) out.push(i);
  return out;
}

function toMap(panels: readonly Measured[], heights: readonly number[]): Map<string, number> {
  return new Map(panels.map((p, i) => [p.id, heights[i] ?? p.height]));
}
