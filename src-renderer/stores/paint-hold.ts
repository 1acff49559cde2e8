/**
 * Holds back the in-between views of a step (`debug/step-settled.ts`) so the panels paint once
 * per step, when its locals are there, instead of once per DAP answer. A held view is painted
 * after at most {@link PAINT_HOLD_MS} anyway, so a slow step (a flaky VPN, a big stack) still
 * shows its progress, at most every {@link PAINT_HOLD_MS}. A view that is not in between is
 * painted at once, together with what was deferred while holding (the source view's current
 * line: {@link PaintHold.defer}).
 */

/** Longest time a view is held back, in ms (three frames at 60 Hz). */
export const PAINT_HOLD_MS = 50;

/** See the module comment; `V` is the view type. */
export class PaintHold<V> {
  private held: { view: V } | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private deferred: (() => void)[] = [];

  /**
   * @param paint shows a view (e.g. assigns the store's state).
   * @param inBetween whether a view is one to hold back.
   * @param holdMs the longest hold, in ms.
   */
  constructor(
    private readonly paint: (view: V) => void,
    private readonly inBetween: (view: V) => boolean,
    private readonly holdMs = PAINT_HOLD_MS,
  ) {}

  /** A new view of the session: painted now, or held (replacing a held one). */
  offer(view: V): void {
    if (!this.inBetween(view)) {
      this.held = null;
      this.flush(view);
      return;
    }
    this.held = { view };
    this.timer ??= setTimeout(() => {
      this.timer = null;
      const held = this.held;
      this.held = null;
      if (held) this.flush(held.view);
    }, this.holdMs);
  }

  /** Runs `action` with the next paint when a view is held, else now. */
  defer(action: () => void): void {
    if (this.held) this.deferred.push(action);
    else action();
  }

  /** Drops what is held or deferred, and the timer (the session went away). */
  dispose(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.held = null;
    this.deferred = [];
  }

  private flush(view: V): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.paint(view);
    const actions = this.deferred;
    this.deferred = [];
    for (const action of actions) action();
  }
}
