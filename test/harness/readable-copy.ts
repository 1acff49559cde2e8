/**
 * A copy of a fixture that any local user can read, for tests that run a program as a test user
 * (password logins): the clone the tests run from may sit under a directory only its owner can
 * enter (`mktemp -d` makes 0700 ones), where the test user would get "Permission denied".
 */
import { chmod, copyFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

/** Copies `file` into a new world-readable temp directory; the copy's path. */
export async function readableCopy(file: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'periscope-readable-'));
  await chmod(dir, 0o755);
  const copy = join(dir, basename(file));
  await copyFile(file, copy);
  await chmod(copy, 0o644);
  return copy;
}
