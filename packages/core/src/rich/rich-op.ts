/**
 * Rich-message operations: reactions, edits and deletes for everyone, written into a conversation
 * document's side maps (conversation-doc.ts: `reactions`, `edits`, `deletions`, each keyed by op
 * id) and signed by their author's identity key, so every device can tell who wrote them
 * (docs/decisions/0650-rich-messages.md). A Yjs update may carry ops written by anyone (state
 * repair relays everybody's ops), so authorship is never taken from the envelope's sender.
 *
 * Canonical bytes: the domain tag `parley-rich-op-v1`, the conversation id (an op cannot be
 * replayed into another chat), then the fields in a fixed order as lib0 varUints / varStrings.
 * Pure: signing and verification are callbacks, the caller holds the keys.
 */
import * as encoding from 'lib0/encoding';
import { MAX_REACTION_LENGTH } from '@parley/protocol';
import type { Bytes } from '../crypto/engine.js';
import { MAX_TEXT_LENGTH } from '../errors.js';

export const RICH_OP_DOMAIN = 'parley-rich-op-v1';

export type RichOpBody =
  /** `emoji` '' removes the author's reaction. */
  { kind: 'react'; emoji: string } | { kind: 'edit'; body: string } | { kind: 'delete' };

export interface RichOpHeader {
  /** A random UUID: the op's key in its side map. */
  id: string;
  messageId: string;
  author: string;
  authorDevice: number;
  /** Author's clock when written (ms since epoch): orders ops, and is checked against windows. */
  at: number;
}

export type UnsignedRichOp = RichOpHeader & RichOpBody;
export type RichOp = UnsignedRichOp & { sig: Uint8Array };
export type RichOpKind = RichOp['kind'];

export type SignFn = (message: Bytes) => Uint8Array;
export type VerifyFn = (accountId: string, message: Bytes, signature: Bytes) => boolean;

const MAX_ID_LENGTH = 128;
const MAX_SIGNATURE_BYTES = 128;

export function encodeRichOp(conversationId: string, op: UnsignedRichOp): Bytes {
  const e = encoding.createEncoder();
  encoding.writeVarString(e, RICH_OP_DOMAIN);
  encoding.writeVarString(e, conversationId);
  encoding.writeVarString(e, op.id);
  encoding.writeVarString(e, op.messageId);
  encoding.writeVarString(e, op.author);
  encoding.writeVarUint(e, op.authorDevice);
  encoding.writeVarUint(e, op.at);
  encoding.writeVarString(e, op.kind);
  if (op.kind === 'react') encoding.writeVarString(e, op.emoji);
  if (op.kind === 'edit') encoding.writeVarString(e, op.body);
  return new Uint8Array(encoding.toUint8Array(e));
}

export function signRichOp(conversationId: string, op: UnsignedRichOp, sign: SignFn): RichOp {
  return { ...op, sig: sign(encodeRichOp(conversationId, op)) };
}

export function verifyRichOp(conversationId: string, op: RichOp, verify: VerifyFn): boolean {
  try {
    return verify(op.author, encodeRichOp(conversationId, op), new Uint8Array(op.sig));
  } catch {
    return false;
  }
}

/** The op a side-map value holds, or undefined when it is malformed (it came from other devices). */
export function parseRichOp(value: unknown): RichOp | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (
    !isId(v.id) ||
    !isId(v.messageId) ||
    !isId(v.author) ||
    !isCount(v.authorDevice) ||
    !isCount(v.at) ||
    !(v.sig instanceof Uint8Array) ||
    v.sig.length > MAX_SIGNATURE_BYTES
  )
    return undefined;
  const header = {
    id: v.id,
    messageId: v.messageId,
    author: v.author,
    authorDevice: v.authorDevice,
    at: v.at,
    sig: v.sig,
  };
  switch (v.kind) {
    case 'react':
      return typeof v.emoji === 'string' && v.emoji.length <= MAX_REACTION_LENGTH
        ? { ...header, kind: 'react', emoji: v.emoji }
        : undefined;
    case 'edit':
      return typeof v.body === 'string' &&
        v.body.trim().length > 0 &&
        v.body.length <= MAX_TEXT_LENGTH
        ? { ...header, kind: 'edit', body: v.body }
        : undefined;
    case 'delete':
      return { ...header, kind: 'delete' };
    default:
      return undefined;
  }
}

function isId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_ID_LENGTH;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
