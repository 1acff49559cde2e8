/**
 * The app's secret store: passwords and passphrases encrypted with Electron `safeStorage` when an
 * OS keychain backs it (macOS Keychain, Windows DPAPI, Linux libsecret/kwallet). On Linux with the
 * `basic_text` backend (a hard-coded key: no real protection) or when encryption is unavailable,
 * nothing is kept and secrets are asked for each time they are needed.
 */
import { safeStorage } from 'electron';
import { EncryptedSecretStore, NoSecretStore, type SecretStore } from '../profiles/secret-store.js';

/** Whether `safeStorage` really protects data here. Call after the app's `ready` event. */
export function keychainBacksSafeStorage(platform: NodeJS.Platform = process.platform): boolean {
  if (!safeStorage.isEncryptionAvailable()) return false;
  if (platform !== 'linux') return true;
  const backend = safeStorage.getSelectedStorageBackend();
  return backend !== 'basic_text' && backend !== 'unknown';
}

/** The secret store for `dataDir`: encrypted when {@link keychainBacksSafeStorage}, else none. */
export function createAppSecretStore(dataDir: string): SecretStore {
  if (!keychainBacksSafeStorage()) return new NoSecretStore();
  return new EncryptedSecretStore(dataDir, {
    encrypt: (plain) => safeStorage.encryptString(plain),
    decrypt: (cipher) => safeStorage.decryptString(cipher),
  });
}
