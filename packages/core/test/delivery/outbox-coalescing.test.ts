import { Receipt_Kind } from '@parley/protocol';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { crdtUpdateContent, decodeContent, receiptContent } from '../../src/delivery/contents.js';
import { coalesceOutbox, stageMerges } from '../../src/delivery/outbox-coalescing.js';
import { ConversationDoc } from '../../src/conversations/conversation-doc.js';
import { ParleyDatabase, type OutboxRow } from '../../src/store/database.js';
import { UnitOfWork } from '../../src/store/unit-of-work.js';

describe('outbox coalescing', () => {
  it('merges consecutive updates of one conversation to one audience, and nothing else', async () => {
    const db = new ParleyDatabase(`coalescing-${crypto.randomUUID()}`);
    const doc = new ConversationDoc('c1');
    const updates: Uint8Array[] = [];
    doc.doc.on('update', (update: Uint8Array) => updates.push(update));
    for (let i = 0; i < 3; i++) {
      doc.appendMessage({
        id: `m${i}`,
        kind: 'text',
        senderId: 'a',
        senderDeviceId: 1,
        sentAt: i,
        body: `text ${i}`,
      });
    }
    const row = (
      content: Uint8Array<ArrayBuffer>,
      recipients: string[],
      messageIds: string[] = [],
    ): OutboxRow => ({
      idempotencyKey: crypto.randomUUID(),
      content,
      recipientAccountIds: recipients,
      ownDevices: true,
      messageIds,
      createdAt: Date.now(),
    });
    const rows = [
      row(crdtUpdateContent('c1', updates[0]!), ['bob'], ['m0']),
      row(crdtUpdateContent('c1', updates[1]!), ['bob'], ['m1']),
      row(receiptContent('read', 'c1', ['x']), ['bob']),
      row(crdtUpdateContent('c1', updates[2]!), ['bob'], ['m2']),
      row(crdtUpdateContent('c1', updates[2]!), ['carol'], ['m2']),
    ];
    for (const r of rows) r.seq = await db.outbox.add(r);

    const { rows: result, merges } = coalesceOutbox(await db.outbox.orderBy('seq').toArray());
    await replaceMerged(db, merges);
    expect(result).toHaveLength(4);
    expect(result[0]?.messageIds).toEqual(['m0', 'm1']);
    expect(result.slice(1).map((r) => r.idempotencyKey)).toEqual(
      rows.slice(2).map((r) => r.idempotencyKey),
    );
    expect(await db.outbox.count()).toBe(4);

    // The merged update is equivalent to its parts.
    const body = decodeContent(result[0]!.content).body;
    expect(body.case).toBe('crdtUpdate');
    const replica = new ConversationDoc('c1');
    if (body.case === 'crdtUpdate') replica.applyRemoteUpdate(body.value.update);
    expect(replica.messages().map((m) => m.id)).toEqual(['m0', 'm1']);
    expect(Y.encodeStateVector(replica.doc)).toEqual(
      Y.encodeStateVector(withUpdates(updates.slice(0, 2))),
    );
    db.close();
  });

  it('merges consecutive receipts of one status and conversation to one audience', async () => {
    const db = new ParleyDatabase(`coalescing-${crypto.randomUUID()}`);
    const receipt = (
      status: 'delivered' | 'read',
      conversationId: string,
      ids: string[],
    ): OutboxRow => ({
      idempotencyKey: crypto.randomUUID(),
      content: receiptContent(status, conversationId, ids),
      recipientAccountIds: ['alice'],
      ownDevices: false,
      messageIds: [],
      createdAt: Date.now(),
    });
    const rows = [
      receipt('delivered', 'c1', ['m1']),
      receipt('delivered', 'c1', ['m2', 'm3']),
      receipt('delivered', 'c1', ['m3']),
      receipt('read', 'c1', ['m1']),
      receipt('delivered', 'c2', ['n1']),
      receipt('delivered', 'c2', ['n2']),
    ];
    for (const r of rows) r.seq = await db.outbox.add(r);

    const { rows: result, merges } = coalesceOutbox(await db.outbox.orderBy('seq').toArray());
    await replaceMerged(db, merges);
    const bodies = result.map((r) => decodeContent(r.content).body);
    expect(
      bodies.map((body) =>
        body.case === 'receipt'
          ? [body.value.kind, body.value.conversationId, body.value.messageIds]
          : body.case,
      ),
    ).toEqual([
      [Receipt_Kind.DELIVERED, 'c1', ['m1', 'm2', 'm3']],
      [Receipt_Kind.READ, 'c1', ['m1']],
      [Receipt_Kind.DELIVERED, 'c2', ['n1', 'n2']],
    ]);
    expect(result[1]?.idempotencyKey).toBe(rows[3]?.idempotencyKey);
    // The outbox holds exactly the rows to send (merged rows take new sequence numbers).
    expect((await db.outbox.toArray()).map((r) => r.idempotencyKey).sort()).toEqual(
      result.map((r) => r.idempotencyKey).sort(),
    );
    db.close();
  });
});

describe('outbox coalescing and time to live', () => {
  it('never merges a row with a time to live into its neighbours', () => {
    const row = (id: string, ttlSeconds?: number): OutboxRow => ({
      seq: Number(id.slice(1)),
      idempotencyKey: id,
      content: receiptContent('delivered', 'c1', [id]),
      recipientAccountIds: ['bob'],
      ownDevices: false,
      messageIds: [],
      createdAt: 0,
      ...(ttlSeconds && { ttlSeconds }),
    });
    // Receipts of one conversation and audience: all three would merge without the ttl.
    const { rows, merges } = coalesceOutbox([row('r1'), row('r2', 60), row('r3')]);
    expect(rows.map((r) => r.idempotencyKey)).toEqual(['r1', 'r2', 'r3']);
    expect(merges).toEqual([]);
    expect(coalesceOutbox([row('r1'), row('r3')]).merges).toHaveLength(1);
  });
});

async function replaceMerged(db: ParleyDatabase, merges: Parameters<typeof stageMerges>[1]) {
  const work = new UnitOfWork();
  stageMerges(work, merges);
  await work.commit(db);
  // The commit gave every merged row its sequence number.
  expect(merges.every(({ merged }) => merged.seq !== undefined)).toBe(true);
}

function withUpdates(updates: Uint8Array[]): Y.Doc {
  const doc = new Y.Doc();
  for (const update of updates) Y.applyUpdate(doc, update);
  return doc;
}
