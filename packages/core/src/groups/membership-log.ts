/**
 * The membership log in a group's conversation document: part of the document schema
 * (src/conversations/conversation-doc.ts describes the rest).
 *
 * - `membership` (Y.Array): one immutable plain value per op (MembershipOp: strings, numbers,
 *   booleans, string arrays, and the signature as a Uint8Array), appended with
 *   `insert(length, [op])` and never `push` (ARCHITECTURE.md: push walks the whole array). Entries
 *   are never edited or deleted: an invalid op stays in the array and every device's fold ignores it.
 *   The array's order is Yjs's and means nothing; the fold sorts ops itself.
 *
 * This module reads and appends ops, keeps the folded state current, and tells listeners when the
 * effective state (members, roles, settings) changes.
 */
import { digest } from 'lib0/hash/sha256';
import type * as Y from 'yjs';
import { GroupError } from './errors.js';
import { causalContext, foldMembership, type GroupState } from './membership-fold.js';
import {
  signOp,
  type MembershipOp,
  type OpBody,
  type SignFn,
  type VerifyFn,
} from './membership-op.js';

/** The name of the membership array in the conversation document. */
export const MEMBERSHIP_ARRAY = 'membership';

/** The Y.Array holding a document's membership log. */
export function membershipArray(doc: Y.Doc): Y.Array<unknown> {
  return doc.getArray<unknown>(MEMBERSHIP_ARRAY);
}

export interface LocalAuthor {
  accountId: string;
  deviceId: number;
  /** Signs with the account's identity private key. */
  sign: SignFn;
}

export type MembershipListener = (state: GroupState, previous: GroupState, origin: unknown) => void;

export class MembershipLog {
  private readonly array: Y.Array<unknown>;
  private readonly verify: VerifyFn;
  private current: GroupState;
  private readonly listeners = new Set<MembershipListener>();

  /**
   * @param verify resolves the author's identity key and checks the signature. Results are cached
   *   per (op id, signature) for the life of this object: refolding after each change verifies only
   *   new ops.
   */
  constructor(
    readonly doc: Y.Doc,
    readonly groupId: string,
    verify: VerifyFn,
  ) {
    this.array = membershipArray(doc);
    const verified = new Map<string, boolean>();
    this.verify = (accountId, message, signature) => {
      const key = `${accountId}\0${hex(digest(message))}\0${hex(signature)}`;
      let ok = verified.get(key);
      if (ok === undefined) verified.set(key, (ok = verify(accountId, message, signature)));
      return ok;
    };
    this.current = this.fold();
    this.array.observe((_event, transaction) => this.refresh(transaction.origin));
  }

  /** The log's entries as stored (in the document's order, which carries no meaning). */
  entries(): unknown[] {
    return this.array.toArray();
  }

  /** The folded state of the log as it is now. */
  get state(): GroupState {
    return this.current;
  }

  /**
   * Writes a new op by the local device: names the log's heads as parents, takes the next clock,
   * signs it, and appends it in one transaction. Throws GroupError when the op is malformed
   * ('invalid-op') or when the fold would ignore it ('rejected-op'): a device never writes an op
   * it knows to be void.
   */
  append(body: OpBody, author: LocalAuthor, origin?: unknown): MembershipOp {
    const { parents, clock } = causalContext(this.current);
    const op = signOp(
      {
        ...body,
        groupId: this.groupId,
        author: author.accountId,
        authorDevice: author.deviceId,
        clock: body.kind === 'create' ? 1 : clock,
        parents: body.kind === 'create' ? [] : parents,
      },
      author.sign,
    );
    const next = foldMembership([...this.entries(), op], {
      groupId: this.groupId,
      verify: this.verify,
    });
    if (!next.applied.includes(op.id)) {
      const reason = next.ignored.find((i) => i.opId === op.id)?.reason;
      throw new GroupError('rejected-op', `${body.kind} would be ignored: ${reason}`, reason);
    }
    this.doc.transact(() => this.array.insert(this.array.length, [op]), origin);
    return op;
  }

  /** Calls back whenever the effective state changes; returns the unsubscribe function. */
  observe(listener: MembershipListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private fold(): GroupState {
    return foldMembership(this.entries(), { groupId: this.groupId, verify: this.verify });
  }

  private refresh(origin: unknown): void {
    const previous = this.current;
    this.current = this.fold();
    if (effectiveKey(previous) === effectiveKey(this.current)) return;
    for (const listener of this.listeners) listener(this.current, previous, origin);
  }
}

/** A canonical string of what users see of a group state: equal strings, equal states. */
export function effectiveKey(state: GroupState): string {
  return JSON.stringify([
    state.creator ?? null,
    [...state.members],
    [...state.former],
    state.title,
    state.avatar,
    state.disappearingSeconds,
    state.adminsOnlyEditInfo,
    state.adminsOnlySend,
  ]);
}

function hex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}
