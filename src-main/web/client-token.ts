/**
 * The per-run client token of web mode: 256 random bits, base64url. Compared in constant time;
 * never written to a log (the URL that carries it is printed once, to stdout, for the user).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Makes a fresh token (43 characters of base64url). */
export function createClientToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * True when `candidate` equals `token`. Runs in time independent of where they differ, and of
 * the candidate's length (both sides are hashed to 32 bytes first).
 */
export function tokenMatches(token: string, candidate: string | undefined | null): boolean {
  if (typeof candidate !== 'string' || candidate.length === 0) return false;
  const a = createHash('sha256').update(token).digest();
  const b = createHash('sha256').update(candidate).digest();
  return timingSafeEqual(a, b);
}
