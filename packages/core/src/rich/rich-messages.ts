/**
 * Rich messages on this device (docs/decisions/0650-rich-messages.md): the verbs (react, edit,
 * delete for everyone, delete for me) and what the folded ops do to the projection rows, the
 * search index and the media cache. Replies and forwards are plain message fields (Composer).
 *
 * Every change of a conversation document passes through `reconcile` (Conversations calls it
 * after each staged change, local or remote) on the same unit of work: an edit rewrites the row's
 * text, a delete for everyone empties the row (a tombstone stays) and purges the media, and the
 * search index follows when the unit of work commits (MessageSearch.committed).
 */
import {
  DELETE_FOR_EVERYONE_WINDOW_MS,
  EDIT_WINDOW_MS,
  MAX_EDITS_PER_MESSAGE,
  MAX_HIDE_MESSAGE_IDS,
  MAX_REACTION_LENGTH,
} from '@parley/protocol';
import type { LocalDevice } from '../account/local-device.js';
import type { ConversationModel, Conversations } from '../conversations/conversations.js';
import { MAX_TEXT_LENGTH, ParleyError } from '../errors.js';
import type { AttachmentPointer } from '../media/attachment-pointer.js';
import { orderKey } from '../conversations/timeline-order.js';
import type { MessageRow } from '../store/database.js';
import { UnitOfWork } from '../store/unit-of-work.js';
import type { EditVersion, RichState } from './rich-fold.js';
import { RichFolds } from './rich-folds.js';
import { signRichOp, type RichOpBody, type SignFn, type VerifyFn } from './rich-op.js';

export interface RichMessagesDeps {
  conversations: Conversations;
  device: LocalDevice;
  sign: SignFn;
  verify: VerifyFn;
  /** Stages the outbox row that sends a document update to the members and own devices. */
  publish(work: UnitOfWork, model: ConversationModel, update: Uint8Array): void;
  /** Stages a HideMessages Content to this account's other devices. */
  hideOnOwnDevices(work: UnitOfWork, conversationId: string, messageIds: string[]): void;
  commit(work: UnitOfWork): Promise<void>;
  /** Deletes an attachment's media: everywhere reachable (delete for everyone) or the cache only. */
  purgeMedia(pointer: AttachmentPointer, scope: 'everywhere' | 'cache'): Promise<void>;
  onError(error: unknown): void;
  /** The clock (tests inject one to cross the windows). */
  now?(): number;
}

export class RichMessages {
  private readonly folds: RichFolds;
  private readonly now: () => number;

  constructor(private readonly deps: RichMessagesDeps) {
    this.now = deps.now ?? (() => Date.now());
    this.folds = new RichFolds(deps.verify);
  }

  // --- Verbs

  /** Sets this account's reaction to `emoji`, or removes it (null). */
  async react(conversationId: string, messageId: string, emoji: string | null): Promise<void> {
    const value = emoji ?? '';
    if (value.length > MAX_REACTION_LENGTH || (emoji !== null && value.trim() === ''))
      throw new ParleyError('INVALID_MESSAGE', 'a reaction is one emoji');
    const { model } = this.target(conversationId, messageId);
    await this.write(model, messageId, { kind: 'react', emoji: value });
  }

  async edit(conversationId: string, messageId: string, body: string): Promise<void> {
    if (body.trim().length === 0 || body.length > MAX_TEXT_LENGTH)
      throw new ParleyError('INVALID_MESSAGE', `a message has 1 to ${MAX_TEXT_LENGTH} characters`);
    const { model, row } = this.authored(conversationId, messageId, EDIT_WINDOW_MS);
    if ((this.stateOf(model).get(messageId)?.edits.length ?? 0) >= MAX_EDITS_PER_MESSAGE)
      throw new ParleyError(
        'WINDOW_PASSED',
        `a message can be edited ${MAX_EDITS_PER_MESSAGE} times`,
      );
    if (row.body === body) return;
    await this.write(model, messageId, { kind: 'edit', body });
  }

  async deleteForEveryone(conversationId: string, messageId: string): Promise<void> {
    const { model } = this.authored(conversationId, messageId, DELETE_FOR_EVERYONE_WINDOW_MS);
    await this.write(model, messageId, { kind: 'delete' });
  }

  /** Hides the messages on this account's devices; the other members keep them. */
  async deleteForMe(conversationId: string, messageIds: readonly string[]): Promise<void> {
    if (messageIds.length === 0 || messageIds.length > MAX_HIDE_MESSAGE_IDS)
      throw new ParleyError('INVALID_MESSAGE', `1 to ${MAX_HIDE_MESSAGE_IDS} messages at a time`);
    const model = this.model(conversationId);
    for (const id of messageIds) {
      if (!model.rows.has(id))
        throw new ParleyError('UNKNOWN_MESSAGE', `no message ${id} in ${conversationId}`);
    }
    const work = new UnitOfWork();
    this.hide(work, model, messageIds);
    this.deps.hideOnOwnDevices(work, conversationId, [...messageIds]);
    await this.deps.commit(work);
  }

  /** The message's texts, oldest first: the original, then each counting edit. */
  history(conversationId: string, messageId: string): EditVersion[] {
    const model = this.model(conversationId);
    const entry = model.timeline().find((candidate) => candidate.id === messageId);
    const row = model.rows.get(messageId);
    if (!entry || !row || row.hidden)
      throw new ParleyError('UNKNOWN_MESSAGE', `no message ${messageId} in ${conversationId}`);
    if (row.deleted) return [];
    return [
      { body: entry.body, at: entry.sentAt },
      ...(this.stateOf(model).get(messageId)?.edits ?? []),
    ];
  }

  /** What a forward of the message carries: its current text and files. */
  forwardable(
    conversationId: string,
    messageId: string,
  ): { body: string; attachments?: AttachmentPointer[] } {
    const { row } = this.target(conversationId, messageId);
    return { body: row.body, ...(row.attachments ? { attachments: [...row.attachments] } : {}) };
  }

  // --- Applying

  /** Another device of this account hid messages (HideMessages; the caller checked the sender). */
  /** Hides messages on this account's other devices only (a view-once message opened here). */
  async hideOnOtherDevices(conversationId: string, messageIds: readonly string[]): Promise<void> {
    const work = new UnitOfWork();
    this.deps.hideOnOwnDevices(work, conversationId, [...messageIds]);
    await this.deps.commit(work);
  }

  hideFromOwnDevice(work: UnitOfWork, conversationId: string, messageIds: readonly string[]): void {
    const model = this.deps.conversations.get(conversationId);
    if (model) this.hide(work, model, messageIds.slice(0, MAX_HIDE_MESSAGE_IDS));
  }

  /** The folded reactions, edits and deletions of a conversation, by message id (views). */
  stateOf(model: ConversationModel): ReadonlyMap<string, RichState> {
    return this.folds.stateOf(model);
  }

  /**
   * Brings the rows in line with the fold after a change staged on `work`: edited text, deleted
   * messages emptied (and their media purged). Cheap when no rich op changed.
   */
  reconcile(work: UnitOfWork, model: ConversationModel): void {
    const folded = this.folds.changedSinceReconcile(model);
    if (!folded) return;
    const deleted = new Set<string>();
    for (const [messageId, state] of folded.byMessage) {
      const row = model.rows.get(messageId);
      if (!row || row.deleted) continue;
      if (state.deletedAt !== undefined) {
        this.tombstone(work, model, row);
        deleted.add(messageId);
        continue;
      }
      const latest = state.edits.at(-1);
      if (latest && row.editedAt !== latest.at)
        this.deps.conversations.replaceRow(work, model, {
          ...row,
          body: latest.body,
          editedAt: latest.at,
        });
    }
    if (deleted.size > 0) this.redact(work, model, deleted);
  }

  /**
   * Takes the deleted messages' content out of the document itself (logged like any change, and
   * compacted away at once: ConversationModel.purge). Every device does it on its own, once the
   * fold has accepted the delete; nothing is sent.
   */
  private redact(work: UnitOfWork, model: ConversationModel, messageIds: Set<string>): void {
    let removed = false;
    this.deps.conversations.purgeSealed(model, messageIds);
    this.deps.conversations.stage(work, model, (doc) => {
      removed = doc.redactMessages(messageIds);
    });
    if (removed) model.purge = true;
  }

  // --- Internals

  private tombstone(work: UnitOfWork, model: ConversationModel, row: MessageRow): void {
    const { attachments, editedAt: _editedAt, ...kept } = row;
    const entry = model.timeline().find((candidate) => candidate.id === row.id);
    this.deps.conversations.replaceRow(work, model, {
      ...kept,
      body: '',
      deleted: true,
      ...(entry ? { orderKey: orderKey(entry) } : {}),
    });
    for (const pointer of attachments ?? [])
      void this.deps.purgeMedia(pointer, 'everywhere').catch((error) => this.deps.onError(error));
  }

  private hide(work: UnitOfWork, model: ConversationModel, messageIds: readonly string[]): void {
    for (const id of messageIds) {
      const row = model.rows.get(id);
      if (!row || row.hidden || row.kind !== 'text') continue;
      const { attachments, ...kept } = row;
      this.deps.conversations.replaceRow(work, model, { ...kept, body: '', hidden: true });
      for (const pointer of attachments ?? [])
        void this.deps.purgeMedia(pointer, 'cache').catch((error) => this.deps.onError(error));
    }
  }

  private async write(
    model: ConversationModel,
    messageId: string,
    body: RichOpBody,
  ): Promise<void> {
    const account = this.deps.device.require();
    const op = signRichOp(
      model.row.id,
      {
        id: crypto.randomUUID(),
        messageId,
        author: account.accountId,
        authorDevice: account.deviceId,
        at: this.now(),
        ...body,
      },
      this.deps.sign,
    );
    const work = new UnitOfWork();
    const { update } = this.deps.conversations.stage(work, model, (doc) => doc.writeRichOp(op));
    if (update) this.deps.publish(work, model, update);
    await this.deps.commit(work);
  }

  /** A message this account may edit or delete for everyone now, or the reason why not. */
  private authored(
    conversationId: string,
    messageId: string,
    window: number,
  ): { model: ConversationModel; row: MessageRow } {
    const target = this.target(conversationId, messageId);
    if (target.row.senderId !== this.deps.device.require().accountId)
      throw new ParleyError('NOT_AUTHOR', 'only its author can change a message');
    if (this.now() - target.row.sentAt > window)
      throw new ParleyError('WINDOW_PASSED', 'this message is too old to change');
    return target;
  }

  /** A visible, not deleted message of the conversation. */
  private target(
    conversationId: string,
    messageId: string,
  ): { model: ConversationModel; row: MessageRow } {
    const model = this.model(conversationId);
    const row = model.rows.get(messageId);
    if (!row || row.hidden || row.kind !== 'text')
      throw new ParleyError('UNKNOWN_MESSAGE', `no message ${messageId} in ${conversationId}`);
    if (row.deleted) throw new ParleyError('MESSAGE_DELETED', 'this message was deleted');
    return { model, row };
  }

  private model(conversationId: string): ConversationModel {
    const model = this.deps.conversations.get(conversationId);
    if (!model) throw new ParleyError('UNKNOWN_CONVERSATION', `no conversation ${conversationId}`);
    return model;
  }
}
