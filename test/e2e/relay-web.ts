/**
 * Helpers of the relay end-to-end tests: `periscope web --tracer-port 0` in a temporary home, and
 * programs that dial its tracer port with `debugpy.connect`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';

/** The dial-in program: `dial_in.py PORT [STEPS] [DELAY]`. */
export const PROGRAM = resolve('test/fixtures/programs/dial_in.py');
/** Its `total += step` line. */
export const TOTAL_LINE = 16;

/** A running `periscope web` with a tracer port. */
export interface Web {
  url: string;
  tracerPort: number;
  stop: () => Promise<void>;
}

/** Starts `periscope web --port 0 --tracer-port 0`; resolves when both are printed. */
export async function startWeb(): Promise<Web> {
  const root = await mkdtemp(join(tmpdir(), 'periscope-e2e-relay-'));
  await mkdir(join(root, 'home'));
  const child = spawn(
    process.execPath,
    [
      'dist/periscope.js',
      'web',
      '--port',
      '0',
      '--tracer-port',
      '0',
      '--data-dir',
      join(root, 'data'),
    ],
    {
      env: { ...process.env, HOME: join(root, 'home'), XDG_CONFIG_HOME: join(root, 'config') },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stderr?.resume();
  const { url, tracerPort } = await new Promise<{ url: string; tracerPort: number }>(
    (done, fail) => {
      let out = '';
      const timer = setTimeout(() => fail(new Error(`no URL printed: ${out}`)), 20_000);
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const url = /Periscope web UI: (\S+)/.exec(out)?.[1];
        const port = /Periscope tracer port: 127\.0\.0\.1:(\d+)/.exec(out)?.[1];
        if (url && port) {
          clearTimeout(timer);
          done({ url, tracerPort: Number(port) });
        }
      });
    },
  );
  return {
    url,
    tracerPort,
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 6000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Starts the dial-in program against `port` with its arguments. */
export function dialIn(port: number, args: string[]): ChildProcess {
  return spawn('/usr/bin/python3', ['-Xfrozen_modules=off', PROGRAM, String(port), ...args], {
    env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: '1' },
    stdio: 'ignore',
  });
}

/** The Sessions panel row of the program with process id `pid`. */
export function sessionRow(page: Page, pid: number | undefined) {
  return page
    .getByRole('list', { name: 'Sessions' })
    .getByRole('button')
    .filter({ hasText: `pid ${pid}` });
}
