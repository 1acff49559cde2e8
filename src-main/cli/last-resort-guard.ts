/**
 * The command-line relay's last resort against a bug: an unhandled promise rejection would end
 * the process (Node's default), and with it every session and client. It is logged instead, once
 * per distinct message per minute (so a peer that triggers one in a loop cannot flood the log),
 * and the relay runs on. Each one is still a bug: the relay's own code handles every rejection,
 * and the hostile-input tests fail on any of these log lines.
 */
import type { Logger } from '../log/logger.js';

/** The log line of a rejection that reached the guard (the tests look for it). */
export const UNHANDLED_REJECTION_MESSAGE = 'unhandled promise rejection (a bug; the relay runs on)';

/** How long the same rejection message is not logged again, in ms. */
const REPEAT_MS = 60_000;

/** Installs the guard on `process` (once per process). */
export function installLastResortGuard(logger: Logger): void {
  const lastLogged = new Map<string, number>();
  process.on('unhandledRejection', (reason: unknown) => {
    const error = reason instanceof Error ? (reason.stack ?? reason.message) : String(reason);
    const key = error.slice(0, 200);
    const now = Date.now();
    if ((lastLogged.get(key) ?? -Infinity) > now - REPEAT_MS) return;
    if (lastLogged.size > 1000) lastLogged.clear();
    lastLogged.set(key, now);
    logger.error(UNHANDLED_REJECTION_MESSAGE, { error: error.slice(0, 2000) });
  });
}
