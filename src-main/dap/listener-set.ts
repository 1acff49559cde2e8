/**
 * A set of listeners for one kind of notification, with isolation: a listener that throws is
 * logged and the others still run (DAP events must reach every subscriber).
 */
import type { Logger } from '../log/logger.js';

/** Listeners of values of type `T`, called in subscription order. */
export class ListenerSet<T> {
  private readonly entries = new Set<{ listener: (value: T) => void }>();

  /** Number of subscribed listeners. */
  get size(): number {
    return this.entries.size;
  }

  /** Subscribes `listener`; returns a function that unsubscribes it (idempotent). */
  add(listener: (value: T) => void): () => void {
    const entry = { listener };
    this.entries.add(entry);
    return () => {
      this.entries.delete(entry);
    };
  }

  /**
   * Calls every listener subscribed at the time of the call with `value`. A listener that throws is
   * logged to `log` as an error naming `what` (e.g. `event`); the exception goes no further.
   */
  emit(value: T, log: Logger, what: string): void {
    for (const entry of [...this.entries]) this.emitTo(entry.listener, value, log, what);
  }

  /** Calls one listener with the same isolation as {@link emit}. */
  emitTo(listener: (value: T) => void, value: T, log: Logger, what: string): void {
    try {
      listener(value);
    } catch (error) {
      log.error(`${what} listener threw`, {
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    }
  }

  /** Unsubscribes everyone. */
  clear(): void {
    this.entries.clear();
  }
}
