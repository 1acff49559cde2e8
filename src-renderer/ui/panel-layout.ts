/**
 * The layout a person chose for the window's panels: which panels are collapsed and the sizes
 * they dragged (panel heights, column widths, the console height), all in CSS pixels. Stored as
 * JSON in Web Storage under {@link LAYOUT_STORAGE_KEY}; unreadable or out-of-range stored values
 * are dropped one by one rather than failing the whole layout.
 */

/** Web Storage key of the saved layout. */
export const LAYOUT_STORAGE_KEY = 'periscope.layout.v1';

/** Smallest and largest size accepted for any stored size, in px. */
export const MIN_STORED_SIZE = 24;
export const MAX_STORED_SIZE = 10_000;

/** The saved layout: sizes by name (px) and the names of collapsed panels. */
export interface LayoutState {
  sizes: Record<string, number>;
  collapsed: string[];
}

/** The part of Web Storage this module uses. */
export interface LayoutStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** An empty layout: every panel open at its default size. */
export function emptyLayout(): LayoutState {
  return { sizes: {}, collapsed: [] };
}

/** Parses stored layout JSON, keeping only well-formed entries; anything else reads as empty. */
export function parseLayout(raw: string | null): LayoutState {
  const layout = emptyLayout();
  if (!raw) return layout;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return layout;
  }
  if (typeof parsed !== 'object' || parsed === null) return layout;
  const { sizes, collapsed } = parsed as { sizes?: unknown; collapsed?: unknown };
  if (typeof sizes === 'object' && sizes !== null) {
    for (const [name, value] of Object.entries(sizes)) {
      if (typeof value === 'number' && Number.isFinite(value)) {
        layout.sizes[name] = clampSize(value);
      }
    }
  }
  if (Array.isArray(collapsed)) {
    layout.collapsed = [...new Set(collapsed.filter((c): c is string => typeof c === 'string'))];
  }
  return layout;
}

/** A size kept within {@link MIN_STORED_SIZE}..{@link MAX_STORED_SIZE}, rounded to whole px. */
export function clampSize(px: number): number {
  return Math.round(Math.min(MAX_STORED_SIZE, Math.max(MIN_STORED_SIZE, px)));
}

/** Reads the saved layout; a missing or failing storage reads as the empty layout. */
export function loadLayout(storage: LayoutStorage | null): LayoutState {
  try {
    return parseLayout(storage?.getItem(LAYOUT_STORAGE_KEY) ?? null);
  } catch {
    return emptyLayout();
  }
}

/** Saves the layout; storage errors (quota, private mode) only mean it is not kept. */
export function saveLayout(storage: LayoutStorage | null, layout: LayoutState): void {
  try {
    storage?.setItem(LAYOUT_STORAGE_KEY, JSON.stringify(layout));
  } catch {
    // Not saved: the layout still applies to this window.
  }
}
