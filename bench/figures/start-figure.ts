/**
 * Start: web mode from process start until the UI is interactive (the profiles panel answers),
 * in Chromium; and the renderer bundle's size. Target (issue 15): interactive ≤ 400 ms.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readFile } from 'node:fs/promises';
import { launchChromium } from '../lib/chromium.js';
import { since, summarise, type Summary } from '../lib/stats.js';

/** Start-up figure. */
export interface StartFigure {
  figure: 'start';
  toUrl: Summary;
  toInteractive: Summary;
  bundle: { file: string; bytes: number; gzipBytes: number }[];
  /**
   * Where the time to interactive goes (medians, ms): the server until its URL is printed; the
   * sign-in redirect until the app's page starts loading; that page until its HTML is in, until
   * its scripts have run (DOMContentLoaded: the bundle parsed and executed, Svelte mounted), and
   * until the profiles panel answers (the WebSocket connected and the first answers painted).
   */
  breakdown: { server: number; signIn: number; html: number; scripts: number; ready: number };
  target: string;
  met: boolean;
}

/** Issue 15's target for {@link StartFigure.toInteractive}'s median, in ms. */
const START_TARGET_MS = 400;

/** Measures `reps` cold starts of `node dist/periscope.js web`. Needs `npm run build` first. */
export async function startFigure(reps: number): Promise<StartFigure> {
  const browser = await launchChromium();
  const toUrl: number[] = [];
  const toInteractive: number[] = [];
  const parts = {
    server: [] as number[],
    signIn: [] as number[],
    html: [] as number[],
    scripts: [] as number[],
    ready: [] as number[],
  };
  try {
    for (let i = 0; i < reps; i++) {
      const dir = await mkdtemp(join(tmpdir(), 'periscope-bench-start-'));
      const start = performance.now();
      const child = spawn(process.execPath, ['dist/periscope.js', 'web', '--data-dir', dir], {
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      try {
        const url = await new Promise<string>((resolve, reject) => {
          let out = '';
          child.stdout.on('data', (c: Buffer) => {
            out += c.toString();
            const m = /Periscope web UI: (\S+)/.exec(out);
            if (m?.[1]) resolve(m[1]);
          });
          child.once('exit', () => reject(new Error('periscope web exited')));
        });
        toUrl.push(since(start));
        const page = await browser.newPage();
        const gotoEpoch = Date.now();
        await page.goto(url);
        await page.getByRole('button', { name: 'New profile' }).waitFor({ state: 'visible' });
        toInteractive.push(since(start));
        // The page's own clock, from the start of the app page's navigation (after the redirect).
        const timing = await page.evaluate<{
          origin: number;
          html: number;
          scripts: number;
          now: number;
        }>(
          `(() => { const n = performance.getEntriesByType('navigation')[0]; return { origin: performance.timeOrigin, html: n.responseEnd, scripts: n.domContentLoadedEventEnd, now: performance.now() }; })()`,
        );
        parts.server.push(toUrl.at(-1) ?? 0);
        parts.signIn.push(timing.origin - gotoEpoch);
        parts.html.push(timing.html);
        parts.scripts.push(timing.scripts - timing.html);
        // "ready" is read after the wait returned: the wait's own latency is in it (a few ms).
        parts.ready.push(
          toInteractive.at(-1)! -
            (toUrl.at(-1) ?? 0) -
            (timing.origin - gotoEpoch) -
            timing.scripts,
        );
        await page.close();
      } finally {
        child.kill('SIGTERM');
        await rm(dir, { recursive: true, force: true });
      }
    }
  } finally {
    await browser.close();
  }
  const assets = join('dist', 'renderer', 'assets');
  const bundle = [];
  for (const file of (await readdir(assets)).filter((f) => /\.(js|css)$/.test(f))) {
    const bytes = (await stat(join(assets, file))).size;
    bundle.push({ file, bytes, gzipBytes: gzipSync(await readFile(join(assets, file))).length });
  }
  const interactive = summarise(toInteractive);
  return {
    figure: 'start',
    toUrl: summarise(toUrl),
    toInteractive: interactive,
    bundle,
    breakdown: {
      server: summarise(parts.server).median,
      signIn: summarise(parts.signIn).median,
      html: summarise(parts.html).median,
      scripts: summarise(parts.scripts).median,
      ready: summarise(parts.ready).median,
    },
    target: `≤ ${START_TARGET_MS} ms to interactive`,
    met: interactive.median <= START_TARGET_MS,
  };
}
