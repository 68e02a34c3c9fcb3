import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as Automerge from '@automerge/automerge';
import WebSocket from 'ws';
import { createMessenger, type Messenger, type WebSocketConstructor } from '@parley/core';
import { localSearchBackend } from '@parley/core/search';
import * as callsKit from '@parley/core/calls';
import * as provisioning from '@parley/core/provisioning';
import { serveMessenger, type BackendMessage, type RemotePort } from '@parley/core/remote';
import { openEncryptedDatabase, type SqliteDatabase } from './storage/encrypted-database.js';
import {
  detachPersistentIndexedDB,
  openPersistentIndexedDB,
  type PersistentIndexedDB,
} from './storage/persistent-indexeddb.js';
import { lazyNativeEngine } from './native-engine.js';
import { SqliteStore } from './storage/sqlite-store.js';
import { desktopPlatform } from './desktop-platform.js';

export interface BackendOptions {
  /** The app's user-data folder; the database is `parley.db` in it. */
  dataDir: string;
  relayUrl: string;
  /** The database key (SQLCipher raw key), unsealed by the main process from the OS keychain. */
  databaseKey: Buffer;
}

export interface Backend {
  readonly messenger: Messenger;
  /** Serves the messenger to one renderer; returns a function that stops serving it. */
  serve(port: RemotePort<unknown, BackendMessage>): () => void;
  close(): Promise<void>;
}

/** Name of core's database inside the encrypted file (and `${name}-search` for the index). */
export const DATABASE_NAME = 'parley';

/**
 * The desktop backend (docs/decisions/0800): core with libsignal-client as its engine, its
 * conversations, projection and outbox in the SQLCipher file's own tables (read on demand,
 * docs/decisions/0810) and the rest of its IndexedDB persisted in the same file. Runs in Electron's utility process; private keys and
 * plaintext storage never reach the renderer, which only gets the facade's views.
 */
export async function startBackend(options: BackendOptions): Promise<Backend> {
  mkdirSync(options.dataDir, { recursive: true });
  const sqlite: SqliteDatabase = openEncryptedDatabase(
    join(options.dataDir, 'parley.db'),
    options.databaseKey,
  );
  const idb = await openPersistentIndexedDB(sqlite);
  let store: SqliteStore | undefined;
  // Deleting the account deletes core's database: its conversations here go with it.
  clearWithDatabase(idb, DATABASE_NAME, () => store?.clear());
  let messenger: Messenger;
  try {
    messenger = await createMessenger({
      relayUrl: options.relayUrl,
      databaseName: DATABASE_NAME,
      engine: lazyNativeEngine(),
      // The package's node entry (its wasm read from the file), as @parley/core/native's
      // nodeAutomerge, which would load libsignal-client with it.
      automerge: async () => Automerge,
      WebSocket: WebSocket as unknown as WebSocketConstructor,
      indexedDB: idb,
      searchBackend: localSearchBackend,
      calls: async () => callsKit,
      provisioning: async () => provisioning,
      store: (db) => (store = new SqliteStore(sqlite, db)),
      platform: desktopPlatform(),
    });
  } catch (error) {
    detachPersistentIndexedDB(idb.indexedDB);
    sqlite.close();
    throw error;
  }
  return {
    messenger,
    serve: (port) => serveMessenger(messenger, port),
    async close() {
      await messenger.close();
      detachPersistentIndexedDB(idb.indexedDB);
      sqlite.close();
    },
  };
}

/** Calls `clear` once the IndexedDB database `name` was deleted through `idb`. */
function clearWithDatabase(idb: PersistentIndexedDB, name: string, clear: () => void): void {
  const factory = idb.indexedDB;
  const deleteDatabase = factory.deleteDatabase.bind(factory);
  factory.deleteDatabase = (deleted: string) => {
    const request = deleteDatabase(deleted);
    if (deleted === name) request.addEventListener('success', clear);
    return request;
  };
}
