import { Receipt_Kind, type Content, type HistoryArchive } from '@parley/protocol';
import { directConversationId } from '../conversations/conversation-id.js';
import type { UnitOfWork } from '../store/unit-of-work.js';
import {
  crdtUpdateContent,
  receiptContent,
  syncRequestContent,
  syncResponseContent,
} from './contents.js';
import type { ConversationModel, Conversations } from '../conversations/conversations.js';
import type { Sender } from './inbox.js';
import type { OutboxItem } from './outbox.js';
import type { StoredMessageStatus } from '../store/database.js';
import type { ArchivedConversation } from '../linking/history-archive.js';

/** What content handling needs of groups (groups/groups.ts, groups/sender-key-exchange.ts). */
export interface GroupHooks {
  isGroup(model: ConversationModel): boolean;
  isMember(model: ConversationModel, accountId: string): boolean;
  acceptsInvitation(conversationId: string, update: Uint8Array, sender: string): Promise<boolean>;
  afterRemoteUpdate(model: ConversationModel): void;
  /** Records a member's receipt; returns the status the message itself reaches. */
  memberReceipt(
    model: ConversationModel,
    messageId: string,
    sender: Sender,
    status: 'delivered' | 'read',
    work: UnitOfWork,
  ): StoredMessageStatus;
  receiveDistribution(
    conversationId: string,
    distribution: Uint8Array,
    sender: Sender,
    work: UnitOfWork,
  ): Promise<void>;
  answerRequest(distributionId: string, sender: Sender, work: UnitOfWork): Promise<void>;
  /** What `asker` misses of a group document, as it may see it (groups/history-boundary.ts). */
  diffFor(model: ConversationModel, asker: string, stateVector: Uint8Array): Uint8Array;
  /** `sender` answered a state-repair request: its placeholders there are filled. */
  repaired?(conversationId: string, sender: Sender, work: UnitOfWork): void;
}

/** How long a typing indicator lasts without a refresh, and how old a typing Content may be. */
export const TYPING_TTL_MS = 6_000;
/**
 * How long a delivered receipt waits in the outbox, so that the receipts of the batches received
 * meanwhile go out as one (outbox coalescing) instead of one envelope per received batch.
 */
export const DELIVERED_RECEIPT_DELAY_MS = 100;
/** Minimum pause between two state-vector sync requests for one conversation. */
const SYNC_REQUEST_INTERVAL_MS = 5_000;

/** The part of the outbox content handling uses: replies are staged on the caller's unit of work. */
export interface OutboxQueue {
  enqueue(work: UnitOfWork, item: OutboxItem): void;
}

export interface ContentHandlerDeps {
  conversations: Conversations;
  outbox: OutboxQueue;
  selfAccountId(): string;
  /** Blocked accounts (account settings): everything they send is dropped, unanswered. */
  isBlocked?(accountId: string): boolean;
  /** A group this account is added to by a stranger is a request (requests/request-state.ts). */
  isStranger?(accountId: string): Promise<boolean>;
  learnUsername(accountId: string, username: string): void;
  reject(sender: Sender, reason: string): void;
  typingChanged(conversationId: string): void;
  /** The account is deleted (its notice came over its session): account-lifecycle/gone-accounts.ts. */
  accountGone?(accountId: string): void;
  /** Another device of this account deleted messages for me (rich/). */
  hideMessages?(work: UnitOfWork, conversationId: string, messageIds: string[]): void;
  /** A call signal (calls/): online-only, applied outside the unit of work. */
  callSignal?(content: Content, sender: Sender): void;
  /** A contact's profile key (profiles/): kept before the envelope is acknowledged. */
  profileKey?(accountId: string, key: Uint8Array, version: number): Promise<void>;
  /** Absent: no conversation is a group (unit tests of 1:1 handling). */
  groups?: GroupHooks;
  /** The account document (account-settings/); absent in unit tests of conversations. */
  accountDocument?: AccountDocumentHooks;
  /** History of a newly linked device (linking/history-transfer.ts); absent in unit tests. */
  history?: HistoryHooks;
}

/** What content handling needs of the account document, synced among the account's devices. */
export interface AccountDocumentHooks {
  /** This device's id: sync messages name the one device they are for. */
  selfDeviceId(): number;
  receive(work: UnitOfWork, fromDeviceId: number, message: Uint8Array): void;
  /** A new device of the account announced itself: start syncing with it from nothing. */
  greet(work: UnitOfWork, deviceId: number, fresh: boolean): void;
}

/** What content handling needs of the history transfer (linking/). */
export interface HistoryHooks {
  /** A new device of this account announced itself. */
  ownDeviceJoined(sender: Sender): void;
  /** An own device sent a history archive pointer; resolves once it is stored. */
  archiveArrived(archive: HistoryArchive, sender: Sender): Promise<void>;
}

/** The group hooks of a device that knows no group. */
const NO_GROUPS: GroupHooks = {
  isGroup: () => false,
  isMember: () => false,
  acceptsInvitation: async () => false,
  afterRemoteUpdate: () => {},
  memberReceipt: (_model, _id, _sender, status) => status,
  receiveDistribution: async () => {},
  answerRequest: async () => {},
  diffFor: (model, _asker, stateVector) => model.doc.diffSince(stateVector),
};

/** A document update accepted from `sender`, waiting to be applied with the rest of its batch. */
interface QueuedUpdate {
  update: Uint8Array;
  sender: Sender;
}

/**
 * Applies decrypted Content to local state: CRDT updates and their repair (state-vector sync),
 * receipts and typing. Replies it owes (delivered receipts, sync answers) go to the outbox in the
 * same unit of work.
 *
 * Document updates of one unit of work are queued per conversation and applied together by
 * applyQueued(): one Yjs transaction, one logged update, one projection pass and one delivered
 * receipt per conversation and batch, instead of one of each per message. Content whose
 * handling reads the document (sync requests and answers, typing, a new own device) applies the
 * queue first, so it sees every update that arrived before it.
 */
export class ContentHandler {
  private readonly lastSyncRequest = new Map<string, number>();
  private queue: { work: UnitOfWork; byConversation: Map<string, QueuedUpdate[]> } | undefined;

  private readonly conversations: Conversations;
  private readonly outbox: OutboxQueue;
  private readonly context: ContentHandlerDeps;
  private readonly groups: GroupHooks;

  constructor(deps: ContentHandlerDeps) {
    this.groups = deps.groups ?? NO_GROUPS;
    this.conversations = deps.conversations;
    this.outbox = deps.outbox;
    this.context = deps;
  }

  async handle(content: Content, sender: Sender, work: UnitOfWork): Promise<void> {
    // Before anything is applied, learnt or answered: a blocked account gets no receipt either.
    if (this.context.isBlocked?.(sender.accountId)) return;
    const body = content.body;
    // The chat a content names is read before it applies (0821); a typing indicator changes
    // nothing of its rows or document. A call signal does not either, but whether it may ring
    // (a member of an accepted chat) is read from them.
    const named = (body.value as { conversationId?: unknown } | undefined)?.conversationId;
    if (typeof named === 'string' && body.case !== 'typing')
      await this.conversations.ensure([named]);
    // Receipts never need the document (a receipt for a message still queued is remembered).
    if (body.case !== 'crdtUpdate' && body.case !== 'receipt') this.applyQueued(work);
    switch (body.case) {
      case 'crdtUpdate':
        await this.queueUpdate(body.value.conversationId, body.value.update, sender, work);
        return;
      case 'crdtSyncRequest': {
        const model = this.authorized(body.value.conversationId, sender);
        if (!model) return;
        this.reply(
          work,
          sender,
          syncResponseContent(
            model.row.id,
            this.diffFor(model, sender, body.value.stateVector),
            model.doc.stateVector(),
          ),
        );
        return;
      }
      case 'crdtSyncResponse': {
        const model = await this.writableModel(
          body.value.conversationId,
          sender,
          work,
          body.value.update,
        );
        if (!model) return;
        this.applyUpdates(work, model, [{ update: body.value.update, sender }]);
        this.groups.repaired?.(model.row.id, sender, work);
        const theyMiss = this.diffFor(model, sender, body.value.stateVector);
        if (!isEmptyUpdate(theyMiss))
          this.reply(work, sender, crdtUpdateContent(model.row.id, theyMiss));
        return;
      }
      case 'receipt':
        this.applyReceipt(
          body.value.kind,
          body.value.conversationId,
          body.value.messageIds,
          sender,
          work,
        );
        return;
      case 'typing':
        this.applyTyping(
          body.value.conversationId,
          body.value.typing,
          Number(content.createdAt),
          sender,
        );
        return;
      case 'senderKeyDistribution':
        await this.groups.receiveDistribution(
          body.value.conversationId,
          body.value.distribution,
          sender,
          work,
        );
        return;
      case 'senderKeyRequest':
        await this.groups.answerRequest(body.value.distributionId, sender, work);
        return;
      case 'hideMessages':
        // Only this account's own devices hide its messages; anyone else's request is ignored.
        if (sender.accountId === this.context.selfAccountId())
          this.context.hideMessages?.(work, body.value.conversationId, body.value.messageIds);
        return;
      case 'accountDeleted':
        await this.applyAccountDeleted(body.value.conversationId, sender);
        return;
      case 'accountDocumentSync':
        this.applyAccountDocumentSync(body.value.toDeviceId, body.value.message, sender, work);
        return;
      case 'callSignal':
        this.context.callSignal?.(content, sender);
        return;
      case 'profileKey': {
        // Only an own device may hand over another account's key (a contact's, to a new device).
        const own = sender.accountId === this.context.selfAccountId();
        const owner = own && body.value.accountId ? body.value.accountId : sender.accountId;
        await this.context.profileKey?.(owner, body.value.key, Number(body.value.version));
        return;
      }
      case 'historyArchive':
        if (sender.accountId === this.context.selfAccountId())
          await this.context.history?.archiveArrived(body.value, sender);
        return;
      case undefined:
        if (sender.accountId === this.context.selfAccountId()) this.welcomeOwnDevice(sender, work);
        return;
      default:
        // A body from a newer client: nothing to do, the envelope is still acknowledged.
        return;
    }
  }

  /**
   * Applies every update queued on `work` (see the class comment); a no-op when none is. The
   * inbox calls it once more after the last envelope of a batch, before committing.
   */
  applyQueued(work: UnitOfWork): void {
    const queue = this.queue;
    this.queue = undefined;
    if (!queue || queue.work !== work) return; // a batch that failed: its work is discarded
    for (const [conversationId, updates] of queue.byConversation) {
      const model = this.conversations.get(conversationId);
      if (model) this.applyUpdates(work, model, updates);
    }
  }

  private async queueUpdate(
    conversationId: string,
    update: Uint8Array,
    sender: Sender,
    work: UnitOfWork,
  ): Promise<void> {
    const model = await this.writableModel(conversationId, sender, work, update);
    if (!model) return;
    if (this.queue?.work !== work) this.queue = { work, byConversation: new Map() };
    const queued = this.queue.byConversation.get(conversationId);
    if (queued) queued.push({ update, sender });
    else this.queue.byConversation.set(conversationId, [{ update, sender }]);
  }

  /**
   * The conversation `sender` may write to, created when a peer opens a direct conversation
   * with us (or an own device shares one); undefined (and reported) otherwise.
   */
  private async writableModel(
    conversationId: string,
    sender: Sender,
    work: UnitOfWork,
    update?: Uint8Array,
  ): Promise<ConversationModel | undefined> {
    const self = this.context.selfAccountId();
    const model = this.conversations.get(conversationId);
    if (
      !model &&
      update &&
      sender.accountId !== self &&
      (await this.groups.acceptsInvitation(conversationId, update, sender.accountId))
    ) {
      const byStranger = (await this.context.isStranger?.(sender.accountId)) ?? false;
      // Another batch may have created it while the invitation was checked.
      return (
        this.conversations.get(conversationId) ??
        this.conversations.create(work, {
          id: conversationId,
          kind: 'group',
          updatedAt: Date.now(),
          ...(byStranger ? { request: true, invitedBy: sender.accountId } : {}),
        })
      );
    }
    if (!model) {
      const fromOwnDevice = sender.accountId === self;
      if (
        fromOwnDevice ||
        conversationId === (await directConversationId(self, sender.accountId))
      ) {
        return this.conversations.create(work, {
          id: conversationId,
          kind: 'direct',
          // A peer's first message makes a message request (requests/); an own device's does not.
          ...(fromOwnDevice ? {} : { peerAccountId: sender.accountId, request: true }),
          updatedAt: Date.now(),
        });
      }
    } else {
      if (this.mayWrite(model, sender)) return model;
      // Membership may come with an update still queued (e.g. from an own device): apply first.
      if (this.queue?.byConversation.has(conversationId)) {
        this.applyQueued(work);
        if (this.mayWrite(model, sender)) return model;
      }
    }
    this.context.reject(
      sender,
      `update for conversation ${conversationId} the sender is not part of`,
    );
    return undefined;
  }

  private applyUpdates(work: UnitOfWork, model: ConversationModel, updates: QueuedUpdate[]): void {
    const { incoming } = this.conversations.stage(work, model, (doc) =>
      doc.applyRemoteUpdates(
        updates.map((queued) => queued.update),
        (index, error) =>
          this.context.reject(
            (updates[index] as QueuedUpdate).sender,
            `invalid document update: ${error instanceof Error ? error.message : String(error)}`,
          ),
      ),
    );
    this.learnMembers(model, work);
    this.groups.afterRemoteUpdate(model);
    work.received.push(...incoming);
    this.acknowledgeDelivery(model, incoming, work);
    const last = updates.at(-1);
    if (last && model.doc.hasMissingUpdates) this.requestSync(model, last.sender, work);
  }

  /**
   * Imports one conversation of a history archive from an own device (linking/): its whole
   * state, as an update from that device. History is not news: no receipts, no notifications.
   */
  /** Only the account's own devices write its document; a message for another device is not ours. */
  private applyAccountDocumentSync(
    toDeviceId: number,
    message: Uint8Array,
    sender: Sender,
    work: UnitOfWork,
  ): void {
    const hooks = this.context.accountDocument;
    if (!hooks) return;
    if (sender.accountId !== this.context.selfAccountId()) {
      this.context.reject(sender, 'account document sync from another account');
      return;
    }
    if (toDeviceId !== hooks.selfDeviceId()) return;
    try {
      hooks.receive(work, sender.deviceId, message);
    } catch {
      this.context.reject(sender, 'malformed account document sync message');
    }
  }

  /** A new device of this account: the account document syncs with it, the history follows. */
  private welcomeOwnDevice(sender: Sender, work: UnitOfWork): void {
    this.context.accountDocument?.greet(work, sender.deviceId, true);
    this.context.history?.ownDeviceJoined(sender);
  }

  importConversation(archived: ArchivedConversation, sender: Sender, work: UnitOfWork): void {
    const model =
      this.conversations.get(archived.id) ??
      this.conversations.create(work, {
        id: archived.id,
        kind: archived.kind,
        updatedAt: archived.updatedAt,
        ...(archived.peerAccountId ? { peerAccountId: archived.peerAccountId } : {}),
        ...(archived.request ? { request: true } : {}),
        ...(archived.invitedBy ? { invitedBy: archived.invitedBy } : {}),
      });
    this.conversations.stage(work, model, (doc) =>
      doc.applyRemoteUpdates([archived.state], (_index, error) =>
        this.context.reject(sender, `invalid archived conversation: ${String(error)}`),
      ),
    );
    this.learnMembers(model, work);
    this.groups.afterRemoteUpdate(model);
  }

  private diffFor(model: ConversationModel, asker: Sender, stateVector: Uint8Array): Uint8Array {
    return this.groups.isGroup(model)
      ? this.groups.diffFor(model, asker.accountId, stateVector)
      : model.doc.diffSince(stateVector);
  }

  private mayWrite(model: ConversationModel, sender: Sender): boolean {
    if (sender.accountId === this.context.selfAccountId()) return true;
    if (model.row.peerAccountId === sender.accountId) return true;
    // A group's writers are its members by the fold, never by the display map.
    if (this.groups.isGroup(model)) return this.groups.isMember(model, sender.accountId);
    return model.doc.memberList().some(([accountId]) => accountId === sender.accountId);
  }

  private authorized(conversationId: string, sender: Sender): ConversationModel | undefined {
    const model = this.conversations.get(conversationId);
    return model && this.mayWrite(model, sender) ? model : undefined;
  }

  /** Members carry usernames; a conversation first seen from an own device learns its peer here. */
  private learnMembers(model: ConversationModel, work: UnitOfWork): void {
    const self = this.context.selfAccountId();
    for (const [accountId, member] of model.doc.memberList()) {
      this.context.learnUsername(accountId, member.username);
      if (!model.row.peerAccountId && model.doc.kind === 'direct' && accountId !== self) {
        model.row = { ...model.row, peerAccountId: accountId };
        work.conversations.set(model.row.id, model.row);
      }
    }
  }

  /** Tells each author that their messages reached this device. */
  private acknowledgeDelivery(
    model: ConversationModel,
    incoming: { id: string; senderId: string }[],
    work: UnitOfWork,
  ): void {
    const byAuthor = new Map<string, string[]>();
    for (const row of incoming)
      byAuthor.set(row.senderId, [...(byAuthor.get(row.senderId) ?? []), row.id]);
    for (const [author, messageIds] of byAuthor) {
      this.outbox.enqueue(work, {
        content: receiptContent('delivered', model.row.id, messageIds),
        recipientAccountIds: [author],
        ownDevices: false,
        delayMs: DELIVERED_RECEIPT_DELAY_MS,
      });
    }
  }

  private requestSync(model: ConversationModel, sender: Sender, work: UnitOfWork): void {
    const now = Date.now();
    if (now - (this.lastSyncRequest.get(model.row.id) ?? 0) < SYNC_REQUEST_INTERVAL_MS) return;
    this.lastSyncRequest.set(model.row.id, now);
    this.reply(work, sender, syncRequestContent(model.row.id, model.doc.stateVector()));
  }

  private reply(work: UnitOfWork, to: Sender, content: Uint8Array<ArrayBuffer>): void {
    const self = this.context.selfAccountId();
    this.outbox.enqueue(work, {
      content,
      recipientAccountIds: to.accountId === self ? [] : [to.accountId],
      ownDevices: to.accountId === self,
    });
  }

  private applyReceipt(
    kind: Receipt_Kind,
    conversationId: string,
    messageIds: string[],
    sender: Sender,
    work: UnitOfWork,
  ): void {
    const model = this.conversations.get(conversationId);
    if (!model) return;
    const fromOwnDevice = sender.accountId === this.context.selfAccountId();
    const status =
      kind === Receipt_Kind.READ
        ? 'read'
        : kind === Receipt_Kind.DELIVERED
          ? 'delivered'
          : undefined;
    if (!status) return;
    for (const messageId of messageIds) {
      const row = model.rows.get(messageId);
      // Another account reports on our messages; our own devices report what this account read.
      if (fromOwnDevice ? status !== 'read' || row?.outgoing : row && !row.outgoing) continue;
      if (fromOwnDevice) {
        this.conversations.raiseStatus(work, messageId, status, conversationId);
        continue;
      }
      if (this.groups.isGroup(model)) {
        const reached = this.groups.memberReceipt(model, messageId, sender, status, work);
        this.conversations.raiseStatus(work, messageId, reached, conversationId);
        continue;
      }
      work.receipts.push({
        key: `${messageId}/${sender.accountId}/${status}`,
        messageId,
        accountId: sender.accountId,
        kind: status,
      });
      this.conversations.raiseStatus(work, messageId, status, conversationId, 'receipt');
    }
  }

  /**
   * Honoured only in the direct conversation of the sender and this account, so that no one
   * marks a group, or someone else's chat, as gone; an own device's notice is no one's peer.
   */
  private async applyAccountDeleted(conversationId: string, sender: Sender): Promise<void> {
    const self = this.context.selfAccountId();
    if (sender.accountId === self) return;
    const model = this.conversations.get(conversationId);
    if (
      model?.row.kind !== 'direct' ||
      model.row.peerAccountId !== sender.accountId ||
      conversationId !== (await directConversationId(self, sender.accountId))
    )
      return;
    this.context.accountGone?.(sender.accountId);
  }

  private applyTyping(
    conversationId: string,
    typing: boolean,
    createdAt: number,
    sender: Sender,
  ): void {
    const model = this.authorized(conversationId, sender);
    if (!model || sender.accountId === this.context.selfAccountId()) return;
    const now = Date.now();
    if (typing && now - createdAt < TYPING_TTL_MS)
      model.typing.set(sender.accountId, now + TYPING_TTL_MS);
    else model.typing.delete(sender.accountId);
    this.context.typingChanged(conversationId);
  }
}

/** An encoded Yjs update with no structs and no deletions. */
function isEmptyUpdate(update: Uint8Array): boolean {
  return update.length <= 2;
}
