// Launches the built Electron app (npm run build first) and checks that its window opens on the
// app page with the preload bridge in place. Skips, saying why, where the Electron runtime binary
// is not installed (as on the machines this project is developed on), or where there is no display.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Why the test cannot run here, or undefined when it can; and the binary path. */
function probe(): { skip?: string; binary?: string } {
  let binary: unknown;
  try {
    binary = createRequire(import.meta.url)('electron');
  } catch (error) {
    return { skip: `Electron runtime not installed: ${(error as Error).message}` };
  }
  if (typeof binary !== 'string' || !existsSync(binary)) {
    return { skip: `Electron runtime not installed: no binary at ${String(binary)}` };
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { skip: 'no display (run under xvfb-run)' };
  }
  if (!existsSync(join(root, 'dist', 'app', 'main.js'))) {
    return { skip: 'the app is not built (npm run build)' };
  }
  return { binary };
}

const { skip, binary } = probe();

describe('Electron app', () => {
  it.skipIf(skip !== undefined)(
    `opens its window${skip ? ` (skipped: ${skip})` : ''}`,
    async () => {
      const userData = await mkdtemp(join(tmpdir(), 'periscope-electron-'));
      const app = await _electron.launch({
        executablePath: binary!,
        args: [root],
        env: { ...process.env, PERISCOPE_USER_DATA_DIR: userData },
      });
      try {
        const window = await app.firstWindow();
        await window.waitForLoadState('domcontentloaded');
        expect(window.url()).toBe('app://periscope/index.html');
        expect(
          await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.getTitle()),
        ).toBe('Periscope');
        // The bridge is exposed, and nothing of Node or Electron leaks into the page.
        expect(
          await window.evaluate(
            () => typeof (window as unknown as { periscope?: unknown }).periscope,
          ),
        ).toBe('object');
        expect(
          await window.evaluate(() => typeof (globalThis as { require?: unknown }).require),
        ).toBe('undefined');
      } finally {
        await app.close();
        await rm(userData, { recursive: true, force: true });
      }
    },
  );
});
