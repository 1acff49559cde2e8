/**
 * Runs speculative work (the stop cache's prefetches, `stop-cache.ts`) a few at a time, in the
 * order asked, each started on a later turn of the event loop than the one that asked: what
 * the relay does for clients now (sending them an event) goes first. A task holds its place at
 * most {@link GATE_SLOT_MS}, so a tracer that never answers does not hold up the others.
 */

/** Longest a task keeps its place before the next one may start anyway, in ms. */
export const GATE_SLOT_MS = 1000;

/** See the module comment. */
export class PrefetchGate {
  private running = 0;
  private readonly waiting: (() => Promise<void>)[] = [];

  /** @param limit most tasks running at once. */
  constructor(
    private readonly limit: number,
    private readonly slotMs = GATE_SLOT_MS,
  ) {}

  /** Tasks asked for and not started yet. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Runs `task` when a place is free (never in the caller's turn). `task` must not reject. */
  run(task: () => Promise<void>): void {
    this.waiting.push(task);
    setImmediate(() => this.next());
  }

  /** Starts the oldest waiting task when a place is free. */
  private next(): void {
    if (this.running >= this.limit) return;
    const task = this.waiting.shift();
    if (!task) return;
    this.running += 1;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      clearTimeout(timer);
      this.running -= 1;
      if (this.waiting.length > 0) setImmediate(() => this.next());
    };
    const timer = setTimeout(release, this.slotMs);
    timer.unref();
    void task().then(release, release);
  }
}
