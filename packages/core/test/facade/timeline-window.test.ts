import { describe, expect, it } from 'vitest';
import type { Contacts } from '../../src/account/contacts.js';
import type { LocalDevice } from '../../src/account/local-device.js';
import { ConversationDoc } from '../../src/conversations/conversation-doc.js';
import { Conversations, messageRow } from '../../src/conversations/conversations.js';
import { LiveViews, TIMELINE_PAGE } from '../../src/facade/live-views.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { UnitOfWork } from '../../src/store/unit-of-work.js';

/**
 * A chat's timeline holds its newest page at first and grows by pages as the list scrolls up, or
 * down to a search result (docs/decisions/0820). The device and contacts are stand-ins with no
 * account: views only ask them for names.
 */
const MESSAGES = 2 * TIMELINE_PAGE + 50;

async function chatOf(count: number): Promise<{ views: LiveViews; conversations: Conversations }> {
  const store = new MemoryStore();
  const doc = new ConversationDoc('chat');
  doc.initDirect({ accountId: 'self', username: 'me' }, { accountId: 'peer', username: 'pal' });
  doc.appendMessages(
    Array.from({ length: count }, (_, i) => ({
      id: `m${i}`,
      kind: 'text' as const,
      senderId: 'peer',
      senderDeviceId: 1,
      sentAt: 1_000 + i,
      hlc: 1_000 + i,
      body: `message ${i}`,
    })),
  );
  const work = new UnitOfWork();
  work.snapshots.push({ conversationId: 'chat', snapshot: doc.snapshot() as never });
  work.conversations.set('chat', {
    id: 'chat',
    kind: 'direct',
    peerAccountId: 'peer',
    updatedAt: 1_000 + count,
  });
  for (const entry of doc.timeline())
    work.messages.set(entry.id, messageRow(entry, 'chat', false, 'delivered'));
  await store.commit(work);
  const conversations = new Conversations({
    store,
    selfAccountId: () => 'self',
    changed: () => undefined,
  });
  await conversations.load();
  const views = new LiveViews({
    device: { account: undefined } as unknown as LocalDevice,
    conversations,
    contacts: { usernameOf: () => undefined } as unknown as Contacts,
    connectionState: () => 'offline',
    loadRows: () => undefined,
    timelinePage: TIMELINE_PAGE,
  });
  return { views, conversations };
}

const ids = (views: LiveViews) =>
  views
    .messages('chat')
    .getSnapshot()
    .map((view) => view.id);

describe("a chat's timeline window", () => {
  it('holds the newest page, then one more per showOlder, down to the first message', async () => {
    const { views } = await chatOf(MESSAGES);
    expect(ids(views)).toHaveLength(TIMELINE_PAGE);
    expect(ids(views).at(-1)).toBe(`m${MESSAGES - 1}`);
    views.showOlder('chat');
    expect(ids(views)).toHaveLength(2 * TIMELINE_PAGE);
    views.showOlder('chat');
    expect(ids(views)).toHaveLength(MESSAGES);
    expect(ids(views)[0]).toBe('m0');
    const whole = views.messages('chat').getSnapshot();
    views.showOlder('chat');
    // Nothing older: the same snapshot, no re-render.
    expect(views.messages('chat').getSnapshot()).toBe(whole);
  });

  it('widens down to a message and half a page before it', async () => {
    const { views } = await chatOf(MESSAGES);
    expect(ids(views)).not.toContain('m100');
    expect(await views.showMessage('chat', 'm100')).toBe(true);
    expect(ids(views)[0]).toBe(`m${100 - TIMELINE_PAGE / 2}`);
    // A message already inside changes nothing.
    const shown = views.messages('chat').getSnapshot();
    await views.showMessage('chat', `m${MESSAGES - 1}`);
    expect(views.messages('chat').getSnapshot()).toBe(shown);
    // A message the chat does not hold (expired, another chat's) is reported, and changes nothing.
    expect(await views.showMessage('chat', 'gone')).toBe(false);
    expect(views.messages('chat').getSnapshot()).toBe(shown);
  });

  it('holds the whole timeline when no page is given', async () => {
    const { conversations } = await chatOf(MESSAGES);
    const views = new LiveViews({
      device: { account: undefined } as unknown as LocalDevice,
      conversations,
      contacts: { usernameOf: () => undefined } as unknown as Contacts,
      connectionState: () => 'offline',
      loadRows: () => undefined,
    });
    expect(ids(views)).toHaveLength(MESSAGES);
  });

  it('keeps its oldest message when a new one arrives', async () => {
    const { views, conversations } = await chatOf(MESSAGES);
    const before = ids(views);
    const model = conversations.get('chat')!;
    conversations.stage(new UnitOfWork(), model, (doc) =>
      doc.appendMessage({
        id: 'new',
        kind: 'text',
        senderId: 'peer',
        senderDeviceId: 1,
        sentAt: 1_000_000,
        hlc: 1_000_000,
        body: 'new',
      }),
    );
    views.conversationChanged('chat');
    expect(ids(views)).toEqual([...before, 'new']);
  });
});
