/**
 * bench:desktop (docs/decisions/0800). Two figures from one run against one relay:
 * - 1:1 throughput, encrypt -> relay -> decrypt -> store -> render, for the desktop backend
 *   (libsignal-client, encrypted SQLite, each device in its own Node process driven over the
 *   port protocol, "render" = the renderer-side mirror of the chat holding the message) and for
 *   the web core (signal-ts, IndexedDB; fake-indexeddb in this Node process stands in for the
 *   browser's, "render" = the chat's observable holding the message);
 * - cold start: a desktop backend whose database holds 1,000 chats, from spawning its process to
 *   the renderer side holding the full chat list. The first start after install compiles the
 *   bundled backend (`first_start_ms`); every later start reads V8's code cache the first one
 *   wrote (`cold_start_ms`: the median of COLD_STARTS such starts, as one start on this shared
 *   machine varies by a factor of two; docs/decisions/0811).
 * The last line is one JSON object.
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Dexie } from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import WebSocket from 'ws';
import * as SignalTs from '@parley/signal-ts';
import {
  createMessenger,
  type Messenger,
  type Observable,
  type WebSocketConstructor,
} from '@parley/core';
import { nodeAutomerge } from '@parley/core/native';
import {
  createRemoteMessenger,
  type BackendMessage,
  type RendererMessage,
} from '@parley/core/remote';
import { localSearchBackend } from '@parley/core/search';
import * as callsKit from '@parley/core/calls';
import * as provisioning from '@parley/core/provisioning';
import { UnitOfWork, type ParleyDatabase } from '@parley/core/store';
import { seedConversations } from '@parley/core/test-support';
import { defaultConfig, loadConfig, startRelay, type RelayConfig } from '@parley/sync-server';
import { startBackend, DATABASE_NAME } from '../backend/backend.js';
import type { ChildToParent, ParentToChild } from '../backend/child-protocol.js';
import { openEncryptedDatabase } from '../backend/storage/encrypted-database.js';
import {
  detachPersistentIndexedDB,
  openPersistentIndexedDB,
} from '../backend/storage/persistent-indexeddb.js';
import { SqliteStore } from '../backend/storage/sqlite-store.js';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 300);
const CHATS = 1_000;
const COLD_STARTS = Number(process.env.BENCH_COLD_STARTS ?? 5);
/** The bundled backend, as Electron's utility process starts it (backend/launch/launch.ts). */
const launcher = fileURLToPath(new URL('../backend/launch/launch.js', import.meta.url));

interface Device {
  messenger: Messenger;
  close(): Promise<void>;
}

function until<T>(observable: Observable<T>, done: (value: T) => boolean): Promise<T> {
  return new Promise((resolve) => {
    const check = () => {
      const value = observable.getSnapshot();
      if (!done(value)) return false;
      stop();
      resolve(value);
      return true;
    };
    const stop = observable.subscribe(check);
    check();
  });
}

/**
 * A desktop backend in its own process, and the renderer-side messenger talking to it.
 * `codeCache`: the installation's code cache folder (Electron: userData/code-cache).
 */
async function desktopDevice(
  dataDir: string,
  codeCache: string,
  relayUrl: string,
  key: Buffer,
): Promise<Device & { spawnedAt: number }> {
  const spawnedAt = performance.now();
  const child = fork(launcher, ['node-process-entry', codeCache], {
    serialization: 'advanced',
    execArgv: [],
  });
  const listeners: Array<(m: BackendMessage) => void> = [];
  const ready = new Promise<void>((resolve, reject) => {
    child.on('message', (message: ChildToParent) => {
      if (message.type === 'port') for (const l of listeners) l(message.message as BackendMessage);
      else if (message.type === 'ready') resolve();
      else reject(new Error(message.message));
    });
  });
  const send = (message: ParentToChild) => child.send(message);
  send({ type: 'start', dataDir, relayUrl, databaseKey: key.toString('hex') });
  await ready;
  const messenger = await createRemoteMessenger({
    postMessage: (message: RendererMessage) => send({ type: 'port', message }),
    listen: (listener) => listeners.push(listener),
  });
  return {
    spawnedAt,
    messenger,
    close: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      send({ type: 'stop' });
      await exited;
    },
  };
}

async function webDevice(relayUrl: string): Promise<Device> {
  const messenger = await createMessenger({
    relayUrl,
    databaseName: `web-${randomBytes(4).toString('hex')}`,
    engine: SignalTs,
    automerge: nodeAutomerge,
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    indexedDB: { indexedDB: new IDBFactory(), IDBKeyRange },
    searchBackend: localSearchBackend,
    calls: async () => callsKit,
    provisioning: async () => provisioning,
  });
  return { messenger, close: () => messenger.close() };
}

/** Messages per second from the first send until the receiver shows the last one. */
async function throughput(sender: Device, receiver: Device, tag: string): Promise<number> {
  const peer = `${tag}r${randomBytes(3).toString('hex')}`;
  await sender.messenger.register(`${tag}s${randomBytes(3).toString('hex')}`);
  await receiver.messenger.register(peer);
  const conversation = await sender.messenger.openDirectConversation(peer);
  await sender.messenger.sendText(conversation, 'warm-up');
  const [chat] = await until(receiver.messenger.conversationList, (list) => list.length === 1);
  const received = receiver.messenger.messages(chat!.id);
  const watching = received.subscribe(() => undefined);
  await until(received, (list) => list.length === 1);
  const start = performance.now();
  for (let i = 0; i < MESSAGES; i++) await sender.messenger.sendText(conversation, `message ${i}`);
  await until(received, (list) => list.length === MESSAGES + 1);
  const seconds = (performance.now() - start) / 1000;
  watching();
  return MESSAGES / seconds;
}

/** A desktop database holding a registered account and 1,000 seeded chats. */
async function seedDesktop(dataDir: string, relayUrl: string, key: Buffer): Promise<void> {
  const backend = await startBackend({ dataDir, relayUrl, databaseKey: key });
  const self = await backend.messenger.register(`cold${randomBytes(3).toString('hex')}`);
  const rows = await seedConversations({
    self,
    conversations: CHATS,
    messagesPerConversation: 3,
    largeConversationMessages: 100,
  });
  await backend.close();
  // The backend's storage, opened as the backend opens it: contacts through Dexie with core's
  // schema, conversations, documents and projection into the SQLite store's tables.
  const sqlite = openEncryptedDatabase(join(dataDir, 'parley.db'), key);
  const idb = await openPersistentIndexedDB(sqlite);
  const db = new Dexie(DATABASE_NAME, idb);
  await db.open();
  await db.table('contacts').bulkPut(rows.contacts);
  const work = new UnitOfWork();
  for (const row of rows.conversations) work.conversations.set(row.id, row);
  for (const row of rows.docSnapshots) work.snapshots.push(row);
  for (const row of rows.docSegments) work.segments.push(row);
  for (const row of rows.messages) work.messages.set(row.id, row);
  await new SqliteStore(sqlite, db as unknown as ParleyDatabase).commit(work);
  db.close();
  detachPersistentIndexedDB(idb.indexedDB);
  sqlite.close();
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Milliseconds from spawning the backend to the renderer side holding the whole chat list. */
async function coldStart(
  dataDir: string,
  codeCache: string,
  relayUrl: string,
  key: Buffer,
): Promise<number> {
  const device = await desktopDevice(dataDir, codeCache, relayUrl, key);
  await until(device.messenger.conversationList, (list) => list.length >= CHATS);
  const ms = performance.now() - device.spawnedAt;
  await device.close();
  return ms;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-bench-desktop-'));
  const relay = await startRelay({
    ...defaultConfig,
    port: 0,
    dataDir: dir,
    databaseUrl: `sqlite:${join(dir, 'relay.sqlite')}`,
    logLevel: 'warn',
    // Throughput is measured, not abuse limits (as the core benches' `--rate-limits off`).
    rateLimits: (loadConfig(['--rate-limits', 'off'], {}, dir) as RelayConfig).rateLimits,
  });
  try {
    const key = randomBytes(32);
    const a = await desktopDevice(join(dir, 'a'), join(dir, 'a-code-cache'), relay.url, key);
    const b = await desktopDevice(join(dir, 'b'), join(dir, 'b-code-cache'), relay.url, key);
    const native = await throughput(a, b, 'nat');
    await Promise.all([a.close(), b.close()]);
    console.log(`desktop backend (libsignal + SQLCipher, via port): ${native.toFixed(0)} msgs/s`);

    const c = await webDevice(relay.url);
    const d = await webDevice(relay.url);
    const web = await throughput(c, d, 'web');
    await Promise.all([c.close(), d.close()]);
    console.log(`web core (signal-ts + IndexedDB, in process): ${web.toFixed(0)} msgs/s`);

    const coldDir = join(dir, 'cold');
    await seedDesktop(coldDir, relay.url, key);
    // A fresh installation: the first start writes the code cache that later starts read.
    const coldCache = join(dir, 'cold-code-cache');
    const firstStartMs = await coldStart(coldDir, coldCache, relay.url, key);
    console.log(`first start after install, ${CHATS} chats: ${firstStartMs.toFixed(0)} ms`);
    const starts: number[] = [];
    for (let i = 0; i < COLD_STARTS; i++)
      starts.push(await coldStart(coldDir, coldCache, relay.url, key));
    const coldStartMs = median(starts);
    console.log(
      `cold start, ${CHATS} chats: ${coldStartMs.toFixed(0)} ms (spawn to chat list, code cached; ` +
        `median of ${starts.map((ms) => ms.toFixed(0)).join(', ')})`,
    );
    console.log(
      `load average: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    console.log(
      JSON.stringify({
        bench: 'desktop',
        native_msgs_per_s: Math.round(native),
        web_msgs_per_s: Math.round(web),
        cold_start_ms: Math.round(coldStartMs),
        first_start_ms: Math.round(firstStartMs),
      }),
    );
  } finally {
    await relay.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
