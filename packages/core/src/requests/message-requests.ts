import type { ConversationModel, Conversations } from '../conversations/conversations.js';
import { ParleyError } from '../errors.js';
import { UnitOfWork } from '../store/unit-of-work.js';
import { receiptContent } from '../delivery/contents.js';
import type { OutboxQueue } from '../delivery/content-handler.js';
import { isMessageRequest, stageAccepted } from './request-state.js';

export interface MessageRequestsDeps {
  conversations: Conversations;
  outbox: OutboxQueue;
  /** Commits a unit of work and sends what it queued (the group commit). */
  commit(work: UnitOfWork): Promise<void>;
  /** Adds the account to the account settings' blocked list (account-settings/). */
  block(accountId: string): Promise<void>;
  /** Records the acceptance in the account document, so every device of the account sees it. */
  accepted(conversationId: string): Promise<void>;
  /** Requests accepted on any device of the account. */
  acceptedRequests(): readonly string[];
  /** The messages of a deleted conversation leave the search index. */
  unindex(messageIds: string[]): void;
  /** Leaves a group (groups/): its members see this account go. */
  leaveGroup(conversationId: string): Promise<void>;
}

/**
 * What the user does with a message request (request-state.ts): accept it (it becomes a chat),
 * delete it from this device, or block its sender and delete it. The stranger of a direct request
 * is told nothing; a group request is left on delete (its members see this account go, as in
 * Signal's "Delete and leave"), and block blocks the account that added this one.
 */
export class MessageRequests {
  constructor(private readonly deps: MessageRequestsDeps) {}

  /**
   * Accepting tells the stranger, as Signal does, that what was read meanwhile was read: the
   * read receipts held back go out now, in the same unit of work as the acceptance.
   */
  async accept(conversationId: string): Promise<void> {
    const model = this.require(conversationId);
    const work = new UnitOfWork();
    stageAccepted(work, model);
    const readByAuthor = new Map<string, string[]>();
    for (const row of model.rows.values()) {
      if (row.outgoing || row.kind !== 'text' || row.status !== 'read') continue;
      readByAuthor.set(row.senderId, [...(readByAuthor.get(row.senderId) ?? []), row.id]);
    }
    for (const [author, messageIds] of readByAuthor)
      this.deps.outbox.enqueue(work, {
        content: receiptContent('read', conversationId, messageIds),
        recipientAccountIds: [author],
        ownDevices: false,
      });
    await this.deps.commit(work);
    await this.deps.accepted(conversationId);
    this.deps.conversations.touchView(conversationId);
  }

  async delete(conversationId: string): Promise<void> {
    const model = this.require(conversationId);
    if (model.row.kind === 'group') await this.deps.leaveGroup(conversationId);
    const messageIds = [...model.rows.keys()];
    await this.deps.conversations.remove(conversationId);
    this.deps.unindex(messageIds);
  }

  async block(conversationId: string): Promise<void> {
    const model = this.require(conversationId);
    const sender = model.row.peerAccountId ?? model.row.invitedBy;
    if (sender) await this.deps.block(sender);
    await this.delete(conversationId);
  }

  private require(conversationId: string): ConversationModel {
    const model = this.deps.conversations.get(conversationId);
    if (!model) throw new ParleyError('UNKNOWN_CONVERSATION', `no conversation ${conversationId}`);
    if (!isMessageRequest(model, this.deps.acceptedRequests()))
      throw new ParleyError('NOT_A_REQUEST', `conversation ${conversationId} is not a request`);
    return model;
  }
}
