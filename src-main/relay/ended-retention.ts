/**
 * How long the relay keeps ended sessions. An ended session stays listed so that a person sees how
 * it ended (exit code, reason) and its output can still be read; but each one holds its output
 * ring (up to 1 MiB, `output-ring.ts`) and a line in every `sessions.changed`, so a
 * relay left running for weeks — or a peer that opens and ends sessions in a loop — must not keep
 * them all. Kept: at most {@link EndedRetentionLimits.maxEndedSessions} ended sessions, none longer
 * than {@link EndedRetentionLimits.endedRetentionMs} after it ended; the oldest go first. An ended
 * session that is the root of a process tree with live members stays until they end (the tree's
 * Stop and Detach act through it). A person can remove ended sessions sooner (`sessions.removeEnded`).
 */
/** The retention limits (part of the relay's limits). */
export interface EndedRetentionLimits {
  /** Most ended sessions kept; more, and the oldest ended is forgotten. 0 = none kept. */
  maxEndedSessions: number;
  /** How long an ended session is kept after it ended, in ms. 0 = no age limit. */
  endedRetentionMs: number;
}

/** Defaults: a day's worth of a person's sessions, bounded for a relay left alone. */
export const DEFAULT_ENDED_RETENTION: EndedRetentionLimits = {
  maxEndedSessions: 50,
  endedRetentionMs: 60 * 60_000,
};

/** What retention reads of a session. */
export interface RetainedSession {
  readonly id: string;
  readonly isEnded: boolean;
  /** When it ended, in ms since the epoch. */
  readonly endedAt: number | undefined;
  /** True while other sessions of its process tree, whose root it is, have not ended. */
  readonly holdsLiveMembers: boolean;
}

/** True when `session` may be forgotten now: it ended and no live process depends on it. */
export function isRemovable(session: RetainedSession): boolean {
  return session.isEnded && !session.holdsLiveMembers;
}

/**
 * The ids of the ended sessions to forget at `now` (ms since the epoch) under `limits`: every one
 * past the age limit, then the oldest-ended beyond the count limit. Never a live session.
 */
export function sessionsToForget(
  sessions: readonly RetainedSession[],
  now: number,
  limits: EndedRetentionLimits,
): string[] {
  const ended = sessions.filter(isRemovable).sort((a, b) => (a.endedAt ?? 0) - (b.endedAt ?? 0));
  const forget = new Set<string>();
  if (limits.endedRetentionMs > 0) {
    for (const s of ended) if (now - (s.endedAt ?? 0) >= limits.endedRetentionMs) forget.add(s.id);
  }
  const kept = ended.filter((s) => !forget.has(s.id));
  const excess = kept.length - Math.max(0, limits.maxEndedSessions);
  for (const s of kept.slice(0, Math.max(0, excess))) forget.add(s.id);
  return ended.filter((s) => forget.has(s.id)).map((s) => s.id);
}
