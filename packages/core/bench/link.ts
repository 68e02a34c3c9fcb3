/**
 * bench:link — linking a new device to an account that holds 50 chats x 1,000 messages
 * (BENCH_LINK_CHATS, BENCH_LINK_MESSAGES to change them).
 *
 * The existing device is a real messenger (native engine, fake-indexeddb) whose storage is seeded
 * with the conversations (@parley/core/test-support); the new device is a second messenger. Both
 * talk to a real relay process. The clock starts when the existing device approves the scanned
 * link (the moment after "scan"):
 * - usable_ms: until the new device is registered, holds its keys and is connected (it can send
 *   and receive);
 * - full_history_ms: until every seeded message is stored on the new device;
 * - archive_bytes: the compacted conversation state the archive carries (CRDT snapshots; the
 *   sealed archive adds 16 bytes per 64 KiB chunk);
 * - phases_ms: when each side's transfer first reached each state (packing, uploading, ...).
 * The LAST line is one JSON object.
 */
import 'fake-indexeddb/auto';
import WebSocket from 'ws';
import { createMessenger } from '../src/index.js';
import { nativeEngine, nodeAutomerge } from '../src/native.js';
import { localSearchBackend } from '../src/search/index.js';
import * as callsKit from '../src/calls/calls-kit.js';
import * as provisioning from '../src/linking/provisioning.js';
import type { Messenger } from '../src/facade/api.js';
import { ParleyDatabase } from '../src/store/database.js';
import { seedConversations } from '../src/test-support/seed.js';
import { RelayProcess } from '../test/support/relay-process.js';
import { loadAverage } from './measure.js';

const chats = Number(process.env.BENCH_LINK_CHATS ?? 50);
const messagesPerChat = Number(process.env.BENCH_LINK_MESSAGES ?? 1000);

const open = (relayUrl: string, databaseName: string) =>
  createMessenger({
    relayUrl,
    databaseName,
    engine: nativeEngine,
    automerge: nodeAutomerge,
    searchBackend: localSearchBackend,
    calls: async () => callsKit,
    provisioning: async () => provisioning,
    WebSocket: WebSocket as never,
    platform: 'bench',
  });

/** Resolves when `check` holds, re-checked on every change of `messenger`'s chat list. */
function until(messenger: Messenger, check: () => boolean | Promise<boolean>): Promise<void> {
  return new Promise((resolve, reject) => {
    let running = false;
    let again = false;
    const test = async (): Promise<void> => {
      if (running) return void (again = true);
      running = true;
      try {
        if (await check()) {
          stop();
          stopProvisioning();
          clearInterval(poll);
          return resolve();
        }
      } catch (error) {
        reject(error as Error);
      }
      running = false;
      if (again) {
        again = false;
        void test();
      }
    };
    const stop = messenger.conversationList.subscribe(() => void test());
    const stopProvisioning = messenger.provisioning.subscribe(() => void test());
    // Stored rows do not always change the list's snapshot: look again now and then as well.
    const poll = setInterval(() => void test(), 100);
    void test();
  });
}

async function main(): Promise<void> {
  const relay = await RelayProcess.start(['--log-level', 'warn', '--rate-limits', 'off']);
  const run = Date.now().toString(36);
  try {
    // The existing device: registered, then its storage seeded while it is closed.
    const phoneDb = `bench-link-phone-${run}`;
    let phone = await open(relay.url, phoneDb);
    const self = await phone.register(`linker${run}`);
    await phone.close();
    const rows = await seedConversations({
      self,
      conversations: chats,
      messagesPerConversation: messagesPerChat,
      largeConversationMessages: messagesPerChat,
    });
    const archiveBytes = rows.docSnapshots.reduce((sum, row) => sum + row.snapshot.byteLength, 0);
    const seeded = new ParleyDatabase(phoneDb);
    await seeded.open();
    await seeded.transaction(
      'rw',
      [seeded.contacts, seeded.conversations, seeded.docSnapshots, seeded.messages],
      async () => {
        await seeded.contacts.bulkPut(rows.contacts);
        await seeded.conversations.bulkPut(rows.conversations);
        await seeded.docSnapshots.bulkPut(rows.docSnapshots);
        await seeded.messages.bulkPut(rows.messages);
      },
    );
    seeded.close();
    phone = await open(relay.url, phoneDb);

    // The new device shows its code; the phone "scans" it and approves.
    const laptopDb = `bench-link-laptop-${run}`;
    const laptop = await open(relay.url, laptopDb);
    const { link } = await laptop.startLinking();
    // When each side's history transfer first reached each state (ms after the scan).
    const phases: Record<string, number> = {};
    const watch = (side: Messenger, name: string) =>
      side.linkHistory.subscribe(() => {
        const state = side.linkHistory.getSnapshot()?.state;
        if (state && !(`${name}_${state}` in phases))
          phases[`${name}_${state}`] = Math.round(performance.now() - start);
      });
    watch(phone, 'send');
    watch(laptop, 'receive');
    const start = performance.now();
    await phone.approveDeviceLink(link);
    await until(
      laptop,
      () =>
        laptop.provisioning.getSnapshot().state === 'linked' &&
        laptop.connection.getSnapshot() === 'online',
    );
    const usableMs = performance.now() - start;

    const expected = chats * messagesPerChat;
    const store = new ParleyDatabase(laptopDb);
    await store.open();
    await until(laptop, async () => (await store.messages.count()) >= expected);
    const fullHistoryMs = performance.now() - start;
    store.close();
    await laptop.close();
    await phone.close();
    console.log(`load average: ${loadAverage()}`);
    console.log(
      JSON.stringify({
        bench: 'link',
        chats,
        messages_per_chat: messagesPerChat,
        usable_ms: Math.round(usableMs),
        full_history_ms: Math.round(fullHistoryMs),
        archive_bytes: archiveBytes,
        phases_ms: phases,
        load: loadAverage(),
      }),
    );
  } finally {
    await relay.stop();
  }
}

await main();
