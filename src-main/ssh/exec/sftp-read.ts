/**
 * Reading a remote file over SFTP (draft-ietf-secsh-filexfer-02, as OpenSSH's sftp-server speaks
 * it), with a size cap so a huge file cannot fill memory.
 */
import type { SFTPWrapper } from 'ssh2';
import { SshError } from '../ssh-error.js';
import { errorMessage } from '../../../src-common/errors.js';

/** SFTP status codes (filexfer §7). */
const SSH_FX_NO_SUCH_FILE = 2;
const SSH_FX_PERMISSION_DENIED = 3;

/**
 * Reads `remotePath` whole, at most `maxBytes` bytes.
 * @param where e.g. `root@host:22`, for messages.
 * @throws SshError `file-not-found` (no such file, or not a regular file), `file-too-big`
 *   (larger than `maxBytes`), `ssh-failed` (permission denied, channel errors).
 */
export async function readRemoteFile(
  sftp: SFTPWrapper,
  where: string,
  remotePath: string,
  maxBytes: number,
): Promise<Buffer> {
  const stats = await new Promise<{ size: number; isFile: boolean }>((resolve, reject) => {
    sftp.stat(remotePath, (error, attributes) => {
      if (error) reject(toSshError(error, where, remotePath));
      else resolve({ size: attributes.size, isFile: attributes.isFile() });
    });
  });
  if (!stats.isFile)
    throw new SshError('file-not-found', `${remotePath} on ${where} is not a regular file`);
  if (stats.size > maxBytes) throw tooBig(where, remotePath, stats.size, maxBytes);

  const chunks: Buffer[] = [];
  let total = 0;
  await new Promise<void>((resolve, reject) => {
    // `end` is inclusive: read one byte past the cap to notice a file that grew since stat.
    const stream = sftp.createReadStream(remotePath, { start: 0, end: maxBytes });
    stream.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      total += chunk.length;
    });
    stream.once('error', (error: unknown) => reject(toSshError(error, where, remotePath)));
    stream.once('end', () => resolve());
  });
  if (total > maxBytes) throw tooBig(where, remotePath, total, maxBytes);
  return Buffer.concat(chunks, total);
}

function tooBig(where: string, remotePath: string, size: number, maxBytes: number): SshError {
  return new SshError(
    'file-too-big',
    `${remotePath} on ${where} is ${size} bytes or more, over the limit of ${maxBytes} bytes`,
  );
}

function toSshError(error: unknown, where: string, remotePath: string): SshError {
  const code = (error as { code?: unknown }).code;
  if (code === SSH_FX_NO_SUCH_FILE) {
    return new SshError('file-not-found', `${remotePath} does not exist on ${where}`, {
      cause: error,
    });
  }
  if (code === SSH_FX_PERMISSION_DENIED) {
    return new SshError('ssh-failed', `permission denied reading ${remotePath} on ${where}`, {
      cause: error,
    });
  }
  return new SshError(
    'ssh-failed',
    `could not read ${remotePath} on ${where}: ${errorMessage(error)}`,
    {
      cause: error,
    },
  );
}
