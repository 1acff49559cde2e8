import {
  BreakpointBook,
  type BookChange,
  type BreakpointOptions,
  type FunctionBreakpointEntry,
  type LineBreakpoint,
} from './breakpoint-book.js';

/** Listener for changes in one profile's book. */
export type BreakpointChangeListener = (profileKey: string, change: BookChange) => void;

/** Which field the inline breakpoint editor edits (VS Code's Expression / Hit Count / Log Message). */
export type BreakpointEditMode = 'condition' | 'hitCondition' | 'logMessage';

/** The breakpoint being edited inline under its line in the source view. */
export interface BreakpointEditing {
  path: string;
  line: number;
  mode: BreakpointEditMode;
}

/**
 * The user's breakpoints, one {@link BreakpointBook} per profile (persisted in `localStorage`).
 * The book shown is the one of {@link BreakpointsStore.profileKey}: the active session's profile,
 * else the selected profile, else `default`. Also which breakpoint is being edited inline.
 */
class BreakpointsStore {
  profileKey = $state('default');
  /** The inline editor's breakpoint, or null when closed. */
  editing = $state.raw<BreakpointEditing | null>(null);
  /** Bumped on every change so views re-read the book. */
  private version = $state(0);
  private readonly books = new Map<string, BreakpointBook>();
  private readonly listeners = new Set<BreakpointChangeListener>();

  /** The line breakpoints of the current profile, by path then line. */
  all = $derived.by((): LineBreakpoint[] => {
    void this.version;
    return this.book(this.profileKey).all();
  });

  /** The function breakpoints of the current profile. */
  functions = $derived.by((): FunctionBreakpointEntry[] => {
    void this.version;
    return this.book(this.profileKey).functions();
  });

  /** The current profile's chosen exception filters (null: the tracer's defaults). */
  exceptionFilters = $derived.by((): string[] | null => {
    void this.version;
    return this.book(this.profileKey).exceptionFilters();
  });

  /** Switches to another profile's book (null → `default`). */
  useProfile(profileId: string | null): void {
    this.profileKey = profileId ?? 'default';
  }

  /** The book of a profile, loaded from storage on first use. */
  book(profileKey: string): BreakpointBook {
    let book = this.books.get(profileKey);
    if (!book) {
      book = new BreakpointBook(storage(), profileKey);
      book.onChange((change) => {
        this.version++;
        for (const listener of this.listeners) listener(profileKey, change);
      });
      this.books.set(profileKey, book);
    }
    return book;
  }

  /** Lines with breakpoints in one file of the current profile. */
  linesOf(path: string): number[] {
    void this.version;
    return this.book(this.profileKey).linesOf(path);
  }

  /** The breakpoints of one file of the current profile. */
  breakpointsOf(path: string): LineBreakpoint[] {
    void this.version;
    return this.book(this.profileKey).breakpointsOf(path);
  }

  toggle(path: string, line: number): void {
    this.book(this.profileKey).toggle(path, line);
  }

  remove(path: string, line: number): void {
    if (this.editing?.path === path && this.editing.line === line) this.editing = null;
    this.book(this.profileKey).remove(path, line);
  }

  /** Creates or updates a breakpoint's condition, hit condition and log message. */
  upsert(path: string, line: number, options: BreakpointOptions): void {
    this.book(this.profileKey).upsert(path, line, options);
  }

  setEnabled(path: string, line: number, enabled: boolean): void {
    this.book(this.profileKey).setEnabled(path, line, enabled);
  }

  setAllEnabled(enabled: boolean): void {
    this.book(this.profileKey).setAllEnabled(enabled);
  }

  removeAll(): void {
    this.editing = null;
    this.book(this.profileKey).removeAll();
  }

  move(path: string, from: number, to: number): void {
    this.book(this.profileKey).move(path, from, to);
  }

  addFunction(name: string): boolean {
    return this.book(this.profileKey).addFunction(name);
  }

  removeFunction(name: string): void {
    this.book(this.profileKey).removeFunction(name);
  }

  setFunctionEnabled(name: string, enabled: boolean): void {
    this.book(this.profileKey).setFunctionEnabled(name, enabled);
  }

  setExceptionFilters(filters: readonly string[]): void {
    this.book(this.profileKey).setExceptionFilters(filters);
  }

  /** Opens the inline editor under `path:line` (the breakpoint is created when saved). */
  startEditing(path: string, line: number, mode?: BreakpointEditMode): void {
    const bp = this.book(this.profileKey).get(path, line);
    const initial: BreakpointEditMode =
      mode ??
      (bp?.logMessage
        ? 'logMessage'
        : bp?.hitCondition && !bp.condition
          ? 'hitCondition'
          : 'condition');
    this.editing = { path, line, mode: initial };
  }

  stopEditing(): void {
    this.editing = null;
  }

  /** Called after every change in any book; returns the remover. */
  onChange(listener: BreakpointChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/** The window's breakpoints. */
export const breakpoints = new BreakpointsStore();
