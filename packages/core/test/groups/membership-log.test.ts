import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { GroupError } from '../../src/groups/errors.js';
import type { GroupState } from '../../src/groups/membership-fold.js';
import { membershipArray, MembershipLog } from '../../src/groups/membership-log.js';
import { groupIdFor } from '../../src/groups/membership-op.js';
import { engines } from '../engine/engines.js';
import { Directory } from './support.js';

const dir = new Directory(engines[1]!.engine, ['alice', 'bob', 'carol']);
const nonce = 'abcdefabcdefabcdefabcdefabcdefab';
const groupId = groupIdFor('alice', nonce);
const alice = { accountId: 'alice', deviceId: 1, sign: dir.sign('alice') };
const bob = { accountId: 'bob', deviceId: 1, sign: dir.sign('bob') };

describe('MembershipLog', () => {
  test('appends into the membership array, syncs through Yjs, and reports state changes', () => {
    const docA = new Y.Doc();
    const docB = new Y.Doc();
    const logA = new MembershipLog(docA, groupId, dir.verify);
    const logB = new MembershipLog(docB, groupId, dir.verify);
    const changes: Array<[GroupState, unknown]> = [];
    logB.observe((state, _previous, origin) => changes.push([state, origin]));

    logA.append({ kind: 'create', nonce, title: 'T', members: ['bob'] }, alice, 'local');
    const add = logA.append({ kind: 'add', member: 'carol' }, alice, 'local');
    expect(add.parents).toHaveLength(1);
    expect(add.clock).toBe(2);
    expect(membershipArray(docA).length).toBe(2);

    Y.applyUpdate(docB, Y.encodeStateAsUpdate(docA), 'remote');
    expect(logB.state.members.has('carol')).toBe(true);
    expect(changes).toHaveLength(1);
    expect(changes[0]![1]).toBe('remote');

    // An entry that changes nothing (here: garbage) is no state change.
    membershipArray(docA).insert(2, [{ kind: 'junk' }]);
    Y.applyUpdate(docB, Y.encodeStateAsUpdate(docA), 'remote');
    expect(logB.state.malformed).toBe(1);
    expect(changes).toHaveLength(1);
  });

  test('refuses to write an op the fold would ignore', () => {
    const doc = new Y.Doc();
    const log = new MembershipLog(doc, groupId, dir.verify);
    log.append({ kind: 'create', nonce, title: 'T', members: ['bob'] }, alice);
    let error: unknown;
    try {
      log.append({ kind: 'remove', member: 'alice' }, bob);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GroupError);
    expect((error as GroupError).reason).toBe('not-an-admin');
    expect(membershipArray(doc).length).toBe(1);
  });
});
