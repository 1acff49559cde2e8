/**
 * An advisory lock between processes (the Electron app and a `periscope web` may share a data
 * directory): `<file>.lock`, created with `O_CREAT | O_EXCL` and holding the owner's pid. A lock
 * whose owner no longer runs (crashed, killed with SIGKILL) or that is older than
 * {@link STALE_LOCK_MS} is taken over.
 */
import { randomUUID } from 'node:crypto';
import { link, readFile, rm, stat, writeFile } from 'node:fs/promises';

/** A lock older than this (ms) is considered abandoned even if its pid is alive (pid reuse). */
export const STALE_LOCK_MS = 30_000;

/** Could not take the lock within the wait time. */
export class FileLockTimeoutError extends Error {
  override readonly name = 'FileLockTimeoutError';

  constructor(readonly lockPath: string) {
    super(`another Periscope is writing ${lockPath.replace(/\.lock$/, '')}; try again`);
  }
}

/**
 * Runs `task` while holding `<path>.lock`, waiting up to `waitMs` (default 10 s) for another
 * holder to let go. The lock file is removed afterwards, whatever `task` does.
 * @throws FileLockTimeoutError when the lock stays held; otherwise what `task` throws.
 */
export async function withFileLock<T>(
  path: string,
  task: () => Promise<T>,
  waitMs = 10_000,
): Promise<T> {
  const lockPath = `${path}.lock`;
  const deadline = Date.now() + waitMs;
  for (;;) {
    // Write the pid to a private file, then hard-link it into place: link(2) fails with EEXIST
    // atomically, and the lock is never seen empty (even if this process is killed meanwhile).
    const candidate = `${lockPath}.${process.pid}.${randomUUID()}`;
    try {
      await writeFile(candidate, String(process.pid), { mode: 0o600 });
      await link(candidate, lockPath);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (await isAbandoned(lockPath)) {
        await rm(lockPath, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new FileLockTimeoutError(lockPath);
      await new Promise((resolve) => setTimeout(resolve, 15 + Math.random() * 20));
    } finally {
      await rm(candidate, { force: true });
    }
  }
  try {
    return await task();
  } finally {
    await rm(lockPath, { force: true });
  }
}

async function isAbandoned(lockPath: string): Promise<boolean> {
  try {
    const [text, info] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath)]);
    if (Date.now() - info.mtimeMs > STALE_LOCK_MS) return true;
    const pid = Number(text);
    if (!Number.isInteger(pid) || pid <= 0) return true; // not written by withFileLock
    if (pid === process.pid) return false;
    try {
      process.kill(pid, 0);
      return false;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ESRCH';
    }
  } catch {
    return false; // vanished meanwhile: the next attempt decides
  }
}
