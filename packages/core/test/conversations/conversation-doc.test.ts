import { describe, expect, it } from 'vitest';
import { ConversationDoc, type MessageEntry } from '../../src/conversations/conversation-doc.js';
import { directConversationId } from '../../src/conversations/conversation-id.js';

const alice = { accountId: '6f1d1c52-8a53-4a8e-9f3c-1a2b3c4d5e6f', username: 'alice' };
const bob = { accountId: '0b9e7d1a-2c3d-4e5f-8a9b-0c1d2e3f4a5b', username: 'bob' };

function entry(id: string, senderId: string, body = id): MessageEntry {
  return { id, kind: 'text', senderId, senderDeviceId: 1, sentAt: Date.now(), body };
}

/** Records every update a document produces, as the outbox would. */
function recorded(doc: ConversationDoc): Uint8Array[] {
  const updates: Uint8Array[] = [];
  doc.doc.on('update', (update: Uint8Array) => updates.push(update));
  return updates;
}

/** Small deterministic PRNG (mulberry32) so a failing seed replays exactly. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('direct conversation ids', () => {
  it('are the same from both sides and differ between pairs', async () => {
    const id = await directConversationId(alice.accountId, bob.accountId);
    expect(id).toBe(await directConversationId(bob.accountId, alice.accountId));
    expect(id).toMatch(/^d-[0-9a-f]{32}$/);
    expect(await directConversationId(alice.accountId, crypto.randomUUID())).not.toBe(id);
  });
});

describe('ConversationDoc', () => {
  it('converges when both sides set up the conversation and write concurrently', () => {
    const a = new ConversationDoc('c');
    const b = new ConversationDoc('c');
    const fromA = recorded(a);
    const fromB = recorded(b);
    a.initDirect(alice, bob);
    b.initDirect(bob, alice);
    a.appendMessage(entry('a1', alice.accountId));
    b.appendMessage(entry('b1', bob.accountId));
    a.appendMessage(entry('a2', alice.accountId));
    for (const update of fromA.slice()) b.applyRemoteUpdate(update);
    for (const update of fromB.slice()) a.applyRemoteUpdate(update);
    expect(a.messages().map((m) => m.id)).toEqual(b.messages().map((m) => m.id));
    expect(
      a
        .messages()
        .map((m) => m.id)
        .sort(),
    ).toEqual(['a1', 'a2', 'b1']);
    expect(a.kind).toBe('direct');
    expect(new Map(a.memberList())).toEqual(new Map(b.memberList()));
  });

  it('applies duplicated and reordered updates idempotently, holding early ones until their dependencies arrive', () => {
    const a = new ConversationDoc('c');
    const updates = recorded(a);
    a.initDirect(alice, bob);
    for (let i = 0; i < 5; i++) a.appendMessage(entry(`m${i}`, alice.accountId));
    const b = new ConversationDoc('c');
    const added: string[] = [];
    b.onMessagesAdded((entries) => added.push(...entries.map((e) => e.id)));
    b.applyRemoteUpdate(updates[3]!);
    expect(b.hasMissingUpdates).toBe(true);
    expect(b.messageCount).toBe(0);
    for (const update of [...updates].reverse()) b.applyRemoteUpdate(update);
    for (const update of updates) b.applyRemoteUpdate(update);
    expect(b.hasMissingUpdates).toBe(false);
    expect(b.messages().map((m) => m.id)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    expect(added.sort()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
  });

  it('applies a batch of updates in one transaction; a corrupt one is reported, the rest apply', () => {
    const a = new ConversationDoc('c');
    const updates = recorded(a);
    a.initDirect(alice, bob);
    for (let i = 0; i < 6; i++) a.appendMessage(entry(`m${i}`, alice.accountId));
    const b = new ConversationDoc('c');
    const notifications: string[][] = [];
    b.onMessagesAdded((entries) => notifications.push(entries.map((e) => e.id)));
    const produced = recorded(b);
    const corrupt = Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    // Shuffled, with a duplicate and a corrupt update in the middle.
    const batch = [updates[4]!, updates[0]!, corrupt, updates[2]!, updates[1]!, updates[2]!];
    batch.push(updates[3]!, updates[5]!, updates[6]!);
    const invalid: number[] = [];
    b.applyRemoteUpdates(batch, (index) => invalid.push(index));
    expect(invalid).toEqual([2]);
    expect(b.hasMissingUpdates).toBe(false);
    expect(b.messages()).toEqual(a.messages());
    expect(notifications).toEqual([['m0', 'm1', 'm2', 'm3', 'm4', 'm5']]);
    expect(produced).toHaveLength(1); // one logged update for the whole batch
    const c = new ConversationDoc('c');
    c.applyRemoteUpdate(produced[0]!);
    expect(c.messages()).toEqual(a.messages());
  });

  it('reports every message added by remote batches exactly once, whatever the order', () => {
    const next = random(7);
    const a = new ConversationDoc('c');
    const b = new ConversationDoc('c');
    const fromA = recorded(a);
    const fromB = recorded(b);
    a.initDirect(alice, bob);
    b.applyRemoteUpdate(fromA[0]!);
    for (let i = 0; i < 40; i++) {
      const writer = next() < 0.5 ? a : b;
      writer.appendMessage(entry(`m${i}`, writer === a ? alice.accountId : bob.accountId));
    }
    const c = new ConversationDoc('c');
    const added: string[] = [];
    c.onMessagesAdded((entries) => added.push(...entries.map((e) => e.id)));
    const shuffled = [...fromA, ...fromB].sort(() => next() - 0.5);
    for (let i = 0; i < shuffled.length; i += 7)
      c.applyRemoteUpdates(shuffled.slice(i, i + 7), () => {});
    expect(c.hasMissingUpdates).toBe(false);
    expect(added).toHaveLength(40);
    expect(new Set(added)).toEqual(new Set(c.messages().map((m) => m.id)));
  });

  it('repairs a replica that missed updates with a state-vector exchange', () => {
    const a = new ConversationDoc('c');
    const updates = recorded(a);
    a.initDirect(alice, bob);
    for (let i = 0; i < 4; i++) a.appendMessage(entry(`m${i}`, alice.accountId));
    const b = new ConversationDoc('c');
    b.applyRemoteUpdate(updates[0]!);
    b.applyRemoteUpdate(updates[3]!); // missed 1 and 2
    expect(b.hasMissingUpdates).toBe(true);
    b.appendMessage(entry('b-own', bob.accountId));
    // Sync step 1 from b, step 2 from a, then a gets what it misses from b.
    b.applyRemoteUpdate(a.diffSince(b.stateVector()));
    a.applyRemoteUpdate(b.diffSince(a.stateVector()));
    expect(b.hasMissingUpdates).toBe(false);
    expect(b.messages()).toEqual(a.messages());
    expect(a.messages().map((m) => m.id)).toContain('b-own');
  });

  it.each([1, 2, 3, 42, 1337])(
    'converges under random loss, duplication and reordering (seed %i)',
    (seed) => {
      const next = random(seed);
      const replicas = [
        new ConversationDoc('c'),
        new ConversationDoc('c'),
        new ConversationDoc('c'),
      ];
      const outboxes = replicas.map(recorded);
      replicas[0]!.initDirect(alice, bob);
      for (let step = 0; step < 200; step++) {
        const writer = Math.floor(next() * replicas.length);
        replicas[writer]!.appendMessage(
          entry(`s${seed}-${step}`, writer === 0 ? alice.accountId : bob.accountId),
        );
        // Deliver a random subset of everything written so far, duplicates and all.
        const from = Math.floor(next() * replicas.length);
        const to = Math.floor(next() * replicas.length);
        const pending = outboxes[from]!;
        if (pending.length > 0 && next() < 0.7) {
          replicas[to]!.applyRemoteUpdate(pending[Math.floor(next() * pending.length)]!);
        }
      }
      // Anti-entropy: every pair exchanges state vectors once.
      for (const x of replicas)
        for (const y of replicas) if (x !== y) y.applyRemoteUpdate(x.diffSince(y.stateVector()));
      const reference = replicas[0]!.messages().map((m) => m.id);
      expect(reference).toHaveLength(200);
      expect(new Set(reference).size).toBe(200);
      for (const replica of replicas) {
        expect(replica.messages().map((m) => m.id)).toEqual(reference);
        expect(replica.hasMissingUpdates).toBe(false);
      }
    },
  );
});
