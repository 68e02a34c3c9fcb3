import type { Contacts } from '../account/contacts.js';
import type { AccountSettingsView } from '../account-settings/types.js';
import type { LocalDevice } from '../account/local-device.js';
import type { MessageEntry } from '../conversations/conversation-doc.js';
import { directConversationId } from '../conversations/conversation-id.js';
import { orderKey } from '../conversations/timeline-order.js';
import type { ConversationModel, Conversations } from '../conversations/conversations.js';
import { MAX_TEXT_LENGTH, ParleyError } from '../errors.js';
import type { AttachmentPointer } from '../media/attachment-pointer.js';
import type { UnitOfWorkStore } from '../store/repositories.js';
import { UnitOfWork } from '../store/unit-of-work.js';
import {
  announcementContent,
  crdtUpdateContent,
  receiptContent,
  typingContent,
} from './contents.js';
import { stageAccepted } from '../requests/request-state.js';
import type { GroupCommit } from './group-commit.js';
import type { Outbox } from './outbox.js';

/** The shape of crypto.randomUUID(): what a caller-chosen message id must look like. */
const MESSAGE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const isMessageId = (id: string): boolean => MESSAGE_ID.test(id);

/** What a message may carry besides text and files (rich/): a quoted message, a forward mark. */
export interface MessageExtras {
  replyTo?: string;
  forwarded?: boolean;
}

export interface ComposerDeps {
  device: LocalDevice;
  contacts: Contacts;
  conversations: Conversations;
  outbox: Pick<Outbox, 'enqueue'>;
  groupCommit: Pick<GroupCommit, 'commit' | 'append'>;
  store: UnitOfWorkStore;
  /** Append sent messages through the group commit (see MessengerOptions.coalesceOutbox). */
  coalesceOutbox: boolean;
  onError(error: unknown): void;
  /** A group's members other than this account (its fold); undefined for other conversations. */
  groupPeers(model: ConversationModel): string[] | undefined;
  /** A message request (requests/): no read receipt or typing goes to its stranger. */
  isRequest(model: ConversationModel): boolean;
  /**
   * The account's privacy settings (account-settings/): with read receipts off, reading is
   * synced to this account's own devices only; with typing indicators off, none are sent; a
   * blocked account is sent neither.
   */
  privacy(): Pick<AccountSettingsView, 'readReceipts' | 'typingIndicators' | 'blocked'>;
  /** The chat's disappearing timer in seconds, 0 when off (disappearing/). */
  disappearingSeconds?(model: ConversationModel): number;
}

/**
 * Local actions on conversations: each changes the document (or not) and stages the outbox rows
 * that announce it in the same unit of work, committed through the group commit.
 */
export class Composer {
  /** Sends with a caller-chosen id not yet durable, by id (a repeat waits for the first). */
  private readonly sending = new Map<string, Promise<string>>();

  constructor(private readonly deps: ComposerDeps) {}

  async openDirect(username: string): Promise<string> {
    const { device, contacts, conversations, outbox } = this.deps;
    const account = device.require();
    if (username === account.username)
      throw new ParleyError('INVALID_USERNAME', 'cannot open a conversation with yourself');
    const peerAccountId = await contacts.lookup(username);
    const id = await directConversationId(account.accountId, peerAccountId);
    const work = new UnitOfWork();
    const model =
      conversations.get(id) ??
      conversations.create(work, { id, kind: 'direct', peerAccountId, updatedAt: Date.now() });
    // Starting a chat with someone whose request waits accepts it, as replying does.
    stageAccepted(work, model);
    const { update } = conversations.stage(work, model, (doc) =>
      doc.initDirect(
        { accountId: account.accountId, username: account.username },
        { accountId: peerAccountId, username },
      ),
    );
    if (update)
      outbox.enqueue(work, {
        content: crdtUpdateContent(id, update),
        recipientAccountIds: [peerAccountId],
        ownDevices: true,
      });
    await this.deps.groupCommit.commit(work);
    return id;
  }

  /**
   * Appends a message. A caller-chosen `messageId` makes the call idempotent: a message this
   * device already holds under that id (committed earlier, perhaps by a tab that closed before
   * answering: docs/decisions/0710) or one still being committed is not appended again.
   */
  sendText(
    conversationId: string,
    text: string,
    attachments?: AttachmentPointer[],
    messageId?: string,
    extras: MessageExtras = {},
  ): Promise<string> {
    if (messageId === undefined)
      return this.append(conversationId, text, attachments, undefined, extras);
    if (!isMessageId(messageId))
      return Promise.reject(new ParleyError('INVALID_MESSAGE', 'a message id is a UUID'));
    const inFlight = this.sending.get(messageId);
    if (inFlight) return inFlight;
    const sent = this.require(conversationId).rows.get(messageId);
    if (sent) {
      const account = this.deps.device.require();
      if (!sent.outgoing || sent.senderId !== account.accountId)
        return Promise.reject(new ParleyError('INVALID_MESSAGE', 'that message id is taken'));
      return Promise.resolve(messageId);
    }
    const sending = this.append(conversationId, text, attachments, messageId, extras).finally(() =>
      this.sending.delete(messageId),
    );
    this.sending.set(messageId, sending);
    return sending;
  }

  private async append(
    conversationId: string,
    text: string,
    attachments?: AttachmentPointer[],
    messageId: string = crypto.randomUUID(),
    extras: MessageExtras = {},
  ): Promise<string> {
    const account = this.deps.device.require();
    const empty = text.trim().length === 0 && !attachments?.length;
    if (empty || text.length > MAX_TEXT_LENGTH) {
      throw new ParleyError('INVALID_MESSAGE', `a message has 1 to ${MAX_TEXT_LENGTH} characters`);
    }
    const model = this.require(conversationId);
    const timer = this.deps.disappearingSeconds?.(model) ?? 0;
    if (extras.replyTo !== undefined) this.checkQuotable(model, extras.replyTo);
    const entry: MessageEntry = {
      id: messageId,
      kind: 'text',
      senderId: account.accountId,
      senderDeviceId: account.deviceId,
      sentAt: Date.now(),
      body: text,
      ...(attachments?.length ? { attachments } : {}),
      ...(timer > 0 ? { disappearingSeconds: timer } : {}),
      ...(extras.replyTo !== undefined ? { replyTo: extras.replyTo } : {}),
      ...(extras.forwarded ? { forwarded: true } : {}),
    };
    if (this.deps.coalesceOutbox) {
      // Appended by the group commit, together with the other messages sent meanwhile.
      await this.deps.groupCommit.append(conversationId, entry);
    } else {
      const work = new UnitOfWork();
      this.stageAppend(work, model, [entry]);
      await this.deps.groupCommit.commit(work);
    }
    return entry.id;
  }

  /** A reply quotes a visible message of the same chat that was not deleted for everyone. */
  private checkQuotable(model: ConversationModel, messageId: string): void {
    const row = model.rows.get(messageId);
    if (!row || row.kind !== 'text' || row.hidden)
      throw new ParleyError('UNKNOWN_MESSAGE', `no message ${messageId} to reply to`);
    if (row.deleted) throw new ParleyError('MESSAGE_DELETED', 'this message was deleted');
  }

  /** One document update and one outbox row for `entries`, staged on `work`. */
  stageAppend(work: UnitOfWork, model: ConversationModel, entries: MessageEntry[]): void {
    const { update } = this.deps.conversations.stage(work, model, (doc) =>
      doc.appendMessages(entries),
    );
    if (!update) return;
    const group = this.deps.groupPeers(model) !== undefined;
    this.deps.outbox.enqueue(work, {
      content: crdtUpdateContent(model.row.id, update),
      recipientAccountIds: this.peersOf(model),
      ownDevices: true,
      messageIds: entries.map((entry) => entry.id),
      ...(group ? { groupId: model.row.id } : {}),
    });
  }

  /** Stages one document update (e.g. a rich op) for the members and own devices. */
  publish(work: UnitOfWork, model: ConversationModel, update: Uint8Array): void {
    const group = this.deps.groupPeers(model) !== undefined;
    this.deps.outbox.enqueue(work, {
      content: crdtUpdateContent(model.row.id, update),
      recipientAccountIds: this.peersOf(model),
      ownDevices: true,
      ...(group ? { groupId: model.row.id } : {}),
    });
  }

  /** Marks `messageId` and every incoming message before it in the timeline read. */
  async markRead(conversationId: string, messageId: string): Promise<void> {
    const { conversations, outbox } = this.deps;
    this.deps.device.require();
    const model = this.require(conversationId);
    const upTo = readUpTo(model, messageId);
    if (!upTo)
      throw new ParleyError('UNKNOWN_MESSAGE', `no message ${messageId} in ${conversationId}`);
    const byAuthor = new Map<string, string[]>();
    const work = new UnitOfWork();
    // The projection rows, not the timeline: messages sealed into unread segments (history/)
    // are read too.
    const before = [...model.rows.values()]
      .filter((row) => row.kind === 'text' && compareKeys(row.hlc ?? row.sentAt, row.id, upTo) <= 0)
      .sort((a, b) => compareKeys(a.hlc ?? a.sentAt, a.id, { key: b.hlc ?? b.sentAt, id: b.id }));
    for (const row of before) {
      if (row.outgoing || row.status === 'read') continue;
      conversations.raiseStatus(work, row.id, 'read', conversationId);
      byAuthor.set(row.senderId, [...(byAuthor.get(row.senderId) ?? []), row.id]);
    }
    // A message request is read here without telling the stranger, and with read receipts off
    // nobody is told; own devices still learn it.
    const privacy = this.deps.privacy();
    const tellAuthors = privacy.readReceipts && !this.deps.isRequest(model);
    for (const [author, ids] of byAuthor) {
      outbox.enqueue(work, {
        content: receiptContent('read', conversationId, ids),
        recipientAccountIds: tellAuthors && !privacy.blocked.includes(author) ? [author] : [],
        ownDevices: true,
      });
    }
    await this.deps.groupCommit.commit(work);
  }

  /** Typing indicators go to the peers' devices only, and only while online (the caller checks). */
  setTyping(conversationId: string, typing: boolean): void {
    const model = this.deps.conversations.get(conversationId);
    const privacy = this.deps.privacy();
    if (!model || this.deps.isRequest(model) || !privacy.typingIndicators) return;
    const recipients = this.peersOf(model).filter((peer) => !privacy.blocked.includes(peer));
    if (recipients.length === 0) return;
    const work = new UnitOfWork();
    this.deps.outbox.enqueue(work, {
      content: typingContent(conversationId, typing),
      recipientAccountIds: recipients,
      ownDevices: false,
    });
    void this.deps.groupCommit.commit(work).catch((error) => this.deps.onError(error));
  }

  /** Introduces a newly linked device to the account's other devices, so they include it in their sends. */
  async announceLinkedDevice(): Promise<void> {
    const work = new UnitOfWork();
    this.deps.outbox.enqueue(work, {
      content: announcementContent(),
      recipientAccountIds: [],
      ownDevices: true,
    });
    await this.deps.store.commit(work);
  }

  private peersOf(model: ConversationModel): string[] {
    const groupPeers = this.deps.groupPeers(model);
    if (groupPeers) return groupPeers;
    const self = this.deps.device.account?.accountId;
    const members = model.doc.memberList().map(([accountId]) => accountId);
    const peers = new Set(members.filter((id) => id !== self));
    if (model.row.peerAccountId) peers.add(model.row.peerAccountId);
    return [...peers];
  }

  private require(conversationId: string): ConversationModel {
    const model = this.deps.conversations.get(conversationId);
    if (!model) throw new ParleyError('UNKNOWN_CONVERSATION', `no conversation ${conversationId}`);
    return model;
  }
}

/** Where "read up to `messageId`" ends in timeline order: its entry's key, or its row's. */
function readUpTo(
  model: ConversationModel,
  messageId: string,
): { key: number; id: string } | undefined {
  const entry = model.timeline().find((candidate) => candidate.id === messageId);
  if (entry) return { key: orderKey(entry), id: entry.id };
  const row = model.rows.get(messageId);
  return row?.kind === 'text' ? { key: row.hlc ?? row.sentAt, id: row.id } : undefined;
}

/** compareTimeline (timeline-order.ts) on a key and id. */
function compareKeys(key: number, id: string, other: { key: number; id: string }): number {
  if (key !== other.key) return key - other.key;
  return id < other.id ? -1 : id > other.id ? 1 : 0;
}
