/**
 * The closed sets of ways a membership op can fail.
 *
 * `IgnoreReason` is what the fold reports for an op in the log that it ignores: invalid ops are
 * never rejected from the Yjs document (ARCHITECTURE.md), every device just skips them alike.
 * `GroupError` is thrown to the local caller only, when it asks to sign or append an op that is
 * malformed or that the fold would ignore, so the device never writes an op it knows to be void.
 */

export type IgnoreReason =
  /** Not a well-formed op (wrong shape, a limit exceeded, unsorted parents or members). */
  | 'malformed'
  /** The op id is not the hash of the op's canonical bytes. */
  | 'bad-id'
  /** The author's identity key does not verify the signature (or the author is unknown). */
  | 'bad-signature'
  /** The op belongs to another group. */
  | 'wrong-group'
  /** A causal parent is not in the log (yet): the op counts once its parents arrive. */
  | 'missing-parent'
  /** The clock is not 1 + the highest clock among the parents. */
  | 'bad-clock'
  /** A create op that is not the group's genesis: wrong author or nonce for the group id, or parents. */
  | 'bad-create'
  /** A second create after the group exists. */
  | 'already-created'
  /** The author is not a member at the op's place in the order (never was, removed, or left). */
  | 'not-a-member'
  /** The op needs an admin (always, or because of an admins-only setting) and the author is not one. */
  | 'not-an-admin'
  /** The target of add is already a member. */
  | 'already-member'
  /** The target of remove, promote or demote is not a member, or remove names the author. */
  | 'bad-target'
  /** Promote of an admin or demote of a non-admin. */
  | 'no-change'
  /** Demote of the only admin: a group with members always keeps an admin. */
  | 'last-admin'
  /** Add (or create) beyond MAX_GROUP_MEMBERS. */
  | 'group-full'
  /**
   * The author was removed (or, for admin-only ops, demoted) by an op that did not causally follow
   * this one: a removed member cannot act by backdating, and a concurrent op of theirs is void.
   */
  | 'revoked';

export type GroupErrorCode = 'invalid-op' | 'rejected-op';

/** Thrown to the local caller; never raised by the fold over received ops. */
export class GroupError extends Error {
  override readonly name = 'GroupError';

  constructor(
    readonly code: GroupErrorCode,
    message: string,
    /** For 'rejected-op': the reason the fold would ignore the op. */
    readonly reason?: IgnoreReason,
  ) {
    super(message);
  }
}
