/**
 * Runs a Python program as a user turns capture on by hand: `PYTHONPATH=<dir> python3 app.py`,
 * `<dir>` holding the capture module and its sitecustomize exactly as Periscope installs them
 * (`src-main/remote/python/periscope_capture.py`, `capture_sitecustomize.py`). Returns the
 * snapshot files the program wrote.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const helpers = fileURLToPath(new URL('../../src-main/remote/python/', import.meta.url));

/** Makes `<dir>/capture` with the module and its sitecustomize; returns that directory. */
export async function captureSite(dir: string): Promise<string> {
  const site = join(dir, 'capture');
  await mkdir(site, { recursive: true });
  await copyFile(join(helpers, 'periscope_capture.py'), join(site, 'periscope_capture.py'));
  await copyFile(join(helpers, 'capture_sitecustomize.py'), join(site, 'sitecustomize.py'));
  return site;
}

/**
 * Writes `source` to `<dir>/app.py`, runs it with `/usr/bin/python3` and capture on (snapshots in
 * `<dir>/snaps`), and returns the snapshot paths, oldest first, with the program's stderr.
 */
export async function runWithCapture(
  dir: string,
  source: string,
  env: Record<string, string> = {},
): Promise<{ files: string[]; stderr: string }> {
  const site = await captureSite(dir);
  const app = join(dir, 'app.py');
  await writeFile(app, source);
  const snaps = join(dir, 'snaps');
  const stderr = await new Promise<string>((resolve) => {
    execFile(
      '/usr/bin/python3',
      [app],
      {
        env: { ...process.env, PYTHONPATH: site, PERISCOPE_CAPTURE_DIR: snaps, ...env },
        timeout: 30_000,
      },
      (_error, _stdout, err) => resolve(String(err)),
    );
  });
  const names = (await readdir(snaps).catch(() => [] as string[])).filter((n) =>
    n.endsWith('.psnap.json.gz'),
  );
  return { files: names.sort().map((n) => join(snaps, n)), stderr };
}
