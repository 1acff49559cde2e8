import { BreakpointBook, type BreakpointLocation } from './breakpoint-book.js';

/** Listener for changes of one file's breakpoints in one profile's book. */
export type BreakpointChangeListener = (profileKey: string, path: string, lines: number[]) => void;

/**
 * The user's breakpoints, one {@link BreakpointBook} per profile (persisted in `localStorage`).
 * The book shown is the one of {@link BreakpointsStore.profileKey}: the active session's profile,
 * else the selected profile, else `default`.
 */
class BreakpointsStore {
  profileKey = $state('default');
  /** Bumped on every change so views re-read the book. */
  private version = $state(0);
  private readonly books = new Map<string, BreakpointBook>();
  private readonly listeners = new Set<BreakpointChangeListener>();

  /** The breakpoints of the current profile, by path then line. */
  all = $derived.by((): BreakpointLocation[] => {
    void this.version;
    return this.book(this.profileKey).all();
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
      book.onChange((path) => {
        this.version++;
        const lines = book?.linesOf(path) ?? [];
        for (const listener of this.listeners) listener(profileKey, path, lines);
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

  toggle(path: string, line: number): void {
    this.book(this.profileKey).toggle(path, line);
  }

  remove(path: string, line: number): void {
    this.book(this.profileKey).remove(path, line);
  }

  /** Called after a file's breakpoints changed in any book; returns the remover. */
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
