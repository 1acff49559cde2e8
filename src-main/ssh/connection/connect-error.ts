/**
 * Turns ssh2's connect errors (their `level`: `client-socket`, `client-dns`, `client-timeout`,
 * `client-authentication`, `agent`, `handshake`, `protocol`) into one-sentence {@link SshError}s.
 */
import { SshError } from '../ssh-error.js';
import { errorMessage } from '../../../src-common/errors.js';

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
  /**
   * What the server offered in its KEXINIT, by ssh2's debug label (`KEX method`, `Host key
   * format`, `C->S cipher`, …) → comma-separated names; see {@link serverOfferListener}.
   */
  offered?: ReadonlyMap<string, string>;
}

/** ssh2's "no matching …" handshake failures → [debug label of the server's list, words]. */
const NO_MATCH: [RegExp, string, string][] = [
  [/no matching key exchange/i, 'KEX method', 'key exchange algorithms'],
  [/no matching host key/i, 'Host key format', 'host key types'],
  [/no matching C->S cipher/i, 'C->S cipher', 'ciphers'],
  [/no matching S->C cipher/i, 'S->C cipher', 'ciphers'],
  [/no matching C->S MAC/i, 'C->S MAC', 'MACs'],
  [/no matching S->C MAC/i, 'S->C MAC', 'MACs'],
];

/**
 * A `debug` callback for ssh2's ConnectConfig that records the server's algorithm lists
 * ("Handshake: (remote) KEX method: a,b") into `offered`, while `active()` says the handshake
 * is still on (ssh2 calls `debug` for every packet afterwards; those are ignored cheaply).
 */
export function serverOfferListener(
  offered: Map<string, string>,
  active: () => boolean,
): (line: string) => void {
  return (line) => {
    if (!active() || !line.startsWith('Handshake: (remote) ')) return;
    const match = /^Handshake: \(remote\) ([^:]+): (.*)$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) offered.set(match[1], match[2]);
  };
}

/**
 * The named diagnosis of a handshake that found no algorithm in common: ssh2, like OpenSSH's
 * client by default, leaves out weak ones (SHA-1 Diffie-Hellman, CBC ciphers, MD5 MACs, DSA host
 * keys), and servers that offer only those are refused. Undefined for other failures.
 */
function noCommonAlgorithm(message: string, attempt: ConnectAttempt): string | undefined {
  const found = NO_MATCH.find(([pattern]) => pattern.test(message));
  if (!found) return undefined;
  const [, label, what] = found;
  const where = `${attempt.host}:${attempt.port}`;
  // Leave out the markers that are not algorithms (RFC 8308 ext-info, OpenSSH's strict KEX).
  const list = attempt.offered
    ?.get(label)
    ?.split(',')
    .filter((name) => name !== '' && !/^(ext-info-|kex-strict-)/.test(name))
    .join(', ');
  const offer = list ? `: it offers only ${list}` : '';
  return `${where} and Periscope have no ${what} in common${offer}. Periscope, like OpenSSH's client by default, does not use weak ones (SHA-1 key exchange, CBC ciphers, MD5 MACs, DSA keys); ask the server's administrator to enable a current one (sshd_config KexAlgorithms, Ciphers, MACs, HostKeyAlgorithms; see sshd -T).`;
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
        { cause: error, hop: { host: attempt.host, port: attempt.port, user: attempt.user } },
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
    default: {
      const weak = noCommonAlgorithm(message, attempt);
      if (weak !== undefined) return new SshError('ssh-failed', weak, { cause: error });
      return new SshError('ssh-failed', `the SSH handshake with ${where} failed: ${message}`, {
        cause: error,
      });
    }
  }
}
