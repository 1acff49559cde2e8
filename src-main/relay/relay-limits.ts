/**
 * The relay's limits and timeouts (qdb's server options: attach timeout, inactivity timeout, sweep
 * time, and what to do with an orphaned tracer). Each limit, when reached, gives the client or the
 * log a sentence that names it.
 */
import type { SessionLimits } from './session-limits.js';
import { DEFAULT_ENDED_RETENTION, type EndedRetentionLimits } from './ended-retention.js';

/** What the sweep does with a session nobody watches: qdb's "soft" (detach) or "hard" disable. */
export type OrphanAction = 'detach' | 'terminate';

/** All limits of a relay; every field optional in `BackendOptions`. */
export interface RelayLimits extends SessionLimits, EndedRetentionLimits {
  /**
   * How long a new session may wait for its first client, and the DAP handshake with a dialled-in
   * tracer may take, in ms (qdb's attach timeout). 0 = no limit on the wait.
   */
  attachTimeoutMs: number;
  /** How long a session may go without any client after the last one left, in ms. 0 = forever. */
  inactivityTimeoutMs: number;
  /** How often the sweep looks for orphaned sessions, in ms. */
  sweepIntervalMs: number;
  /** What the sweep does with an orphaned session. */
  orphanAction: OrphanAction;
  /** Most clients (app and DAP) connected to the relay at once. */
  maxClients: number;
  /** Most tracers connected to the tracer port at once. */
  maxTracers: number;
}

/** Defaults: generous enough for a person, bounded for a server left alone. */
export const DEFAULT_RELAY_LIMITS: RelayLimits = {
  attachTimeoutMs: 5 * 60_000,
  inactivityTimeoutMs: 15 * 60_000,
  sweepIntervalMs: 5_000,
  orphanAction: 'detach',
  maxClients: 64,
  maxTracers: 32,
  ...DEFAULT_ENDED_RETENTION,
};
