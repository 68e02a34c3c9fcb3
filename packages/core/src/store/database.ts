import { Dexie, type DexieOptions, type EntityTable } from 'dexie';
import type { AttachmentPointer } from '../media/attachment-pointer.js';
import type { CallRecord } from '../calls/types.js';
import { fillSummaries } from './summary-upgrade.js';

/**
 * The device's local database (IndexedDB through Dexie). One database per device; everything the
 * device knows lives here, so closing and reopening a messenger loses nothing.
 *
 * Byte fields are Uint8Array (IndexedDB stores them natively). Schema changes get a new
 * `version(n)` below with an upgrade function; versions are never edited once shipped.
 */

/** The registered account of this device and its credentials. Single row, key 'self'. */
export interface AccountRow {
  key: 'self';
  accountId: string;
  username: string;
  deviceId: number;
  /** Device credential presented to the relay (password for this device). */
  password: string;
  registrationId: number;
  identityKeyPair: Uint8Array<ArrayBuffer>;
  /** Next id to use for one-time prekeys (ids wrap within 1..0xFFFFFF). */
  nextPreKeyId: number;
  nextKyberPreKeyId: number;
}

export interface KeyRecordRow {
  id: number;
  record: Uint8Array<ArrayBuffer>;
}

export interface KyberPreKeyRow extends KeyRecordRow {
  /** Last-resort keys are reused; one-time Kyber keys are deleted once used. */
  lastResort: boolean;
}

export interface SessionRow {
  /** `${accountId}.${deviceId}` */
  address: string;
  accountId: string;
  deviceId: number;
  record: Uint8Array<ArrayBuffer>;
}

/** A contact's identity key, one per account (all its devices share it). */
export interface IdentityRow {
  accountId: string;
  publicKey: Uint8Array<ArrayBuffer>;
  /** The user compared safety numbers and marked this key verified. */
  verified: boolean;
  /**
   * The key changed while the contact was verified and the user has not accepted the new key
   * yet: sends to this account are held.
   */
  pendingAcceptance: boolean;
}

export interface SenderKeyRow {
  /** `${address}/${distributionId}` */
  key: string;
  record: Uint8Array<ArrayBuffer>;
}

/** A known account (username <-> account id), learned from the relay's directory. */
export interface ContactRow {
  accountId: string;
  username: string;
}

export interface ConversationRow {
  id: string;
  kind: 'direct' | 'group';
  /** For direct conversations. */
  peerAccountId?: string;
  updatedAt: number;
  /**
   * A message request (requests/): a stranger started it and this account has neither accepted
   * it nor written in it. Not indexed; rows without it are accepted.
   */
  request?: boolean;
  /**
   * For a group that is a request: the account whose invitation added this one (a stranger, as
   * `strangerTest` in requests/ decides). Block blocks it.
   */
  invitedBy?: string;
  /** The relay no longer knows the direct peer: its account was deleted (account-lifecycle/). */
  peerGone?: boolean;
  /**
   * A direct chat's disappearing timer as its document last said (disappearing/), kept so the
   * chat list shows it without decoding the document (docs/decisions/0810). Not indexed; rows
   * written before it was kept read the document instead.
   */
  disappearingSeconds?: number;
  /**
   * What the chat list shows of the chat's messages, kept with its rows in the same unit of work
   * (conversations/summary.ts), so the list needs no row of a chat not opened yet
   * (docs/decisions/0821). Not indexed; rows written before it was kept are summarized from
   * their messages once (version 16 below, or at start).
   */
  summary?: ConversationSummary;
}

/** A chat's unread count and preview (ConversationRow.summary). */
export interface ConversationSummary {
  /** Incoming text messages not read, hidden or deleted: the chat list's badge. */
  unread: number;
  /** The last visible text message, as the chat list previews it. */
  last?: MessagePreview;
  /** This account wrote a text message in the chat (a message request is then accepted). */
  wrote?: boolean;
}

export type MessagePreview = Pick<
  MessageRow,
  'id' | 'sentAt' | 'hlc' | 'body' | 'outgoing' | 'status' | 'deleted'
> & {
  /** The first attached file, which the chat list names when there is no text ("Photo"). */
  attachment?: AttachmentPreviewLabel;
};

/** What a chat list says of a message's first file. */
export type AttachmentPreviewLabel = Pick<AttachmentPointer, 'kind' | 'fileName' | 'viewOnce'>;

/** Snapshot of one conversation's Yjs document; updates since then are in `docUpdates`. */
export interface DocSnapshotRow {
  conversationId: string;
  snapshot: Uint8Array<ArrayBuffer>;
}

export interface DocUpdateRow {
  seq?: number;
  conversationId: string;
  update: Uint8Array<ArrayBuffer>;
}

/**
 * A sealed segment of a conversation's timeline (history/, docs/decisions/0820): entries removed
 * from the live document, encoded as a protobuf SealedSegment, with the range of their order keys.
 * Immutable but for purges (a delete for everyone, an expiry), which rewrite it whole.
 */
export interface DocSegmentRow extends SegmentRange {
  conversationId: string;
  bytes: Uint8Array<ArrayBuffer>;
}

/** Where a segment sits in its conversation: seq (0 = oldest) and its first and last order key. */
export interface SegmentRange {
  seq: number;
  fromKey: number;
  toKey: number;
}

export type StoredMessageStatus = 'pending' | 'sent' | 'delivered' | 'read';

/** The flat message projection: lists, unread counts and search read this, not the documents. */
export interface MessageRow {
  id: string;
  conversationId: string;
  senderId: string;
  senderDeviceId: number;
  sentAt: number;
  /**
   * The entry's timeline key (timeline-order.ts), so the chat list orders a conversation's
   * messages without decoding its document; absent on rows written before it was kept.
   */
  hlc?: number;
  body: string;
  kind: 'text' | 'system';
  outgoing: boolean;
  /** Attachment pointers of the message (validated; not indexed). */
  attachments?: AttachmentPointer[];
  /** Disappearing timer the message was sent with (disappearing/); not indexed. */
  disappearingSeconds?: number;
  /**
   * View-once media this device opened: its attachments and document entry are gone, and the row
   * stays as an "Opened" line placed by sentAt (disappearing/view-once.ts).
   */
  viewOnceOpened?: boolean;
  /** Rich messages (rich/): the message this one quotes, and whether it was forwarded. */
  replyTo?: string;
  forwarded?: boolean;
  /** The author's clock of the edit whose text `body` holds (absent: never edited). */
  editedAt?: number;
  /** Deleted for everyone: `body` is empty and the attachments are gone; a tombstone remains. */
  deleted?: boolean;
  /** A tombstone's place in the timeline (its entry is gone from the document: timeline-order). */
  orderKey?: number;
  /** Deleted for me: hidden on this account's devices. */
  hidden?: boolean;
  /** A 'system' row that is a call's timeline entry (calls/): this device's view of the call. */
  call?: CallRecord;
  /**
   * The status the row was written with. Later statuses are recorded by the writes that cause
   * them, not by rewriting this row: 'sent' when no outbox row names the message any more,
   * 'delivered' / 'read' from other accounts by receipt rows (Conversations.load derives them).
   */
  status: StoredMessageStatus;
}

/** A receipt this device received for one of its account's messages. */
export interface ReceiptRow {
  /** `${messageId}/${accountId}/${kind}` */
  key: string;
  messageId: string;
  accountId: string;
  kind: 'delivered' | 'read';
  /** When it arrived, and from which device of the member (groups: the message-info view). */
  at?: number;
  deviceId?: number;
  /** A group message's receipt: one member's, not the message's status (groups/member-receipts.ts). */
  group?: boolean;
}

/**
 * The durable outbox: one row per Content to deliver to some accounts (all their devices, and
 * this account's other devices). Written in the same transaction as the local change it
 * announces; deleted once the relay acknowledged it.
 */
export interface OutboxRow {
  seq?: number;
  /** Sent with every attempt, so the relay stores a retried send once. */
  idempotencyKey: string;
  /** Serialized parley.content.v1.Content. */
  content: Uint8Array<ArrayBuffer>;
  recipientAccountIds: string[];
  /** Also deliver to this account's other devices (false for e.g. delivery receipts). */
  ownDevices: boolean;
  /** Message ids whose status becomes 'sent' when the relay acks. */
  messageIds: string[];
  createdAt: number;
  /** Not sent before this time (ms), so that rows queued meanwhile coalesce with it. */
  notBefore?: number;
  /** A group message: encrypted once with this device's sender key for the group (decision 0610). */
  groupId?: string;
  /**
   * Content useless when late (call signals): the relay drops it undelivered this long after
   * `createdAt` (SendRequest.ttl_seconds, counted down while the row waits here); once it has
   * run out, the row is dropped unsent. Never merged with other rows (outbox-coalescing.ts).
   */
  ttlSeconds?: number;
}

/** Relay envelope ids already applied, so a redelivered envelope is acked without decrypting. */
export interface ProcessedEnvelopeRow {
  envelopeId: string;
  at: number;
}

/**
 * The account document (account-settings/): each row is one stored piece of it, in the order
 * written. Read in key order and folded, they give the document (decision 0625).
 */
export interface AccountDocumentRow {
  seq?: number;
  bytes: Uint8Array<ArrayBuffer>;
}

/**
 * A history import of a newly linked device that has not finished (linking/pending-history.ts):
 * it survives a reload or a closed tab, and the next start resumes it.
 */
export interface HistoryImportRow {
  /** Single row: a device is linked, and imports a history, once. */
  key: 'pending';
  /** The device that linked this one: only its archive is taken. */
  expectedFrom: number;
  /** The archive pointer once it arrived (Content.history_archive), and how far the import got. */
  archive?: {
    blobId: string;
    key: Uint8Array<ArrayBuffer>;
    digest: Uint8Array<ArrayBuffer>;
    size: number;
    conversations: number;
    senderAccountId: string;
    senderDeviceId: number;
    /** Conversations imported and committed, from the archive's start (newest first). */
    imported: number;
  };
}

/**
 * A group message this device could not decrypt yet (its sender key is missing): kept, shown as a
 * placeholder, and decrypted again when the key arrives (groups/pending-group-messages.ts).
 */
export interface PendingGroupMessageRow {
  /** The envelope's key (sending device and idempotency key). */
  key: string;
  conversationId: string;
  senderId: string;
  senderDeviceId: number;
  distributionId: string;
  ciphertext: Uint8Array<ArrayBuffer>;
  /** When the relay took the send (ms): where the placeholder sits in the timeline. */
  receivedAt: number;
}

export class ParleyDatabase extends Dexie {
  account!: EntityTable<AccountRow, 'key'>;
  preKeys!: EntityTable<KeyRecordRow, 'id'>;
  signedPreKeys!: EntityTable<KeyRecordRow, 'id'>;
  kyberPreKeys!: EntityTable<KyberPreKeyRow, 'id'>;
  sessions!: EntityTable<SessionRow, 'address'>;
  identities!: EntityTable<IdentityRow, 'accountId'>;
  senderKeys!: EntityTable<SenderKeyRow, 'key'>;
  contacts!: EntityTable<ContactRow, 'accountId'>;
  conversations!: EntityTable<ConversationRow, 'id'>;
  docSnapshots!: EntityTable<DocSnapshotRow, 'conversationId'>;
  docUpdates!: EntityTable<DocUpdateRow, 'seq'>;
  docSegments!: Dexie.Table<DocSegmentRow, [string, number]>;
  messages!: EntityTable<MessageRow, 'id'>;
  receipts!: EntityTable<ReceiptRow, 'key'>;
  outbox!: EntityTable<OutboxRow, 'seq'>;
  processedEnvelopes!: EntityTable<ProcessedEnvelopeRow, 'envelopeId'>;
  accountDocument!: EntityTable<AccountDocumentRow, 'seq'>;
  pendingGroupMessages!: EntityTable<PendingGroupMessageRow, 'key'>;
  historyImport!: EntityTable<HistoryImportRow, 'key'>;
  /** The IDBKeyRange of the IndexedDB in use, for raw requests (UnitOfWork). */
  readonly keyRange: typeof Dexie.dependencies.IDBKeyRange;

  /**
   * `options.indexedDB` / `options.IDBKeyRange` inject an IndexedDB (e.g. fake-indexeddb in Node).
   *
   * Core never runs Dexie live queries: views are computed from in-memory models (0301). Dexie's
   * live-query cache (an AbortController and optimistic-update bookkeeping per write transaction)
   * and its observability layer (which records the key ranges of every write and broadcasts them
   * to other tabs after each commit) are therefore removed; they cost about a third of each small
   * transaction (docs/decisions/0370).
   */
  constructor(name: string, options?: DexieOptions) {
    // Dexie's own transactions (keys, identities, account) flush to disk before completing, as
    // units of work do by default (unit-of-work.ts): browsers default to 'relaxed'.
    super(name, { cache: 'disabled', chromeTransactionDurability: 'strict', ...options });
    // DexieOptions types an injected IDBKeyRange loosely (Function members); with the DOM types
    // loaded (the web app's typecheck) that no longer fits the field, though it is the same object.
    this.keyRange =
      (options?.IDBKeyRange as typeof Dexie.dependencies.IDBKeyRange | undefined) ??
      Dexie.dependencies.IDBKeyRange;
    this.unuse({ stack: 'dbcore', name: 'Observability' });
    this.unuse({ stack: 'dbcore', name: 'Cache' });
    this.version(1).stores({
      account: 'key',
      preKeys: 'id',
      signedPreKeys: 'id',
      kyberPreKeys: 'id',
      sessions: 'address, accountId',
      identities: 'accountId',
      senderKeys: 'key',
      contacts: 'accountId, &username',
      conversations: 'id, updatedAt',
      docSnapshots: 'conversationId',
      docUpdates: '++seq, conversationId',
      messages: 'id, [conversationId+sentAt], conversationId',
      receipts: 'key, messageId',
      outbox: '++seq, &idempotencyKey',
      processedEnvelopes: 'envelopeId, at',
    });
    // Version 5 is acct15's (COORDINATION.md): only its own table is declared here.
    this.version(5).stores({ accountDocument: '++seq' });
    // Version 14 is groups14's (issue 14): only its own table is declared here.
    this.version(14).stores({ pendingGroupMessages: 'key, conversationId' });
    // Version 15 is devices15's (issue 15, history import resumes after a reload).
    this.version(15).stores({ historyImport: 'key' });
    // Version 16 is rows17's (issue 17, rows per chat on demand): each conversation row carries
    // its chat's summary, filled here for databases written before.
    this.version(16)
      .stores({})
      .upgrade((tx) => fillSummaries(tx));
    // Version 17 is segments17's (issue 17, sealed history). The second index covers a
    // conversation's segment ranges, so they are listed from its keys without reading any bytes.
    this.version(17).stores({
      docSegments: '[conversationId+seq], [conversationId+seq+fromKey+toKey]',
    });
  }
}
