/**
 * The console's command history, walked with Up/Down like readline's: Up goes to older entries,
 * Down to newer ones, and Down past the newest entry gives back the draft the user was typing
 * before they started walking.
 */
export class CommandHistory {
  private readonly items: string[] = [];
  /** Index into `items` while walking; `items.length` means "at the draft". */
  private position: number | null = null;
  private draft = '';

  /**
   * @param maxEntries How many entries are kept (default 500); the oldest go first. Values below 1
   *   are treated as 1.
   */
  constructor(private readonly maxEntries = 500) {
    this.maxEntries = Math.max(1, Math.floor(maxEntries));
  }

  /** The entries, oldest first. */
  get entries(): readonly string[] {
    return this.items;
  }

  /** True while the user is walking the history (between the first Up and a submit/reset). */
  get isNavigating(): boolean {
    return this.position !== null;
  }

  /**
   * Appends an entry and ends any walk. Blank entries (only whitespace) are ignored, and so is an
   * entry equal to the newest one (no consecutive duplicates). Trailing whitespace is not stored.
   */
  add(entry: string): void {
    this.resetNavigation();
    const trimmed = entry.replace(/\s+$/, '');
    if (trimmed.trim() === '') return;
    if (this.items[this.items.length - 1] === trimmed) return;
    this.items.push(trimmed);
    if (this.items.length > this.maxEntries)
      this.items.splice(0, this.items.length - this.maxEntries);
  }

  /**
   * Steps to the next older entry and returns it, or `undefined` when there is none (the walk stays
   * on the oldest entry). The first step of a walk remembers `draft` (what is being typed) so that
   * {@link next} can return to it.
   */
  previous(draft: string): string | undefined {
    if (this.items.length === 0) return undefined;
    if (this.position === null) {
      this.draft = draft;
      this.position = this.items.length;
    }
    if (this.position === 0) return undefined;
    this.position -= 1;
    return this.items[this.position];
  }

  /**
   * Steps to the next newer entry and returns it; past the newest entry returns the remembered
   * draft and ends the walk. Returns `undefined` when not walking.
   */
  next(): string | undefined {
    if (this.position === null) return undefined;
    this.position += 1;
    if (this.position >= this.items.length) {
      const draft = this.draft;
      this.resetNavigation();
      return draft;
    }
    return this.items[this.position];
  }

  /** Ends a walk without changing the entries. */
  resetNavigation(): void {
    this.position = null;
    this.draft = '';
  }

  /** Removes every entry. */
  clear(): void {
    this.items.length = 0;
    this.resetNavigation();
  }
}
