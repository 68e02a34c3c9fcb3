import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ConversationDoc, type MessageEntry } from '../../src/conversations/conversation-doc.js';
import { Conversations } from '../../src/conversations/conversations.js';
import type { LiveViews } from '../../src/facade/live-views.js';
import { offlineViews } from '../../src/test-support/offline-views.js';
import { decodeSegment } from '../../src/history/segment-codec.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { storeDirectChat } from '../../src/test-support/stored-chat.js';

/**
 * Sealed history (docs/decisions/0820, "Sealed segments"), with a window of 20 entries and
 * segments of 10: 75 messages seal into 5 segments and leave 25 live.
 */
const SEALING = { liveEntries: 20, segmentEntries: 10 };
const COUNT = 75;
const PAGE = 8;
const allIds = Array.from({ length: COUNT }, (_, i) => `m${i}`);

function entry(i: number): MessageEntry {
  return {
    id: `m${i}`,
    kind: 'text',
    senderId: i % 3 === 0 ? 'self' : 'peer',
    senderDeviceId: 1,
    sentAt: 1_000 + i,
    hlc: 1_000 + i,
    body: `message ${i}`,
    ...(i === 7 ? { replyTo: 'm2', forwarded: true } : {}),
  };
}

async function storedChat(store = new MemoryStore()): Promise<MemoryStore> {
  const doc = new ConversationDoc('chat');
  doc.initDirect({ accountId: 'self', username: 'me' }, { accountId: 'peer', username: 'pal' });
  doc.appendMessages(Array.from({ length: COUNT }, (_, i) => entry(i)));
  await storeDirectChat(store, doc, { updatedAt: 2_000, status: 'delivered' });
  return store;
}

async function open(store: MemoryStore) {
  const conversations = new Conversations({
    store,
    selfAccountId: () => 'self',
    changed: () => undefined,
    sealing: SEALING,
  });
  await conversations.load();
  await conversations.ensure(conversations.all().map((model) => model.row.id));
  const views = offlineViews(conversations, { timelinePage: PAGE });
  return { conversations, views, model: conversations.get('chat')! };
}

const shown = (views: LiveViews) =>
  views
    .messages('chat')
    .getSnapshot()
    .map((view) => view.id);

/**
 * Scrolls up until the window stops moving; resolves with every message it showed on the way, in
 * order (the window holds a few pages at a time: docs/decisions/0820, "Scrolling").
 */
async function scrollToTop(views: LiveViews, conversations: Conversations): Promise<string[]> {
  let seen = shown(views);
  for (;;) {
    const before = views.messages('chat').getSnapshot();
    views.showOlder('chat');
    const model = conversations.get('chat')!;
    while (model.history.reading) await model.history.reading;
    await Promise.resolve(); // showOlder moves in the read's continuation
    if (views.messages('chat').getSnapshot() === before) return seen;
    const window = shown(views);
    seen = [...window.slice(0, window.indexOf(seen[0]!)), ...seen];
  }
}

/** The stored entries: live in the snapshot, sealed in the segments. */
function stored(store: MemoryStore): { live: string[]; sealed: string[] } {
  const doc = new ConversationDoc('chat');
  doc.applyRemoteUpdate(store.snapshots.get('chat')!.snapshot);
  for (const row of store.docUpdates.values()) doc.applyRemoteUpdate(row.update);
  const segments = [...store.segments.values()].sort((a, b) => a.seq - b.seq);
  return {
    live: doc.timeline().map((item) => item.id),
    sealed: segments.flatMap((row) => decodeSegment(row.bytes).map((item) => item.id)),
  };
}

describe('sealed history segments', () => {
  it('seals the oldest entries at compaction and pages every message back in order', async () => {
    const store = await storedChat();
    const { conversations, views, model } = await open(store);
    expect(shown(views)).toEqual(allIds.slice(-PAGE));

    await conversations.compactIfNeeded(model);
    expect(store.segments.size).toBe(5);
    expect(stored(store)).toEqual({ live: allIds.slice(50), sealed: allIds.slice(0, 50) });
    expect(model.doc.timeline().map((item) => item.id)).toEqual(allIds.slice(50));
    // What this session sealed stays in memory: nothing moves under the reader.
    expect(model.timeline().map((item) => item.id)).toEqual(allIds);
    const segment = decodeSegment(store.segments.get('chat 0')!.bytes);
    expect(segment[7]).toEqual({ ...entry(7), hlc: 1_007 });

    expect(await scrollToTop(views, conversations)).toEqual(allIds);
  });

  it('reads segments back after a reload, a page at a time, and opens a search hit in them', async () => {
    const store = await storedChat();
    const first = await open(store);
    await first.conversations.compactIfNeeded(first.model, true);

    const { conversations, views, model } = await open(store);
    expect(model.timeline().map((item) => item.id)).toEqual(allIds.slice(50));
    expect(await scrollToTop(views, conversations)).toEqual(allIds);

    const again = await open(store);
    expect(await again.views.showMessage('chat', 'm12')).toBe(true);
    expect(shown(again.views)[0]).toBe(`m${12 - PAGE / 2}`);
    expect(shown(again.views).at(-1)).toBe(`m${12 - PAGE / 2 + 2 * PAGE - 1}`);
    expect(await again.views.showMessage('chat', 'nope')).toBe(false);
  });

  it('writes a segment if and only if its entries leave the stored document', async () => {
    const store = await storedChat();
    const { conversations, model } = await open(store);
    store.failNextCommit = new Error('power lost');
    await expect(conversations.compactIfNeeded(model, true)).rejects.toThrow('power lost');
    // Nothing was written: the stored document still holds everything, no segment exists.
    expect(store.segments.size).toBe(0);
    expect(stored(store)).toEqual({ live: allIds, sealed: [] });
    const reloaded = await open(store);
    expect(reloaded.model.timeline().map((item) => item.id)).toEqual(allIds);

    // The sealed segments wait in memory and go with the next compaction.
    await conversations.compactIfNeeded(model);
    expect(stored(store)).toEqual({ live: allIds.slice(50), sealed: allIds.slice(0, 50) });
  });

  it('purges a sealed message deleted for everyone from its segment', async () => {
    const store = await storedChat();
    const first = await open(store);
    await first.conversations.compactIfNeeded(first.model, true);

    const { conversations, views, model } = await open(store);
    conversations.purgeSealed(model, ['m3', 'm61']); // m61 is live: its own removal handles it
    await conversations.compactIfNeeded(model);
    expect(stored(store).sealed).toEqual(allIds.slice(0, 50).filter((id) => id !== 'm3'));
    expect([...store.segments.values()].filter((row) => row.seq !== 0)).toHaveLength(4);
    expect(store.segments.get('chat 0')).toMatchObject({ fromKey: 1_000, toKey: 1_009 });
    expect(await scrollToTop(views, conversations)).toEqual(allIds.filter((id) => id !== 'm3'));
  });
});

describe('sealing stays on this device', () => {
  function pair(): { a: ConversationDoc; b: ConversationDoc } {
    const a = new ConversationDoc('chat');
    a.appendMessages(Array.from({ length: COUNT }, (_, i) => entry(i)));
    const b = new ConversationDoc('chat');
    b.applyRemoteUpdate(a.snapshot());
    return { a, b };
  }
  const ids = (doc: ConversationDoc) => doc.timeline().map((item) => item.id);

  it('a sync reply carries no deletion of sealed entries, and later appends still merge', async () => {
    const { a, b } = pair();
    a.removeSealed(new Set(allIds.slice(0, 50)));
    b.appendMessage({ ...entry(100), id: 'from-b' });
    a.appendMessage({ ...entry(101), id: 'from-a' });

    b.applyRemoteUpdate(a.diffSince(b.stateVector()));
    a.applyRemoteUpdate(b.diffSince(a.stateVector()));
    expect(ids(b)).toEqual([...allIds, 'from-b', 'from-a']);
    expect(b.messages()).toHaveLength(COUNT + 2);
    expect(ids(a)).toEqual([...allIds.slice(50), 'from-b', 'from-a']);

    // What Yjs alone would have sent deletes B's copies (the test can fail).
    const plain = new ConversationDoc('chat');
    plain.applyRemoteUpdate(Y.encodeStateAsUpdate(b.doc));
    plain.applyRemoteUpdate(Y.encodeStateAsUpdate(a.doc, plain.stateVector()));
    expect(plain.messages()).toHaveLength(27);
  });

  it('keeps the deletions of other types, byte for byte as Yjs writes them', () => {
    const { a, b } = pair();
    a.doc.transact(() => {
      a.doc.getMap('joins').set('x', 1);
      a.doc.getMap('joins').set('y', 2);
    });
    a.doc.transact(() => a.doc.getMap('joins').delete('x'));
    const sv = b.stateVector();
    expect(a.diffSince(sv)).toEqual(Y.encodeStateAsUpdate(a.doc, sv));
    a.removeSealed(new Set(['m1', 'm2']));
    b.applyRemoteUpdate(a.diffSince(sv));
    expect(b.doc.getMap('joins').toJSON()).toEqual({ y: 2 });
    expect(ids(b)).toEqual(allIds);
    expect(b.messages()).toHaveLength(COUNT);
  });
});
