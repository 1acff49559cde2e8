/**
 * The number of inputs a target may still send in a batch, shared by its parallel lanes, and the
 * numbering of inputs across the run (so a reported input index is unique per target).
 */

/** See the module comment. */
export class FuzzBudget {
  private left: number;

  /** @param first the run-wide index of this batch's first input. */
  constructor(
    count: number,
    private nextIndex: number,
  ) {
    this.left = count;
  }

  /** Inputs left. */
  get remaining(): number {
    return this.left;
  }

  /** Takes up to `n` inputs; returns the index of the first and how many were granted. */
  take(n: number): { first: number; granted: number } {
    const granted = Math.max(0, Math.min(n, this.left));
    const first = this.nextIndex;
    this.left -= granted;
    this.nextIndex += granted;
    return { first, granted };
  }

  /** Gives back inputs granted but not sent (a connection closed under them); their indices are not reused. */
  giveBack(n: number): void {
    this.left += n;
  }
}
