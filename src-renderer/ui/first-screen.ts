/**
 * The first screen's moment: once the profiles panel shows the relay's first answer (main.ts
 * calls {@link firstScreenShown}), work that the first screen does not need may start — e.g.
 * loading xterm.js for the consoles. Loading it earlier, while the page waits for the relay's
 * answers, would put its ~100 ms of parsing and terminal set-up in front of them.
 */

/**
 * Longest wait (ms), counted from the first {@link afterFirstScreen} call, for the first screen
 * and then an idle moment: a relay that answers late (or never) does not hold the rest back.
 */
const FIRST_SCREEN_CAP_MS = 1000;

/** Longest wait (ms) for an idle moment once the first screen is shown. */
const IDLE_TIMEOUT_MS = 200;

let markShown: (() => void) | undefined;
const shown = new Promise<void>((resolve) => (markShown = resolve));
let after: Promise<void> | undefined;

/** Marks the first screen as shown (idempotent). */
export function firstScreenShown(): void {
  markShown?.();
}

/**
 * Resolves once the first screen is shown and the page is next idle (`requestIdleCallback`,
 * at most {@link IDLE_TIMEOUT_MS} later), or {@link FIRST_SCREEN_CAP_MS} after the first call,
 * whichever comes first. Every call gets the same promise.
 */
export function afterFirstScreen(): Promise<void> {
  after ??= Promise.race([
    shown.then(
      () =>
        new Promise<void>((resolve) => {
          if (typeof requestIdleCallback === 'function')
            requestIdleCallback(() => resolve(), { timeout: IDLE_TIMEOUT_MS });
          else setTimeout(resolve, 0);
        }),
    ),
    new Promise<void>((resolve) => setTimeout(resolve, FIRST_SCREEN_CAP_MS)),
  ]);
  return after;
}
