/**
 * Playwright fixtures: every test gets its own world — a fresh HOME (empty known_hosts), a fresh
 * data directory, a real OpenSSH sshd on 127.0.0.1, and Periscope in web mode started exactly as
 * a user starts it (`node dist/periscope.js web`), with the page opened at the printed token URL.
 * Screenshots for the record go to `screenshots/`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, expect, type Page, type TestInfo } from '@playwright/test';
import { startSshd, type TestSshd } from '../harness/sshd.js';
import { PeriscopePage } from './pages/periscope-page.js';

/** A running `periscope web`. */
export interface WebMode {
  url: string;
  home: string;
  dataDir: string;
  /** Everything the process wrote to stderr (its log). */
  log(): string;
}

/**
 * Starts `periscope web` with a fresh HOME and data directory; `prepare` may put files in the
 * data directory first (e.g. a corrupt profile file).
 */
export async function startWebMode(
  testInfo: TestInfo,
  prepare?: (dataDir: string) => Promise<void>,
): Promise<{ web: WebMode; stop: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'periscope-e2e-'));
  const home = join(root, 'home');
  const dataDir = join(root, 'data');
  await mkdir(home, { recursive: true });
  if (prepare) {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    await prepare(dataDir);
  }
  let log = '';
  const child: ChildProcess = spawn(
    process.execPath,
    ['dist/periscope.js', 'web', '--port', '0', '--data-dir', dataDir],
    {
      env: {
        ...process.env,
        HOME: home,
        XDG_CONFIG_HOME: join(root, 'config'),
        PERISCOPE_LOG: 'debug',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`periscope web did not print its URL:\n${log}`)),
      20_000,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const match = /Periscope web UI: (http:\/\/\S+)/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`periscope web exited with ${code}:\n${log}`)));
  });
  return {
    web: { url, home, dataDir, log: () => log },
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 6000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      await writeFile(testInfo.outputPath('periscope.log'), log).catch(() => undefined);
      await rm(root, { recursive: true, force: true });
    },
  };
}

export const test = base.extend<{ sshd: TestSshd; web: WebMode; app: PeriscopePage }>({
  // eslint-disable-next-line no-empty-pattern
  sshd: async ({}, use) => {
    const sshd = await startSshd();
    await use(sshd);
    await sshd.stop();
  },
  web: async ({ sshd: _sshd }, use, testInfo) => {
    const { web, stop } = await startWebMode(testInfo);
    await use(web);
    if (testInfo.status !== testInfo.expectedStatus)
      await testInfo.attach('periscope.log', { body: web.log() });
    await stop();
  },
  app: async ({ page, web }, use) => {
    await page.goto(web.url);
    const app = new PeriscopePage(page);
    await use(app);
  },
});

/** Saves a full-page screenshot under `screenshots/<name>.png` for people to look at. */
export async function snap(page: Page, name: string): Promise<void> {
  await mkdir('screenshots', { recursive: true });
  await page.screenshot({ path: join('screenshots', `${name}.png`) });
}

export { expect };
