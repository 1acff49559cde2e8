/**
 * Whether a session's tracer still answers. A frozen tracer (the program under SIGSTOP, a machine
 * that is swapping, a GIL held for good) keeps its connection open, so nothing ends; without this,
 * each request simply failed after 30 s and the session stayed "stopped" or "running".
 *
 * The rule: the tracer is *not responding* when a request to it has waited at least
 * {@link NOT_RESPONDING_AFTER_MS} and nothing at all (no byte) has come from it for as long. So
 * that a program nobody is asking anything is watched too, the relay asks the tracer `threads`
 * (answered by pydevd's own thread, even while the program is paused or busy) after
 * {@link PROBE_AFTER_MS} of silence; the check runs every {@link LIVENESS_TICK_MS}. A frozen
 * tracer is therefore reported within probe + threshold + tick = 8 s of its last word (5–6 s after
 * a request the user made), and the report is withdrawn at the first tick after it speaks again.
 * Only an attached session (running or stopped) is watched; not during the handshake, an SSH
 * reconnect, or after the end.
 */
import type { TracerLink } from './tracer-link.js';

/** How long a request may wait, with the tracer silent all along, before it is not responding, in ms. */
export const NOT_RESPONDING_AFTER_MS = 5000;
/** Silence after which the relay asks the tracer something itself, in ms. */
export const PROBE_AFTER_MS = 2000;
/** How often the rule is checked, in ms. */
export const LIVENESS_TICK_MS = 1000;

/** Options of {@link TracerLiveness}; the defaults are the constants above. */
export interface LivenessOptions {
  notRespondingAfterMs?: number;
  probeAfterMs?: number;
  tickMs?: number;
}

/** See the module comment. */
export class TracerLiveness {
  private since: number | undefined;
  /** The connection a probe is in flight on, if any. */
  private probing: unknown;
  private readonly timer: NodeJS.Timeout;
  private readonly notRespondingAfterMs: number;
  private readonly probeAfterMs: number;

  /**
   * @param watched true while the session should be watched (attached, not ended).
   * @param onChange told when the tracer stops responding (`since` set) and when that is over
   *   (`since` undefined): `answered` is true when the tracer spoke again, false when the session
   *   is simply no longer watched (reconnecting, ended).
   */
  constructor(
    private readonly tracer: TracerLink,
    private readonly watched: () => boolean,
    private readonly onChange: (notRespondingSince: number | undefined, answered: boolean) => void,
    options: LivenessOptions = {},
  ) {
    this.notRespondingAfterMs = options.notRespondingAfterMs ?? NOT_RESPONDING_AFTER_MS;
    this.probeAfterMs = options.probeAfterMs ?? PROBE_AFTER_MS;
    this.timer = setInterval(() => this.check(), options.tickMs ?? LIVENESS_TICK_MS).unref();
  }

  /**
   * While the tracer is not responding: when it last said anything, ms since the epoch.
   * Undefined while it responds.
   */
  get notRespondingSince(): number | undefined {
    return this.since;
  }

  /** Stops watching for good (the session ended). */
  stop(): void {
    clearInterval(this.timer);
    this.since = undefined;
  }

  /** Applies the rule now (the timer calls it; tests may too). */
  check(now = Date.now()): void {
    const connection = this.tracer.connection;
    if (!this.watched() || connection.isClosed || this.tracer.reconnecting?.()) {
      if (this.since !== undefined) {
        this.since = undefined;
        this.onChange(undefined, false);
      }
      return;
    }
    const quietMs = now - connection.lastReceivedAt;
    const oldest = connection.oldestPendingSentAt;
    const waitingMs = oldest === undefined ? 0 : now - oldest;
    this.set(
      Math.min(waitingMs, quietMs) >= this.notRespondingAfterMs
        ? connection.lastReceivedAt
        : undefined,
    );
    if (quietMs >= this.probeAfterMs && this.probing !== connection) {
      this.probing = connection;
      // No timeout: while the tracer is frozen the probe stays pending, so the rule keeps holding.
      connection
        .sendRequest('threads', undefined, { timeoutMs: 0 })
        .catch(() => undefined)
        .finally(() => {
          if (this.probing === connection) this.probing = undefined;
        });
    }
  }

  private set(since: number | undefined): void {
    if (since === this.since || (since !== undefined && this.since !== undefined)) return;
    this.since = since;
    this.onChange(since, since === undefined);
  }
}

/** What the session's console says when its tracer stops, or starts again, responding. */
export function livenessNotice(notRespondingSince: number | undefined, now = Date.now()): string {
  if (notRespondingSince === undefined) return 'Periscope: the program is responding again.\n';
  const seconds = Math.round((now - notRespondingSince) / 1000);
  return `Periscope: the program is not responding: the debugger has had no answer from it for ${seconds} s (is it stopped with SIGSTOP or Ctrl-Z, hung in native code, or is its machine overloaded?). Requests will fail after 30 s; this clears as soon as it answers.\n`;
}
