import { describe, expect, it } from 'vitest';
import { ConversationDoc, type MessageEntry } from '../../src/conversations/conversation-doc.js';
import { Conversations } from '../../src/conversations/conversations.js';
import { WINDOW_PAGES } from '../../src/facade/live-views.js';
import { offlineViews } from '../../src/test-support/offline-views.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { storeDirectChat } from '../../src/test-support/stored-chat.js';
import { UnitOfWork } from '../../src/store/unit-of-work.js';

/**
 * A chat's messages() as a sliding window (docs/decisions/0820, "Scrolling"), on the real
 * conversation models and sealed segments in the memory store: 300 messages, a live document of
 * at least 40 entries and segments of 20 (so 260 sealed in 13 segments), pages of 25. The device
 * and contacts are stand-ins: views only ask them for this account and for names.
 */
const COUNT = 300;
const SEALING = { liveEntries: 40, segmentEntries: 20 };
const PAGE = 25;
const MAX = WINDOW_PAGES * PAGE;
const allIds = Array.from({ length: COUNT }, (_, i) => `m${i}`);
const SELF = { accountId: 'self', username: 'me', deviceId: 1 };

function entry(i: number, from = i % 2 === 0 ? 'peer' : 'self'): MessageEntry {
  return {
    id: `m${i}`,
    kind: 'text',
    senderId: from,
    senderDeviceId: 1,
    sentAt: 1_000 + i,
    hlc: 1_000 + i,
    body: `message ${i}`,
  };
}

/** The chat stored, then sealed (a compaction) and opened again: its history is in segments. */
async function sealedChat() {
  const store = new MemoryStore();
  const doc = new ConversationDoc('chat');
  doc.initDirect(SELF, { accountId: 'peer', username: 'pal' });
  doc.appendMessages(allIds.map((_, i) => entry(i)));
  await storeDirectChat(store, doc, { updatedAt: 2, status: 'delivered' });
  const first = await open(store);
  // A compaction seals at most MAX_SEGMENTS_PER_COMPACTION segments.
  for (let sealed = -1; sealed !== store.segments.size;) {
    sealed = store.segments.size;
    await first.conversations.compactIfNeeded(first.model, true);
  }
  expect(store.segments.size).toBe((COUNT - SEALING.liveEntries) / SEALING.segmentEntries);
  return open(store);
}

async function open(store: MemoryStore) {
  const conversations = new Conversations({
    store,
    selfAccountId: () => SELF.accountId,
    changed: () => undefined,
    sealing: SEALING,
  });
  await conversations.load();
  await conversations.ensure(['chat']);
  const views = offlineViews(conversations, { timelinePage: PAGE, self: SELF });
  return { conversations, views, model: conversations.get('chat')! };
}

type Chat = Awaited<ReturnType<typeof open>>;

const snapshot = ({ views }: Chat) => views.messages('chat').getSnapshot();
const shown = (chat: Chat) => snapshot(chat).map((view) => view.id);

/** showOlder, and the segment read it may start; true when the window moved. */
async function older(chat: Chat): Promise<boolean> {
  const before = snapshot(chat);
  chat.views.showOlder('chat');
  // A read of the next segment settles in a few turns (dynamic import, store read, decode).
  while (chat.model.history.reading) await chat.model.history.reading;
  await Promise.resolve();
  return snapshot(chat) !== before;
}

/** Every message seen in window after window, each window's new ones joined to the others. */
function joinOlder(seen: string[], window: readonly string[]): string[] {
  const overlap = window.indexOf(seen[0]!);
  expect(overlap, 'each window overlaps the one before').toBeGreaterThan(0);
  expect(window.slice(overlap, overlap + seen.length)).toEqual(
    seen.slice(0, window.length - overlap),
  );
  return [...window.slice(0, overlap), ...seen];
}

function appendArrived(chat: Chat, item: MessageEntry): void {
  chat.conversations.stage(new UnitOfWork(), chat.model, (doc) => doc.appendMessage(item));
  chat.views.conversationChanged('chat');
}

describe("a chat's sliding window", () => {
  it('scrolls to the first message through sealed segments, holding at most a few pages', async () => {
    const chat = await sealedChat();
    expect(shown(chat)).toEqual(allIds.slice(-PAGE));
    let seen = shown(chat);
    let largest = 0;
    while (await older(chat)) {
      largest = Math.max(largest, shown(chat).length);
      seen = joinOlder(seen, shown(chat));
    }
    // In timeline order across every page and segment boundary, each message once.
    expect(seen).toEqual(allIds);
    expect(largest).toBe(MAX);
    expect(shown(chat)).toEqual(allIds.slice(0, MAX));
  });

  it('builds the views of the new page only and reuses the others', async () => {
    const chat = await sealedChat();
    await older(chat);
    const before = new Map(snapshot(chat).map((view) => [view.id, view]));
    await older(chat);
    const after = snapshot(chat);
    const kept = after.filter((view) => before.has(view.id));
    expect(after.length).toBeGreaterThan(before.size);
    expect(kept.length).toBe(before.size);
    for (const view of kept) expect(view).toBe(before.get(view.id));
    // A change of the chat builds the window's views again (a receipt, a name).
    chat.views.conversationChanged('chat');
    const rebuilt = snapshot(chat).find((view) => view.id === kept[0]!.id);
    expect(rebuilt).not.toBe(kept[0]);
    expect(rebuilt).toEqual(kept[0]);
  });

  it('scrolls back down to the newest message, and jumps back there', async () => {
    const chat = await sealedChat();
    while (await older(chat));
    chat.views.showNewer('chat');
    expect(shown(chat)).toEqual(allIds.slice(PAGE, PAGE + MAX));
    // The jump button: straight back to the newest page, live.
    expect(chat.views.showNewest('chat')).toBe(true);
    expect(shown(chat)).toEqual(allIds.slice(-PAGE));
    expect(chat.views.showNewest('chat')).toBe(false);

    while (await older(chat));
    let last = shown(chat);
    for (;;) {
      chat.views.showNewer('chat');
      const window = shown(chat);
      if (window.at(-1) === last.at(-1)) break;
      expect(window.indexOf(last.at(-1)!)).toBeGreaterThanOrEqual(0);
      expect(window.length).toBeLessThanOrEqual(MAX);
      last = window;
    }
    expect(last).toEqual(allIds.slice(-MAX));
    // Live again: a new message joins it.
    appendArrived(chat, entry(COUNT, 'peer'));
    expect(shown(chat).at(-1)).toBe(`m${COUNT}`);
  });

  it("keeps the reader's place when a message arrives, and follows a message this device sends", async () => {
    const chat = await sealedChat();
    for (let i = 0; i < 4; i++) await older(chat);
    const reading = snapshot(chat);
    appendArrived(chat, entry(COUNT, 'peer'));
    // Another device of this account sends too: still nothing moves.
    appendArrived(chat, { ...entry(COUNT + 1, 'self'), senderDeviceId: 2 });
    expect(shown(chat)).toEqual(reading.map((view) => view.id));
    expect(chat.views.showNewest('chat')).toBe(true);
    expect(shown(chat).slice(-2)).toEqual([`m${COUNT}`, `m${COUNT + 1}`]);

    for (let i = 0; i < 4; i++) await older(chat);
    appendArrived(chat, entry(COUNT + 2, 'self'));
    expect(shown(chat).at(-1)).toBe(`m${COUNT + 2}`);
    expect(shown(chat)).toHaveLength(PAGE);
  });

  it('opens around a message deep in sealed history and scrolls from there', async () => {
    const chat = await sealedChat();
    expect(await chat.views.showMessage('chat', 'm30')).toBe(true);
    const half = Math.floor(PAGE / 2);
    expect(shown(chat)).toEqual(allIds.slice(30 - half, 30 - half + 2 * PAGE));
    // Already shown: nothing moves.
    const window = snapshot(chat);
    expect(await chat.views.showMessage('chat', 'm40')).toBe(true);
    expect(snapshot(chat)).toBe(window);
    expect(await chat.views.showMessage('chat', 'nope')).toBe(false);
    while (await older(chat));
    expect(shown(chat)[0]).toBe('m0');
  });

  it('holds the whole timeline when no page is given', async () => {
    const chat = await sealedChat();
    const views = offlineViews(chat.conversations, { self: SELF });
    expect(views.messages('chat').getSnapshot()).toHaveLength(SEALING.liveEntries);
    views.showOlder('chat');
    while (chat.model.history.reading) await chat.model.history.reading;
    await Promise.resolve();
    expect(views.messages('chat').getSnapshot()).toHaveLength(
      SEALING.liveEntries + SEALING.segmentEntries,
    );
  });
});
