import { summarize } from '../conversations/summary.js';
import { messageRow } from '../conversations/conversations.js';
import { ConversationDoc } from '../conversations/conversation-doc.js';
import { directConversationId } from '../conversations/conversation-id.js';
import { SEALING } from '../history/limits.js';
import { sealDocument } from '../history/seal.js';
import type {
  ContactRow,
  ConversationRow,
  DocSegmentRow,
  DocSnapshotRow,
  MessageRow,
} from '../store/database.js';

/**
 * Stored state for benchmarks and tests: conversations as this device would hold them after
 * receiving their messages, built with the document schema's own functions (ConversationDoc) and
 * projected the way Conversations projects received messages. Nothing is encrypted or sent: this
 * seeds storage, it does not exercise the protocol.
 */

export interface SeedAccount {
  accountId: string;
  username: string;
  deviceId: number;
}

export interface SeedOptions {
  /** The registered account of the device being seeded. */
  self: SeedAccount;
  /** How many direct conversations, each with its own peer. */
  conversations: number;
  /** Messages in every conversation but the first. */
  messagesPerConversation: number;
  /** Messages in the first conversation, the most recently active one. */
  largeConversationMessages: number;
  /** The newest message's time (ms); older ones are a minute apart before it. */
  now?: number;
  /** Each message's text (default "Seeded message n of count"). */
  body?: SeedBody;
  /** Peers are named `${usernamePrefix}${index}` (default 'seeded'): batches seeded apart differ. */
  usernamePrefix?: string;
  /** The message the nth one quotes, given the ids of the messages before it (default none). */
  replyTo?: (n: number, earlierIds: readonly string[]) => string | undefined;
  /**
   * Seal what overflows each document's live window into segments, as a device running this
   * code holds a long chat (history/, docs/decisions/0820); by default documents stay whole.
   */
  sealed?: boolean;
}

type SeedBody = (n: number, count: number) => string;

/** Rows for the device's tables, keyed like ParleyDatabase's stores. */
export interface SeedRows {
  contacts: ContactRow[];
  conversations: ConversationRow[];
  docSnapshots: DocSnapshotRow[];
  docSegments: DocSegmentRow[];
  messages: MessageRow[];
  /** The first (largest, most recent) conversation and its newest message. */
  largeConversationId: string;
  largeConversationLastMessageId: string;
}

export async function seedConversations(options: SeedOptions): Promise<SeedRows> {
  const now = options.now ?? Date.now();
  const rows: SeedRows = {
    contacts: [],
    conversations: [],
    docSnapshots: [],
    docSegments: [],
    messages: [],
    largeConversationId: '',
    largeConversationLastMessageId: '',
  };
  for (let index = 0; index < options.conversations; index++) {
    const peer = {
      accountId: crypto.randomUUID(),
      username: `${options.usernamePrefix ?? 'seeded'}${index}`,
    };
    const count = index === 0 ? options.largeConversationMessages : options.messagesPerConversation;
    // Each conversation one hour older than the previous one: the first is the most recent.
    const newest = now - index * 3_600_000;
    const id = await directConversationId(options.self.accountId, peer.accountId);
    const doc = new ConversationDoc(id);
    doc.initDirect(options.self, peer);
    const body =
      options.body ?? ((n: number, total: number) => `Seeded message ${n + 1} of ${total}`);
    const messages = seedMessages(doc, options, peer.accountId, { count, newest, body });
    rows.contacts.push(peer);
    rows.conversations.push({
      id,
      kind: 'direct',
      peerAccountId: peer.accountId,
      updatedAt: newest,
      // As the device records it (disappearing/): no timer was ever set.
      disappearingSeconds: 0,
      // As Conversations keeps it with the rows (docs/decisions/0821).
      summary: summarize(messages),
    });
    if (options.sealed)
      for (const { row } of sealDocument(doc, id, 0, SEALING)) rows.docSegments.push(row);
    rows.docSnapshots.push({
      conversationId: id,
      snapshot: doc.snapshot() as Uint8Array<ArrayBuffer>,
    });
    rows.messages.push(...messages);
    if (index === 0) {
      rows.largeConversationId = id;
      rows.largeConversationLastMessageId = messages.at(-1)?.id ?? '';
    }
  }
  return rows;
}

/** Alternating incoming and outgoing messages, all read (no receipts left to send). */
function seedMessages(
  doc: ConversationDoc,
  { self, replyTo }: SeedOptions,
  peerAccountId: string,
  { count, newest, body }: { count: number; newest: number; body: SeedBody },
): MessageRow[] {
  const rows: MessageRow[] = [];
  const ids: string[] = [];
  for (let n = 0; n < count; n++) {
    const outgoing = n % 2 === 1;
    const quoted = replyTo?.(n, ids);
    const entry = {
      id: crypto.randomUUID(),
      kind: 'text' as const,
      senderId: outgoing ? self.accountId : peerAccountId,
      senderDeviceId: outgoing ? self.deviceId : 1,
      sentAt: newest - (count - 1 - n) * 60_000,
      body: body(n, count),
      ...(quoted ? { replyTo: quoted } : {}),
    };
    ids.push(entry.id);
    doc.appendMessage(entry);
    rows.push(messageRow(entry, doc.id, outgoing, 'read'));
  }
  return rows;
}
