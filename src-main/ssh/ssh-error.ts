/** Errors of the SSH layer, each with a code the relay maps to an app error and one sentence. */

/**
 * What went wrong:
 * - `host-key-changed`: known_hosts has another key of this type for the host (possible MITM).
 * - `host-key-revoked`: the key is listed under `@revoked` in known_hosts.
 * - `host-key-rejected`: the host key was unknown and the user declined it.
 * - `auth-failed`: the server refused our key/agent, or the key or agent could not be used.
 * - `ssh-failed`: network, handshake, timeout, channel or connection-lost failures.
 * - `launch-failed`: the program could not be started under debugpy on the remote machine.
 * - `file-not-found` / `file-too-big`: an SFTP read of a remote file.
 */
export type SshErrorCode =
  | 'host-key-changed'
  | 'host-key-revoked'
  | 'host-key-rejected'
  | 'auth-failed'
  | 'ssh-failed'
  | 'launch-failed'
  | 'file-not-found'
  | 'file-too-big';

/** The SSH server (a hop of a chain, or the destination) an error is about. */
export interface SshHop {
  host: string;
  port: number;
  user: string;
}

/** An SSH-layer failure. `message` is one plain sentence for the user, never a secret. */
export class SshError extends Error {
  override readonly name = 'SshError';
  /** For `auth-failed`: the server that refused (so only its secrets are forgotten). */
  readonly hop?: SshHop;
  /** For `auth-failed`: the user cancelled a question; nothing was refused. */
  readonly cancelled?: boolean;

  constructor(
    readonly code: SshErrorCode,
    message: string,
    options?: { cause?: unknown; hop?: SshHop; cancelled?: boolean },
  ) {
    super(message, options);
    if (options?.hop) this.hop = options.hop;
    if (options?.cancelled) this.cancelled = true;
  }
}
