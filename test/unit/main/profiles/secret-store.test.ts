import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  EncryptedSecretStore,
  NoSecretStore,
  secretKey,
  type SecretCipher,
} from '../../../../src-main/profiles/secret-store.js';

// Reversible but not plaintext: enough to show only cipher output reaches the file.
const rot: SecretCipher = {
  encrypt: (plain) => Buffer.from([...Buffer.from(plain, 'utf8')].map((b) => b ^ 0x5a)),
  decrypt: (sealed) => Buffer.from([...sealed].map((b) => b ^ 0x5a)).toString('utf8'),
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'periscope-secrets-unit-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('secret stores', () => {
  it('NoSecretStore keeps nothing and says it is not persistent', async () => {
    const store = new NoSecretStore();
    await store.set('password:u@h:22', 'canary-nothing');
    expect(await store.get('password:u@h:22')).toBeUndefined();
    expect(store.persistent).toBe(false);
  });

  it('EncryptedSecretStore writes only ciphertext, mode 0600, and reads it back', async () => {
    const store = new EncryptedSecretStore(dir, rot);
    const key = secretKey({ kind: 'password', user: 'u', host: 'h', port: 22 });
    expect(key).toBe('password:u@h:22');
    await store.set(key, 'canary-secret-1');
    await store.set(secretKey({ kind: 'passphrase', keyPath: '/k' }), 'canary-secret-2');
    const text = await readFile(join(dir, 'secrets.json'), 'utf8');
    expect(text).not.toContain('canary-secret');
    expect((await stat(join(dir, 'secrets.json'))).mode & 0o777).toBe(0o600);
    expect(await new EncryptedSecretStore(dir, rot).get(key)).toBe('canary-secret-1');
    await store.delete(key);
    expect(await store.get(key)).toBeUndefined();
    expect(await store.get('passphrase:/k')).toBe('canary-secret-2');
  });

  it('a secret that cannot be decrypted here (another machine) is treated as absent', async () => {
    await new EncryptedSecretStore(dir, rot).set('password:u@h:22', 'x');
    const other = new EncryptedSecretStore(dir, {
      encrypt: (plain) => rot.encrypt(plain),
      decrypt: () => {
        throw new Error(
          'Error while decrypting the ciphertext provided to safeStorage.decryptString.',
        );
      },
    });
    expect(await other.get('password:u@h:22')).toBeUndefined();
  });
});
