import { describe, expect, it } from 'vitest';
import { ConversationDoc, type MessageEntry } from '../../src/conversations/conversation-doc.js';
import { Conversations } from '../../src/conversations/conversations.js';
import { decodeContent } from '../../src/delivery/contents.js';
import { decodeHistoryArchive } from '../../src/linking/history-archive.js';
import { packAndSend } from '../../src/linking/history-packing.js';
import type { HistoryTransferDeps } from '../../src/linking/history-transfer.js';
import { decryptAttachment } from '../../src/media/attachment-cipher.js';
import { ParleyDatabase } from '../../src/store/database.js';
import { DexieStore } from '../../src/store/dexie-store.js';
import type { UnitOfWork } from '../../src/store/unit-of-work.js';
import { UnitOfWork as Work } from '../../src/store/unit-of-work.js';

/**
 * Packing the history for a new device reads a batch of chats at a time and lets their documents
 * go (docs/decisions/0821): after it, the chats not used in this session hold neither their
 * rows nor their documents, and the archive holds every chat, as before.
 */
const self = { accountId: 'self', username: 'me' };

function entry(id: string, sentAt: number): MessageEntry {
  return { id, kind: 'text', senderId: self.accountId, senderDeviceId: 1, sentAt, body: id };
}

function start(store: DexieStore): Conversations {
  return new Conversations({ store, selfAccountId: () => self.accountId, changed: () => {} });
}

/** `chats` chats of 3 messages each, written in an earlier session. */
async function seeded(store: DexieStore, chats: number): Promise<void> {
  const conversations = start(store);
  await conversations.load();
  for (let chat = 0; chat < chats; chat++) {
    const work = new Work();
    const model = conversations.create(work, {
      id: `chat-${chat}`,
      kind: 'direct',
      peerAccountId: `peer-${chat}`,
      updatedAt: chat + 1,
    });
    conversations.stage(work, model, (doc) => {
      for (let i = 0; i < 3; i++) doc.appendMessage(entry(`m-${chat}-${i}`, chat * 10 + i + 1));
    });
    await store.commit(work);
  }
}

describe('packing the history for a new device', () => {
  it('packs every chat without keeping their rows or documents in memory', async () => {
    const db = new ParleyDatabase(`history-packing-${crypto.randomUUID()}`);
    await db.open();
    const store = new DexieStore(db);
    await seeded(store, 45);
    const conversations = start(store);
    await conversations.load();
    // One chat was used in this session, with a message not stored yet: packed as it is here.
    const used = conversations.get('chat-3')!;
    await conversations.ensure([used.row.id]);
    conversations.stage(new Work(), used, (doc) => doc.appendMessage(entry('unsaved', 34)));

    // The relay's blob store and outbox are stand-ins that keep what they were given: the
    // transfer through a real relay is the e2e linking tests' (test/linking/linking.test.ts).
    const uploaded: Uint8Array<ArrayBuffer>[] = [];
    const queued: Uint8Array[] = [];
    const deps = {
      conversations,
      blobs: {
        upload: async ({ ciphertext }: { ciphertext: Uint8Array<ArrayBuffer> }) => {
          uploaded.push(ciphertext);
          return 'blob';
        },
      },
      outbox: {
        enqueue: (_work: UnitOfWork, item: { content: Uint8Array }) => queued.push(item.content),
      },
      commit: async () => {},
    } as unknown as HistoryTransferDeps;
    await packAndSend(deps, 2, () => {});

    const others = conversations.all().filter((model) => model !== used);
    expect(others.filter((model) => model.rowsLoaded || model.docLoaded)).toEqual([]);
    const body = decodeContent(queued[0]!).body;
    if (body.case !== 'historyArchive') throw new Error(`not an archive: ${body.case}`);
    const archive = [
      ...decodeHistoryArchive(
        await decryptAttachment(
          uploaded[0]!,
          body.value.key as Uint8Array<ArrayBuffer>,
          body.value.digest as Uint8Array<ArrayBuffer>,
        ),
      ),
    ];
    expect(archive.map((chat) => chat.id)).toEqual(
      Array.from({ length: 45 }, (_, i) => `chat-${44 - i}`),
    );
    const texts = (state: Uint8Array) => {
      const doc = new ConversationDoc('packed');
      doc.applyRemoteUpdate(state);
      return doc.timeline().map((e) => e.body);
    };
    expect(texts(archive.find((chat) => chat.id === 'chat-7')!.state)).toEqual([
      'm-7-0',
      'm-7-1',
      'm-7-2',
    ]);
    expect(texts(archive.find((chat) => chat.id === 'chat-3')!.state)).toContain('unsaved');
    db.close();
  });
});
