/**
 * Which rows of the Variables tree a person opened, remembered by path (the scope's name, then
 * each child's name) rather than by `variablesReference`: debugpy hands out new references on
 * every stop, so by reference every step would fold the tree up again. After a step the rows on
 * remembered paths are opened again (VS Code keeps its variables tree the same way), within
 * {@link RESTORE_MAX_ROWS} containers so a step never waits on a deep tree.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';

/** Most containers opened again after one stop (each is one `variables` request). */
export const RESTORE_MAX_ROWS = 40;

/** Separates the names of a path (never in a Python name or a debugpy display name). */
const SEP = '\u0001';

/** See the module comment. */
export class ExpansionMemory {
  private readonly open = new Set<string>();
  private pathByRef = new Map<number, string>();

  /** A new stop: references of the last one mean nothing now. */
  newStop(): void {
    this.pathByRef = new Map();
  }

  /** Records the path of a scope (its reference for this stop); returns the path. */
  noteScope(scope: DebugProtocol.Scope): string {
    const path = `scope${SEP}${scope.name}`;
    if (scope.variablesReference > 0) this.pathByRef.set(scope.variablesReference, path);
    return path;
  }

  /** Records the paths of the children of container `parentRef` (for this stop). */
  noteChildren(parentRef: number, variables: readonly DebugProtocol.Variable[]): void {
    const parent = this.pathByRef.get(parentRef);
    if (parent === undefined) return;
    for (const v of variables)
      if (v.variablesReference > 0) this.pathByRef.set(v.variablesReference, parent + SEP + v.name);
  }

  /** The path of a row of this stop, if known. */
  pathOf(ref: number): string | undefined {
    return this.pathByRef.get(ref);
  }

  /** The person opened or closed the row `ref`. */
  setOpen(ref: number, open: boolean): void {
    const path = this.pathByRef.get(ref);
    if (path === undefined) return;
    if (open) this.open.add(path);
    else this.open.delete(path);
  }

  /** True when the row on `path` was left open. */
  isOpen(path: string | undefined): boolean {
    return path !== undefined && this.open.has(path);
  }
}
