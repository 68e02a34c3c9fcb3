/**
 * A second device of a signed-up user, linked with core's existing linking (createDeviceLink /
 * linkDevice: a link token and the account's identity). The QR provisioning UI is built
 * elsewhere; until it lands, the link runs in this Node process with the web engine (signal-ts)
 * over the real relay, and the new device's database is then written into the second browser
 * context's IndexedDB before the app opens there. From then on the second page is the device:
 * its own keys, sessions and relay credentials, driven only through the UI.
 */
import { createMessenger } from '@parley/core';
import { nodeAutomerge } from '@parley/core/native';
import * as SignalTs from '@parley/signal-ts';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import type { Page } from 'playwright-core';
import WebSocket from 'ws';
import type { Stack } from './stack.js';
import { openUser, type User } from './user.js';
import { localSearchBackend } from '@parley/core/search';

const DATABASE = 'parley';

interface StoreDump {
  name: string;
  keyPath: string | string[] | null;
  autoIncrement: boolean;
  indexes: { name: string; keyPath: string | string[]; unique: boolean; multiEntry: boolean }[];
  /** [key, value] pairs; binary values travel as { $bytes: base64 }. */
  rows: [unknown, unknown][];
}

interface DatabaseDump {
  version: number;
  stores: StoreDump[];
}

/** Opens a second browser context and makes it another device of `user`'s account. */
export async function linkSecondDevice(
  stack: Stack,
  user: User,
  options: { colorScheme?: 'light' | 'dark' } = {},
): Promise<User> {
  const account = await readAccount(user.page);
  const linkToken = await createLinkToken(stack.origin, account);
  const indexedDB = new IDBFactory();
  const messenger = await createMessenger({
    relayUrl: stack.origin,
    databaseName: DATABASE,
    engine: SignalTs,
    automerge: nodeAutomerge,
    searchBackend: localSearchBackend,
    WebSocket: WebSocket as never,
    indexedDB: { indexedDB, IDBKeyRange },
  });
  await messenger.linkDevice({
    linkToken,
    accountId: account.accountId,
    username: account.username,
    identityKeyPair: account.identityKeyPair,
  });
  await messenger.sent(); // the announcement to the first device is on the relay
  await messenger.close();
  const dump = await dumpDatabase(indexedDB);

  const device = await openUser(stack, 'unused', options);
  // A same-origin page that does not start the app: the database is in place before it opens.
  await device.page.goto('/manifest.webmanifest');
  await device.page.evaluate(restoreDatabase, { name: DATABASE, dump });
  await device.page.goto('/');
  await device.page.getByRole('heading', { name: 'Chats' }).waitFor({ timeout: 60_000 });
  return { ...device, username: user.username };
}

interface AccountRow {
  accountId: string;
  deviceId: number;
  username: string;
  password: string;
  identityKeyPair: Uint8Array<ArrayBuffer>;
}

async function readAccount(page: Page): Promise<AccountRow> {
  const row = await page.evaluate(
    (name) =>
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const open = indexedDB.open(name);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const get = open.result.transaction('account').objectStore('account').get('self');
          get.onsuccess = () => {
            const value = get.result as Record<string, unknown>;
            const pair = value['identityKeyPair'] as Uint8Array;
            resolve({ ...value, identityKeyPair: [...pair] });
            open.result.close();
          };
          get.onerror = () => reject(get.error);
        };
      }),
    DATABASE,
  );
  return {
    ...(row as unknown as AccountRow),
    identityKeyPair: new Uint8Array(row['identityKeyPair'] as number[]),
  };
}

async function createLinkToken(origin: string, account: AccountRow): Promise<string> {
  const auth = Buffer.from(`${account.accountId}.${account.deviceId}:${account.password}`).toString(
    'base64',
  );
  const response = await fetch(new URL('/v1/devices/link-tokens', origin), {
    method: 'POST',
    headers: { authorization: `Basic ${auth}` },
  });
  if (!response.ok) throw new Error(`link token: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { linkToken: string }).linkToken;
}

/** Every store of the Node device's database, with its schema, as plain JSON. */
async function dumpDatabase(factory: IDBFactory): Promise<DatabaseDump> {
  const db = await request(factory.open(DATABASE));
  const names = [...db.objectStoreNames];
  const transaction = db.transaction(names, 'readonly');
  const stores: StoreDump[] = [];
  for (const name of names) {
    const store = transaction.objectStore(name);
    const keys = await request(store.getAllKeys());
    const values = await request(store.getAll());
    stores.push({
      name,
      keyPath: store.keyPath,
      autoIncrement: store.autoIncrement,
      indexes: [...store.indexNames].map((indexName) => {
        const index = store.index(indexName);
        return {
          name: indexName,
          keyPath: index.keyPath,
          unique: index.unique,
          multiEntry: index.multiEntry,
        };
      }),
      rows: keys.map((key, i) => [encode(key), encode(values[i])]),
    });
  }
  const dump = { version: db.version, stores };
  db.close();
  return dump;
}

function request<T>(req: { result: T; onsuccess: unknown; onerror: unknown; error: unknown }) {
  return new Promise<T>((resolve, reject) => {
    (req as { onsuccess: () => void }).onsuccess = () => resolve(req.result);
    (req as { onerror: () => void }).onerror = () => reject(req.error as Error);
  });
}

function encode(value: unknown): unknown {
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') };
  if (value instanceof ArrayBuffer)
    return { $buffer: Buffer.from(new Uint8Array(value)).toString('base64') };
  if (Array.isArray(value)) return value.map(encode);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encode(v)]));
  return value;
}

/** Runs in the page: recreates the database (same version, stores, indexes) and its rows. */
function restoreDatabase({ name, dump }: { name: string; dump: DatabaseDump }): Promise<void> {
  const decode = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(decode);
    if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      const bytes = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      if (typeof record['$bytes'] === 'string') return bytes(record['$bytes']);
      if (typeof record['$buffer'] === 'string') return bytes(record['$buffer']).buffer;
      return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, decode(v)]));
    }
    return value;
  };
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(name, dump.version);
    open.onerror = () => reject(open.error);
    open.onupgradeneeded = () => {
      for (const store of dump.stores) {
        const created = open.result.createObjectStore(store.name, {
          keyPath: store.keyPath,
          autoIncrement: store.autoIncrement,
        });
        for (const index of store.indexes)
          created.createIndex(index.name, index.keyPath, {
            unique: index.unique,
            multiEntry: index.multiEntry,
          });
      }
    };
    open.onsuccess = () => {
      const db = open.result;
      const transaction = db.transaction(
        dump.stores.map((s) => s.name),
        'readwrite',
      );
      for (const store of dump.stores) {
        const target = transaction.objectStore(store.name);
        for (const [key, value] of store.rows)
          target.put(
            decode(value),
            store.keyPath === null ? (decode(key) as IDBValidKey) : undefined,
          );
      }
      transaction.oncomplete = () => {
        db.close();
        resolve();
      };
      transaction.onerror = () => reject(transaction.error);
    };
  });
}
