import type { ConversationModel, Conversations } from '../conversations/conversations.js';
import { ParleyError } from '../errors.js';
import { UnitOfWork } from '../store/unit-of-work.js';
import type { UnitOfWorkStore } from '../store/repositories.js';
import { isMessageRequest, stageAccepted } from './request-state.js';

export interface MessageRequestsDeps {
  conversations: Conversations;
  store: UnitOfWorkStore;
  /** Adds the account to the account settings' blocked list (account-settings/). */
  block(accountId: string): Promise<void>;
  /** The messages of a deleted conversation leave the search index. */
  unindex(messageIds: string[]): void;
}

/**
 * What the user does with a message request (request-state.ts): accept it (it becomes a chat),
 * delete it from this device, or block its sender and delete it. The stranger is told nothing.
 */
export class MessageRequests {
  constructor(private readonly deps: MessageRequestsDeps) {}

  async accept(conversationId: string): Promise<void> {
    const model = this.require(conversationId);
    const work = new UnitOfWork();
    stageAccepted(work, model);
    await this.deps.store.commit(work);
    this.deps.conversations.touchView(conversationId);
  }

  async delete(conversationId: string): Promise<void> {
    const model = this.require(conversationId);
    const messageIds = [...model.rows.keys()];
    await this.deps.conversations.remove(conversationId);
    this.deps.unindex(messageIds);
  }

  async block(conversationId: string): Promise<void> {
    const model = this.require(conversationId);
    const peer = model.row.peerAccountId;
    if (peer) await this.deps.block(peer);
    await this.delete(conversationId);
  }

  private require(conversationId: string): ConversationModel {
    const model = this.deps.conversations.get(conversationId);
    if (!model) throw new ParleyError('UNKNOWN_CONVERSATION', `no conversation ${conversationId}`);
    if (!isMessageRequest(model))
      throw new ParleyError('NOT_A_REQUEST', `conversation ${conversationId} is not a request`);
    return model;
  }
}
