/**
 * Seeded randomized convergence test: several devices (each its own Y.Doc) write random membership
 * ops — valid ones, ones their author may not make, backdated ones, forged signatures, garbage —
 * and exchange random subsets of each other's Yjs updates in random orders. Checked throughout:
 * replicas holding the same set of entries fold to the same state, and a fold does not depend on
 * the entries' order. Checked at the end, after full sync: every replica folds to exactly the same
 * state, and the state keeps the group's invariants.
 *
 * A failure names its seed; replay it with GROUPS_FUZZ_SEED=<seed>.
 */
import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { GroupError, type IgnoreReason } from '../../src/groups/errors.js';
import { MAX_GROUP_MEMBERS } from '../../src/groups/limits.js';
import { foldMembership, type GroupState } from '../../src/groups/membership-fold.js';
import { effectiveKey, membershipArray, MembershipLog } from '../../src/groups/membership-log.js';
import {
  groupIdFor,
  parseOp,
  signOp,
  type MembershipOp,
  type OpBody,
  type VerifyFn,
} from '../../src/groups/membership-op.js';
import { engines } from '../engine/engines.js';
import { Directory, Random } from './support.js';

const ACCOUNTS = ['a0', 'a1', 'a2', 'a3', 'a4', 'a5'];
const DEVICES: Array<[string, number]> = [
  ['a0', 1],
  ['a0', 2],
  ['a1', 1],
  ['a1', 2],
  ['a2', 1],
  ['a3', 1],
  ['a4', 1],
  ['a5', 1],
];
const STEPS = 60;
const dir = new Directory(engines[0]!.engine, ACCOUNTS);
const verifiedSigs = new Map<string, boolean>();
/** dir.verify, cached per (account, message, signature) as MembershipLog caches it. */
const cachedVerify: VerifyFn = (account, message, sig) => {
  const key = `${account}:${Buffer.from(message).toString('hex')}:${Buffer.from(sig).toString('hex')}`;
  let ok = verifiedSigs.get(key);
  if (ok === undefined) verifiedSigs.set(key, (ok = dir.verify(account, message, sig)));
  return ok;
};

interface Replica {
  account: string;
  device: number;
  doc: Y.Doc;
  log: MembershipLog;
}

interface Update {
  from: Replica;
  bytes: Uint8Array;
}

/** The whole state as one string (vitest's deep equality on Maps is too slow for every step). */
function canonical(state: GroupState): string {
  return JSON.stringify({ ...state, members: [...state.members], former: [...state.former] });
}

function expectSame(actual: GroupState, expected: GroupState): void {
  const [a, b] = [canonical(actual), canonical(expected)];
  if (a !== b) expect(a).toBe(b);
}

const seen = new Map<IgnoreReason | 'applied', number>();

function run(seed: number): void {
  const random = new Random(seed);
  const nonce = (seed >>> 0).toString(16).padStart(32, '0');
  const groupId = groupIdFor('a0', nonce);
  const updates: Update[] = [];
  const replicas: Replica[] = DEVICES.map(([account, device]) => {
    const doc = new Y.Doc();
    const replica: Replica = {
      account,
      device,
      doc,
      log: new MembershipLog(doc, groupId, dir.verify),
    };
    doc.on('update', (bytes: Uint8Array, origin: unknown) => {
      if (origin !== 'remote') updates.push({ from: replica, bytes });
    });
    return replica;
  });
  let garbage = 0;

  const write = (replica: Replica, entry: unknown): void => {
    const array = membershipArray(replica.doc);
    replica.doc.transact(() => array.insert(array.length, [entry]), 'local');
  };

  const author = { sign: (r: Replica) => dir.sign(r.account) };

  const randomBody = (state: GroupState): OpBody => {
    // Mostly sensible targets (non-members to add, members otherwise), so many ops are valid.
    const members = [...state.members.keys()];
    const strangers = ACCOUNTS.filter((a) => !state.members.has(a));
    const add =
      strangers.length > 0 && random.chance(0.8) ? random.pick(strangers) : random.pick(ACCOUNTS);
    const member =
      members.length > 0 && random.chance(0.8) ? random.pick(members) : random.pick(ACCOUNTS);
    switch (random.int(10)) {
      case 0:
      case 1:
        return { kind: 'add', member: add };
      case 2:
        return { kind: 'remove', member };
      case 3:
        return { kind: 'promote', member };
      case 4:
        return { kind: 'demote', member };
      case 5:
        return { kind: 'leave' };
      case 6:
        return { kind: 'rename', title: `t${random.int(100)}` };
      case 7:
        return random.chance(0.5)
          ? { kind: 'set-avatar', avatar: random.chance(0.2) ? null : `blob:${random.int(100)}` }
          : { kind: 'set-timer', seconds: random.int(4) * 3600 };
      case 8:
        return {
          kind: 'set-admins-only',
          scope: random.chance(0.5) ? 'send' : 'edit-info',
          adminsOnly: random.chance(0.5),
        };
      default:
        return {
          kind: 'create',
          nonce: random.chance(0.5) ? nonce : 'f'.repeat(32),
          title: 'again',
          members: [],
        };
    }
  };

  const author0 = replicas[0]!;
  author0.log.append(
    {
      kind: 'create',
      nonce,
      title: 'start',
      members: ACCOUNTS.slice(1).filter(() => random.chance(0.5)),
    },
    { accountId: 'a0', deviceId: 1, sign: author.sign(author0) },
    'local',
  );

  const writeRandomOp = (replica: Replica): void => {
    const roll = random.next();
    if (roll < 0.04) {
      write(replica, { kind: 'add', garbage: garbage++ });
      return;
    }
    const body = randomBody(replica.log.state);
    const known = replica.log
      .entries()
      .map(parseOp)
      .filter((op): op is MembershipOp => op !== undefined);
    let parents = replica.log.state.heads.map((id) => known.find((op) => op.id === id)!);
    if (roll < 0.14 && known.length > 0) parents = [random.pick(known)]; // backdated
    const signer = roll < 0.18 ? random.pick(ACCOUNTS) : replica.account; // forged when another
    const draft = {
      ...body,
      groupId,
      author: replica.account,
      authorDevice: replica.device,
      clock: 1 + Math.max(0, ...parents.map((p) => p.clock)),
      parents: parents.map((p) => p.id),
    };
    if (roll >= 0.18 && random.chance(0.5) && body.kind !== 'create') {
      // The ordinary path: the log refuses ops the local fold would ignore.
      try {
        replica.log.append(
          body,
          { accountId: replica.account, deviceId: replica.device, sign: dir.sign(signer) },
          'local',
        );
        return;
      } catch (error) {
        if (!(error instanceof GroupError)) throw error;
      }
    }
    if (body.kind === 'create') {
      Object.assign(draft, { clock: 1, parents: [] });
    }
    try {
      write(replica, signOp(draft, dir.sign(signer)));
    } catch (error) {
      if (!(error instanceof GroupError)) throw error; // a malformed draft: nothing written
    }
  };

  const deliver = (target: Replica, subset: Update[]): void => {
    // One transaction per delivery (as core applies a received batch): one refold, not one per update.
    target.doc.transact(() => {
      for (const update of subset) Y.applyUpdate(target.doc, update.bytes, 'remote');
    }, 'remote');
  };

  const entryKey = (replica: Replica): string =>
    replica.log
      .entries()
      .map((entry) => {
        const op = parseOp(entry);
        return op ? `${op.id}:${Buffer.from(op.sig).toString('hex')}` : JSON.stringify(entry);
      })
      .sort()
      .join(',');

  const checkSameSetSameState = (): void => {
    const bySet = new Map<string, GroupState>();
    for (const replica of replicas) {
      const key = entryKey(replica);
      const other = bySet.get(key);
      if (other) expectSame(replica.log.state, other);
      else bySet.set(key, replica.log.state);
    }
    const replica = random.pick(replicas);
    const shuffled = random.shuffle(replica.log.entries());
    expectSame(foldMembership(shuffled, { groupId, verify: cachedVerify }), replica.log.state);
  };

  for (let step = 0; step < STEPS; step++) {
    if (random.chance(0.5)) {
      writeRandomOp(random.pick(replicas));
    } else {
      const target = random.pick(replicas);
      const others = updates.filter((u) => u.from !== target && random.chance(0.6));
      deliver(target, random.shuffle(others));
    }
    checkSameSetSameState();
  }

  // Full sync, in a random order per replica.
  for (const target of replicas) deliver(target, random.shuffle(updates));
  const first = replicas[0]!.log.state;
  for (const replica of replicas) {
    expect(entryKey(replica)).toBe(entryKey(replicas[0]!));
    expect(replica.log.state).toEqual(first); // once, with vitest's deep equality
    expect(effectiveKey(replica.log.state)).toBe(effectiveKey(first));
  }
  // Invariants of every folded state.
  expect(first.creator).toBe('a0');
  expect(first.members.size).toBeLessThanOrEqual(MAX_GROUP_MEMBERS);
  if (first.members.size > 0) {
    expect([...first.members.values()].some((m) => m.role === 'admin')).toBe(true);
  }
  for (const id of first.members.keys()) expect(first.former.has(id)).toBe(false);

  seen.set('applied', (seen.get('applied') ?? 0) + first.applied.length);
  for (const { reason } of first.ignored) seen.set(reason, (seen.get(reason) ?? 0) + 1);
}

const replay = process.env.GROUPS_FUZZ_SEED;
const seeds =
  replay !== undefined ? [Number(replay)] : Array.from({ length: 8 }, (_, i) => 600 + i);

describe('membership fold convergence (seeded)', () => {
  test.each(seeds)('seed %i: every replica with the same ops folds to the same state', (seed) => {
    try {
      run(seed);
    } catch (error) {
      console.error(
        `membership convergence failed with seed ${seed}: replay with GROUPS_FUZZ_SEED=${seed}`,
      );
      throw error;
    }
  });

  test.runIf(replay === undefined)('the runs exercised the rules', () => {
    // The seeds above must reach valid ops and the main reasons to ignore one, or they prove little.
    expect(seen.get('applied') ?? 0).toBeGreaterThan(30);
    for (const reason of [
      'not-a-member',
      'not-an-admin',
      'bad-signature',
      'already-created',
    ] as const) {
      expect(seen.get(reason) ?? 0, reason).toBeGreaterThan(0);
    }
    console.log('membership convergence coverage', Object.fromEntries(seen));
  });
});
