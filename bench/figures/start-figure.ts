/**
 * Start: web mode from process start until the UI is interactive (the profiles panel shows the
 * relay's answer, painted), in Chromium; and the renderer bundle's size. Target (issue 15):
 * interactive ≤ 400 ms. The browser is already running with a blank tab, as a person's is.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readFile } from 'node:fs/promises';
import { launchChromium } from '../lib/chromium.js';
import { since, summarise, type Summary } from '../lib/stats.js';
import { PROFILES_READY_HOOK, READ_PROFILES_READY, webUiUrl } from '../lib/start-ready.js';

/** Start-up figure. */
export interface StartFigure {
  figure: 'start';
  toUrl: Summary;
  toInteractive: Summary;
  /**
   * The renderer's files (dist/renderer/assets): `atStart` for those index.html loads; the rest
   * are chunks loaded on use (the source view's CodeMirror, the consoles' xterm.js).
   */
  bundle: { file: string; bytes: number; gzipBytes: number; atStart?: boolean }[];
  /**
   * Where the time to interactive goes (medians, ms; they add up about to it): the server until
   * its URL is printed (Node's start and the web server: the backend is not loaded yet); from
   * there until the browser starts the navigation (`signIn`: the harness hands Chromium the
   * URL); the sign-in redirect and the app page's HTML (`html`, Navigation Timing counts
   * same-origin redirects in); until its scripts have run (DOMContentLoaded: the start chunk
   * parsed and its modules run; the server starts loading the backend once it has served them,
   * on the other core); and until the profiles panel shows the relay's answer, painted (the
   * WebSocket open, which waits for the backend if it is still loading, Svelte mounting the app
   * while the first requests travel, the answers applied, the frame painted). The page's parts
   * are read on its own clock (see ../lib/start-ready.ts).
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
      const page = await browser.newPage();
      await page.addInitScript(PROFILES_READY_HOOK);
      const startEpoch = Date.now();
      const start = performance.now();
      const child = spawn(process.execPath, ['dist/periscope.js', 'web', '--data-dir', dir], {
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      try {
        const url = await webUiUrl(child);
        const urlAt = since(start);
        toUrl.push(urlAt);
        await page.goto(url);
        // The page's own clock, from the start of the app page's navigation (after the redirect).
        const timing = await page.evaluate<{
          origin: number;
          html: number;
          scripts: number;
          ready: number;
        }>(
          `(async () => { const n = performance.getEntriesByType('navigation')[0]; return { origin: performance.timeOrigin, html: n.responseEnd, scripts: n.domContentLoadedEventEnd, ready: await ${READ_PROFILES_READY} }; })()`,
        );
        // Checked after the stamp: the locator's injected script would otherwise compete with
        // the page for its main thread (15–25 ms) while the relay's answers come in.
        await page.getByRole('button', { name: 'Create profile' }).waitFor({ state: 'visible' });
        const signIn = timing.origin - startEpoch - urlAt;
        toInteractive.push(urlAt + signIn + timing.ready);
        parts.server.push(urlAt);
        parts.signIn.push(signIn);
        parts.html.push(timing.html);
        parts.scripts.push(timing.scripts - timing.html);
        parts.ready.push(timing.ready - timing.scripts);
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
  const html = await readFile(join('dist', 'renderer', 'index.html'), 'utf8');
  const bundle = [];
  for (const file of (await readdir(assets)).filter((f) => /\.(js|css)$/.test(f))) {
    const bytes = (await stat(join(assets, file))).size;
    const gzipBytes = gzipSync(await readFile(join(assets, file))).length;
    bundle.push({ file, bytes, gzipBytes, atStart: html.includes(`assets/${file}`) });
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
