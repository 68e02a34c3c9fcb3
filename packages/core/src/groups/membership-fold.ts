/**
 * The effective membership and settings of a group: a deterministic fold over its membership log
 * (membership-op.ts). Every device that holds the same SET of ops computes the same state, whatever
 * order the Yjs document delivered or lists them in. Invalid ops are never removed from the
 * document: every device ignores them alike, and the fold reports why (`ignored`).
 *
 * The rules, in the order the fold applies them (docs/decisions/0600-group-membership-fold.md):
 *
 * 1. Well-formedness: an entry that does not parse (`parseOp`) is counted in `malformed`; an op whose
 *    id is not its content hash is 'bad-id'; an op of another group is 'wrong-group'; an op whose
 *    signature does not verify under its author's identity key is 'bad-signature'. Entries with one
 *    id are one op: it counts once, and it counts if any copy of it verifies.
 * 2. Causality: an op counts only once all its parents count ('missing-parent'), and its clock must
 *    be exactly 1 + the highest parent clock ('bad-clock'). So clocks respect causality and nobody
 *    can move an op ahead of ops it had not seen.
 * 3. Total order: (clock, author account id, op id), ascending, by JavaScript string order. It is
 *    independent of delivery and array order, and extends the causal order.
 * 4. Each op, in that order, is checked against the state folded so far:
 *    - create: valid only as the group's genesis: the group id must be `groupIdFor(author, nonce)`
 *      and the op has no parents ('bad-create'); only the first one counts ('already-created').
 *      The creator becomes admin, the listed members members.
 *    - every other op: the author must be a current member ('not-a-member'), so the ops of a removed
 *      member, of someone who left, or of a stranger count for nothing.
 *    - add, remove, promote, demote, set-admins-only: admins only ('not-an-admin'); rename,
 *      set-avatar, set-timer: admins only while `adminsOnlyEditInfo`, else any member; leave: any
 *      member. Sending messages (canSend): any member, admins only while `adminsOnlySend`.
 *    - add: target not a member ('already-member'), at most MAX_GROUP_MEMBERS ('group-full').
 *      remove: target a member other than the author ('bad-target': leave instead). promote: target
 *      a non-admin member; demote: target an admin ('no-change'), and never the last admin
 *      ('last-admin'). leave: always allowed; when the last admin leaves a group that still has
 *      members, the longest-standing member (lowest added-at clock, then lowest account id) becomes
 *      admin, as WhatsApp does. A group whose members all left is over.
 * 5. Revocation: a remove voids the ops its target made during the membership it ends that the
 *    remove's author had not seen (not among the remove's causal ancestors): they are 'revoked'.
 *    A demote does the same to its target's ops that needed admin rights. Without this, a removed
 *    member could act by backdating (naming old parents) so that their op sorts before the removal.
 *    Revocation can change what else is valid, so the fold repeats step 4 with the revoked ops
 *    excluded until no further op is revoked (an op once revoked stays revoked; at most one round
 *    per op, usually one or two).
 *
 * Concurrent conflicting ops resolve by the total order: when admin A removes B while B removes A,
 * whichever op sorts first applies and the other is ignored, its author no longer being a member.
 */
import type { IgnoreReason } from './errors.js';
import { MAX_GROUP_MEMBERS, MAX_OP_PARENTS } from './limits.js';
import {
  checkId,
  groupIdFor,
  parseOp,
  verifyOp,
  type MembershipOp,
  type OpKind,
  type Role,
  type VerifyFn,
} from './membership-op.js';

export interface MemberInfo {
  role: Role;
  /** Account id of the admin who added this member (the creator for the initial members). */
  addedBy: string;
  /** Clock of the op that added this member. */
  addedAt: number;
}

export interface IgnoredOp {
  opId: string;
  author: string;
  kind: OpKind;
  clock: number;
  reason: IgnoreReason;
}

export interface GroupState {
  groupId: string;
  /** The creator's account id, once the genesis op is folded. */
  creator: string | undefined;
  /** Current members by account id, in account id order. */
  members: ReadonlyMap<string, MemberInfo>;
  /** Accounts that were members and are not any more, in account id order. */
  former: ReadonlyMap<string, 'removed' | 'left'>;
  title: string;
  /** Serialized attachment pointer of the avatar, or null. */
  avatar: string | null;
  /** Disappearing-messages timer; 0 is off. */
  disappearingSeconds: number;
  adminsOnlyEditInfo: boolean;
  adminsOnlySend: boolean;
  /** Ids of the ops that took effect, in fold order. */
  applied: readonly string[];
  /** Ops that did not, with the reason, in total order (for tests and debugging). */
  ignored: readonly IgnoredOp[];
  /** Log entries that are not ops at all. */
  malformed: number;
  /** Highest clock among the ops that count causally (0 for an empty log). */
  clock: number;
  /** The ops the next local op names as parents (sorted ids; see causalContext). */
  heads: readonly string[];
}

export interface FoldOptions {
  /** The group this log belongs to (the conversation id). */
  groupId: string;
  /** Resolves the author's identity key and checks an XEdDSA signature with it. */
  verify: VerifyFn;
}

/** Folds a membership log (entries as read from the document, in any order) into a GroupState. */
export function foldMembership(entries: readonly unknown[], options: FoldOptions): GroupState {
  const ignored = new Map<string, IgnoredOp>();
  const ignore = (op: MembershipOp, reason: IgnoreReason): void => {
    const key = `${op.id}\0${reason}`;
    if (!ignored.has(key)) {
      ignored.set(key, {
        opId: op.id,
        author: op.author,
        kind: op.kind,
        clock: op.clock,
        reason,
      });
    }
  };

  // 1. Well-formedness, identity, signatures. An id counts if any of its copies verifies.
  let malformed = 0;
  const verified = new Map<string, MembershipOp>();
  const unverified = new Map<string, MembershipOp>();
  for (const entry of entries) {
    const op = parseOp(entry);
    if (op === undefined) malformed++;
    else if (!checkId(op)) ignore(op, 'bad-id');
    else if (op.groupId !== options.groupId) ignore(op, 'wrong-group');
    else if (verified.has(op.id)) continue;
    else if (verifyOp(op, options.verify)) verified.set(op.id, op);
    else unverified.set(op.id, op);
  }
  for (const [id, op] of unverified) if (!verified.has(id)) ignore(op, 'bad-signature');

  // 2. Causality: parents first (clock order), each parent counted, clock = 1 + max parent clock.
  const causal = new Map<string, MembershipOp>();
  for (const op of [...verified.values()].sort(byTotalOrder)) {
    const parents = op.parents.map((id) => causal.get(id));
    if (!parents.every((p) => p !== undefined)) ignore(op, 'missing-parent');
    else if (op.clock !== nextClock(parents)) ignore(op, 'bad-clock');
    else causal.set(op.id, op);
  }

  // 3. Total order (the causal map was filled in it). 4./5. Rules, repeated until no revocation.
  const ordered = [...causal.values()];
  const revoked = new Set<string>();
  let run = applyRules(options.groupId, ordered, revoked);
  for (;;) {
    const newly = findRevoked(run, causal).filter((id) => !revoked.has(id));
    if (newly.length === 0) break;
    for (const id of newly) revoked.add(id);
    run = applyRules(options.groupId, ordered, revoked);
  }
  for (const [op, reason] of run.ignored) ignore(op, reason);

  const ignoredList = [...ignored.values()].sort(
    (a, b) =>
      compareOrder(a.clock, a.author, a.opId, b.clock, b.author, b.opId) ||
      compareStrings(a.reason, b.reason),
  );
  const s = run.state;
  return {
    groupId: options.groupId,
    creator: s.creator,
    members: sortedMap(s.members),
    former: sortedMap(s.former),
    title: s.title,
    avatar: s.avatar,
    disappearingSeconds: s.disappearingSeconds,
    adminsOnlyEditInfo: s.adminsOnlyEditInfo,
    adminsOnlySend: s.adminsOnlySend,
    applied: run.applied.map((a) => a.op.id),
    ignored: ignoredList,
    malformed,
    clock: ordered.reduce((max, op) => Math.max(max, op.clock), 0),
    heads: headsOf(ordered),
  };
}

/** The clock an op must carry given the ops it names as parents: 1 + their highest clock. */
export function nextClock(ops: readonly { clock: number }[]): number {
  return 1 + ops.reduce((max, op) => Math.max(max, op.clock), 0);
}

/** What the next op written on this device names: the log's heads, and the clock that follows. */
export function causalContext(state: GroupState): { parents: readonly string[]; clock: number } {
  return { parents: state.heads, clock: state.clock + 1 };
}

export function isMember(state: GroupState, accountId: string): boolean {
  return state.members.has(accountId);
}

export function isAdmin(state: GroupState, accountId: string): boolean {
  return state.members.get(accountId)?.role === 'admin';
}

/** Whether `accountId` may send messages to the group. */
export function canSend(state: GroupState, accountId: string): boolean {
  return isMember(state, accountId) && (!state.adminsOnlySend || isAdmin(state, accountId));
}

/** Whether `accountId` may rename the group or change its avatar or disappearing timer. */
export function canEditInfo(state: GroupState, accountId: string): boolean {
  return isMember(state, accountId) && (!state.adminsOnlyEditInfo || isAdmin(state, accountId));
}

// ---------------------------------------------------------------------------------------------
// Step 4: the rules

interface MutableState {
  creator: string | undefined;
  members: Map<string, MemberInfo>;
  former: Map<string, 'removed' | 'left'>;
  title: string;
  avatar: string | null;
  disappearingSeconds: number;
  adminsOnlyEditInfo: boolean;
  adminsOnlySend: boolean;
}

interface AppliedOp {
  op: MembershipOp;
  /** Position in the total order. */
  index: number;
  /** Whether the author needed admin rights for it at that point. */
  neededAdmin: boolean;
  /** For a leave of the last admin: the member it made admin. */
  heir?: string;
}

interface Run {
  state: MutableState;
  applied: AppliedOp[];
  ignored: Array<[MembershipOp, IgnoreReason]>;
}

function applyRules(
  groupId: string,
  ordered: readonly MembershipOp[],
  revoked: ReadonlySet<string>,
): Run {
  const s: MutableState = {
    creator: undefined,
    members: new Map(),
    former: new Map(),
    title: '',
    avatar: null,
    disappearingSeconds: 0,
    adminsOnlyEditInfo: false,
    adminsOnlySend: false,
  };
  const run: Run = { state: s, applied: [], ignored: [] };

  ordered.forEach((op, index) => {
    const reason = revoked.has(op.id) ? 'revoked' : check(groupId, s, op);
    if (reason !== undefined) {
      run.ignored.push([op, reason]);
      return;
    }
    const neededAdmin = needsAdmin(s, op);
    const heir = apply(s, op);
    run.applied.push({ op, index, neededAdmin, heir });
  });
  return run;
}

function needsAdmin(s: MutableState, op: MembershipOp): boolean {
  switch (op.kind) {
    case 'add':
    case 'remove':
    case 'promote':
    case 'demote':
    case 'set-admins-only':
      return true;
    case 'rename':
    case 'set-avatar':
    case 'set-timer':
      return s.adminsOnlyEditInfo;
    case 'create':
    case 'leave':
      return false;
  }
}

/** Why `op` is invalid in state `s`, or undefined when it applies. */
function check(groupId: string, s: MutableState, op: MembershipOp): IgnoreReason | undefined {
  if (op.kind === 'create') {
    if (s.creator !== undefined) return 'already-created';
    if (op.parents.length > 0 || groupIdFor(op.author, op.nonce) !== groupId) return 'bad-create';
    return undefined;
  }
  const author = s.members.get(op.author);
  if (author === undefined) return 'not-a-member';
  if (needsAdmin(s, op) && author.role !== 'admin') return 'not-an-admin';
  switch (op.kind) {
    case 'add':
      if (s.members.has(op.member)) return 'already-member';
      if (s.members.size >= MAX_GROUP_MEMBERS) return 'group-full';
      return undefined;
    case 'remove':
      return op.member === op.author || !s.members.has(op.member) ? 'bad-target' : undefined;
    case 'promote': {
      const target = s.members.get(op.member);
      if (target === undefined) return 'bad-target';
      return target.role === 'admin' ? 'no-change' : undefined;
    }
    case 'demote': {
      const target = s.members.get(op.member);
      if (target === undefined) return 'bad-target';
      if (target.role !== 'admin') return 'no-change';
      return adminCount(s) === 1 ? 'last-admin' : undefined;
    }
    case 'leave':
    case 'rename':
    case 'set-avatar':
    case 'set-timer':
    case 'set-admins-only':
      return undefined;
  }
}

/** Applies a valid op; returns the member a last admin's leave made admin, if any. */
function apply(s: MutableState, op: MembershipOp): string | undefined {
  switch (op.kind) {
    case 'create':
      s.creator = op.author;
      s.title = op.title;
      s.members.set(op.author, { role: 'admin', addedBy: op.author, addedAt: op.clock });
      for (const member of op.members) {
        s.members.set(member, { role: 'member', addedBy: op.author, addedAt: op.clock });
      }
      return;
    case 'add':
      s.members.set(op.member, { role: 'member', addedBy: op.author, addedAt: op.clock });
      s.former.delete(op.member);
      return;
    case 'remove':
      s.members.delete(op.member);
      s.former.set(op.member, 'removed');
      return;
    case 'promote':
    case 'demote': {
      const target = s.members.get(op.member);
      if (target)
        s.members.set(op.member, { ...target, role: op.kind === 'promote' ? 'admin' : 'member' });
      return;
    }
    case 'leave': {
      const wasAdmin = s.members.get(op.author)?.role === 'admin';
      s.members.delete(op.author);
      s.former.set(op.author, 'left');
      if (wasAdmin && s.members.size > 0 && adminCount(s) === 0) {
        const [heir, info] = longestStanding(s.members);
        s.members.set(heir, { ...info, role: 'admin' });
        return heir;
      }
      return;
    }
    case 'rename':
      s.title = op.title;
      return;
    case 'set-avatar':
      s.avatar = op.avatar;
      return;
    case 'set-timer':
      s.disappearingSeconds = op.seconds;
      return;
    case 'set-admins-only':
      if (op.scope === 'edit-info') s.adminsOnlyEditInfo = op.adminsOnly;
      else s.adminsOnlySend = op.adminsOnly;
      return;
  }
}

function adminCount(s: MutableState): number {
  let count = 0;
  for (const info of s.members.values()) if (info.role === 'admin') count++;
  return count;
}

/** The member with the lowest added-at clock, then the lowest account id. */
function longestStanding(members: ReadonlyMap<string, MemberInfo>): [string, MemberInfo] {
  let best: [string, MemberInfo] | undefined;
  for (const entry of members) {
    if (
      best === undefined ||
      entry[1].addedAt < best[1].addedAt ||
      (entry[1].addedAt === best[1].addedAt && entry[0] < best[0])
    ) {
      best = entry;
    }
  }
  if (best === undefined) throw new Error('longestStanding of an empty group');
  return best;
}

// ---------------------------------------------------------------------------------------------
// Step 5: revocation

/**
 * The ops a run applied that its removes and demotes revoke: for each applied remove (demote) of
 * member m, m's applied ops (admin ops) since m's latest admission (promotion) that sort before it
 * and are not among its causal ancestors.
 */
function findRevoked(run: Run, causal: ReadonlyMap<string, MembershipOp>): string[] {
  const revoked: string[] = [];
  // Where each account's current membership and admin rights began, as the run goes.
  const admittedAt = new Map<string, number>();
  const promotedAt = new Map<string, number>();
  const byAuthor = new Map<string, AppliedOp[]>();

  for (const applied of run.applied) {
    const { op, index } = applied;
    if (op.kind === 'create') {
      admittedAt.set(op.author, index);
      promotedAt.set(op.author, index);
      for (const member of op.members) admittedAt.set(member, index);
    } else if (op.kind === 'add') {
      admittedAt.set(op.member, index);
    } else if (op.kind === 'promote') {
      promotedAt.set(op.member, index);
    } else if (op.kind === 'leave' && applied.heir !== undefined) {
      promotedAt.set(applied.heir, index);
    } else if (op.kind === 'remove' || op.kind === 'demote') {
      const since = (op.kind === 'remove' ? admittedAt : promotedAt).get(op.member) ?? -1;
      const ancestors = ancestorsOf(op, causal);
      for (const earlier of byAuthor.get(op.member) ?? []) {
        if (earlier.index <= since) continue;
        if (op.kind === 'demote' && !earlier.neededAdmin) continue;
        if (!ancestors.has(earlier.op.id)) revoked.push(earlier.op.id);
      }
    }
    let list = byAuthor.get(op.author);
    if (list === undefined) byAuthor.set(op.author, (list = []));
    list.push(applied);
  }
  return revoked;
}

function ancestorsOf(op: MembershipOp, causal: ReadonlyMap<string, MembershipOp>): Set<string> {
  const seen = new Set<string>();
  const stack = [...op.parents];
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
    if (seen.has(id)) continue;
    seen.add(id);
    const parent = causal.get(id);
    if (parent) stack.push(...parent.parents);
  }
  return seen;
}

// ---------------------------------------------------------------------------------------------

function headsOf(ordered: readonly MembershipOp[]): string[] {
  const named = new Set<string>();
  for (const op of ordered) for (const parent of op.parents) named.add(parent);
  // Highest clocks first, so the capped list still holds the highest clock of the log.
  const heads = ordered.filter((op) => !named.has(op.id)).reverse();
  return heads
    .slice(0, MAX_OP_PARENTS)
    .map((op) => op.id)
    .sort(compareStrings);
}

function byTotalOrder(a: MembershipOp, b: MembershipOp): number {
  return compareOrder(a.clock, a.author, a.id, b.clock, b.author, b.id);
}

function compareOrder(
  clockA: number,
  authorA: string,
  idA: string,
  clockB: number,
  authorB: string,
  idB: string,
): number {
  return clockA - clockB || compareStrings(authorA, authorB) || compareStrings(idA, idB);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortedMap<V>(map: ReadonlyMap<string, V>): Map<string, V> {
  return new Map([...map].sort(([a], [b]) => compareStrings(a, b)));
}
