/**
 * Helpers for SSH public key blobs: the wire encoding of a public key (RFC 4253 §6.6), which is
 * what a known_hosts line holds in base64 and what ssh2's `hostVerifier` receives.
 */
import { createHash } from 'node:crypto';

/**
 * The key type named at the start of a public key blob (an RFC 4251 `string`), e.g. `ssh-ed25519`,
 * `ecdsa-sha2-nistp256`, `ssh-rsa`.
 * @throws Error if the blob does not start with a plausible type name.
 */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) throw new Error('public key blob is too short');
  const length = keyBlob.readUInt32BE(0);
  if (length < 1 || length > 64 || 4 + length > keyBlob.length) {
    throw new Error('public key blob does not start with a key type');
  }
  const type = keyBlob.subarray(4, 4 + length).toString('latin1');
  if (!/^[\x21-\x7e]+$/.test(type)) throw new Error('public key blob has an unprintable key type');
  return type;
}

/**
 * The OpenSSH SHA-256 fingerprint of a public key blob, as `ssh-keygen -lf` and `ssh` print it:
 * `SHA256:` followed by the base64 of the SHA-256 digest without `=` padding.
 */
export function fingerprintSha256(keyBlob: Buffer): string {
  const digest = createHash('sha256').update(keyBlob).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}
