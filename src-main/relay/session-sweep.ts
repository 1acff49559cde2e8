/**
 * The sweep (qdb's `sweep_time`): every interval, ends the sessions nobody watches — a session that
 * got no client within the attach timeout, or that has had none for the inactivity timeout — by
 * detaching (the program keeps running) or terminating the program, as configured.
 */
import type { Logger } from '../log/logger.js';
import type { DebugSession } from './debug-session.js';
import type { RelayLimits } from './relay-limits.js';

/** Why a session is orphaned now, or undefined if it is not. */
export function orphanReason(
  session: DebugSession,
  limits: Pick<RelayLimits, 'attachTimeoutMs' | 'inactivityTimeoutMs'>,
  now: number,
): string | undefined {
  const idleSince = session.idleSince;
  if (session.isEnded || idleSince === undefined) return undefined;
  const idleMs = now - idleSince;
  if (!session.hadClient) {
    if (limits.attachTimeoutMs > 0 && idleMs >= limits.attachTimeoutMs)
      return `no client joined within the attach timeout (${formatMs(limits.attachTimeoutMs)})`;
    return undefined;
  }
  if (limits.inactivityTimeoutMs > 0 && idleMs >= limits.inactivityTimeoutMs)
    return `no client for the inactivity timeout (${formatMs(limits.inactivityTimeoutMs)})`;
  return undefined;
}

/** Runs the sweep on a timer until {@link SessionSweep.stop}. */
export class SessionSweep {
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly sessions: () => Iterable<DebugSession>,
    private readonly limits: RelayLimits,
    private readonly logger: Logger,
    /** Runs after each sweep (the relay forgets old ended sessions then). */
    private readonly afterSweep: (now: number) => void = () => undefined,
  ) {
    this.timer = setInterval(() => void this.sweepNow(), limits.sweepIntervalMs);
    this.timer.unref();
  }

  /** Ends every orphaned session now; resolves when they have ended. */
  async sweepNow(now = Date.now()): Promise<void> {
    const ending: Promise<void>[] = [];
    for (const session of this.sessions()) {
      const why = orphanReason(session, this.limits, now);
      if (!why) continue;
      this.logger.info('sweeping an orphaned session', {
        session: session.id,
        why,
        action: this.limits.orphanAction,
      });
      ending.push(
        this.limits.orphanAction === 'terminate'
          ? session.close(`ended: ${why}`)
          : session.detach(`detached: ${why}`),
      );
    }
    await Promise.all(ending);
    this.afterSweep(now);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
