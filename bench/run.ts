/**
 * `npm run bench`: Periscope's speed against baselines measured in the same run (medians), over
 * loopback and through an SSH forward of the test sshd. Writes bench/results.json and
 * bench/RESULTS.md. `--quick` runs a few repetitions only (the test suite's smoke run).
 * `PERISCOPE_BENCH_FIGURE=<name>` runs one figure alone and prints it, writing nothing: `start`
 * (15 starts, 5 with `--quick`, and the bundle's chunks), `relay` (relay overhead, loopback and
 * SSH forward), `churn`, `big-collection`, `step-to-paint`, `fan-out` or `flood` (1,000,000
 * lines, 20,000 with `--quick`); for measuring one change without the whole run.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { startSshd } from '../test/harness/sshd.js';
import { relayOverhead, stepLatency, type Figure } from './figures/relay-figures.js';
import { startFigure, type StartFigure } from './figures/start-figure.js';
import { stepToPaint } from './figures/step-to-paint.js';
import { bigCollection, type BigCollectionFigure } from './figures/big-collection.js';
import { fanOut, type FanOutFigure } from './figures/fan-out.js';
import { outputFlood, type FloodFigure } from './figures/output-flood.js';
import type { BenchResults } from './bench-results.js';
import { renderResults } from './results-table.js';
import { childReady, type ChildReadyFigure } from './figures/child-ready.js';
import { settle } from './lib/settle.js';
import { dataViewer } from './figures/data-viewer.js';
import { sessionChurn, type ChurnFigure } from './figures/session-churn.js';
import { flaskCrashCapture, snapshotPointCost } from './figures/snapshot-cost.js';

/** Runs every figure with `reps` repetitions each. */
export async function runBenchmarks(
  reps: number,
  log: (line: string) => void = console.log,
): Promise<BenchResults> {
  const os = await import('node:os');
  const figures: Figure[] = [];
  let flood: FloodFigure | undefined;
  let children: ChildReadyFigure | undefined;
  const sshd = await startSshd();
  try {
    children = await childReady(reps >= 20 ? 5 : 1, sshd);
    log(
      `child processes (gunicorn, ${children.workers} workers, over SSH): breakpoints in place ${children.fromStart.median.toFixed(0)} ms after a worker starts (slowest ${children.fromStart.p99.toFixed(0)} ms), ${children.fromListed.median.toFixed(0)} ms after the relay lists it`,
    );
    await settle();
    flood = await outputFlood(reps >= 20 ? 1_000_000 : 20_000, sshd);
    log(floodLine(flood));
    for (const via of [undefined, sshd]) {
      for (const measure of [relayOverhead, stepLatency]) {
        await settle();
        const result = await measure(reps, via);
        log(figureLine(result));
        figures.push(result);
      }
    }
  } finally {
    await sshd.stop();
  }
  await settle();
  const paint = await stepToPaint(reps);
  log(
    `${paint.figure} (${paint.variant}): ${paint.periscope.median.toFixed(2)} ms vs ${paint.baseline.median.toFixed(2)} ms → ${paint.ratio.toFixed(2)}× (target ${paint.target}: ${paint.met ? 'met' : 'not met'})`,
  );
  figures.push(paint);
  await settle();
  const big = await bigCollection(Math.max(2, Math.min(reps, 10)));
  log(bigCollectionLine(big));
  figures.push(big);
  await settle();
  const data = await dataViewer(Math.max(2, Math.min(reps, 10)));
  log(
    `${data.figure} (${data.variant}): ${data.periscope.median.toFixed(0)} ms vs ${data.baseline.median.toFixed(0)} ms → ${data.ratio.toFixed(2)}×, first opening ${data.firstOpenMs.toFixed(0)} ms (target ${data.target}: ${data.met ? 'met' : 'not met'})`,
  );
  figures.push(data);
  await settle();
  const fan = await fanOut(reps >= 20 ? 50 : 5, reps >= 20 ? 5 : 1);
  log(fanOutLine(fan));
  await settle();
  const churn = await sessionChurn(reps >= 20 ? 1000 : 50, reps >= 20 ? 500 : 50);
  log(churnLine(churn));
  await settle();
  const snapshotPoint = await snapshotPointCost(reps >= 20 ? 200 : 20);
  log(
    `snapshot point (${snapshotPoint.periscope.n} hits): ${snapshotPoint.periscope.median.toFixed(2)} ms per iteration vs ${snapshotPoint.baseline.median.toFixed(2)} ms with an empty logpoint → ${snapshotPoint.addedPerHitMs.toFixed(2)} ms added per hit (${snapshotPoint.ratio.toFixed(0)}×), ${snapshotPoint.overLimit.median.toFixed(3)} ms past the limit (target ${snapshotPoint.target}: ${snapshotPoint.met ? 'met' : 'not met'})`,
  );
  await settle();
  const flaskCapture = await flaskCrashCapture(reps >= 20 ? 10 : 2);
  log(
    `flask crash capture: ${flaskCapture.captureMs.median.toFixed(1)} ms, ${(flaskCapture.fileBytes / 1024).toFixed(0)} KiB gzip'd (${(flaskCapture.jsonBytes / 1024).toFixed(0)} KiB JSON)`,
  );
  await settle();
  const start = await startFigure(Math.max(2, Math.min(reps, 5)));
  logStart(start, log);
  return {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, node: process.version },
    repetitions: reps,
    figures,
    start,
    flood,
    fanOut: fan,
    children,
    churn,
    snapshotPoint,
    flaskCapture,
    notMeasured: [],
  };
}

/** The log line of a relay figure (relay overhead, step latency). */
function figureLine(result: Figure): string {
  return `${result.figure} (${result.variant}): ${result.periscope.median.toFixed(2)} ms vs ${result.baseline.median.toFixed(2)} ms → ${result.ratio.toFixed(2)}× (target ${result.target}: ${result.met ? 'met' : 'not met'})${result.breakdown ? `; of the difference, the WebSocket hop ${result.breakdown.wsHopMs.toFixed(3)} ms, the relay's own work ${result.breakdown.relayOwnMs.toFixed(3)} ms` : ''}`;
}

/** Prints the start figure's line (also the `PERISCOPE_BENCH_FIGURE=start` output). */
function logStart(start: StartFigure, log: (line: string) => void): void {
  log(
    `start: URL after ${start.toUrl.median.toFixed(0)} ms, interactive after ${start.toInteractive.median.toFixed(0)} ms (target ${start.target}: ${start.met ? 'met' : 'not met'}); to navigation ${start.breakdown.signIn.toFixed(0)} ms, sign-in redirect and HTML ${start.breakdown.html.toFixed(0)} ms, scripts ${start.breakdown.scripts.toFixed(0)} ms, to ready ${start.breakdown.ready.toFixed(0)} ms`,
  );
}

/** The log line of the big collection figure. */
function bigCollectionLine(big: BigCollectionFigure): string {
  const ms = (v: number): string => v.toFixed(1);
  const e = big.expansion;
  const u = big.withoutInputDeferral;
  return `${big.figure} (${big.variant}): ${big.periscope.median.toFixed(2)} ms vs ${big.baseline.median.toFixed(2)} ms → ${big.ratio.toFixed(2)}× (target ${big.target}: ${big.met ? 'met' : 'not met'}); ms after the click: first frame ${ms(e.firstFrame)}, the answer at the page ${ms(e.answer)}, the first page's rows in the DOM ${ms(e.rows)}; in a Chromium without its deferral of tasks after input ${ms(u.periscope.median)} ms (first frame ${ms(u.expansion.firstFrame)}, answer ${ms(u.expansion.answer)}, rows ${ms(u.expansion.rows)})`;
}

/** The log line of the session churn figure. */
function churnLine(c: ChurnFigure): string {
  const mib = (bytes: number): string => (bytes / 1048576).toFixed(1);
  const growth = (bytes: number): string => `${bytes >= 0 ? '+' : ''}${mib(bytes)}`;
  return `session churn (idle relay after a full GC; ${c.warmup} sessions of warm-up, then ${c.sessions} opened and closed): heap used ${mib(c.start.heapUsedBytes)} → ${mib(c.warm.heapUsedBytes)} → ${mib(c.after.heapUsedBytes)} MiB (${growth(c.after.heapUsedBytes - c.warm.heapUsedBytes)} after the warm-up), RSS ${mib(c.start.rssBytes)} → ${mib(c.warm.rssBytes)} → ${mib(c.after.rssBytes)} MiB (${growth(c.after.rssBytes - c.warm.rssBytes)}); ${(c.perLiveSessionBytes / 1024).toFixed(0)} KiB of RSS per live session; ${c.listed} ended sessions listed (target ${c.target}: ${c.met ? 'met' : 'not met'})`;
}

/** The log line of the fan-out figure. */
function fanOutLine(fan: FanOutFigure): string {
  return `fan-out (${fan.tracers} tracers × ${fan.clientsPerSession} clients): ${fan.periscopeMs.toFixed(0)} ms vs ${fan.baselineMs.toFixed(0)} ms (${fan.baseline}) → ${fan.ratio.toFixed(2)}×, relay's share ${fan.relayShareMs.toFixed(1)} ms (target ${fan.target}: ${fan.met ? 'met' : 'not met'})${fan.breakdown ? `; stopped at the bare clients ${fan.breakdown.bareFirstStop.toFixed(0)}–${fan.breakdown.bareLastStop.toFixed(0)} ms, at the relay ${fan.breakdown.relayFirstStop.toFixed(0)}–${fan.breakdown.relayLastStop.toFixed(0)} ms, last relay client ${fan.breakdown.lastClientStop.toFixed(0)} ms` : ''}`;
}

/** Prints the renderer bundle's size and its chunks (those loaded at start marked). */
function logBundle(start: StartFigure, log: (line: string) => void): void {
  const total = start.bundle.reduce((n, b) => n + b.bytes, 0);
  const gz = start.bundle.reduce((n, b) => n + b.gzipBytes, 0);
  log(`renderer bundle: ${(total / 1024).toFixed(0)} KiB (${(gz / 1024).toFixed(0)} KiB gzipped)`);
  for (const b of start.bundle)
    log(
      `  ${b.file} ${(b.bytes / 1024).toFixed(0)} KiB (${(b.gzipBytes / 1024).toFixed(0)} KiB gzipped)${b.atStart ? ', at start' : ''}`,
    );
}

/** The output flood figure's line: the ratio, the input lateness and where the time went. */
function floodLine(flood: FloodFigure): string {
  const b = flood.breakdown;
  const loop =
    b.programDone !== undefined ? `the program's loop ended ${b.programDone.toFixed(0)} ms, ` : '';
  return `output flood (${flood.lines} lines): ${flood.periscopeMs.toFixed(0)} ms vs ${flood.baselineMs.toFixed(0)} ms → ${flood.ratio.toFixed(2)}×, input p99 ${flood.inputLatency.p99.toFixed(0)} ms (target ${flood.target}: ${flood.met ? 'met' : 'not met'}); ${loop}last line at a relay client ${b.atRelayClient.toFixed(0)} ms, at the page ${b.atPage.toFixed(0)} ms, painted ${b.painted.toFixed(0)} ms`;
}

/**
 * Figures that `PERISCOPE_BENCH_FIGURE=<name>` runs alone, for measuring one change without the
 * whole run: each prints its line (and the figure as JSON); nothing is written to bench/.
 */
const ALONE: Record<string, (quick: boolean, log: (line: string) => void) => Promise<unknown>> = {
  start: async (quick, log) => {
    const start = await startFigure(quick ? 5 : 15);
    logStart(start, log);
    logBundle(start, log);
    return start;
  },
  churn: async (quick, log) => {
    const churn = await sessionChurn(quick ? 50 : 1000, quick ? 50 : 500);
    log(churnLine(churn));
    return churn;
  },
  'big-collection': async (quick, log) => {
    const big = await bigCollection(quick ? 2 : 10);
    log(bigCollectionLine(big));
    return big;
  },
  'step-to-paint': async (quick, log) => {
    const paint = await stepToPaint(quick ? 5 : 40);
    log(
      `step to paint: ${paint.periscope.median.toFixed(2)} ms vs ${paint.baseline.median.toFixed(2)} ms (target ${paint.target}: ${paint.met ? 'met' : 'not met'})`,
    );
    return paint;
  },
  relay: async (quick, log) => {
    const figures: Figure[] = [];
    const sshd = await startSshd();
    try {
      for (const via of [undefined, sshd]) {
        const result = await relayOverhead(quick ? 5 : 40, via);
        log(figureLine(result));
        figures.push(result);
      }
    } finally {
      await sshd.stop();
    }
    return figures;
  },
  flood: async (quick, log) => {
    const sshd = await startSshd();
    try {
      const flood = await outputFlood(quick ? 20_000 : 1_000_000, sshd);
      log(floodLine(flood));
      return flood;
    } finally {
      await sshd.stop();
    }
  },
  'fan-out': async (quick, log) => {
    const fan = await fanOut(quick ? 5 : 50, quick ? 1 : 5);
    log(fanOutLine(fan));
    return fan;
  },
};

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const alone = process.env.PERISCOPE_BENCH_FIGURE;
  if (alone) {
    const run = ALONE[alone];
    if (!run)
      throw new Error(
        `PERISCOPE_BENCH_FIGURE: no figure "${alone}" (${Object.keys(ALONE).join(', ')})`,
      );
    console.log(JSON.stringify(await run(quick, console.log), null, 2));
    return;
  }
  const results = await runBenchmarks(quick ? 5 : 40);
  if (!quick) {
    await mkdir('bench', { recursive: true });
    await writeFile('bench/results.json', JSON.stringify(results, null, 2) + '\n');
    await writeFile('bench/RESULTS.md', renderResults(results));
    console.log('wrote bench/results.json and bench/RESULTS.md');
  }
}

if (process.argv[1]?.endsWith('bench/run.js')) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
