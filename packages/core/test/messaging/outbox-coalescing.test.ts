import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { crdtUpdateContent, decodeContent, receiptContent } from '../../src/messaging/contents.js';
import { coalesceOutbox } from '../../src/messaging/outbox-coalescing.js';
import { ConversationDoc } from '../../src/state/conversation-doc.js';
import { ParleyDatabase, type OutboxRow } from '../../src/store/database.js';

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

    const result = await coalesceOutbox(db, await db.outbox.orderBy('seq').toArray());
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
});

function withUpdates(updates: Uint8Array[]): Y.Doc {
  const doc = new Y.Doc();
  for (const update of updates) Y.applyUpdate(doc, update);
  return doc;
}
