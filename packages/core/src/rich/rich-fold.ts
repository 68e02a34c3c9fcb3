/**
 * What a conversation's rich ops mean: a deterministic fold over the whole set, so every device
 * holding the same document shows the same reactions, edits and deletions, whatever order the
 * ops arrived in. An op its author was not allowed to write is ignored by everyone (the rule of
 * the membership fold, docs/decisions/0600): a bad signature, an edit or delete by anyone but the
 * message's author, or one dated past the window after the message was sent.
 */
import {
  DELETE_FOR_EVERYONE_WINDOW_MS,
  EDIT_WINDOW_MS,
  MAX_EDITS_PER_MESSAGE,
} from '@parley/protocol';
import { verifyRichOp, type RichOp, type VerifyFn } from './rich-op.js';

/** The part of a message entry the rules read. */
export interface FoldedMessage {
  id: string;
  senderId: string;
  sentAt: number;
}

export interface EditVersion {
  body: string;
  at: number;
}

export interface RichState {
  /** author account id -> emoji (removed reactions are absent). */
  reactions: Map<string, { emoji: string; at: number }>;
  /** Counting edits in order (oldest first); the last one is the message's current text. */
  edits: EditVersion[];
  /** When its author deleted it for everyone. */
  deletedAt?: number;
}

export interface FoldResult {
  byMessage: Map<string, RichState>;
  /** Ops naming a message this device does not hold (yet): they count once it arrives. */
  waiting: number;
}

/** Orders ops by their author's clock, then id, as every device does. */
function byTime(a: RichOp, b: RichOp): number {
  return a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function foldRichOps(
  conversationId: string,
  ops: readonly RichOp[],
  messageOf: (messageId: string) => FoldedMessage | undefined,
  verify: VerifyFn,
): FoldResult {
  const byMessage = new Map<string, RichState>();
  let waiting = 0;
  for (const op of [...ops].sort(byTime)) {
    const message = messageOf(op.messageId);
    if (!message) {
      waiting++;
      continue;
    }
    if (!allowed(op, message) || !verifyRichOp(conversationId, op, verify)) continue;
    let state = byMessage.get(message.id);
    if (!state) byMessage.set(message.id, (state = { reactions: new Map(), edits: [] }));
    apply(state, op);
  }
  return { byMessage, waiting };
}

/** The rules that do not need the signature: who may do what, and until when. */
function allowed(op: RichOp, message: FoldedMessage): boolean {
  switch (op.kind) {
    case 'react':
      return true;
    case 'edit':
      return op.author === message.senderId && op.at - message.sentAt <= EDIT_WINDOW_MS;
    case 'delete':
      return (
        op.author === message.senderId && op.at - message.sentAt <= DELETE_FOR_EVERYONE_WINDOW_MS
      );
  }
}

function apply(state: RichState, op: RichOp): void {
  switch (op.kind) {
    case 'react':
      // Ops come in time order: the author's latest reaction wins; '' takes it back.
      if (op.emoji === '') state.reactions.delete(op.author);
      else state.reactions.set(op.author, { emoji: op.emoji, at: op.at });
      return;
    case 'edit':
      if (state.edits.length < MAX_EDITS_PER_MESSAGE)
        state.edits.push({ body: op.body, at: op.at });
      return;
    case 'delete':
      state.deletedAt ??= op.at;
      return;
  }
}
