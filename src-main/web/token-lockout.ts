/**
 * The URL token's guard against guessing (after Werkzeug's debugger, which locks its PIN after
 * too many wrong tries), shaped so that nobody can use it to lock the user out:
 *
 * - Only wrong tokens from this machine's side count (`request-site.ts`: our own pages, the user,
 *   programs). A token from another site's page — eleven `<img src="…/?token=x">`, say — is refused
 *   without being compared or counted, so a web page can neither guess nor spend the budget.
 * - After `maxFailures` counted wrong tokens in a row, the token is replaced and the new URL goes
 *   to the user (`onRotated`); for `lockMs` after that, wrong tokens are answered "locked" and not
 *   counted, so a flood rotates the token at most once per lock.
 * - The right token is always accepted, during a lock too: the user with the new URL is never
 *   kept out. A right token resets the count.
 *
 * The token is 256 random bits, so guessing is hopeless anyway; the count only bounds how many
 * tries one token ever gets (`maxFailures`).
 */
import { createClientToken, tokenMatches } from './client-token.js';
import type { RequestSite } from './request-site.js';

/** Default wrong tokens in a row that rotate the token. */
export const DEFAULT_MAX_BAD_TOKENS = 10;
/** Default length of the lock after a rotation, in ms (a minute). */
export const DEFAULT_LOCK_MS = 60_000;

/**
 * What a token check found: `ok`; `wrong` (counted); `locked` (wrong, during a lock: not
 * counted); `foreign` (from another site's page: not compared, not counted).
 */
export type TokenVerdict = 'ok' | 'wrong' | 'locked' | 'foreign';

/** Options of {@link TokenLockout}. */
export interface TokenLockoutOptions {
  /** The first token. */
  token: string;
  /** Counted wrong tokens in a row that rotate the token (default 10). */
  maxFailures?: number;
  /** Lock after a rotation, in ms (default 60 000). */
  lockMs?: number;
  /** Called after the token was replaced; `lockedForMs` is the lock just started. */
  onRotated: (lockedForMs: number) => void;
  /** The clock, in ms since the epoch (tests). */
  now?: () => number;
}

/** See the module comment. */
export class TokenLockout {
  private current: string;
  private failures = 0;
  private lockedUntil = 0;
  private readonly maxFailures: number;
  private readonly lockMs: number;
  private readonly now: () => number;

  constructor(private readonly options: TokenLockoutOptions) {
    this.current = options.token;
    this.maxFailures = options.maxFailures ?? DEFAULT_MAX_BAD_TOKENS;
    this.lockMs = options.lockMs ?? DEFAULT_LOCK_MS;
    this.now = options.now ?? Date.now;
  }

  /** The token now valid (it changes when a run of wrong tokens rotates it). */
  get token(): string {
    return this.current;
  }

  /** Milliseconds left of the lock after the last rotation, 0 when none. */
  remainingMs(): number {
    return Math.max(0, this.lockedUntil - this.now());
  }

  /** Checks `offered`, a token a request from `site` carries (see {@link TokenVerdict}). */
  check(offered: string, site: RequestSite): TokenVerdict {
    if (site === 'foreign') return 'foreign';
    if (tokenMatches(this.current, offered)) {
      this.failures = 0;
      return 'ok';
    }
    if (this.remainingMs() > 0) return 'locked';
    this.failures += 1;
    if (this.failures >= this.maxFailures) {
      this.failures = 0;
      this.current = createClientToken();
      this.lockedUntil = this.now() + this.lockMs;
      this.options.onRotated(this.lockMs);
    }
    return 'wrong';
  }
}

/** The line web mode and the headless relay print on stdout when the token was replaced. */
export function tokenRotatedNotice(url: string): string {
  return `Too many wrong tokens: the token was replaced, the old URL no longer works. New URL: ${url}\n`;
}
