/**
 * Reads remote files (SFTP) over a connection that may be reconnecting: while the link is down
 * the read fails at once with a clear `ssh-failed` error instead of waiting.
 */
import type { ReconnectingSsh } from '../ssh/connection/reconnecting-ssh.js';
import { SshError } from '../ssh/ssh-error.js';
import type { RemoteFileReader } from './source-reader.js';

/** A {@link RemoteFileReader} over `ssh`; `host` names the machine in the error. */
export function linkFileReader(ssh: ReconnectingSsh, host: string): RemoteFileReader {
  return (path, maxBytes) => {
    const current = ssh.current;
    if (!current) {
      return Promise.reject(
        new SshError('ssh-failed', `the SSH connection to ${host} is reconnecting`),
      );
    }
    return current.readFile(path, maxBytes);
  };
}
