import type { LaunchBreakpoints } from '../../src-main/protocol/client-protocol.js';

/** The part of the Web Storage API (`localStorage`) the book uses. */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** One user breakpoint: a 1-based line in a source file (laptop path, as the user opened it). */
export interface BreakpointLocation {
  path: string;
  line: number;
}

/**
 * The user's line breakpoints of one profile, by source path, persisted as JSON under
 * `periscope.breakpoints.<profileId>` so they survive reloads. Unreadable stored data is ignored
 * (the book starts empty) rather than thrown.
 */
export class BreakpointBook {
  private readonly byPath = new Map<string, number[]>();
  private readonly listeners = new Set<(path: string) => void>();

  constructor(
    private readonly storage: KeyValueStorage | null,
    readonly profileKey: string,
  ) {
    this.load();
  }

  /** Storage key of a profile's breakpoints. */
  static storageKey(profileKey: string): string {
    return `periscope.breakpoints.${profileKey}`;
  }

  /** Sorted lines of one file (empty when none). */
  linesOf(path: string): number[] {
    return [...(this.byPath.get(path) ?? [])];
  }

  /** Paths that have breakpoints, in insertion order. */
  paths(): string[] {
    return [...this.byPath.keys()];
  }

  /** All breakpoints, by path then line. */
  all(): BreakpointLocation[] {
    return this.paths().flatMap((path) => this.linesOf(path).map((line) => ({ path, line })));
  }

  /** Adds the breakpoint when absent, removes it when present. Returns whether it is now set. */
  toggle(path: string, line: number): boolean {
    const lines = this.byPath.get(path) ?? [];
    const set = !lines.includes(line);
    this.setLines(path, set ? [...lines, line] : lines.filter((l) => l !== line));
    return set;
  }

  /** Removes one breakpoint (no-op when absent). */
  remove(path: string, line: number): void {
    const lines = this.byPath.get(path);
    if (lines?.includes(line))
      this.setLines(
        path,
        lines.filter((l) => l !== line),
      );
  }

  /** The book as `LaunchParams.breakpoints`. */
  toLaunch(): LaunchBreakpoints[] {
    return this.paths().map((path) => ({
      path,
      breakpoints: this.linesOf(path).map((line) => ({ line })),
    }));
  }

  /** Called with the path whose lines changed; returns the remover. */
  onChange(listener: (path: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private setLines(path: string, lines: number[]): void {
    if (lines.length === 0) this.byPath.delete(path);
    else
      this.byPath.set(
        path,
        [...new Set(lines)].sort((a, b) => a - b),
      );
    this.save();
    for (const listener of this.listeners) listener(path);
  }

  private load(): void {
    try {
      const text = this.storage?.getItem(BreakpointBook.storageKey(this.profileKey));
      if (!text) return;
      const data = JSON.parse(text) as unknown;
      if (typeof data !== 'object' || data === null) return;
      for (const [path, lines] of Object.entries(data as Record<string, unknown>)) {
        if (!Array.isArray(lines)) continue;
        const valid = lines.filter((l): l is number => Number.isInteger(l) && (l as number) > 0);
        if (valid.length > 0)
          this.byPath.set(
            path,
            [...new Set(valid)].sort((a, b) => a - b),
          );
      }
    } catch {
      // Corrupt stored data: start empty.
    }
  }

  private save(): void {
    try {
      this.storage?.setItem(
        BreakpointBook.storageKey(this.profileKey),
        JSON.stringify(Object.fromEntries(this.byPath)),
      );
    } catch {
      // Storage full or unavailable: the breakpoints still work for this page's lifetime.
    }
  }
}
