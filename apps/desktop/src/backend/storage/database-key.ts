import { randomBytes } from 'node:crypto';
import { readFile, writeFile, rename } from 'node:fs/promises';

/** The 32-byte key of the local database, as SQLCipher's raw key. */
export const DATABASE_KEY_BYTES = 32;

/**
 * Where the database key is kept. In the app: sealed by the OS keychain through Electron's
 * safeStorage (safeStorageKeyProvider). Tests and benchmarks use a plain file
 * (fileKeyProvider): there is no OS keychain here, and nothing else changes.
 */
export interface DatabaseKeyProvider {
  /** The key, created on first use. */
  key(): Promise<Buffer>;
}

/** The subset of Electron's safeStorage the provider needs (passed in: no electron import here). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

/**
 * The key sealed with safeStorage in `path`: only this OS user on this machine can unseal it
 * (Keychain on macOS, DPAPI on Windows, libsecret/kwallet on Linux). Refuses to run when the OS
 * offers no keychain, rather than storing the key in the clear.
 */
export function safeStorageKeyProvider(
  safeStorage: SafeStorageLike,
  path: string,
): DatabaseKeyProvider {
  return {
    async key() {
      if (!safeStorage.isEncryptionAvailable())
        throw new Error('no OS keychain: the local database key cannot be protected');
      const sealed = await readOrNull(path);
      if (sealed) return Buffer.from(safeStorage.decryptString(sealed), 'hex');
      const key = randomBytes(DATABASE_KEY_BYTES);
      await writeAtomically(path, safeStorage.encryptString(key.toString('hex')));
      return key;
    },
  };
}

/** Test and benchmark stand-in for the keychain: the key in a plain file. */
export function fileKeyProvider(path: string): DatabaseKeyProvider {
  return {
    async key() {
      const stored = await readOrNull(path);
      if (stored) return stored;
      const key = randomBytes(DATABASE_KEY_BYTES);
      await writeAtomically(path, key);
      return key;
    },
  };
}

async function readOrNull(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

async function writeAtomically(path: string, bytes: Buffer): Promise<void> {
  await writeFile(`${path}.tmp`, bytes, { mode: 0o600 });
  await rename(`${path}.tmp`, path);
}
