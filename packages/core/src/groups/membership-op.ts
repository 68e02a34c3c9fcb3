/**
 * Membership operations: the entries of a group's membership log (see membership-log.ts for where
 * they live in the conversation document, and membership-fold.ts for what they mean).
 *
 * Every op carries:
 * - `groupId`: the group it belongs to. A group id commits to its creator: it is derived from the
 *   creator's account id and a random nonce (`groupIdFor`), so only the creator can write the
 *   group's genesis op and nobody can forge a competing one.
 * - `author`, `authorDevice`: the account that signed it and the device that wrote it.
 * - `parents`: the ids of the ops the author's device had folded and that no other op it knew named
 *   (the heads of its log), sorted; and `clock`: a Lamport clock, exactly 1 + the highest clock among
 *   the parents (1 for the genesis op). Deriving the clock from the parents means nobody can jump it
 *   ahead; going back means naming older parents, which the fold's revocation rule sees through.
 * - `id`: the first 16 bytes (hex) of SHA-256 over the op's canonical bytes. Content addressing
 *   makes duplicates exact: two log entries with one id are the same op.
 * - `sig`: the author's XEdDSA identity-key signature over the canonical bytes (the engine port's
 *   `PrivateKey.sign`, identical in libsignal-client and signal-ts).
 *
 * Canonical bytes: the domain tag `parley-group-op-v1`, then each field in a fixed order as lib0
 * varUints (numbers, booleans, lengths) and varStrings (UTF-8, length-prefixed); lists are sorted
 * and duplicate-free. The encoding is written once, here, and pinned by a test: changing it changes
 * every op id and invalidates every signature.
 *
 * This module is pure: signing and verification are callbacks, the caller holds the keys.
 */
import * as encoding from 'lib0/encoding';
import { digest } from 'lib0/hash/sha256';
import type { Bytes } from '../crypto/engine.js';
import { GroupError } from './errors.js';
import {
  GROUP_ID_BYTES,
  MAX_ACCOUNT_ID_LENGTH,
  MAX_AVATAR_REF_LENGTH,
  MAX_CLOCK,
  MAX_DEVICE_ID,
  MAX_DISAPPEARING_SECONDS,
  MAX_GROUP_MEMBERS,
  MAX_OP_PARENTS,
  MAX_TITLE_LENGTH,
  MIN_DEVICE_ID,
  OP_ID_BYTES,
  SIGNATURE_BYTES,
} from './limits.js';

/** Domain separation: these bytes are never valid as anything else an identity key signs. */
export const OP_SIGNATURE_DOMAIN = 'parley-group-op-v1';
const GROUP_ID_DOMAIN = 'parley-group-id-v1';

export type Role = 'admin' | 'member';
export type AdminsOnlyScope = 'edit-info' | 'send';

/** What an op does; `kind` discriminates. */
export type OpBody =
  /** The genesis op: the creator becomes admin, `members` (sorted, without the creator) members. */
  | { kind: 'create'; nonce: string; title: string; members: readonly string[] }
  | { kind: 'add'; member: string }
  | { kind: 'remove'; member: string }
  | { kind: 'promote'; member: string }
  | { kind: 'demote'; member: string }
  | { kind: 'leave' }
  | { kind: 'rename'; title: string }
  /** `avatar`: a serialized attachment pointer, or null to clear it. */
  | { kind: 'set-avatar'; avatar: string | null }
  /** 0 turns disappearing messages off. */
  | { kind: 'set-timer'; seconds: number }
  | { kind: 'set-admins-only'; scope: AdminsOnlyScope; adminsOnly: boolean };

export type OpKind = OpBody['kind'];

export interface OpHeader {
  groupId: string;
  author: string;
  authorDevice: number;
  clock: number;
  parents: readonly string[];
}

/** An op before signing. */
export type UnsignedOp = OpHeader & OpBody;

/** An op as stored in the log: an immutable plain value. */
export type MembershipOp = UnsignedOp & { id: string; sig: Uint8Array };

/** Signs with the author's identity private key (`PrivateKey.sign`). */
export type SignFn = (message: Bytes) => Uint8Array;

/**
 * Verifies a signature by `accountId`'s identity key (`PublicKey.verify`). The caller resolves the
 * key; an unknown account verifies nothing.
 */
export type VerifyFn = (accountId: string, message: Bytes, signature: Bytes) => boolean;

// ---------------------------------------------------------------------------------------------
// Group ids

/** A fresh random nonce for `groupIdFor` (16 bytes, hex). */
export function newGroupNonce(): string {
  return toHex(crypto.getRandomValues(new Uint8Array(GROUP_ID_BYTES)));
}

/** `g-` + the first 16 bytes (hex) of SHA-256 over a domain tag, the creator and the nonce. */
export function groupIdFor(creator: string, nonce: string): string {
  const input = new TextEncoder().encode(`${GROUP_ID_DOMAIN}\0${creator}\0${nonce}`);
  return `g-${toHex(digest(input).subarray(0, GROUP_ID_BYTES))}`;
}

// ---------------------------------------------------------------------------------------------
// Canonical bytes, id, signature

/** The canonical bytes of an op: what is hashed into its id and what its author signs. */
export function encodeOp(op: UnsignedOp): Bytes {
  const e = encoding.createEncoder();
  encoding.writeVarString(e, OP_SIGNATURE_DOMAIN);
  encoding.writeVarString(e, op.groupId);
  encoding.writeVarString(e, op.author);
  encoding.writeVarUint(e, op.authorDevice);
  encoding.writeVarUint(e, op.clock);
  writeStrings(e, op.parents);
  encoding.writeVarString(e, op.kind);
  switch (op.kind) {
    case 'create':
      encoding.writeVarString(e, op.nonce);
      encoding.writeVarString(e, op.title);
      writeStrings(e, op.members);
      break;
    case 'add':
    case 'remove':
    case 'promote':
    case 'demote':
      encoding.writeVarString(e, op.member);
      break;
    case 'leave':
      break;
    case 'rename':
      encoding.writeVarString(e, op.title);
      break;
    case 'set-avatar':
      encoding.writeVarUint(e, op.avatar === null ? 0 : 1);
      if (op.avatar !== null) encoding.writeVarString(e, op.avatar);
      break;
    case 'set-timer':
      encoding.writeVarUint(e, op.seconds);
      break;
    case 'set-admins-only':
      encoding.writeVarString(e, op.scope);
      encoding.writeVarUint(e, op.adminsOnly ? 1 : 0);
      break;
  }
  return new Uint8Array(encoding.toUint8Array(e));
}

/** An op's id: the first 16 bytes (hex) of SHA-256 over its canonical bytes. */
export function opIdOf(op: UnsignedOp): string {
  return toHex(digest(encodeOp(op)).subarray(0, OP_ID_BYTES));
}

/**
 * Signs an op: normalizes its lists (sorted, duplicate-free), checks it is well formed, and returns
 * the stored value with its id and signature. Throws GroupError('invalid-op') on a malformed op.
 */
export function signOp(draft: UnsignedOp, sign: SignFn): MembershipOp {
  const normalized = normalize(draft);
  const unsigned = { ...normalized, id: '0'.repeat(2 * OP_ID_BYTES), sig: new Uint8Array(64) };
  if (parseOp(unsigned) === undefined) {
    throw new GroupError('invalid-op', `malformed ${draft.kind} op`);
  }
  const bytes = encodeOp(normalized);
  const sig = sign(bytes);
  return { ...normalized, id: toHex(digest(bytes).subarray(0, OP_ID_BYTES)), sig };
}

/** Whether `op.id` is its content hash and `op.sig` verifies under its author's identity key. */
export function checkId(op: MembershipOp): boolean {
  return opIdOf(op) === op.id;
}

export function verifyOp(op: MembershipOp, verify: VerifyFn): boolean {
  return verify(op.author, encodeOp(op), new Uint8Array(op.sig));
}

// ---------------------------------------------------------------------------------------------
// Parsing untrusted log entries

/**
 * Reads one log entry as an op, or undefined when it is not well formed. Entries come from other
 * devices' Yjs updates: anything may be there. The result is a fresh object holding only the
 * fields the signature covers.
 */
export function parseOp(value: unknown): MembershipOp | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const { id, groupId, author, authorDevice, clock, parents, sig, kind } = v;
  if (!isHexId(id, OP_ID_BYTES)) return undefined;
  if (typeof groupId !== 'string' || !/^g-[0-9a-f]+$/.test(groupId)) return undefined;
  if (groupId.length !== 2 + 2 * GROUP_ID_BYTES) return undefined;
  if (!isAccountId(author)) return undefined;
  if (!isInt(authorDevice, MIN_DEVICE_ID, MAX_DEVICE_ID)) return undefined;
  if (!isInt(clock, 1, MAX_CLOCK)) return undefined;
  if (!isSortedUnique(parents, MAX_OP_PARENTS, (p) => isHexId(p, OP_ID_BYTES))) return undefined;
  if (!(sig instanceof Uint8Array) || sig.length !== SIGNATURE_BYTES) return undefined;
  const header = { id, groupId, author, authorDevice, clock, parents: [...parents], sig };
  switch (kind) {
    case 'create': {
      const { nonce, title, members } = v;
      if (!isHexId(nonce, GROUP_ID_BYTES) || !isTitle(title)) return undefined;
      if (!isSortedUnique(members, MAX_GROUP_MEMBERS - 1, isAccountId)) return undefined;
      if (members.includes(author)) return undefined;
      return { ...header, kind, nonce, title, members: [...members] };
    }
    case 'add':
    case 'remove':
    case 'promote':
    case 'demote':
      return isAccountId(v.member) ? { ...header, kind, member: v.member } : undefined;
    case 'leave':
      return { ...header, kind };
    case 'rename':
      return isTitle(v.title) ? { ...header, kind, title: v.title } : undefined;
    case 'set-avatar': {
      const { avatar } = v;
      if (avatar === null) return { ...header, kind, avatar };
      if (typeof avatar !== 'string' || avatar.length > MAX_AVATAR_REF_LENGTH) return undefined;
      return { ...header, kind, avatar };
    }
    case 'set-timer':
      return isInt(v.seconds, 0, MAX_DISAPPEARING_SECONDS)
        ? { ...header, kind, seconds: v.seconds }
        : undefined;
    case 'set-admins-only': {
      const { scope, adminsOnly } = v;
      if ((scope !== 'edit-info' && scope !== 'send') || typeof adminsOnly !== 'boolean') {
        return undefined;
      }
      return { ...header, kind, scope, adminsOnly };
    }
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------

function normalize(draft: UnsignedOp): UnsignedOp {
  const parents = [...new Set(draft.parents)].sort();
  if (draft.kind === 'create') {
    return { ...draft, parents, members: [...new Set(draft.members)].sort() };
  }
  return { ...draft, parents };
}

function writeStrings(e: encoding.Encoder, values: readonly string[]): void {
  encoding.writeVarUint(e, values.length);
  for (const value of values) encoding.writeVarString(e, value);
}

function isInt(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

function isHexId(value: unknown, bytes: number): value is string {
  return typeof value === 'string' && value.length === 2 * bytes && /^[0-9a-f]+$/.test(value);
}

function isAccountId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_ACCOUNT_ID_LENGTH;
}

function isTitle(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_TITLE_LENGTH;
}

/** A strictly ascending array (so sorted and duplicate-free) of at most `max` valid items. */
function isSortedUnique(
  value: unknown,
  max: number,
  valid: (item: unknown) => boolean,
): value is string[] {
  if (!Array.isArray(value) || value.length > max) return false;
  for (let i = 0; i < value.length; i++) {
    if (!valid(value[i])) return false;
    if (i > 0 && !((value[i - 1] as string) < (value[i] as string))) return false;
  }
  return true;
}

function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
