/**
 * `node dist/bench/big-collection-profile.js`: where the time of the big collection figure goes
 * in the page. Expands the million-item list as the figure does, `REPS` times on fresh stops, and
 * prints per expansion (ms after the click, the page's clock) the relay messages, every animation
 * frame and when 50 rows are in the DOM. Every other expansion the bench's own relay client asks
 * for the list first (timed: the relay's and tracer's share), so the page's request is answered
 * from the relay's stop cache. `PERISCOPE_PROFILE_CPU=1`: the page's self time per function;
 * `PERISCOPE_PROFILE_TRACE=1`: its main thread's self time per trace event (style, layout, paint);
 * with `PERISCOPE_PROFILE_OUT=F` also the raw trace (Chromium DevTools, Performance panel).
 */
import { summarise } from '../lib/stats.js';
import { launchChromium } from '../lib/chromium.js';
import { writeFile } from 'node:fs/promises';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { openStoppedSession, startPeriscope, type PeriscopeWorld } from '../lib/periscope-world.js';
import {
  BIG_LIST,
  BIG_LIST_BREAK_LINE,
  continueToNextStop,
  expandInPage,
} from '../figures/big-collection.js';
import { selfTimes, type CpuProfile } from './cpu-profile.js';
import { printTraceSelfTimes, WS_HOOK } from '../lib/page-hooks.js';

/** Expansions profiled. */
const REPS = 16;

/** Stamps one expansion: click, request sent, answer received, rows in the DOM, frames. */
const ARM_TIMELINE = `(() => {
  const t = { click: 0, sent: 0, received: 0, rows: 0, raf: 0, raf2: 0 };
  window.__bigTimeline = t;
  window.addEventListener('click', () => { if (!t.click) t.click = performance.now(); }, { capture: true, once: true });
  t.log = [];
  const note = (what) => { if (t.click && !t.raf2) t.log.push((performance.now() - t.click).toFixed(1) + ' ' + what); };
  const frames = () => { note('frame'); if (!t.raf2) requestAnimationFrame(frames); };
  window.addEventListener('click', () => requestAnimationFrame(frames), { capture: true, once: true });
  new PerformanceObserver((list) => { for (const e of list.getEntries()) if (t.click && e.startTime >= t.click) t.log.push((e.startTime - t.click).toFixed(1) + ' long task ' + e.duration.toFixed(0) + ' ms'); }).observe({ type: 'longtask' });
  window.__onWsSend = (data) => {
    note('→ ' + (/"(command|method)":"([^"]+)"/.exec(data)?.[2] ?? String(data).slice(0, 30)));
    if (t.click && !t.sent && typeof data === 'string' && data.includes('"command":"variables"')) t.sent = performance.now();
  };
  window.__onWs = (ev) => {
    note('← ' + (typeof ev.data === 'string' ? (/"(command|event|method)":"([^"]+)"/.exec(ev.data)?.[2] ?? ev.data.slice(0, 30)) + ' ' + ev.data.length + 'B' : 'binary'));
    if (t.sent && !t.received && typeof ev.data === 'string' && ev.data.includes('"command":"variables"')) t.received = performance.now();
  };
  const rows = () => document.querySelectorAll('[data-testid="variable"]').length;
  const before = rows();
  const observer = new MutationObserver(() => {
    if (!t.click || rows() < before + 50) return;
    observer.disconnect();
    t.rows = performance.now();
    note('rows');
    requestAnimationFrame(() => {
      t.raf = performance.now();
      requestAnimationFrame(() => { t.raf2 = performance.now(); });
    });
  });
  observer.observe(document.body, { subtree: true, childList: true });
})(); undefined`;

interface Stamps {
  click: number;
  sent: number;
  received: number;
  rows: number;
  raf: number;
  raf2: number;
  log: string[];
}

function median(values: number[]): number {
  return values.length > 0 ? summarise(values).median : NaN;
}

/** Times one `variables` request for `big` through the relay from the bench's own client, ms. */
async function relayVariablesMs(world: PeriscopeWorld): Promise<number> {
  const dap = async <T>(command: string, args: unknown): Promise<T> =>
    world.client.dap<T>(world.sessionId, command, args);
  const threadId = (await dap<DebugProtocol.ThreadsResponse['body']>('threads', undefined))
    .threads[0]?.id;
  const { stackFrames } = await dap<DebugProtocol.StackTraceResponse['body']>('stackTrace', {
    threadId,
    startFrame: 0,
    levels: 1,
  });
  const { scopes } = await dap<DebugProtocol.ScopesResponse['body']>('scopes', {
    frameId: stackFrames[0]?.id,
  });
  const { variables } = await dap<DebugProtocol.VariablesResponse['body']>('variables', {
    variablesReference: scopes[0]?.variablesReference,
  });
  const ref = variables.find((v) => v.name === 'big')?.variablesReference;
  const start = performance.now();
  await dap('variables', { variablesReference: ref });
  return performance.now() - start;
}

async function main(): Promise<void> {
  const world = await startPeriscope(
    BIG_LIST,
    [],
    BIG_LIST_BREAK_LINE,
    undefined,
    process.env.PERISCOPE_PROFILE_RENDERER ?? 'dist/renderer',
  );
  const browser = await launchChromium(
    (process.env.PERISCOPE_CHROMIUM_EXTRA_ARGS ?? '').split(' ').filter(Boolean),
  );
  try {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.addInitScript(WS_HOOK);
    const page = await openStoppedSession(context, world);
    const tracing = process.env.PERISCOPE_PROFILE_TRACE === '1';
    const stamps: Stamps[] = [];
    // Every other expansion, the bench's own relay client asks for the list first (timed): the
    // page's request is then answered from the relay's stop cache.
    const warmStamps: Stamps[] = [];
    const relayMs: number[] = [];
    const cpu = process.env.PERISCOPE_PROFILE_CPU === '1';
    const cdp = await context.newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 50 });
    const selfMs = new Map<string, number>();
    for (let i = 0; i < REPS + 1; i++) {
      if (i === 1 && tracing)
        await browser.startTracing(page, {
          categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8'],
        });
      const warm = i % 2 === 0;
      if (warm) relayMs.push(await relayVariablesMs(world));
      await expandInPage(page, async () => {
        await page.evaluate(ARM_TIMELINE);
        if (cpu && i >= 1) await cdp.send('Profiler.start');
      });
      if (cpu && i >= 1) {
        const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
        for (const [name, ms] of selfTimes(profile)) selfMs.set(name, (selfMs.get(name) ?? 0) + ms);
      }
      await page.waitForTimeout(100);
      if (i >= 1)
        (warm ? warmStamps : stamps).push(await page.evaluate<Stamps>('window.__bigTimeline'));
      await continueToNextStop(page);
    }
    if (cpu) {
      console.log('renderer self time per expansion, click to the frame after (ms):');
      for (const [name, ms] of [...selfMs.entries()].sort((a, b) => b[1] - a[1]).slice(0, 30))
        console.log(`${(ms / REPS).toFixed(2).padStart(8)}  ${name}`);
    }
    if (tracing) {
      const trace = await browser.stopTracing();
      printTraceSelfTimes(trace, REPS);
      if (process.env.PERISCOPE_PROFILE_OUT)
        await writeFile(process.env.PERISCOPE_PROFILE_OUT, trace);
    }
    console.log(
      `the list's variables through the relay, bench client: median ${median(relayMs).toFixed(2)} ms`,
    );
    const dw = (k: Exclude<keyof Stamps, 'log'>): string =>
      median(warmStamps.map((s) => s[k] - s.click)).toFixed(1);
    console.log(
      `answered from the relay's cache, median of ${warmStamps.length}: answer received ${dw('received')}, next frame ${dw('raf')}`,
    );
    const d = (k: Exclude<keyof Stamps, 'log'>): string =>
      median(stamps.map((s) => s[k] - s.click)).toFixed(1);
    console.log(
      `expansion timeline, median of ${REPS} (ms after the click): request sent ${d('sent')}, answer received ${d('received')}, rows in the DOM ${d('rows')}, next frame ${d('raf')}, the frame after ${d('raf2')}`,
    );
    for (const s of stamps)
      console.log(
        `  rows ${(s.rows - s.click).toFixed(1)} raf ${(s.raf - s.click).toFixed(1)} raf2 ${(s.raf2 - s.click).toFixed(1)}: ${s.log.join(', ')}`,
      );
  } finally {
    await browser.close();
    await world.close();
  }
}

await main();
