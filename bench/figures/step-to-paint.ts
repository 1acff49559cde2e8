/**
 * Step to paint: F10 pressed in the UI (Chromium, web mode) until the new current line and the
 * new locals are painted, timed inside the page (keydown → the frame after both changed).
 * Baseline: the bare-client chain (`next`, `stopped`, top frame, scopes, locals) on a tracer
 * started the same way, measured alternately in the same run.
 */
import type { Page } from 'playwright-core';
import { launchChromium } from '../lib/chromium.js';
import { call, loadTopFrame, nextEvent } from '../lib/bare-client.js';
import { openStoppedSession, startPeriscope } from '../lib/periscope-world.js';
import { since, summarise } from '../lib/stats.js';
import type { Figure } from './relay-figures.js';
import { STEPPER, STEPPER_BREAK_LINE, stepperAtBreakpoint } from './step-latency-local.js';

/** One frame at 60 Hz, in ms. */
const FRAME_MS = 16.7;

/**
 * Arms the measurement in the page (plain JavaScript, run by the browser): resolves
 * `window.__stepPaint` with keydown(F10) → the frame after the current line and locals changed.
 */
const ARM_STEP_PAINT = `window.__stepPaint = new Promise((resolve, reject) => {
  const lineText = () =>
    document.querySelector('[data-testid="source-view"] .cm-line.ps-current-line')?.textContent ?? '';
  const localsText = () =>
    [...document.querySelectorAll('[data-testid="variable"]')].map((e) => e.textContent ?? '').join('|');
  const beforeLine = lineText();
  const beforeLocals = localsText();
  let t0 = 0;
  const onKey = (e) => { if (e.key === 'F10') t0 = performance.now(); };
  window.addEventListener('keydown', onKey, { capture: true });
  const timer = setTimeout(() => reject(new Error('the step was not painted within 10 s')), 10000);
  const observer = new MutationObserver(() => {
    const line = lineText();
    const locals = localsText();
    if (t0 === 0 || line === '' || locals === '' || line === beforeLine || locals === beforeLocals) return;
    observer.disconnect();
    window.removeEventListener('keydown', onKey, { capture: true });
    clearTimeout(timer);
    requestAnimationFrame(() => resolve(performance.now() - t0));
  });
  observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
}); undefined`;

/** Presses F10 once; resolves with keydown → painted (ms), measured in the page. */
async function stepInPage(page: Page): Promise<number> {
  // Arm first (awaited), so the key cannot arrive before the listener.
  await page.evaluate(ARM_STEP_PAINT);
  await page.keyboard.press('F10');
  return page.evaluate<number>('window.__stepPaint');
}

/** Runs the figure with `reps` steps on each side (loopback, no SSH). Needs `npm run build`. */
export async function stepToPaint(reps: number): Promise<Figure> {
  const base = await stepperAtBreakpoint(true);
  const world = await startPeriscope(STEPPER, [], STEPPER_BREAK_LINE, undefined, 'dist/renderer');
  await world.client.dap(world.sessionId, 'setBreakpoints', {
    source: { path: STEPPER },
    breakpoints: [],
  });
  const browser = await launchChromium();
  try {
    const page = await openStoppedSession(browser, world);
    await page.locator('[data-testid="variable"]').first().waitFor();
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < reps + 2; i++) {
      const start = performance.now();
      const stopped = nextEvent(base.connection, 'stopped');
      await call(base.connection, 'next', { threadId: base.threadId });
      await stopped;
      await loadTopFrame(base.connection, base.threadId);
      const ta = since(start);
      const tb = await stepInPage(page).catch((error: unknown) => {
        throw new Error(`step ${i}: ${String(error)}`);
      });
      if (i >= 2) {
        a.push(ta);
        b.push(tb);
      }
    }
    const baseline = summarise(a);
    const periscope = summarise(b);
    const ratio = periscope.median / baseline.median;
    return {
      figure: 'step to paint',
      variant: 'loopback, Chromium',
      baseline,
      periscope,
      ratio,
      // Issue 15: at most one frame (16.7 ms at 60 Hz) after the baseline has it.
      target: '≤ baseline + 16.7 ms',
      met: periscope.median <= baseline.median + FRAME_MS,
    };
  } finally {
    await browser.close();
    await world.close();
    await base.stop();
  }
}
