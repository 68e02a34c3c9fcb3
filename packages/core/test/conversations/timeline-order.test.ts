import { summarize } from '../../src/conversations/summary.js';
import { SealedHistory } from '../../src/history/sealed-history.js';
import { describe, expect, it } from 'vitest';
import { ConversationDoc, type MessageEntry } from '../../src/conversations/conversation-doc.js';
import { messageRow, type ConversationModel } from '../../src/conversations/conversations.js';
import { compareTimeline, stampOrder } from '../../src/conversations/timeline-order.js';
import { conversationView, messageViews, type ViewContext } from '../../src/facade/views.js';
import { Random } from '../support/random.js';

const alice = { accountId: 'a-account', username: 'alice' };
const bob = { accountId: 'b-account', username: 'bob' };

function entry(id: string, senderId: string, sentAt: number): MessageEntry {
  return { id, kind: 'text', senderId, senderDeviceId: 1, sentAt, body: id };
}

/** A replica whose Yjs client id is fixed, so the array's merge order is known. */
function replica(clientID: number): { doc: ConversationDoc; updates: Uint8Array[] } {
  const doc = new ConversationDoc('c');
  doc.doc.clientID = clientID;
  const updates: Uint8Array[] = [];
  doc.doc.on('update', (update: Uint8Array) => updates.push(update));
  return { doc, updates };
}

function deliver(from: { updates: Uint8Array[] }, to: { doc: ConversationDoc }): void {
  for (const update of from.updates) to.doc.applyRemoteUpdate(update);
}

const ids = (doc: ConversationDoc) => doc.timeline().map((entry) => entry.id);

describe('timeline order', () => {
  // Both client-id orders: Yjs puts one writer's concurrent append first whatever the clocks say.
  it.each([
    [1, 2],
    [2, 1],
  ])(
    'shows concurrent offline messages by their senders’ clocks on both sides (client ids %i, %i)',
    (aliceClient, bobClient) => {
      const a = replica(aliceClient);
      const b = replica(bobClient);
      a.doc.initDirect(alice, bob);
      a.doc.appendMessage(entry('hello', alice.accountId, 1_000));
      deliver(a, b);
      // Both offline: Alice writes at 10:00, Bob at 10:01; neither has seen the other's.
      a.doc.appendMessage(entry('a-first', alice.accountId, 10_000));
      b.doc.appendMessage(entry('b-second', bob.accountId, 10_060));
      deliver(b, a);
      deliver(a, b);
      expect(ids(a.doc)).toEqual(['hello', 'a-first', 'b-second']);
      expect(ids(b.doc)).toEqual(['hello', 'a-first', 'b-second']);
    },
  );

  it('puts a reply after what its author had seen, even when the author’s clock is behind', () => {
    const a = replica(1);
    const b = replica(2);
    a.doc.initDirect(alice, bob);
    a.doc.appendMessage(entry('question', alice.accountId, 50_000));
    deliver(a, b);
    b.doc.appendMessage(entry('answer', bob.accountId, 20_000)); // Bob's clock is 30 s slow
    deliver(b, a);
    expect(ids(a.doc)).toEqual(['question', 'answer']);
    expect(ids(b.doc)).toEqual(['question', 'answer']);
    expect(b.doc.timeline()[1]?.sentAt).toBe(20_000); // the bubble still shows Bob's own time
  });

  it('keeps a batch in the order it was written, even within one millisecond', () => {
    const stamped = stampOrder(
      [
        entry('x', alice.accountId, 7),
        entry('y', alice.accountId, 7),
        entry('z', alice.accountId, 5),
      ],
      9,
    );
    expect(stamped.map((e) => e.hlc)).toEqual([10, 11, 12]);
    expect(
      [...stamped]
        .reverse()
        .sort(compareTimeline)
        .map((e) => e.id),
    ).toEqual(['x', 'y', 'z']);
  });

  it('orders entries written before hlc existed by their sentAt', () => {
    const legacy = replica(1);
    legacy.doc.doc
      .getArray<MessageEntry>('messages')
      .insert(0, [entry('late', alice.accountId, 300), entry('early', bob.accountId, 100)]);
    legacy.doc.appendMessage(entry('new', alice.accountId, 200)); // stamped after 'late': 301
    expect(ids(legacy.doc)).toEqual(['early', 'late', 'new']);
  });

  it.each([3, 17, 4242])(
    'converges and respects causality under skewed clocks and random delivery (seed %i)',
    (seed) => {
      const random = new Random(seed);
      const replicas = [replica(11), replica(12), replica(13)];
      const skew = [0, -40_000, 25_000];
      const accounts = [alice.accountId, bob.accountId, 'c-account'];
      const seenBy = new Map<string, string[]>();
      replicas[0]!.doc.initDirect(alice, bob);
      for (let step = 0; step < 150; step++) {
        const writer = random.int(replicas.length);
        const doc = replicas[writer]!.doc;
        const id = `s${step}`;
        seenBy.set(id, ids(doc));
        doc.appendMessage(entry(id, accounts[writer]!, 1_000_000 + step * 1_000 + skew[writer]!));
        const from = replicas[random.int(replicas.length)]!;
        const to = replicas[random.int(replicas.length)]!;
        if (from.updates.length > 0 && random.chance(0.6)) {
          to.doc.applyRemoteUpdate(from.updates[random.int(from.updates.length)]!);
        }
      }
      for (const x of replicas)
        for (const y of replicas)
          if (x !== y) y.doc.applyRemoteUpdate(x.doc.diffSince(y.doc.stateVector()));
      const reference = ids(replicas[0]!.doc);
      expect(reference).toHaveLength(150);
      for (const { doc } of replicas) expect(ids(doc)).toEqual(reference);
      const position = new Map(reference.map((id, index) => [id, index]));
      for (const [id, seen] of seenBy) {
        for (const earlier of seen) expect(position.get(earlier)).toBeLessThan(position.get(id)!);
      }
    },
  );
});

describe('the chat list preview and the conversation agree', () => {
  const context: ViewContext = {
    selfAccountId: alice.accountId,
    now: 0,
    usernameOf: (accountId) => (accountId === alice.accountId ? 'alice' : 'bob'),
    nameOf: (accountId) => (accountId === alice.accountId ? 'alice' : 'bob'),
  };

  /** `docLoaded: false` renders as a chat not opened since start-up: from its projection rows. */
  function model(doc: ConversationDoc, docLoaded = true): ConversationModel {
    const rows = new Map(
      doc
        .timeline()
        .map((e) => [e.id, messageRow(e, 'c', e.senderId === alice.accountId, 'delivered')]),
    );
    return {
      row: { id: 'c', kind: 'direct', peerAccountId: bob.accountId, updatedAt: 0 },
      doc,
      docLoaded,
      rowsLoaded: true,
      history: new SealedHistory(),
      timeline: () => doc.timeline(),
      rows,
      typing: new Map(),
      logSeqs: [],
      logBytes: 0,
      staged: [],
      snapshotBytes: 0,
      compacting: false,
    };
  }

  it('previews the last bubble after both sides wrote offline, with the later clock skewed', () => {
    // Client ids that make Yjs merge Alice's entry first, against the clocks.
    const a = replica(1);
    const b = replica(2);
    a.doc.initDirect(alice, bob);
    a.doc.appendMessage(entry('a-offline', alice.accountId, 10_000));
    // Bob wrote later by the clocks of the world but his device's clock is behind Alice's.
    b.doc.appendMessage(entry('b-offline', bob.accountId, 9_000));
    deliver(b, a);
    deliver(a, b);
    for (const doc of [a.doc, b.doc]) {
      const views = messageViews(model(doc), context);
      expect(views.map((v) => v.body)).toEqual(['b-offline', 'a-offline']);
      expect(conversationView(model(doc), context).lastMessage?.body).toBe(views.at(-1)?.body);
      expect(conversationView(model(doc, false), context).lastMessage?.body).toBe(
        views.at(-1)?.body,
      );
      // A chat whose rows are not read yet: its summary, kept with the rows (0821).
      const unread = model(doc, false);
      const listed = {
        ...unread,
        rowsLoaded: false,
        row: { ...unread.row, summary: summarize(unread.rows.values()) },
        rows: new Map(),
      };
      expect(conversationView(listed, context).lastMessage?.body).toBe(views.at(-1)?.body);
    }
  });
});
