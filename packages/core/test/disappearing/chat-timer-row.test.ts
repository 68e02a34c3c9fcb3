import { describe, expect, it } from 'vitest';
import { ConversationDoc } from '../../src/conversations/conversation-doc.js';
import { Conversations, type ConversationModel } from '../../src/conversations/conversations.js';
import { Disappearing, type DisappearingDeps } from '../../src/disappearing/disappearing.js';
import { conversationView, type ViewContext } from '../../src/facade/views.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { UnitOfWork } from '../../src/store/unit-of-work.js';
import { ManualClock } from './manual-clock.js';

/**
 * A direct chat's row records its disappearing timer whenever a change to its document is staged,
 * so the chat list shows the timer after a restart without decoding the document
 * (docs/decisions/0810). Only timerOf and recordTimer are used: the other deps are never called.
 */
const self = { accountId: 'self', username: 'me' };
const peer = { accountId: 'peer', username: 'pal' };

function disappearing(): Disappearing {
  const groups = {
    isGroup: (model: ConversationModel) => model.doc.kind === 'group',
    state: () => undefined,
  };
  return new Disappearing({ groups, clock: new ManualClock() } as unknown as DisappearingDeps);
}

function conversationsOn(store: MemoryStore, timers: Disappearing): Conversations {
  return new Conversations({
    store,
    selfAccountId: () => self.accountId,
    changed: () => undefined,
    afterStage: (work, model) => timers.recordTimer(work, model),
  });
}

function contextOf(timers: Disappearing): ViewContext {
  return {
    selfAccountId: self.accountId,
    now: 0,
    usernameOf: (accountId) => (accountId === self.accountId ? 'me' : 'pal'),
    nameOf: (accountId) => (accountId === self.accountId ? 'me' : 'pal'),
    disappearingSeconds: (model) => timers.timerOf(model),
  };
}

/** A device's store after the peer's update, which set the chat's timer, was applied. */
async function storeWithTimer(seconds: number): Promise<MemoryStore> {
  const store = new MemoryStore();
  const timers = disappearing();
  const conversations = conversationsOn(store, timers);
  const created = new UnitOfWork();
  conversations.create(created, {
    id: 'chat',
    kind: 'direct',
    peerAccountId: peer.accountId,
    updatedAt: 1,
  });
  await store.commit(created);
  const remote = new ConversationDoc('chat');
  remote.initDirect(self, peer);
  remote.appendTimerChange({
    id: 't1',
    kind: 'timer',
    senderId: peer.accountId,
    senderDeviceId: 1,
    sentAt: 2,
    body: '',
    timerSeconds: seconds,
  });
  const work = new UnitOfWork();
  const model = conversations.get('chat')!;
  conversations.stage(work, model, (doc) => doc.applyRemoteUpdate(remote.snapshot()));
  expect(work.conversations.get('chat')?.disappearingSeconds).toBe(seconds);
  await store.commit(work);
  return store;
}

describe("a direct chat's row records its timer", () => {
  it('shows the timer after a restart without decoding the document', async () => {
    const store = await storeWithTimer(300);
    const timers = disappearing();
    const conversations = conversationsOn(store, timers);
    await conversations.load();
    const model = conversations.get('chat')!;
    expect(conversationView(model, contextOf(timers)).disappearingSeconds).toBe(300);
    expect(model.docLoaded).toBe(false);
  });

  it('reads the document when the row was written before the timer was kept', async () => {
    const store = await storeWithTimer(300);
    const { disappearingSeconds: _kept, ...older } = store.conversations.get('chat')!;
    store.conversations.set('chat', older);
    const timers = disappearing();
    const conversations = conversationsOn(store, timers);
    await conversations.load();
    const model = conversations.get('chat')!;
    expect(conversationView(model, contextOf(timers)).disappearingSeconds).toBe(300);
    expect(model.docLoaded).toBe(true);
  });

  it('keeps the timer on the row other changes stage, and records a new one', async () => {
    const store = await storeWithTimer(300);
    const timers = disappearing();
    const conversations = conversationsOn(store, timers);
    await conversations.load();
    await conversations.ensure(['chat']);
    const model = conversations.get('chat')!;
    const message = new UnitOfWork();
    conversations.stage(message, model, (doc) =>
      doc.appendMessage({
        id: 'm1',
        kind: 'text',
        senderId: self.accountId,
        senderDeviceId: 1,
        sentAt: 3,
        body: 'hi',
      }),
    );
    // The message touches the row (its time): the timer stays on it.
    expect(message.conversations.get('chat')?.disappearingSeconds).toBe(300);
    const off = new UnitOfWork();
    conversations.stage(off, model, (doc) =>
      doc.appendTimerChange({
        id: 't2',
        kind: 'timer',
        senderId: self.accountId,
        senderDeviceId: 1,
        sentAt: 4,
        body: '',
        timerSeconds: 0,
      }),
    );
    expect(off.conversations.get('chat')?.disappearingSeconds).toBe(0);
  });
});
