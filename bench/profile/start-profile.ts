/**
 * `node dist/bench/start-profile.js` (after `npm run build` and `node scripts/build-bench.mjs`):
 * where one cold web-mode start goes in the page. Starts `node dist/periscope.js web`, opens its
 * URL in Chromium with the sampling profiler on (Chrome DevTools Protocol `Profiler` domain) and
 * prints, in ms on the page's clock (from the app page's navigation start):
 * - each resource's fetch (start → end), DOMContentLoaded, the WebSocket's creation and open,
 *   every relay message sent and received, long tasks, and when the profiles panel showed the
 *   relay's answer, painted (../lib/start-ready.ts: the start figure's "interactive");
 * - the page's self time per function during the load, heaviest first.
 * `PERISCOPE_PROFILE_OUT=F` also writes the raw profile (Chromium DevTools, Performance panel);
 * `PERISCOPE_PROFILE_TRACE=1` also records a Chromium trace and prints the main thread's tasks of
 * 3 ms or more with what each spent its time on (`PERISCOPE_PROFILE_CPU=0` leaves the sampling
 * profiler off, whose overhead inflates the page's script time; `PERISCOPE_PROFILE_INTERVAL_US`
 * sets its interval, default 100 µs); `PERISCOPE_PROFILE_NODE_ARGS` are given to the
 * server's Node (e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`: its profile is written when it exits).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../lib/chromium.js';
import { selfTimes, type CpuProfile, type TraceEvent } from './cpu-profile.js';
import { PROFILES_READY_HOOK, READ_PROFILES_READY, webUiUrl } from '../lib/start-ready.js';

/** Installed before the page's scripts: stamps WebSocket traffic and long tasks. */
const TIMELINE_HOOK = `(() => {
  const events = [];
  window.__startEvents = events;
  const stamp = (what) => events.push([performance.now(), what]);
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      stamp('WebSocket created');
      super.addEventListener('open', () => stamp('WebSocket open'));
      super.addEventListener('message', (ev) => {
        const m = typeof ev.data === 'string' ? /"(method|event|id)":("?[^",]+"?)/.exec(ev.data) : null;
        stamp('← ' + (m ? m[1] + ' ' + m[2] : 'binary') + ' ' + (ev.data.length ?? ev.data.byteLength) + 'B');
      });
    }
    send(data) {
      const m = typeof data === 'string' ? /"method":"([^"]+)"/.exec(data) : null;
      stamp('→ ' + (m ? m[1] : String(data).slice(0, 40)));
      super.send(data);
    }
  };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) events.push([e.startTime, 'long task ' + e.duration.toFixed(0) + ' ms']);
  }).observe({ type: 'longtask', buffered: true });
  document.addEventListener('DOMContentLoaded', () => stamp('DOMContentLoaded'));
})();`;

/** Reads the page's timeline: resources and the hook's stamps, in time order. */
const READ_TIMELINE = `(() => {
  const rows = [...window.__startEvents];
  for (const r of performance.getEntriesByType('resource'))
    rows.push([r.startTime, 'fetch ' + r.name.replace(/.*\\//, '') + ' → ' + r.responseEnd.toFixed(1) + ' (' + r.transferSize + 'B)']);
  const n = performance.getEntriesByType('navigation')[0];
  if (n.redirectEnd > 0) rows.push([n.redirectEnd, 'sign-in redirect answered']);
  rows.push([n.requestStart, 'HTML requested']);
  rows.push([n.responseEnd, 'HTML in']);
  for (const p of performance.getEntriesByType('paint')) rows.push([p.startTime, p.name]);
  return rows.sort((a, b) => a[0] - b[0]).map(([t, what]) => t.toFixed(1).padStart(8) + '  ' + what);
})()`;

/**
 * Prints the tasks of 3 ms or more on the page's main thread (`CrRendererMain`), ms from the app
 * page's `navigationStart`, each with its three heaviest event names by self time. Returns that
 * `navigationStart` (µs, the trace's clock, which CPU profiles share), if found.
 */
function printMainTasks(buffer: Buffer): number | undefined {
  const events = (JSON.parse(buffer.toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
  const threads = events.filter(
    (e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain',
  );
  const starts = events.filter((e) => e.name === 'navigationStart');
  const origin = starts.at(-1);
  const main = threads.find((t) => t.pid === origin?.pid) ?? threads.at(-1);
  if (!main || !origin) return undefined;
  const onMain = events
    .filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur !== undefined)
    .sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  console.log('main thread tasks ≥ 3 ms (start ms, duration ms: heaviest self times):');
  let task: { ts: number; dur: number; self: Map<string, number> } | null = null;
  const stack: { end: number; name: string }[] = [];
  const flush = (): void => {
    if (!task || task.dur < 3000) return;
    const top = [...task.self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 4);
    console.log(
      `${((task.ts - origin.ts) / 1000).toFixed(1).padStart(8)}  ${(task.dur / 1000).toFixed(1).padStart(6)}: ` +
        top.map(([name, us]) => `${name} ${(us / 1000).toFixed(1)}`).join(', '),
    );
  };
  for (const e of onMain) {
    while (stack.length > 0 && (stack.at(-1)?.end ?? 0) <= e.ts) stack.pop();
    if (stack.length === 0) {
      flush();
      task = { ts: e.ts, dur: e.dur ?? 0, self: new Map() };
    }
    const parent = stack.at(-1);
    if (parent && task)
      task.self.set(parent.name, (task.self.get(parent.name) ?? 0) - (e.dur ?? 0));
    task?.self.set(e.name, (task.self.get(e.name) ?? 0) + (e.dur ?? 0));
    stack.push({ end: e.ts + (e.dur ?? 0), name: e.name });
  }
  flush();
  return origin.ts;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'periscope-start-profile-'));
  const nodeArgs = process.env.PERISCOPE_PROFILE_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(
    process.execPath,
    [...nodeArgs, 'dist/periscope.js', 'web', '--data-dir', dir],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const browser = await launchChromium();
  try {
    const url = await webUiUrl(child);
    const page = await browser.newPage();
    await page.addInitScript(TIMELINE_HOOK);
    await page.addInitScript(PROFILES_READY_HOOK);
    const sampling = process.env.PERISCOPE_PROFILE_CPU !== '0';
    const cdp = await page.context().newCDPSession(page);
    if (sampling) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', {
        interval: Number(process.env.PERISCOPE_PROFILE_INTERVAL_US ?? 100),
      });
    }
    const tracing = process.env.PERISCOPE_PROFILE_TRACE === '1';
    if (tracing)
      await browser.startTracing(page, {
        categories: [
          'devtools.timeline',
          'disabled-by-default-devtools.timeline',
          'v8',
          'blink.user_timing',
          'loading',
        ],
      });
    if (sampling) await cdp.send('Profiler.start');
    await page.goto(url);
    const ready = await page.evaluate<number>(READ_PROFILES_READY);
    await page.getByRole('button', { name: 'Create profile' }).waitFor({ state: 'visible' });
    const navigationStart = tracing ? printMainTasks(await browser.stopTracing()) : undefined;
    const profile = sampling
      ? ((await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile }).profile
      : null;
    console.log('page timeline (ms from the app page navigation start):');
    for (const line of await page.evaluate<string[]>(READ_TIMELINE)) console.log(line);
    console.log(`${ready.toFixed(1).padStart(8)}  profiles panel answered, painted`);
    if (!profile) return;
    // With a trace, the profile is cut where the profiles panel was painted (the load's end).
    const until = navigationStart === undefined ? Infinity : navigationStart + ready * 1000;
    if (process.env.PERISCOPE_PROFILE_OUT)
      await writeFile(
        process.env.PERISCOPE_PROFILE_OUT,
        JSON.stringify({ ...profile, navigationStart, readyTs: until }),
      );
    console.log(
      `page self time during the load (ms${until < Infinity ? ', until painted' : ', and after it'}):`,
    );
    for (const [name, ms] of selfTimes(profile, until).slice(0, 30))
      console.log(`${ms.toFixed(1).padStart(8)}  ${name}`);
  } finally {
    await browser.close();
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
