/**
 * Reads source files for the source view: the laptop's copy when the path exists there, otherwise
 * the remote machine's over SFTP (DAP clients get remote-only files the same way VS Code does with
 * a `source` request; SFTP also covers files debugpy has no sourceReference for).
 */
import { open } from 'node:fs/promises';
import type { AppErrorCode, SourceOrigin } from '../../src-common/protocol/client-protocol.js';
import { errorMessage } from '../../src-common/errors.js';

/** Largest source file served, in bytes. */
export const MAX_SOURCE_BYTES = 8 * 1024 * 1024;

/** Reads a remote file (the session's SSH connection); rejects with a clear error. */
export type RemoteFileReader = (path: string, maxBytes: number) => Promise<Buffer>;

/** Thrown when the file exists nowhere that can be read. */
export class SourceNotFoundError extends Error {
  /** What the client sees (`AppErrorCode`). */
  readonly code = 'source-not-found' satisfies AppErrorCode;

  constructor(path: string, detail: string) {
    super(`Source ${path} was not found: ${detail}`);
    this.name = 'SourceNotFoundError';
  }
}

/**
 * Reads `path` locally if it is a regular file, else through `readRemote` when given.
 * @throws {SourceNotFoundError} when neither has it; an Error when it is larger than
 * {@link MAX_SOURCE_BYTES} or not valid to read.
 */
export async function readSource(
  path: string,
  readRemote?: RemoteFileReader,
): Promise<{ content: string; origin: SourceOrigin }> {
  const local = await readLocal(path);
  if (local !== undefined) return { content: local, origin: 'local' };
  if (!readRemote)
    throw new SourceNotFoundError(
      path,
      'not on this machine, and no session to ask the remote machine',
    );
  try {
    const bytes = await readRemote(path, MAX_SOURCE_BYTES);
    return { content: bytes.toString('utf8'), origin: 'remote' };
  } catch (error) {
    throw new SourceNotFoundError(path, `not on this machine, and ${errorMessage(error)}`);
  }
}

async function readLocal(path: string): Promise<string | undefined> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return undefined;
    if (stat.size > MAX_SOURCE_BYTES) {
      throw new Error(
        `Source ${path} is ${stat.size} bytes, more than the ${MAX_SOURCE_BYTES}-byte limit`,
      );
    }
    return await handle.readFile({ encoding: 'utf8' });
  } finally {
    await handle.close();
  }
}
