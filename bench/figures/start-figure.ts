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
        await page.goto(url);
        await page.getByRole('button', { name: 'New profile' }).waitFor({ state: 'visible' });
        toInteractive.push(since(start));
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
    target: `≤ ${START_TARGET_MS} ms to interactive`,
    met: interactive.median <= START_TARGET_MS,
  };
}
