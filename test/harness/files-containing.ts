/**
 * Where a secret leaked to: the files under a directory whose bytes contain it (for tests that
 * type a canary password and check that nothing kept it).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Every file under `dir` (recursively), as paths. */
async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out;
}

/** The files under `dir` whose content (read as latin1, so any bytes) contains `text`. */
export async function filesContaining(dir: string, text: string): Promise<string[]> {
  const found: string[] = [];
  for (const file of await filesUnder(dir))
    if ((await readFile(file, 'latin1')).includes(text)) found.push(file);
  return found;
}
