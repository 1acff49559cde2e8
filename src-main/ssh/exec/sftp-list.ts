/**
 * Listing a remote directory over SFTP (`SSH_FXP_READDIR`, draft-ietf-secsh-filexfer-02 §6.7),
 * for the Files panel: names with whether each is a directory, sorted folders first, at most
 * {@link MAX_LISTED_ENTRIES}.
 */
import type { SFTPWrapper } from 'ssh2';
import { SshError } from '../ssh-error.js';
import { errorMessage } from '../../../src-common/errors.js';

/** Most entries of one directory returned; more are counted, not listed. */
export const MAX_LISTED_ENTRIES = 5000;

/** One entry of a listed directory. */
export interface RemoteDirEntry {
  name: string;
  /** A directory (or a symbolic link to one is not followed: it lists as a file). */
  directory: boolean;
}

/** S_IFMT and S_IFDIR of a POSIX mode (`attrs.permissions`). */
const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;

/**
 * Lists `remotePath` (relative paths and `~` are taken from the login directory): its absolute
 * path (`SSH_FXP_REALPATH`), then folders first, then files, each by name.
 * @throws SshError `file-not-found` (no such directory), `ssh-failed` (permission, channel).
 */
export async function listRemoteDirectory(
  sftp: SFTPWrapper,
  where: string,
  remotePath: string,
): Promise<{ path: string; entries: RemoteDirEntry[]; more: number }> {
  const asked = remotePath === '~' ? '.' : remotePath.replace(/^~\//, '');
  const path = await new Promise<string>((resolve, reject) => {
    sftp.realpath(asked, (error, absolute) => {
      if (error) reject(new SshError('file-not-found', `${remotePath} does not exist on ${where}`));
      else resolve(absolute);
    });
  });
  const list = await new Promise<{ filename: string; attrs: { mode: number } }[]>(
    (resolve, reject) => {
      sftp.readdir(path, (error, found) => {
        if (!error) {
          resolve(found);
          return;
        }
        const code = (error as { code?: unknown }).code;
        reject(
          code === 2
            ? new SshError('file-not-found', `${remotePath} does not exist on ${where}`)
            : new SshError(
                'ssh-failed',
                `could not list ${remotePath} on ${where}: ${errorMessage(error)}`,
              ),
        );
      });
    },
  );
  const entries = list
    .filter((e) => e.filename !== '.' && e.filename !== '..')
    .map((e) => ({ name: e.filename, directory: (e.attrs.mode & S_IFMT) === S_IFDIR }))
    .sort((a, b) => Number(b.directory) - Number(a.directory) || a.name.localeCompare(b.name));
  return {
    path,
    entries: entries.slice(0, MAX_LISTED_ENTRIES),
    more: Math.max(0, entries.length - MAX_LISTED_ENTRIES),
  };
}
