/**
 * Reads remote files (SFTP) over a connection that may be reconnecting: while the link is down
 * the read fails at once with a clear `ssh-failed` error instead of waiting, naming the link's
 * state (reconnecting, failed, closed).
 */
import type { ReconnectingSsh } from '../ssh/connection/reconnecting-ssh.js';
import { SshError } from '../ssh/ssh-error.js';
import type { RemoteFileReader } from './source-reader.js';

/** A {@link RemoteFileReader} over `ssh`; `host` names the machine in the error. */
export function linkFileReader(ssh: ReconnectingSsh, host: string): RemoteFileReader {
  return (path, maxBytes) => {
    const current = ssh.current;
    if (current) return current.readFile(path, maxBytes);
    // Say what the link is doing: "reconnecting" only while it is.
    const { state, reason } = ssh.state;
    const why =
      state === 'reconnecting'
        ? 'is reconnecting; try again when it is back'
        : state === 'connecting'
          ? 'is still being made'
          : state === 'failed'
            ? `failed${reason ? ` (${reason})` : ''}`
            : "is closed (the session's program ended); open the file while a session on that machine runs";
    return Promise.reject(new SshError('ssh-failed', `the SSH connection to ${host} ${why}`));
  };
}
