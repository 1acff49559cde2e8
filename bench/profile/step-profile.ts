/**
 * `npm run bench:profile`: where the time of one step goes in the renderer. Launches the stepper
 * as the step-to-paint figure does, presses F10 `STEPS` times with Chromium's sampling profiler on
 * (Chrome DevTools Protocol `Profiler` domain), and prints:
 * - per step, keydown → first relay message, → `stopped`, → last DAP response of the step, →
 *   painted (ms, from the page's own clock);
 * - the renderer's self time per function over all steps, heaviest first.
 * Serve an unminified renderer for readable names: `npx vite build --minify false --outDir X`
 * then `PERISCOPE_PROFILE_RENDERER=X npm run bench:profile`; `PERISCOPE_PROFILE_OUT=F` also writes
 * the raw profile (open it in Chromium's DevTools, Performance panel).
 */
import { writeFile } from 'node:fs/promises';
import { launchChromium } from '../lib/chromium.js';
import { openStoppedSession, startPeriscope } from '../lib/periscope-world.js';
import { STEPPER, STEPPER_BREAK_LINE } from '../figures/step-latency-local.js';
import { selfTimes, type CpuProfile } from './cpu-profile.js';
import { printTraceSelfTimes, WS_HOOK } from '../lib/page-hooks.js';

/** Number of steps profiled. */
const STEPS = 30;

/**
 * Arms one step's timeline in the page: wraps WebSocket receipt to stamp relay messages, and
 * resolves `window.__stepTimeline` once the current line and the locals have both changed.
 */
const ARM = `(() => {
  const stamps = { key: 0, firstMessage: 0, stopped: 0, lastMessage: 0, painted: 0 };
  const messages = [];
  const lineText = () =>
    document.querySelector('[data-testid="source-view"] .cm-line.ps-current-line')?.textContent ?? '';
  const localsText = () =>
    [...document.querySelectorAll('[data-testid="variable"]')].map((e) => e.textContent ?? '').join('|');
  const beforeLine = lineText();
  const beforeLocals = localsText();
  window.__onWs = (ev) => {
    if (!stamps.key) return;
    const now = performance.now();
    if (!stamps.firstMessage) stamps.firstMessage = now;
    if (typeof ev.data === 'string' && ev.data.includes('"event":"stopped"')) stamps.stopped = now;
    stamps.lastMessage = now;
    if (typeof ev.data === 'string') {
      const m = /"(command|event)":"([^"]+)"/.exec(ev.data);
      messages.push((now - stamps.key).toFixed(1) + ' ← ' + (m ? m[2] : ev.data.slice(0, 40)) + ' ' + ev.data.length + 'B');
    }
  };
  window.__onWsSend = (data) => {
    if (!stamps.key || typeof data !== 'string') return;
    const m = /"command":"([^"]+)"/.exec(data);
    messages.push((performance.now() - stamps.key).toFixed(1) + ' → ' + (m ? m[1] : data.slice(0, 40)));
  };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (stamps.key && e.startTime >= stamps.key) {
        messages.push((e.startTime - stamps.key).toFixed(1) + ' long task ' + e.duration.toFixed(0) + ' ms');
      }
    }
  }).observe({ type: 'longtask' });
  window.addEventListener('keydown', (e) => { if (e.key === 'F10' && !stamps.key) stamps.key = performance.now(); }, { capture: true, once: true });
  // Where the step changes the DOM: mutation records per panel (nearest section or test id).
  const where = {};
  const counter = new MutationObserver((records) => {
    for (const r of records) {
      const el = r.target.nodeType === 1 ? r.target : r.target.parentElement;
      const host = el?.closest('section.section, [data-testid], header, footer, .cm-editor');
      const label = host
        ? (host.getAttribute('data-testid') || host.querySelector('h2, h3, .title')?.textContent?.trim() || host.tagName + '.' + [...host.classList].join('.'))
        : 'other';
      const key = label.slice(0, 40) + ' ' + r.type + (r.attributeName ? ':' + r.attributeName : '');
      where[key] = (where[key] ?? 0) + 1;
    }
  });
  counter.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  window.__stepMutations = where;
  window.__stepTimeline = new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      const line = lineText();
      const locals = localsText();
      if (!stamps.key || line === beforeLine || locals === beforeLocals || !line || !locals) return;
      observer.disconnect();
      requestAnimationFrame(() => {
        stamps.painted = performance.now();
        const d = (t) => (t ? t - stamps.key : NaN);
        resolve({ firstMessage: d(stamps.firstMessage), stopped: d(stamps.stopped), lastMessage: d(stamps.lastMessage), painted: d(stamps.painted), messages });
      });
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
})(); undefined`;

/** A step's timeline, ms after keydown. */
interface Timeline {
  firstMessage: number;
  stopped: number;
  lastMessage: number;
  painted: number;
  /** Relay messages of the step: "ms command-or-event bytes". */
  messages: string[];
}

function median(values: number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function main(): Promise<void> {
  const world = await startPeriscope(
    STEPPER,
    [],
    STEPPER_BREAK_LINE,
    undefined,
    process.env.PERISCOPE_PROFILE_RENDERER ?? 'dist/renderer',
  );
  await world.client.dap(world.sessionId, 'setBreakpoints', {
    source: { path: STEPPER },
    breakpoints: [],
  });
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.addInitScript(WS_HOOK);
    const page = await openStoppedSession(context, world);
    await page.locator('[data-testid="variable"]').first().waitFor();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    await cdp.send('Performance.enable');
    const metrics = async (): Promise<Map<string, number>> => {
      const { metrics: list } = await cdp.send('Performance.getMetrics');
      return new Map(list.map((x) => [x.name, x.value]));
    };
    const before = await metrics();
    const timelines: Timeline[] = [];
    const tracing = process.env.PERISCOPE_PROFILE_TRACE === '1';
    if (tracing)
      await browser.startTracing(page, {
        categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8'],
      });
    await cdp.send('Profiler.start');
    for (let i = 0; i < STEPS; i++) {
      await page.evaluate(ARM);
      await page.keyboard.press('F10');
      timelines.push(await page.evaluate<Timeline>('window.__stepTimeline'));
      if (i === STEPS - 1) {
        await page.waitForTimeout(300);
        const mutations = await page.evaluate<Record<string, number>>('window.__stepMutations');
        console.log('DOM mutation records of the last step (and 300 ms after), by place:');
        for (const [key, n] of Object.entries(mutations)
          .sort((a, b) => b[1] - a[1])
          .slice(0, 25))
          console.log(`${String(n).padStart(6)}  ${key}`);
      }
    }
    const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
    const after = await metrics();
    if (tracing) printTraceSelfTimes(await browser.stopTracing(), STEPS);
    // Chromium's own accounting of the page's main thread (seconds, cumulative), per step.
    const perStep = (name: string): string =>
      `${((((after.get(name) ?? 0) - (before.get(name) ?? 0)) * 1000) / STEPS).toFixed(2)} ms`;
    console.log(
      `main thread per step: task ${perStep('TaskDuration')}, script ${perStep('ScriptDuration')}, ` +
        `style ${perStep('RecalcStyleDuration')} (${(((after.get('RecalcStyleCount') ?? 0) - (before.get('RecalcStyleCount') ?? 0)) / STEPS).toFixed(1)}×), ` +
        `layout ${perStep('LayoutDuration')} (${(((after.get('LayoutCount') ?? 0) - (before.get('LayoutCount') ?? 0)) / STEPS).toFixed(1)}×)`,
    );
    const m = (k: Exclude<keyof Timeline, 'messages'>): string =>
      median(timelines.map((t) => t[k])).toFixed(1);
    console.log(
      `step timeline, median of ${STEPS} (ms after keydown): first relay message ${m('firstMessage')}, ` +
        `stopped ${m('stopped')}, last message ${m('lastMessage')}, painted ${m('painted')}`,
    );
    const byPaint = [...timelines].sort((a, b) => a.painted - b.painted);
    const typical = byPaint[Math.floor(byPaint.length / 2)];
    console.log(
      `the median step's relay messages (ms after keydown, painted at ${typical?.painted.toFixed(1)}):`,
    );
    for (const line of typical?.messages ?? []) console.log(`  ${line}`);
    console.log('renderer self time over all steps (ms):');
    if (process.env.PERISCOPE_PROFILE_OUT) {
      await writeFile(process.env.PERISCOPE_PROFILE_OUT, JSON.stringify(profile));
    }
    for (const [name, ms] of selfTimes(profile).slice(0, 30)) {
      console.log(`${ms.toFixed(1).padStart(8)}  ${name}`);
    }
  } finally {
    await browser.close();
    await world.close();
  }
}

await main();
