/**
 * Host key verification for one SSH connection, as ssh(1) does with `StrictHostKeyChecking ask`:
 * a key recorded in known_hosts is accepted; an unknown key is shown to the user (SHA-256
 * fingerprint) and, if accepted, appended to our own trusted hosts file; a changed or revoked key
 * is refused without asking. A key of a type not recorded for a host that has keys of other types
 * is asked about too, with those keys in the question (OpenSSH: "but keys of different type are
 * already known for this host") so the user is warned of a possible man-in-the-middle.
 */
import type { HostVerifier, ServerHostKeyAlgorithm } from 'ssh2';
import type { Logger } from '../../log/logger.js';
import {
  addKnownHost,
  fingerprintSha256,
  keyTypeOf,
  knownHostsName,
  knownKeyTypes,
  loadKnownHosts,
  verdictFor,
  type RecordedHostKey,
} from './known-hosts.js';
import { SshError } from '../ssh-error.js';
import { errorMessage } from '../../../src-common/errors.js';

/** What the user is asked about an unknown host key. */
export interface HostKeyQuestion {
  host: string;
  port: number;
  /** e.g. `ssh-ed25519`. */
  keyType: string;
  /** OpenSSH form, `SHA256:<base64 without padding>`. */
  fingerprint: string;
  /**
   * Present (non-empty) when the host is known by keys of OTHER types: the first recorded key of
   * each type, with file and line. Absent for a host seen for the first time.
   */
  otherKnownKeys?: RecordedHostKey[];
}

/** Where host keys are looked up and how unknown ones are decided. */
export interface HostKeyPolicy {
  /** known_hosts files to read, in order (e.g. `~/.ssh/known_hosts`, then `trustedHostsFile`). Missing files are fine. */
  knownHostsFiles: string[];
  /** Our own known_hosts file: keys the user accepts are appended here (it is also read). */
  trustedHostsFile: string;
  /** Asks the user whether to trust an unknown key; resolves true to accept. */
  askUser(question: HostKeyQuestion): Promise<boolean>;
}

/** Hooks the connection gives the verifier: pause the handshake timeout while the user decides. */
export interface HostVerifierHooks {
  onAskStart(): void;
  onAskEnd(): void;
  logger: Logger;
}

/** A verifier bound to one connection attempt; `refusal()` explains a refused key afterwards. */
export interface BoundHostVerifier {
  verifier: HostVerifier;
  refusal(): SshError | undefined;
}

/** The files the policy reads: `knownHostsFiles` plus `trustedHostsFile`, without repeats. */
export function policyFiles(policy: HostKeyPolicy): string[] {
  return [...new Set([...policy.knownHostsFiles, policy.trustedHostsFile])];
}

const DEFAULT_HOST_KEY_ALGORITHMS: ServerHostKeyAlgorithm[] = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

/**
 * Host key algorithms to offer, the types already recorded for this host first (OpenSSH's
 * `order_hostkeyalgs`), so a server with several host keys presents the one we know.
 */
export async function hostKeyAlgorithmsFor(
  policy: HostKeyPolicy,
  host: string,
  port: number,
): Promise<ServerHostKeyAlgorithm[]> {
  let types: string[];
  try {
    types = knownKeyTypes(await loadKnownHosts(policyFiles(policy)), host, port);
  } catch {
    return DEFAULT_HOST_KEY_ALGORITHMS;
  }
  const preferred = types.flatMap((type): ServerHostKeyAlgorithm[] =>
    type === 'ssh-rsa'
      ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']
      : DEFAULT_HOST_KEY_ALGORITHMS.filter((algorithm) => algorithm === type),
  );
  return [...new Set([...preferred, ...DEFAULT_HOST_KEY_ALGORITHMS])];
}

/**
 * Creates ssh2's asynchronous `hostVerifier(key, verify)` for `host:port` under `policy`.
 * A refusal is recorded as an {@link SshError} (`host-key-changed`, `host-key-revoked`,
 * `host-key-rejected`, or `ssh-failed` when known_hosts cannot be read or the question fails).
 */
export function bindHostVerifier(
  policy: HostKeyPolicy,
  host: string,
  port: number,
  hooks: HostVerifierHooks,
): BoundHostVerifier {
  let refused: SshError | undefined;
  const name = knownHostsName(host, port);

  const decide = async (key: Buffer): Promise<boolean> => {
    const keyType = keyTypeOf(key);
    const fingerprint = fingerprintSha256(key);
    const verdict = verdictFor(await loadKnownHosts(policyFiles(policy)), host, port, key);
    hooks.logger.debug('host key checked', {
      host: name,
      keyType,
      fingerprint,
      status: verdict.status,
    });
    switch (verdict.status) {
      case 'known':
        return true;
      case 'changed':
        refused = new SshError(
          'host-key-changed',
          `the host key for ${name} has CHANGED since it was recorded in ${verdict.file} line ${verdict.line} (possible man-in-the-middle attack); if the change is expected, remove that line`,
        );
        return false;
      case 'revoked':
        refused = new SshError(
          'host-key-revoked',
          `the host key for ${name} (${fingerprint}) is marked @revoked in ${verdict.file} line ${verdict.line}; refusing to connect`,
        );
        return false;
      case 'unknown':
      case 'other-types-known': {
        const otherKnownKeys = verdict.status === 'other-types-known' ? verdict.knownKeys : [];
        const question: HostKeyQuestion = { host, port, keyType, fingerprint };
        if (otherKnownKeys.length > 0) {
          question.otherKnownKeys = otherKnownKeys;
          hooks.logger.warn('host offers a key of a type not recorded for it', {
            host: name,
            keyType,
            fingerprint,
            knownTypes: otherKnownKeys.map((key) => key.keyType),
          });
        }
        hooks.onAskStart();
        let accepted: boolean;
        try {
          accepted = await policy.askUser(question);
        } finally {
          hooks.onAskEnd();
        }
        if (!accepted) {
          refused = new SshError(
            'host-key-rejected',
            `the host key of ${name} (${keyType} ${fingerprint}) was not accepted${otherKeysNote(otherKnownKeys)}`,
          );
          return false;
        }
        await addKnownHost(policy.trustedHostsFile, host, port, key);
        hooks.logger.info('host key accepted and recorded', {
          host: name,
          fingerprint,
          file: policy.trustedHostsFile,
        });
        return true;
      }
    }
  };

  const verifier: HostVerifier = (key, verify) => {
    decide(key).then(
      (ok) => safeVerify(verify, ok),
      (error: unknown) => {
        refused = new SshError(
          'ssh-failed',
          `could not verify the host key of ${name}: ${errorMessage(error)}`,
          {
            cause: error,
          },
        );
        safeVerify(verify, false);
      },
    );
  };
  return { verifier, refusal: () => refused };
}

/** `; keys of other types are recorded for it: ssh-rsa in <file> line 3` (empty when none). */
function otherKeysNote(keys: readonly RecordedHostKey[]): string {
  if (keys.length === 0) return '';
  const where = keys.map((key) => `${key.keyType} in ${key.file} line ${key.line}`).join(', ');
  return `; keys of other types are recorded for it: ${where}`;
}

function safeVerify(verify: (valid: boolean) => void, ok: boolean): void {
  try {
    verify(ok);
  } catch {
    // The connection went away while we were deciding; its own error reports that.
  }
}
