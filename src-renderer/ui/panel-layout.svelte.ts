/**
 * The window's panel layout as reactive state (see panel-layout.ts for the stored shape): panels
 * read whether they are open and how big they are, splitters and collapse toggles write it, and
 * every change is saved so the layout survives a reload.
 */
import {
  clampSize,
  loadLayout,
  saveLayout,
  type LayoutState,
  type LayoutStorage,
} from './panel-layout.js';

function browserStorage(): LayoutStorage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

/** See the module comment. */
class PanelLayout {
  #storage = browserStorage();
  #state = $state<LayoutState>(loadLayout(this.#storage));

  /** Whether panel `id` is open (panels are open unless the person collapsed them). */
  isOpen(id: string): boolean {
    return !this.#state.collapsed.includes(id);
  }

  /** Opens or collapses panel `id`. */
  setOpen(id: string, open: boolean): void {
    const rest = this.#state.collapsed.filter((c) => c !== id);
    this.#state.collapsed = open ? rest : [...rest, id];
    this.#save();
  }

  /** The size the person gave `name` (px), or `null` for the default. */
  size(name: string): number | null {
    return this.#state.sizes[name] ?? null;
  }

  /** Sets the size of `name` (px, clamped to a sane range); `null` goes back to the default. */
  setSize(name: string, px: number | null): void {
    const sizes = { ...this.#state.sizes };
    if (px === null) delete sizes[name];
    else sizes[name] = clampSize(px);
    this.#state.sizes = sizes;
    this.#save();
  }

  #save(): void {
    saveLayout(this.#storage, $state.snapshot(this.#state));
  }
}

/** The window's panel layout. */
export const panelLayout = new PanelLayout();
