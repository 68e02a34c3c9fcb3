/** DEVELOPMENT FAKE data: deterministic chats and timelines for the benchmark and UI work. */
import type { ConversationView, MessageStatus, MessageView, SelfView } from '../messenger/types.js';

export interface Seed {
  chats: number;
  messagesInFirstChat: number;
}

const names = [
  'alice',
  'bob',
  'carol',
  'dave',
  'erin',
  'frank',
  'grace',
  'heidi',
  'ivan',
  'judy',
  'mallory',
  'oscar',
];
const phrases = [
  'See you at eight?',
  'Sounds good to me.',
  'I pushed the fix, can you take a look when you have a minute?',
  'Haha, yes 😄',
  'The train is late again.',
  'Did you get the photos from Saturday?',
  'On my way.',
  'Let me check and get back to you tomorrow morning, I think the shop closes early on Sundays.',
];

export function seedConversations(seed: Seed, self: SelfView) {
  const now = Date.now();
  const conversations: ConversationView[] = [];
  const timelines = new Map<string, MessageView[]>();
  for (let i = 0; i < seed.chats; i++) {
    const peer = `${names[i % names.length]}${i < names.length ? '' : i}`;
    const id = `dm-${peer}`;
    const count = i === 0 ? seed.messagesInFirstChat : 3;
    const unreadCount = i % 4 === 1 ? (i % 7) + 1 : 0;
    const messages = seedTimeline(id, peer, self, count, now - i * 7 * 60_000, unreadCount > 0);
    timelines.set(id, messages);
    const last = messages.at(-1);
    conversations.push({
      id,
      kind: 'direct',
      title: peer,
      peerUsername: peer,
      lastMessage: last && {
        body: last.body,
        sentAt: last.sentAt,
        outgoing: last.outgoing,
        status: last.status,
      },
      unreadCount,
      updatedAt: last?.sentAt ?? now,
      typing: [],
    });
  }
  return { conversations, timelines };
}

function seedTimeline(
  conversationId: string,
  peer: string,
  self: SelfView,
  count: number,
  end: number,
  lastRunIncoming = false,
): MessageView[] {
  const messages: MessageView[] = [];
  // Runs of three from one side, a minute apart, with a pause between runs, so bubbles group as in
  // a real chat and long timelines span many days.
  const pause = count > 100 ? 11 * 60_000 : 4 * 60_000;
  const runs = Math.ceil(count / 3);
  let sentAt = end - runs * (pause + 2 * 60_000);
  for (let i = 0; i < count; i++) {
    sentAt += i % 3 === 0 ? pause : 60_000;
    // Runs alternate sides; the last run comes from the peer when the chat has unread messages.
    const outgoing = (Math.floor((runs * 3 - 1 - i) / 3) % 2 === 0) !== lastRunIncoming;
    const status: MessageStatus = outgoing ? (i >= count - 2 ? 'delivered' : 'read') : 'read';
    messages.push({
      id: `${conversationId}-${i}`,
      conversationId,
      senderId: outgoing ? self.accountId : `acct-${peer}`,
      senderUsername: outgoing ? self.username : peer,
      senderName: outgoing ? self.username : peer,
      senderDeviceId: 1,
      sentAt,
      body: phrases[(i * 7) % phrases.length] ?? '',
      kind: 'text',
      status,
      outgoing,
    });
  }
  return messages;
}
