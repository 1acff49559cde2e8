/**
 * Quick open's index of a remote project: the Python files under a directory of the profile's
 * machine, listed in one run of `index_files.py` by the profile's interpreter (one SSH exec, no
 * SFTP round trip per directory: 20,000 files come back in one answer).
 */
import type { SshConnection } from '../../ssh/connection/ssh-connection.js';
import { shellJoin } from '../../ssh/exec/shell-quote.js';
import { SshError } from '../../ssh/ssh-error.js';
import INDEX_FILES from '../python/index_files.py';

/** Most files listed; more and the index says it was cut short. */
export const MAX_INDEXED_FILES = 200_000;

/** What the index found. */
export interface FileIndex {
  /** The directory listed, absolute (a `~` expanded). */
  root: string;
  /** Paths relative to {@link FileIndex.root}, `/`-separated. */
  files: string[];
  /** More files than {@link MAX_INDEXED_FILES} were there. */
  truncated: boolean;
}

const MARKER = '__periscope_files__ ';

/**
 * Lists the Python files under `root` on `connection`'s machine with `python`.
 * @throws SshError `ssh-failed` when the command cannot run or root is not a directory.
 */
export async function indexRemoteFiles(
  connection: SshConnection,
  python: string,
  root: string,
): Promise<FileIndex> {
  const result = await connection.run(
    shellJoin([python, '-c', INDEX_FILES, root, String(MAX_INDEXED_FILES)]),
    { maxOutputBytes: 64 * 1024 * 1024 },
  );
  const line = result.stdout.split('\n').find((l) => l.startsWith(MARKER));
  if (!line) {
    const why = result.stderr.trim().split('\n').slice(-2).join(' ') || `exit code ${result.code}`;
    throw new SshError('ssh-failed', `could not list the files under ${root}: ${why}`);
  }
  const parsed = JSON.parse(line.slice(MARKER.length)) as Partial<FileIndex> & { error?: string };
  if (parsed.error) throw new SshError('ssh-failed', parsed.error);
  return {
    root: String(parsed.root),
    files: Array.isArray(parsed.files) ? parsed.files.filter((f) => typeof f === 'string') : [],
    truncated: parsed.truncated === true,
  };
}
