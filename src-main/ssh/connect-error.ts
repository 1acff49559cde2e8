/**
 * Turns ssh2's connect errors (their `level`: `client-socket`, `client-dns`, `client-timeout`,
 * `client-authentication`, `agent`, `handshake`, `protocol`) into one-sentence {@link SshError}s.
 */
import { SshError, errorMessage } from './ssh-error.js';

const SOCKET_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  EADDRNOTAVAIL: 'address not available',
};

/** What the connect attempt was, for messages. */
export interface ConnectAttempt {
  host: string;
  port: number;
  user: string;
  /** e.g. `the key /root/.ssh/id_ed25519`. */
  authDescription: string;
}

/** Maps an error emitted by ssh2's `Client` before `ready` to an {@link SshError}. */
export function connectError(error: unknown, attempt: ConnectAttempt): SshError {
  const where = `${attempt.host}:${attempt.port}`;
  const { level, code } = error as { level?: string; code?: string };
  const message = errorMessage(error);
  switch (level) {
    case 'client-authentication':
      return new SshError(
        'auth-failed',
        `${where} rejected ${attempt.authDescription} for user ${attempt.user}`,
        { cause: error },
      );
    case 'agent':
      return new SshError('auth-failed', `could not use the ssh-agent: ${message}`, {
        cause: error,
      });
    case 'client-dns':
      return new SshError(
        'ssh-failed',
        `could not resolve the host name ${attempt.host}: ${code ?? message}`,
        {
          cause: error,
        },
      );
    case 'client-timeout':
      return new SshError('ssh-failed', `timed out waiting for the SSH handshake with ${where}`, {
        cause: error,
      });
    case 'client-socket': {
      const why = (code !== undefined ? SOCKET_ERRORS[code] : undefined) ?? message;
      return new SshError('ssh-failed', `could not reach ${where}: ${why}`, { cause: error });
    }
    default:
      return new SshError('ssh-failed', `the SSH handshake with ${where} failed: ${message}`, {
        cause: error,
      });
  }
}
