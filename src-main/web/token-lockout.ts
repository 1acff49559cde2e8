/**
 * Lockout after repeated wrong tokens (as Werkzeug's debugger locks its PIN after too many wrong
 * tries): after `maxFailures` wrong tokens in a row, the client endpoint refuses everyone for
 * `lockMs`, and the token is replaced, so a guesser starts again against a new 256-bit secret.
 * A right token resets the count.
 */

/** Default wrong tokens in a row that lock the endpoint. */
export const DEFAULT_MAX_BAD_TOKENS = 10;
/** Default length of a lock, in ms (a minute). */
export const DEFAULT_LOCK_MS = 60_000;

/** See the module comment. */
export class TokenLockout {
  private failures = 0;
  private lockedUntil = 0;

  constructor(
    private readonly maxFailures = DEFAULT_MAX_BAD_TOKENS,
    private readonly lockMs = DEFAULT_LOCK_MS,
  ) {}

  /** Milliseconds left of a lock, 0 when not locked. */
  remainingMs(now = Date.now()): number {
    return Math.max(0, this.lockedUntil - now);
  }

  /** Counts a wrong token. Returns true when this one started a lock. */
  recordFailure(now = Date.now()): boolean {
    this.failures += 1;
    if (this.failures < this.maxFailures) return false;
    this.failures = 0;
    this.lockedUntil = now + this.lockMs;
    return true;
  }

  /** A right token: the count starts again. */
  recordSuccess(): void {
    this.failures = 0;
  }
}
