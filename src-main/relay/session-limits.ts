/**
 * The limits one debug session enforces. Its own module because the session
 * (`debug-session.ts`), the parts that enforce them (`request-forwarding.ts`, `session-output.ts`)
 * and the relay's defaults (`relay-limits.ts`) all need the type, and the session imports those
 * parts.
 */

/** Limits of a session (all optional; defaults in `request-forwarding.ts` and `output-ring.ts`). */
export interface SessionLimits {
  /** Timeout of each forwarded request, in ms. */
  requestTimeoutMs?: number;
  /** Most requests in flight per client; more are refused with an error response. */
  maxPendingPerClient?: number;
  /** Memory bound of the output ring, in characters. */
  outputRingChars?: number;
  /** Output batching interval, in ms. */
  outputBatchMs?: number;
  /** Most output characters per batch. */
  outputBatchChars?: number;
}
