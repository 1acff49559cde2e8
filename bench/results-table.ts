/** Renders benchmark results as the Markdown table in bench/RESULTS.md. */
import type { BenchResults } from './bench-results.js';
import type { BigCollectionFigure } from './figures/big-collection.js';

const ms = (value: number): string => (value < 10 ? value.toFixed(2) : value.toFixed(0));

/**
 * Where the flood's longest main-thread tasks come from, measured with
 * `bench/profile/flood-profile.ts` (the page's CPU profile, 1,000,000 lines, 2 runs on this
 * machine, input p99 30 and 21 ms; 3 runs of the figure alone: 50, 35 and 35 ms); shown when the
 * p99 misses.
 */
const FLOOD_LATENESS =
  ". The longest waits fall in the first 350 ms after F5, where the page is busy without a break for 30–66 ms at a time: style, layout and paint of the switch from paused to running and of the console's first screens (10–21 ms), xterm.js parsing the first writes in its own ~12 ms time slices, its viewport's scroll handling (up to 10 ms), a forced layout read (up to 8 ms) and garbage collection (up to 7 ms); one 25 ms probe timer that lands behind such a stretch sets the p99 (about 40 samples per flood), so runs of the figure alone measured 21–50 ms";

/** The Markdown document. */
export function renderResults(results: BenchResults): string {
  const lines = [
    '# Periscope benchmark results',
    '',
    `Run ${results.date} on ${results.machine.cpus} CPUs, Node ${results.machine.node}, ${results.repetitions} repetitions per figure (medians; baselines measured in the same run, alternating with Periscope; each figure starts once the CPUs were ≥ 80% idle for 250 ms, at most 10 s after the last one, \`bench/lib/settle.ts\`). Regenerate with \`npm run bench\`.`,
    '',
    '| figure | path | Periscope median (ms) | baseline median (ms) | ratio | target | met |',
    '|---|---|---:|---:|---:|---|---|',
    ...results.figures.map(
      (f) =>
        `| ${f.figure} | ${f.variant} | ${ms(f.periscope.median)} | ${ms(f.baseline.median)} | ${f.ratio.toFixed(2)}× | ${f.target} | ${f.met ? 'yes' : 'no'} |`,
    ),
  ];
  for (const f of results.figures) {
    if (!f.breakdown) continue;
    lines.push(
      '',
      `**Where the relay overhead goes** (${f.variant}): of the ${ms(f.periscope.median - f.baseline.median)} ms it adds to a \`stackTrace\` round trip, ${ms(f.breakdown.wsHopMs)} ms is the WebSocket hop itself (a \`ws\` echo of the same sizes between a client and a server in the same process, measured alternately: two more loopback writes and reads, event-loop wake-ups, frame parsing — what any relay between a WebSocket client and a tracer pays), and ${ms(f.breakdown.relayOwnMs)} ms is the rest: the relay's own work (validation, routing, seq rewriting, serialising both ways) and the same WebSocket writes and reads costing more right after the tracer's processes ran (caches cold) than back to back in the echo. A relay doing no work at all would still be at ${((f.baseline.median + f.breakdown.wsHopMs) / f.baseline.median).toFixed(2)}× (baseline + hop): the floor of any relay behind a WebSocket here. Per hop (socket writes and reads, the relay's request and answer, the tracer): \`node dist/bench/relay-profile.js\` (\`PERISCOPE_RELAY_WARMUP=5 PERISCOPE_RELAY_TRIPS=40\` for this figure's regime, where the relay's code has run fewer than 50 times and is not yet compiled by the JIT).`,
    );
  }
  for (const f of results.figures) {
    if (!('expansion' in f)) continue;
    const b = f as BigCollectionFigure;
    const e = b.expansion;
    const u = b.withoutInputDeferral;
    lines.push(
      '',
      `**Where the big collection's time goes** (a closed million-item list opened with a click on a fresh stop; its \`variables\` request goes to the tracer; done at the frame after the first page's rows fill the Variables view, rows below it being built after that frame): ms after the click, medians: the first frame ${ms(e.firstFrame)}, the list's answer at the page ${ms(e.answer)}, the rows in the DOM ${ms(e.rows)}, painted ${ms(b.periscope.median)}. Chromium runs no other task between a click and its next frame (its scheduler's deferral of tasks after input: timers, posted messages and WebSocket messages alike), so however fast the relay and tracer answer (the baseline's ${ms(b.baseline.median)} ms), the answer is handled after that first frame and painted in the one after it. The same run in a Chromium without that deferral (\`--disable-features=DeferRendererTasksAfterInput\`): painted at ${ms(u.periscope.median)} ms (answer ${ms(u.expansion.answer)}, rows ${ms(u.expansion.rows)}, first frame ${ms(u.expansion.firstFrame)}).`,
    );
  }
  if (results.flood) {
    const f = results.flood;
    lines.push(
      '',
      `**Output flood** (${f.lines.toLocaleString('en')} lines over SSH, F5 until the last line is in the console): ${ms(f.periscopeMs)} ms vs ${ms(f.baselineMs)} ms to a bare client → ${f.ratio.toFixed(2)}× (target ≤ 1.50×: ${f.ratio <= 1.5 ? 'met' : 'not met'}); main-thread lateness during the flood p99 ${ms(f.inputLatency.p99)} ms (target < 50 ms: ${f.inputLatency.p99 < 50 ? 'met' : 'not met'}${f.inputLatency.p99 < 50 ? '' : FLOOD_LATENESS})${f.met ? '' : '; the figure is met only when both are'}; page heap after ${(f.pageHeapBytes / 1048576).toFixed(0)} MiB, relay RSS ${(f.relayRssBytes / 1048576).toFixed(0)} MiB.${f.breakdown ? ` Where the time goes (ms after F5): ${f.breakdown.programDone !== undefined ? `the program's print loop ended at ${ms(f.breakdown.programDone)} (each print is a plain \`write(2)\` to the stdout pipe, as in the baseline, \`remote/python/sitecustomize.py\`; the loop shares the machine's cores with the relay, the page and the output mux); ` : ''}the last line reached a WebSocket client of the relay at ${ms(f.breakdown.atRelayClient)} (after the output mux's file, \`tail -F\` over SSH, the relay), the page's WebSocket at ${ms(f.breakdown.atPage)}, and the console painted it at ${ms(f.breakdown.painted)}.` : ''}`,
    );
  }
  if (results.fanOut) {
    const f = results.fanOut;
    lines.push(
      '',
      `**Fan-out** (${f.tracers} tracers dialled in × ${f.clientsPerSession} clients each, breakpoint hit until every client has \`stopped\`): ${ms(f.periscopeMs)} ms vs ${ms(f.baselineMs)} ms for ${f.baseline} → ${f.ratio.toFixed(2)}× (target ${f.target}: ${f.met ? 'met' : 'not met'}). Of that, ${ms(f.relayShareMs)} ms is the relay's own fan-out after the last tracer's \`stopped\` reached it; the rest is ${f.tracers} Python processes waking and stopping on this machine's cores.${f.breakdown ? ` Where the time goes (ms after the trigger, medians of ${f.runs ?? 1} runs each): the tracers' \`stopped\` reached the bare clients from ${ms(f.breakdown.bareFirstStop)} to ${ms(f.breakdown.bareLastStop)}, and the relay from ${ms(f.breakdown.relayFirstStop)} to ${ms(f.breakdown.relayLastStop)}; the last relay client had its own at ${ms(f.breakdown.lastClientStop)}.` : ''} Relay memory: ${(f.relayRssPerSessionBytes / 1024).toFixed(0)} KiB per session.`,
    );
  }
  if (results.churn) {
    const c = results.churn;
    const mib = (bytes: number): string => (bytes / 1048576).toFixed(1);
    lines.push(
      '',
      `**Session churn** (\`periscope relay\` in its own process; tracers dial in, print 64 KiB, hang up; the idle relay measured after a full GC forced through its inspector): ${(c.perLiveSessionBytes / 1024).toFixed(0)} KiB of RSS per live session; heap used ${mib(c.start.heapUsedBytes)} MiB at the start, ${mib(c.warm.heapUsedBytes)} MiB after a warm-up of ${c.warmup.toLocaleString('en')} sessions (the 50 ended sessions kept listed, with their output, are working size), ${mib(c.after.heapUsedBytes)} MiB after ${c.sessions.toLocaleString('en')} more; RSS ${mib(c.start.rssBytes)} → ${mib(c.warm.rssBytes)} → ${mib(c.after.rssBytes)} MiB; ${c.listed} ended sessions still listed (target ${c.target}: ${c.met ? 'met' : 'not met'}).`,
    );
  }
  if (results.children) {
    const c = results.children;
    lines.push(
      '',
      `**Child processes** (gunicorn with ${c.workers} sync workers launched over SSH, a breakpoint in the view): a worker's breakpoints are in place ${ms(c.fromStart.median)} ms after the worker process starts (slowest of ${c.fromStart.n}: ${ms(c.fromStart.p99)} ms; debugpy blocks it until then), ${ms(c.fromListed.median)} ms after the relay lists it (the attach handshake: debugpy passes each request on to pydevd, ~44 ms each).`,
    );
  }
  if (results.snapshotPoint) {
    const p = results.snapshotPoint;
    lines.push(
      '',
      `**Snapshot point** (\`bench/programs/snapshot_loop.py\` under debugpy with the capture, ${p.periscope.n} hits each recorded): ${ms(p.periscope.median)} ms per iteration vs ${ms(p.baseline.median)} ms with an empty logpoint on the same line → ${ms(p.addedPerHitMs)} ms added per hit (p99 ${ms(p.periscope.p99)} ms; target ${p.target}: ${p.met ? 'met' : 'not met'}). Past its hit limit a point costs ${p.overLimit.median.toFixed(3)} ms per hit. The capture's value walk is bounded by its time budget (\`max_seconds\`, 0.5 s) and size budget.`,
    );
  }
  if (results.flaskCapture) {
    const f = results.flaskCapture;
    lines.push(
      '',
      `**Flask crash capture** (a view failing under Flask's WSGI stack, capture on PYTHONPATH, ${f.runs} runs): ${ms(f.captureMs.median)} ms to capture (slowest ${ms(f.captureMs.p99)} ms), ${(f.fileBytes / 1024).toFixed(0)} KiB on disk gzip'd (${(f.jsonBytes / 1024).toFixed(0)} KiB of JSON, most of it the source text of the frames' files).`,
    );
  }
  if (results.start) {
    const s = results.start;
    const total = s.bundle.reduce((sum, b) => sum + b.bytes, 0);
    const gz = s.bundle.reduce((sum, b) => sum + b.gzipBytes, 0);
    const first = s.bundle.filter((b) => b.atStart);
    const firstKiB = (key: 'bytes' | 'gzipBytes'): string =>
      (first.reduce((sum, b) => sum + b[key], 0) / 1024).toFixed(0);
    lines.push(
      '',
      `**Start** (web mode, process start → UI interactive in Chromium): ${ms(s.toInteractive.median)} ms median (URL printed after ${ms(s.toUrl.median)} ms; target ${s.target}: ${s.met ? 'met' : 'not met'}). Renderer bundle: ${(total / 1024).toFixed(0)} KiB (${(gz / 1024).toFixed(0)} KiB gzipped)${first.length > 0 ? `, of which the page loads ${firstKiB('bytes')} KiB (${firstKiB('gzipBytes')} KiB gzipped) at start and the rest on use (CodeMirror, xterm.js)` : ''}.${s.breakdown ? ` Where it goes (medians): the server starts and prints its URL (before loading its backend) ${ms(s.breakdown.server)} ms; the browser is handed the URL ${ms(s.breakdown.signIn)} ms; the sign-in redirect and the app page's HTML ${ms(s.breakdown.html)} ms; its start chunk parsed and run (DOMContentLoaded; the server loads its backend meanwhile, once it has served that chunk) ${ms(s.breakdown.scripts)} ms; then until the profiles panel shows the relay's answer, painted (the relay's socket opened, once the backend is loaded, the app mounted while the first requests travel, the answers applied, the frame painted; on the page's clock, without the harness's polling) ${ms(s.breakdown.ready)} ms.` : ''}`,
    );
  }
  if (results.notMeasured.length > 0) {
    lines.push(
      '',
      '**Not measured yet:**',
      ...results.notMeasured.map((n) => `- ${n.figure}: ${n.why}`),
    );
  }
  lines.push(
    '',
    'Baselines: *relay overhead* — the same `stackTrace` sent straight to the tracer by a bare DAP client (tracer started with the same TCP_NODELAY hook); *step latency* — stock `python -m debugpy --listen` driven by a bare DAP client (`next`, `stopped`, top frame, scopes, locals).',
    '',
  );
  return lines.join('\n');
}
