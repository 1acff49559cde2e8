/**
 * Starts a program under a local `python -m debugpy --listen 127.0.0.1:<port> --wait-for-client`,
 * either stock or with Periscope's TCP_NODELAY hook
 * (`src-main/remote/launch/nodelay-sitecustomize.ts`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SITECUSTOMIZE } from '../../src-main/remote/launch/nodelay-sitecustomize.js';
import PERISCOPE_CAPTURE from '../../src-main/remote/python/periscope_capture.py';
import { freePort } from '../../test/harness/free-port.js';

/** A program waiting for its DAP client. */
export interface LocalDebugpy {
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts `program` (with `args`) under debugpy; `nodelay` adds Periscope's hook, and
 * `capture` the crash capture module beside it (as a launch with the profile's `capture` on),
 * writing to `env.PERISCOPE_CAPTURE_DIR` when given.
 */
export async function startLocalDebugpy(
  program: string,
  args: string[],
  nodelay: boolean,
  options: { capture?: boolean; env?: Record<string, string> } = {},
): Promise<LocalDebugpy> {
  const port = await freePort();
  const site = nodelay ? await mkdtemp(join(tmpdir(), 'periscope-bench-site-')) : undefined;
  if (site) await writeFile(join(site, 'sitecustomize.py'), SITECUSTOMIZE);
  if (site && options.capture)
    await writeFile(join(site, 'periscope_capture.py'), PERISCOPE_CAPTURE);
  const child = spawn(
    '/usr/bin/python3',
    [
      '-Xfrozen_modules=off',
      '-m',
      'debugpy',
      '--listen',
      `127.0.0.1:${port}`,
      '--wait-for-client',
      program,
      ...args,
    ],
    {
      env: {
        ...process.env,
        PYDEVD_DISABLE_FILE_VALIDATION: '1',
        PYTHONUNBUFFERED: '1',
        ...(site ? { PYTHONPATH: site } : {}),
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.resume();
  let stderr = '';
  child.stderr?.on(
    'data',
    (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-4000)),
  );
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) =>
      reject(
        new Error(`debugpy exited (${code ?? signal}) before listening on ${port}:\n${stderr}`),
      ),
    ),
  );
  exited.catch(() => undefined);
  await Promise.race([waitForListening(port, 30_000), exited]);
  return {
    port,
    process: child,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        await gone;
      }
      if (site) await rm(site, { recursive: true, force: true });
    },
  };
}

/**
 * Waits until something listens on the port. A probe connection would take debugpy's only
 * client slot, so this only checks that binding the port fails.
 */
async function waitForListening(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const taken = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'EADDRINUSE'));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(false)));
    });
    if (taken) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`debugpy did not listen on ${port} within ${timeoutMs} ms`);
}
