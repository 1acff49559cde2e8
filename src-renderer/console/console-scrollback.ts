/**
 * How many lines the debug console keeps (xterm's scrollback), chosen by the person and kept in
 * `localStorage`: 5,000 by default, more for a program that prints a lot (each line costs the
 * terminal memory, so the choices stop at 100,000).
 */

/** The choices offered, in lines. */
export const SCROLLBACK_CHOICES = [5_000, 20_000, 100_000] as const;
/** The default, in lines. */
export const DEFAULT_SCROLLBACK = 5_000;

const KEY = 'periscope.console.scrollback';

/** The stored choice, or the default when none (or a value not offered) is stored. */
export function loadScrollback(): number {
  try {
    const n = Number(globalThis.localStorage?.getItem(KEY));
    return (SCROLLBACK_CHOICES as readonly number[]).includes(n) ? n : DEFAULT_SCROLLBACK;
  } catch {
    return DEFAULT_SCROLLBACK;
  }
}

/** Stores a choice (ignored when storage is refused). */
export function saveScrollback(lines: number): void {
  try {
    globalThis.localStorage?.setItem(KEY, String(lines));
  } catch {
    // The choice lasts for this page only.
  }
}
