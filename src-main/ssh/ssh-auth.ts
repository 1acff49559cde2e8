/**
 * Turns a profile's {@link ProfileAuth} into ssh2 connect options: the ssh-agent at
 * `$SSH_AUTH_SOCK`, or a private key file read from disk (OpenSSH, PEM or PuTTY format).
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ssh2 from 'ssh2';
import type { ParsedKey } from 'ssh2';
import type { ProfileAuth } from '../protocol/profile.js';
import { SshError, errorMessage } from './ssh-error.js';

/** ssh2 options for one authentication method, and words describing it for error messages. */
export interface SshAuthOptions {
  agent?: string;
  privateKey?: Buffer;
  /** e.g. `the key /root/.ssh/id_ed25519` or `the keys of the ssh-agent`. */
  description: string;
}

/** Expands a leading `~` or `~/` to the home directory of this user (as ssh(1) does for IdentityFile). */
export function expandHome(file: string): string {
  if (file === '~') return os.homedir();
  if (file.startsWith('~/')) return path.join(os.homedir(), file.slice(2));
  return file;
}

/**
 * Resolves the authentication of a profile.
 * @throws SshError `auth-failed` when `SSH_AUTH_SOCK` is unset (agent), or the key file is missing,
 *   unreadable, not a private key, or protected by a passphrase (use the agent for those).
 */
export async function resolveSshAuth(auth: ProfileAuth): Promise<SshAuthOptions> {
  if (auth.kind === 'agent') {
    const socket = process.env.SSH_AUTH_SOCK;
    if (socket === undefined || socket === '') {
      throw new SshError(
        'auth-failed',
        'SSH_AUTH_SOCK is not set, so there is no ssh-agent to use: start ssh-agent and ssh-add your key, or choose a key file in the profile',
      );
    }
    return { agent: socket, description: 'the keys of the ssh-agent' };
  }
  const keyPath = expandHome(auth.keyPath);
  let privateKey: Buffer;
  try {
    privateKey = await readFile(keyPath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'it does not exist'
        : code === 'EACCES'
          ? 'permission denied'
          : errorMessage(error);
    throw new SshError('auth-failed', `could not read the key file ${keyPath}: ${why}`, {
      cause: error,
    });
  }
  const parsed = ssh2.utils.parseKey(privateKey);
  if (parsed instanceof Error) {
    const encrypted = /encrypted|passphrase/i.test(parsed.message);
    throw new SshError(
      'auth-failed',
      encrypted
        ? `the key file ${keyPath} is protected by a passphrase: add it to the ssh-agent (ssh-add ${keyPath}) and use the agent`
        : `the key file ${keyPath} is not a private key that can be used: ${parsed.message}`,
    );
  }
  const first = Array.isArray(parsed) ? (parsed as unknown[])[0] : parsed;
  if (first === undefined || !(first as ParsedKey).isPrivateKey()) {
    throw new SshError(
      'auth-failed',
      `the key file ${keyPath} holds a public key, not a private key`,
    );
  }
  return { privateKey, description: `the key ${keyPath}` };
}
