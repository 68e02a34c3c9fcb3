import Database from 'better-sqlite3-multiple-ciphers';

export type SqliteDatabase = Database.Database;

/**
 * Opens (or creates) the SQLCipher database at `path` with a raw 32-byte key: every page is
 * encrypted (AES-256-CBC + HMAC-SHA512 per page, SQLCipher 4's defaults), so the file shows
 * nothing but its size. A wrong key fails here, on the first read, with SQLITE_NOTADB.
 */
export function openEncryptedDatabase(path: string, key: Buffer): SqliteDatabase {
  const db = new Database(path);
  try {
    db.pragma(`cipher = 'sqlcipher'`);
    db.pragma(`legacy = 4`);
    db.pragma(`key = "x'${key.toString('hex')}'"`);
    // The first statement that reads a page proves the key.
    db.pragma('journal_mode = WAL');
    // A commit precedes acks to the relay and ciphertexts made with an advanced ratchet: it
    // must survive power loss (as core asks IndexedDB for 'strict' durability).
    db.pragma('synchronous = FULL');
    db.exec(SCHEMA);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * One generic layout for every IndexedDB database and object store core opens (docs/decisions/
 * 0801): a table another feature adds to core's Dexie schema needs no change here.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS idb_databases (
  name TEXT PRIMARY KEY,
  schema TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS idb_records (
  db TEXT NOT NULL,
  store TEXT NOT NULL,
  key TEXT NOT NULL,
  value BLOB NOT NULL,
  PRIMARY KEY (db, store, key)
) WITHOUT ROWID;
`;
