import { Dexie } from 'dexie';
import { describe, expect, it } from 'vitest';
import { ParleyDatabase, type MessageRow } from '../../src/store/database.js';

/**
 * Version 16 (docs/decisions/0821) gives the conversation rows of a database written before it
 * the summary the chat list shows without their rows: unread count, preview (its status raised by
 * its receipts) and whether this account wrote.
 */
async function writeVersion15(name: string): Promise<void> {
  const old = new Dexie(name);
  // The schema as versions 1 to 15 declare it (database.ts).
  old.version(1).stores({
    account: 'key',
    preKeys: 'id',
    signedPreKeys: 'id',
    kyberPreKeys: 'id',
    sessions: 'address, accountId',
    identities: 'accountId',
    senderKeys: 'key',
    contacts: 'accountId, &username',
    conversations: 'id, updatedAt',
    docSnapshots: 'conversationId',
    docUpdates: '++seq, conversationId',
    messages: 'id, [conversationId+sentAt], conversationId',
    receipts: 'key, messageId',
    outbox: '++seq, &idempotencyKey',
    processedEnvelopes: 'envelopeId, at',
  });
  old.version(5).stores({ accountDocument: '++seq' });
  old.version(14).stores({ pendingGroupMessages: 'key, conversationId' });
  old.version(15).stores({ historyImport: 'key' });
  await old.open();
  const row = (id: string, conversationId: string, sentAt: number, outgoing: boolean) =>
    ({
      id,
      conversationId,
      senderId: outgoing ? 'self' : 'peer',
      senderDeviceId: 1,
      sentAt,
      body: `body ${id}`,
      kind: 'text',
      outgoing,
      status: outgoing ? 'sent' : 'delivered',
    }) satisfies MessageRow;
  await old.table('conversations').bulkPut([
    { id: 'a', kind: 'direct', peerAccountId: 'peer', updatedAt: 3 },
    { id: 'empty', kind: 'direct', peerAccountId: 'other', updatedAt: 1 },
  ]);
  await old
    .table('messages')
    .bulkPut([
      row('a1', 'a', 1, false),
      row('a2', 'a', 2, false),
      { ...row('a3', 'a', 3, false), status: 'read' },
      row('a4', 'a', 4, true),
    ]);
  await old
    .table('receipts')
    .put({ key: 'a4/peer/read', messageId: 'a4', accountId: 'peer', kind: 'read' });
  old.close();
}

describe('the version 16 upgrade', () => {
  it('fills every conversation row with the summary of its messages', async () => {
    const name = `summary-upgrade-${crypto.randomUUID()}`;
    await writeVersion15(name);
    const db = new ParleyDatabase(name);
    await db.open();
    expect((await db.conversations.get('a'))?.summary).toEqual({
      unread: 2,
      last: { id: 'a4', sentAt: 4, body: 'body a4', outgoing: true, status: 'read' },
      wrote: true,
    });
    expect((await db.conversations.get('empty'))?.summary).toEqual({ unread: 0 });
    db.close();
  });
});
