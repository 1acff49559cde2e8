/**
 * Where passwords and key passphrases may be kept between runs. Never in the profiles file.
 *
 * - {@link NoSecretStore}: keeps nothing (web mode, and Electron when the OS keychain does not back
 *   `safeStorage`, i.e. Linux `basic_text`): every secret is asked for when needed.
 * - {@link EncryptedSecretStore}: `<dir>/secrets.json` (mode 0600, atomic writes) holding only
 *   ciphertexts made by a {@link SecretCipher} — in the app, Electron `safeStorage`, wired in
 *   `src-main/app/` (the only place that may import electron).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { withFileLock } from './file-lock.js';

/**
 * Names a secret: `password:<user>@<host>:<port>` or `passphrase:<absolute key path>`
 * (see {@link secretKey}).
 */
export type SecretKey = string;

/** A place for secrets. Implementations never log values. */
export interface SecretStore {
  /** True when `set` keeps the secret across restarts (the UI offers "remember" only then). */
  readonly persistent: boolean;
  /** The stored secret, or `undefined`. */
  get(key: SecretKey): Promise<string | undefined>;
  /** Stores (or replaces) a secret. A non-persistent store does nothing. */
  set(key: SecretKey, value: string): Promise<void>;
  /** Forgets a secret (e.g. after the server rejected it). */
  delete(key: SecretKey): Promise<void>;
}

/** The key of a password, a key passphrase, or a sudo password (of `user` on that SSH server). */
export function secretKey(
  request:
    | { kind: 'password' | 'sudo'; user: string; host: string; port: number }
    | { kind: 'passphrase'; keyPath: string },
): SecretKey {
  return request.kind === 'passphrase'
    ? `passphrase:${request.keyPath}`
    : `${request.kind}:${request.user}@${request.host}:${request.port}`;
}

/** Keeps nothing: secrets are asked for every time they are needed. */
export class NoSecretStore implements SecretStore {
  readonly persistent = false;

  get(_key: SecretKey): Promise<string | undefined> {
    return Promise.resolve(undefined);
  }

  set(_key: SecretKey, _value: string): Promise<void> {
    return Promise.resolve();
  }

  delete(_key: SecretKey): Promise<void> {
    return Promise.resolve();
  }
}

/** Encrypts and decrypts with a key the OS keeps (Electron `safeStorage`: Keychain, DPAPI, libsecret). */
export interface SecretCipher {
  encrypt(plain: string): Buffer;
  /** @throws when the ciphertext was not made by this cipher (another machine or user). */
  decrypt(cipher: Buffer): string;
}

/** Name of the encrypted secrets file in the data directory. */
export const SECRETS_FILE_NAME = 'secrets.json';

interface SecretsFile {
  version: 1;
  /** key → base64 ciphertext. */
  secrets: Record<string, string>;
}

/** Secrets encrypted with a {@link SecretCipher} in `<dir>/secrets.json`. */
export class EncryptedSecretStore implements SecretStore {
  readonly persistent = true;
  private readonly filePath: string;

  /** @param dir the data directory (created by the profile store with mode 0700). */
  constructor(
    dir: string,
    private readonly cipher: SecretCipher,
  ) {
    this.filePath = join(dir, SECRETS_FILE_NAME);
  }

  async get(key: SecretKey): Promise<string | undefined> {
    const stored = (await this.read()).secrets[key];
    if (stored === undefined) return undefined;
    try {
      return this.cipher.decrypt(Buffer.from(stored, 'base64'));
    } catch {
      return undefined; // not decryptable here (copied from another machine): ask instead
    }
  }

  async set(key: SecretKey, value: string): Promise<void> {
    const sealed = this.cipher.encrypt(value).toString('base64');
    await this.update((secrets) => {
      secrets[key] = sealed;
    });
  }

  async delete(key: SecretKey): Promise<void> {
    await this.update((secrets) => {
      delete secrets[key];
    });
  }

  private async update(change: (secrets: Record<string, string>) => void): Promise<void> {
    await withFileLock(this.filePath, async () => {
      const file = await this.read();
      change(file.secrets);
      await writeFileAtomic(this.filePath, `${JSON.stringify(file, null, 2)}\n`, {
        mode: 0o600,
        fsync: true,
      });
    });
  }

  /** The file's content; absent or unreadable counts as empty (the secrets are asked for again). */
  private async read(): Promise<SecretsFile> {
    try {
      const parsed = JSON.parse(await readFile(this.filePath, 'utf8')) as Partial<SecretsFile>;
      if (parsed.version === 1 && typeof parsed.secrets === 'object' && parsed.secrets !== null) {
        const secrets: Record<string, string> = {};
        for (const [key, value] of Object.entries(parsed.secrets)) {
          if (typeof value === 'string') secrets[key] = value;
        }
        return { version: 1, secrets };
      }
    } catch {
      // absent or corrupt
    }
    return { version: 1, secrets: {} };
  }
}
