/**
 * Fills a signed-up page's IndexedDB with stored chats: core's test-support builds the
 * conversations with core's document schema and message projection (in Node), and the rows are
 * written into the app's database in the page, while the app is open, as core itself would have
 * stored them. The next load of the page reads them through the real core.
 */
import { seedConversations, type SeedOptions, type SeedRows } from '@parley/core/test-support';
import type { Page } from 'playwright-core';

export interface SeededDevice {
  largeConversationId: string;
  lastMessageId: string;
  /** The large chat's oldest message (the top of its history). */
  firstMessageId: string;
}

interface SelfRow {
  accountId: string;
  username: string;
  deviceId: number;
}

/** The app's database (DATABASE_NAME in src/messenger/create-real-messenger.ts). */
export const DATABASE = 'parley';

export async function seedDevice(
  page: Page,
  counts: { chats: number; messagesPerChat: number; largeChatMessages: number; sealed?: boolean },
): Promise<SeededDevice> {
  const rows = await seedPage(page, {
    conversations: counts.chats,
    messagesPerConversation: counts.messagesPerChat,
    largeConversationMessages: counts.largeChatMessages,
    ...(counts.sealed ? { sealed: true } : {}),
  });
  // Seeded in timeline order: the large chat's first row is its oldest message.
  const first = rows.messages.find((row) => row.conversationId === rows.largeConversationId);
  return {
    largeConversationId: rows.largeConversationId,
    lastMessageId: rows.largeConversationLastMessageId,
    firstMessageId: first?.id ?? '',
  };
}

/** Seeds chats for the account the page signed up and writes them in; resolves with the rows. */
export async function seedPage(page: Page, options: Omit<SeedOptions, 'self'>): Promise<SeedRows> {
  const self = await readSelf(page);
  const rows = await seedConversations({
    self: { accountId: self.accountId, username: self.username, deviceId: self.deviceId },
    ...options,
  });
  await writeRows(page, rows);
  return rows;
}

/** The account the page signed up (the device's `account` row). */
function readSelf(page: Page): Promise<SelfRow> {
  return page.evaluate(
    (database) =>
      new Promise<SelfRow>((resolve, reject) => {
        const open = indexedDB.open(database);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const get = open.result.transaction('account').objectStore('account').get('self');
          get.onerror = () => reject(get.error);
          get.onsuccess = () => {
            open.result.close();
            if (!get.result) reject(new Error('no registered account in the page'));
            else resolve(get.result as SelfRow);
          };
        };
      }),
    DATABASE,
  );
}

/**
 * Snapshots and segments travel as base64: the page decodes them back to the Uint8Array core
 * stores.
 */
async function writeRows(page: Page, rows: SeedRows): Promise<void> {
  const snapshots = rows.docSnapshots.map((row) => ({
    conversationId: row.conversationId,
    snapshot: Buffer.from(row.snapshot).toString('base64'),
  }));
  const segments = rows.docSegments.map((row) => ({
    ...row,
    bytes: Buffer.from(row.bytes).toString('base64'),
  }));
  await page.evaluate(
    ({ database, tables }) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open(database);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const names = Object.keys(tables);
          const tx = db.transaction(names, 'readwrite');
          for (const name of names) {
            const store = tx.objectStore(name);
            for (const row of tables[name as keyof typeof tables]) {
              if ('snapshot' in row && typeof row.snapshot === 'string') {
                store.put({
                  ...row,
                  snapshot: Uint8Array.from(atob(row.snapshot), (c) => c.charCodeAt(0)),
                });
              } else if ('bytes' in row && typeof row.bytes === 'string') {
                store.put({
                  ...row,
                  bytes: Uint8Array.from(atob(row.bytes), (c) => c.charCodeAt(0)),
                });
              } else store.put(row);
            }
          }
          tx.oncomplete = () => {
            db.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    {
      database: DATABASE,
      tables: {
        contacts: rows.contacts,
        conversations: rows.conversations,
        docSnapshots: snapshots,
        docSegments: segments,
        messages: rows.messages,
      },
    },
  );
}
