import * as SignalTs from '@parley/signal-ts';
import { describe, expect, test } from 'vitest';
import type { SignalEngine } from '../../src/crypto/engine.js';
import type { IgnoreReason } from '../../src/groups/errors.js';
import { MAX_GROUP_MEMBERS } from '../../src/groups/limits.js';
import {
  canEditInfo,
  canSend,
  causalContext,
  foldMembership,
  isAdmin,
  nextClock,
  type GroupState,
} from '../../src/groups/membership-fold.js';
import { opIdOf, signOp, type MembershipOp } from '../../src/groups/membership-op.js';
import { Directory, Random } from './support.js';

const engine: SignalEngine = SignalTs;
const dir = new Directory(engine, ['alice', 'bob', 'carol', 'dave', 'erin']);
const { groupId, genesis } = dir.create('alice', ['bob', 'carol'], 'Hikers');

function fold(...ops: unknown[]): GroupState {
  return foldMembership(ops, { groupId, verify: dir.verify });
}

function reasonOf(state: GroupState, op: MembershipOp): IgnoreReason | undefined {
  return state.ignored.find((i) => i.opId === op.id)?.reason;
}

function roles(state: GroupState): Record<string, string> {
  return Object.fromEntries([...state.members].map(([id, m]) => [id, m.role]));
}

describe('create', () => {
  test('the genesis op makes the creator admin and the listed accounts members', () => {
    const state = fold(genesis);
    expect(state.creator).toBe('alice');
    expect(state.title).toBe('Hikers');
    expect(roles(state)).toEqual({ alice: 'admin', bob: 'member', carol: 'member' });
    expect(state.members.get('bob')).toEqual({ role: 'member', addedBy: 'alice', addedAt: 1 });
    expect(state.applied).toEqual([genesis.id]);
  });

  test('a create by anyone but the account the group id commits to is ignored', () => {
    const forged = dir.op(
      groupId,
      'bob',
      { kind: 'create', nonce: '00112233445566778899aabbccddeeff', title: 'Mine', members: [] },
      [],
    );
    const state = fold(forged);
    expect(reasonOf(state, forged)).toBe('bad-create');
    expect(state.members.size).toBe(0);
    // Even sorting first (bob < carol is irrelevant: alice < bob), the real genesis wins.
    expect(roles(fold(forged, genesis))).toEqual({
      alice: 'admin',
      bob: 'member',
      carol: 'member',
    });
  });

  test('only the first create counts', () => {
    const again = dir.op(
      groupId,
      'alice',
      { kind: 'create', nonce: '00112233445566778899aabbccddeeff', title: 'Other', members: [] },
      [],
    );
    const state = fold(genesis, again);
    const [first, second] = genesis.id < again.id ? [genesis, again] : [again, genesis];
    expect(state.applied).toEqual([first.id]);
    expect(reasonOf(state, second)).toBe('already-created');
  });

  test('ops of a group that was never created count for nothing', () => {
    const add = dir.op(groupId, 'alice', { kind: 'add', member: 'dave' }, [genesis]);
    const state = fold(add);
    // Its parent is absent, so it does not even enter the order.
    expect(reasonOf(state, add)).toBe('missing-parent');
    expect(state.members.size).toBe(0);
  });
});

describe('who may do what', () => {
  test('an op by a stranger is ignored', () => {
    const add = dir.op(groupId, 'dave', { kind: 'add', member: 'erin' }, [genesis]);
    expect(reasonOf(fold(genesis, add), add)).toBe('not-a-member');
  });

  test.each([
    { kind: 'add', member: 'dave' },
    { kind: 'remove', member: 'carol' },
    { kind: 'promote', member: 'carol' },
    { kind: 'demote', member: 'alice' },
    { kind: 'set-admins-only', scope: 'send', adminsOnly: true },
  ] as const)('$kind by a non-admin is ignored', (body) => {
    const op = dir.op(groupId, 'bob', body, [genesis]);
    const state = fold(genesis, op);
    expect(reasonOf(state, op)).toBe('not-an-admin');
    expect(state.applied).toEqual([genesis.id]);
  });

  test('any member edits info until an admin restricts it to admins', () => {
    const rename = dir.op(groupId, 'bob', { kind: 'rename', title: 'Bikers' }, [genesis]);
    expect(fold(genesis, rename).title).toBe('Bikers');
    expect(canEditInfo(fold(genesis), 'bob')).toBe(true);

    const restrict = dir.op(
      groupId,
      'alice',
      { kind: 'set-admins-only', scope: 'edit-info', adminsOnly: true },
      [genesis],
    );
    const timer = dir.op(groupId, 'bob', { kind: 'set-timer', seconds: 3600 }, [restrict]);
    const avatar = dir.op(groupId, 'alice', { kind: 'set-avatar', avatar: 'blob:1' }, [restrict]);
    const state = fold(genesis, restrict, timer, avatar);
    expect(state.adminsOnlyEditInfo).toBe(true);
    expect(reasonOf(state, timer)).toBe('not-an-admin');
    expect(state.disappearingSeconds).toBe(0);
    expect(state.avatar).toBe('blob:1');
    expect(canEditInfo(state, 'bob')).toBe(false);
    expect(canEditInfo(state, 'alice')).toBe(true);
  });

  test('admins-only sending: canSend for admins only', () => {
    const restrict = dir.op(
      groupId,
      'alice',
      { kind: 'set-admins-only', scope: 'send', adminsOnly: true },
      [genesis],
    );
    const state = fold(genesis, restrict);
    expect(state.adminsOnlySend).toBe(true);
    expect(canSend(state, 'alice')).toBe(true);
    expect(canSend(state, 'bob')).toBe(false);
    expect(canSend(state, 'dave')).toBe(false);
    expect(canSend(fold(genesis), 'bob')).toBe(true);
  });
});

describe('membership changes', () => {
  test("a removed member's later ops count for nothing, and they can be added back", () => {
    const remove = dir.op(groupId, 'alice', { kind: 'remove', member: 'bob' }, [genesis]);
    const rename = dir.op(groupId, 'bob', { kind: 'rename', title: 'Mine now' }, [remove]);
    let state = fold(genesis, remove, rename);
    expect(reasonOf(state, rename)).toBe('not-a-member');
    expect(state.former.get('bob')).toBe('removed');
    expect(state.title).toBe('Hikers');

    const readd = dir.op(groupId, 'alice', { kind: 'add', member: 'bob' }, [rename]);
    state = fold(genesis, remove, rename, readd);
    expect(state.members.get('bob')).toEqual({
      role: 'member',
      addedBy: 'alice',
      addedAt: readd.clock,
    });
    expect(state.former.has('bob')).toBe(false);
  });

  test('add of a member, remove of a non-member or of oneself are ignored', () => {
    const addBob = dir.op(groupId, 'alice', { kind: 'add', member: 'bob' }, [genesis]);
    const removeDave = dir.op(groupId, 'alice', { kind: 'remove', member: 'dave' }, [genesis]);
    const removeSelf = dir.op(groupId, 'alice', { kind: 'remove', member: 'alice' }, [genesis]);
    const state = fold(genesis, addBob, removeDave, removeSelf);
    expect(reasonOf(state, addBob)).toBe('already-member');
    expect(reasonOf(state, removeDave)).toBe('bad-target');
    expect(reasonOf(state, removeSelf)).toBe('bad-target');
  });

  test('promote and demote; the last admin cannot demote themself', () => {
    const promote = dir.op(groupId, 'alice', { kind: 'promote', member: 'bob' }, [genesis]);
    const again = dir.op(groupId, 'alice', { kind: 'promote', member: 'bob' }, [promote]);
    const demoteCarol = dir.op(groupId, 'alice', { kind: 'demote', member: 'carol' }, [promote]);
    const bobDemotesAlice = dir.op(groupId, 'bob', { kind: 'demote', member: 'alice' }, [again]);
    const bobDemotesSelf = dir.op(groupId, 'bob', { kind: 'demote', member: 'bob' }, [
      bobDemotesAlice,
    ]);
    const state = fold(genesis, promote, again, demoteCarol, bobDemotesAlice, bobDemotesSelf);
    expect(reasonOf(state, again)).toBe('no-change');
    expect(reasonOf(state, demoteCarol)).toBe('no-change');
    expect(reasonOf(state, bobDemotesSelf)).toBe('last-admin');
    expect(roles(state)).toEqual({ alice: 'member', bob: 'admin', carol: 'member' });
    expect(isAdmin(state, 'bob')).toBe(true);

    const selfDemote = dir.op(groupId, 'alice', { kind: 'demote', member: 'alice' }, [genesis]);
    expect(reasonOf(fold(genesis, selfDemote), selfDemote)).toBe('last-admin');
  });

  test('when the last admin leaves, the longest-standing member becomes admin', () => {
    const addDave = dir.op(groupId, 'alice', { kind: 'add', member: 'dave' }, [genesis]);
    const leave = dir.op(groupId, 'alice', { kind: 'leave' }, [addDave]);
    let state = fold(genesis, addDave, leave);
    // bob and carol were both added at clock 1: the lower account id wins.
    expect(roles(state)).toEqual({ bob: 'admin', carol: 'member', dave: 'member' });
    expect(state.former.get('alice')).toBe('left');

    const bobLeaves = dir.op(groupId, 'bob', { kind: 'leave' }, [leave]);
    const carolLeaves = dir.op(groupId, 'carol', { kind: 'leave' }, [bobLeaves]);
    state = fold(genesis, addDave, leave, bobLeaves, carolLeaves);
    expect(roles(state)).toEqual({ dave: 'admin' });

    // A leave by a non-last admin promotes nobody.
    const promote = dir.op(groupId, 'alice', { kind: 'promote', member: 'carol' }, [genesis]);
    const aliceLeaves = dir.op(groupId, 'alice', { kind: 'leave' }, [promote]);
    expect(roles(fold(genesis, promote, aliceLeaves))).toEqual({ bob: 'member', carol: 'admin' });
  });

  test(`at most ${MAX_GROUP_MEMBERS} members`, () => {
    const many = Array.from(
      { length: MAX_GROUP_MEMBERS - 1 },
      (_, i) => `m${String(i).padStart(4, '0')}`,
    );
    const full = dir.create('alice', many);
    const add = dir.op(full.groupId, 'alice', { kind: 'add', member: 'dave' }, [full.genesis]);
    let state = foldMembership([full.genesis, add], { groupId: full.groupId, verify: dir.verify });
    expect(state.members.size).toBe(MAX_GROUP_MEMBERS);
    expect(reasonOf(state, add)).toBe('group-full');

    const remove = dir.op(full.groupId, 'alice', { kind: 'remove', member: 'm0000' }, [
      full.genesis,
    ]);
    const addAfter = dir.op(full.groupId, 'alice', { kind: 'add', member: 'dave' }, [remove]);
    state = foldMembership([full.genesis, remove, addAfter], {
      groupId: full.groupId,
      verify: dir.verify,
    });
    expect(state.members.has('dave')).toBe(true);
    expect(state.members.size).toBe(MAX_GROUP_MEMBERS);
  });
});

describe('concurrency and order', () => {
  test('admins removing each other at the same clock: the op that sorts first wins', () => {
    const promote = dir.op(groupId, 'alice', { kind: 'promote', member: 'bob' }, [genesis]);
    const aliceRemovesBob = dir.op(groupId, 'alice', { kind: 'remove', member: 'bob' }, [promote]);
    const bobRemovesAlice = dir.op(groupId, 'bob', { kind: 'remove', member: 'alice' }, [promote]);
    expect(aliceRemovesBob.clock).toBe(bobRemovesAlice.clock);
    const state = fold(genesis, promote, bobRemovesAlice, aliceRemovesBob);
    // Same clock: 'alice' < 'bob', so alice's remove applies and bob is no longer a member.
    expect(roles(state)).toEqual({ alice: 'admin', carol: 'member' });
    expect(reasonOf(state, bobRemovesAlice)).toBe('not-a-member');
  });

  test('a higher clock sorts later whatever the author', () => {
    const promote = dir.op(groupId, 'alice', { kind: 'promote', member: 'bob' }, [genesis]);
    const rename = dir.op(groupId, 'carol', { kind: 'rename', title: 'x' }, [promote]);
    const aliceRemovesBob = dir.op(groupId, 'alice', { kind: 'remove', member: 'bob' }, [rename]);
    const bobRemovesAlice = dir.op(groupId, 'bob', { kind: 'remove', member: 'alice' }, [promote]);
    const state = fold(genesis, promote, rename, aliceRemovesBob, bobRemovesAlice);
    expect(roles(state)).toEqual({ bob: 'admin', carol: 'member' });
    expect(reasonOf(state, aliceRemovesBob)).toBe('not-a-member');
  });

  test('a removed member cannot act by backdating: ops the remover had not seen are revoked', () => {
    const addDave = dir.op(groupId, 'alice', { kind: 'add', member: 'dave' }, [genesis]);
    const rename1 = dir.op(groupId, 'carol', { kind: 'rename', title: 'one' }, [addDave]);
    const rename2 = dir.op(groupId, 'carol', { kind: 'rename', title: 'two' }, [rename1]);
    const removeBob = dir.op(groupId, 'alice', { kind: 'remove', member: 'bob' }, [rename2]);
    // Bob, removed, names old parents so his op sorts before his removal (clock 2 < 4).
    const backdated = dir.op(groupId, 'bob', { kind: 'rename', title: 'pwned' }, [genesis]);
    expect(backdated.clock).toBeLessThan(removeBob.clock);
    const state = fold(genesis, addDave, rename1, rename2, removeBob, backdated);
    expect(reasonOf(state, backdated)).toBe('revoked');
    expect(state.title).toBe('two');

    // An op bob made that the remover HAD seen stands.
    const seen = dir.op(groupId, 'bob', { kind: 'set-timer', seconds: 60 }, [genesis]);
    const removeAfter = dir.op(groupId, 'alice', { kind: 'remove', member: 'bob' }, [seen]);
    const kept = fold(genesis, seen, removeAfter);
    expect(kept.applied).toEqual([genesis.id, seen.id, removeAfter.id]);
    expect(kept.disappearingSeconds).toBe(60);
  });

  test("a demote revokes the target's admin ops its author had not seen, and their effects", () => {
    const promote = dir.op(groupId, 'alice', { kind: 'promote', member: 'bob' }, [genesis]);
    const bobAdds = dir.op(groupId, 'bob', { kind: 'add', member: 'dave' }, [promote]);
    const bobRenames = dir.op(groupId, 'bob', { kind: 'rename', title: 'b' }, [promote]);
    const daveRenames = dir.op(groupId, 'dave', { kind: 'rename', title: 'd' }, [bobAdds]);
    // alice has not seen bob's ops; carol's op lifts her clock so the demote sorts after them.
    const carolTimer = dir.op(groupId, 'carol', { kind: 'set-timer', seconds: 5 }, [promote]);
    const demote = dir.op(groupId, 'alice', { kind: 'demote', member: 'bob' }, [carolTimer]);
    expect(bobAdds.clock).toBeLessThan(demote.clock);
    const state = fold(genesis, promote, bobAdds, bobRenames, daveRenames, carolTimer, demote);
    expect(reasonOf(state, bobAdds)).toBe('revoked');
    // dave was never added once bob's add is revoked, so dave's op falls with it.
    expect(reasonOf(state, daveRenames)).toBe('not-a-member');
    // Renaming needed no admin rights: it stands.
    expect(state.title).toBe('b');
    expect(roles(state)).toEqual({ alice: 'admin', bob: 'member', carol: 'member' });
  });

  test('the state depends only on the set of ops, not their order or repetition', () => {
    const promote = dir.op(groupId, 'alice', { kind: 'promote', member: 'bob' }, [genesis]);
    const a = dir.op(groupId, 'alice', { kind: 'remove', member: 'bob' }, [promote]);
    const b = dir.op(groupId, 'bob', { kind: 'remove', member: 'alice' }, [promote]);
    const c = dir.op(groupId, 'carol', { kind: 'rename', title: 'c' }, [promote]);
    const d = dir.op(groupId, 'alice', { kind: 'add', member: 'dave' }, [a, c]);
    const ops = [genesis, promote, a, b, c, d];
    const expected = fold(...ops);
    const random = new Random(7);
    for (let i = 0; i < 20; i++) {
      const shuffled = random.shuffle([...ops, ...ops.filter(() => random.chance(0.3))]);
      expect(fold(...shuffled)).toEqual(expected);
    }
  });
});

describe('integrity', () => {
  const rename = dir.op(groupId, 'bob', { kind: 'rename', title: 'Legit' }, [genesis]);

  test('a flipped signature byte: the op is ignored', () => {
    const sig = new Uint8Array(rename.sig);
    sig[10] = (sig[10] ?? 0) ^ 1;
    const state = fold(genesis, { ...rename, sig });
    expect(reasonOf(state, rename)).toBe('bad-signature');
    expect(state.title).toBe('Hikers');
  });

  test('a changed field: the id no longer matches; with a recomputed id the signature fails', () => {
    const tampered = { ...rename, title: 'Evil' };
    expect(reasonOf(fold(genesis, tampered), rename)).toBe('bad-id');
    const rehashed = { ...tampered, id: opIdOf(tampered) };
    const state = fold(genesis, rehashed);
    expect(state.ignored.map((i) => i.reason)).toEqual(['bad-signature']);
    expect(state.title).toBe('Hikers');
  });

  test('an op signed by another account key is ignored', () => {
    const forged = { ...rename, sig: dir.sign('carol')(new Uint8Array([1])) };
    const signedByCarol = dir.op(groupId, 'carol', { kind: 'rename', title: 'x' }, [genesis]);
    const claimingBob = { ...signedByCarol, author: 'bob' };
    expect(reasonOf(fold(genesis, forged), rename)).toBe('bad-signature');
    expect(fold(genesis, claimingBob).ignored.map((i) => i.reason)).toEqual(['bad-id']);
  });

  test('a bad copy beside the good one does not hide it, in either order', () => {
    const sig = new Uint8Array(rename.sig);
    sig[0] = (sig[0] ?? 0) ^ 0x80;
    const bad = { ...rename, sig };
    expect(fold(genesis, bad, rename)).toEqual(fold(genesis, rename));
    expect(fold(genesis, rename, bad)).toEqual(fold(genesis, rename));
    expect(fold(genesis, rename).title).toBe('Legit');
  });

  test('wrong group, missing parent, bad clock, malformed entries', () => {
    const other = dir.create('alice', ['bob'], 'Other', 'ffeeddccbbaa99887766554433221100');
    expect(other.groupId).not.toBe(groupId);
    const foreign = dir.op(other.groupId, 'alice', { kind: 'rename', title: 'x' }, [other.genesis]);
    const orphan = dir.op(groupId, 'alice', { kind: 'rename', title: 'y' }, [rename]);
    const jumped = signOp(
      {
        kind: 'rename',
        title: 'z',
        groupId,
        author: 'alice',
        authorDevice: 1,
        clock: 40,
        parents: [genesis.id],
      },
      dir.sign('alice'),
    );
    const state = fold(genesis, foreign, orphan, jumped, null, 7, { kind: 'add' }, 'x');
    expect(reasonOf(state, foreign)).toBe('wrong-group');
    expect(reasonOf(state, orphan)).toBe('missing-parent');
    expect(reasonOf(state, jumped)).toBe('bad-clock');
    expect(state.malformed).toBe(4);
    expect(state.applied).toEqual([genesis.id]);
  });
});

describe('causal context', () => {
  test('nextClock is 1 + the highest clock; heads are the ops nobody names', () => {
    expect(nextClock([])).toBe(1);
    const a = dir.op(groupId, 'alice', { kind: 'rename', title: 'a' }, [genesis]);
    const b = dir.op(groupId, 'bob', { kind: 'rename', title: 'b' }, [genesis]);
    const c = dir.op(groupId, 'carol', { kind: 'rename', title: 'c' }, [a]);
    expect(nextClock([genesis, a, b, c])).toBe(4);
    const state = fold(genesis, a, b, c);
    expect(causalContext(state)).toEqual({ parents: [b.id, c.id].sort(), clock: 4 });
  });
});
