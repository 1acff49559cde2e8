// scripts/start.mjs without the Electron runtime: one line saying so, then web mode with the
// remaining arguments. (Where the runtime is installed it would start Electron: skipped there.)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));

function electronInstalled(): boolean {
  try {
    const binary: unknown = createRequire(import.meta.url)('electron');
    return typeof binary === 'string' && existsSync(binary);
  } catch {
    return false;
  }
}

describe('scripts/start.mjs', () => {
  it.skipIf(electronInstalled())('falls back to web mode, passing its arguments on', () => {
    const result = spawnSync(process.execPath, ['scripts/start.mjs', '--help'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 20_000,
    });
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe(
      'Electron runtime not installed here; starting Periscope in web mode instead.',
    );
    if (existsSync(`${root}/dist/periscope.js`)) {
      // `periscope web --help` ran: the arguments reached web mode, and its exit code came back.
      expect(result.stdout).toContain('periscope web');
      expect(result.status).toBe(0);
    } else {
      expect(result.status).not.toBe(0);
    }
  });
});
