import { describe, expect, test } from 'vitest';
import { GroupError } from '../../src/groups/errors.js';
import { MAX_TITLE_LENGTH } from '../../src/groups/limits.js';
import {
  encodeOp,
  groupIdFor,
  newGroupNonce,
  opIdOf,
  parseOp,
  signOp,
  verifyOp,
  type UnsignedOp,
} from '../../src/groups/membership-op.js';
import { engines } from '../engine/engines.js';
import { Directory } from './support.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const NONCE = '00112233445566778899aabbccddeeff';
const GROUP = groupIdFor('alice', NONCE);

const create: UnsignedOp = {
  kind: 'create',
  nonce: NONCE,
  title: 'Hikers',
  members: ['bob', 'carol'],
  groupId: GROUP,
  author: 'alice',
  authorDevice: 1,
  clock: 1,
  parents: [],
};
const restrict: UnsignedOp = {
  kind: 'set-admins-only',
  scope: 'send',
  adminsOnly: true,
  groupId: GROUP,
  author: 'bob',
  authorDevice: 3,
  clock: 300,
  parents: ['0123456789abcdef0123456789abcdef'],
};

describe('canonical encoding', () => {
  // Pinned: changing the encoding changes every op id and voids every signature in every group.
  test('is stable', () => {
    expect(GROUP).toBe('g-0c3d7baf25fab1ccad31f684c6be041c');
    expect(hex(encodeOp(create))).toBe(
      '127061726c65792d67726f75702d6f702d763122672d3063336437626166323566616231636361643331663638346336626530343163' +
        '05616c69636501010006637265617465203030313132323333343435353636373738383939616162626363646465656666' +
        '0648696b6572730203626f62056361726f6c',
    );
    expect(opIdOf(create)).toBe('cd4207fb9853973fce3950e681c73f79');
    expect(hex(encodeOp(restrict))).toBe(
      '127061726c65792d67726f75702d6f702d763122672d3063336437626166323566616231636361643331663638346336626530343163' +
        '03626f6203ac0201203031323334353637383961626364656630313233343536373839616263646566' +
        '0f7365742d61646d696e732d6f6e6c790473656e6401',
    );
    expect(opIdOf(restrict)).toBe('cd795714b9caae108ae2aedfa4752edb');
  });

  test('starts with the domain tag and differs for every field', () => {
    const bytes = encodeOp(create);
    expect(new TextDecoder().decode(bytes.subarray(1, 19))).toBe('parley-group-op-v1');
    const variants: UnsignedOp[] = [
      { ...create, title: 'Hikers!' },
      { ...create, members: ['bob'] },
      { ...create, authorDevice: 2 },
      { ...create, clock: 2 },
      { ...create, author: 'alicf' },
      { ...restrict, adminsOnly: false },
      { ...restrict, scope: 'edit-info' },
      { ...restrict, parents: [] },
    ];
    const ids = new Set([opIdOf(create), opIdOf(restrict), ...variants.map(opIdOf)]);
    expect(ids.size).toBe(variants.length + 2);
  });

  test('group ids commit to the creator and the nonce', () => {
    expect(groupIdFor('bob', NONCE)).not.toBe(GROUP);
    expect(groupIdFor('alice', newGroupNonce())).not.toBe(GROUP);
    expect(newGroupNonce()).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('signing', () => {
  test('signOp normalizes lists and refuses malformed ops', () => {
    const dir = new Directory(engines[1]!.engine, ['alice']);
    const op = signOp({ ...create, members: ['carol', 'bob', 'carol'] }, dir.sign('alice'));
    expect(op.kind === 'create' && op.members).toEqual(['bob', 'carol']);
    expect(op.id).toBe(opIdOf(create));
    expect(parseOp(op)).toEqual(op);
    expect(() =>
      signOp({ ...create, title: 'x'.repeat(MAX_TITLE_LENGTH + 1) }, dir.sign('alice')),
    ).toThrow(GroupError);
    expect(() => signOp({ ...create, members: ['alice'] }, dir.sign('alice'))).toThrow(GroupError);
  });

  // XEdDSA is the same in both engines: a web device and a desktop device verify each other's ops.
  test.each([
    [engines[0]!, engines[1]!],
    [engines[1]!, engines[0]!],
  ])('an op signed with $name verifies with the other engine', (signer, verifier) => {
    const key = signer.engine.IdentityKeyPair.generate();
    const op = signOp(create, (message) => key.privateKey.sign(message));
    const publicKey = verifier.engine.PublicKey.deserialize(key.publicKey.serialize());
    const verify = (
      _account: string,
      message: Uint8Array<ArrayBuffer>,
      sig: Uint8Array<ArrayBuffer>,
    ) => publicKey.verify(message, sig);
    expect(verifyOp(op, verify)).toBe(true);
    expect(verifyOp({ ...op, clock: 2 }, verify)).toBe(false);
  });
});

describe('parseOp', () => {
  test('rejects entries of the wrong shape and keeps only the signed fields', () => {
    const dir = new Directory(engines[1]!.engine, ['alice']);
    const op = signOp(restrict, dir.sign('alice'));
    expect(parseOp({ ...op, extra: 'x' })).toEqual(op);
    for (const bad of [
      { ...op, parents: ['b'.repeat(32), 'a'.repeat(32)] },
      { ...op, clock: 0 },
      { ...op, clock: 1.5 },
      { ...op, authorDevice: 128 },
      { ...op, sig: op.sig.subarray(1) },
      { ...op, id: 'X'.repeat(32) },
      { ...op, groupId: 'g-1' },
      { ...op, kind: 'explode' },
      { ...op, scope: 'everything' },
      { ...op, author: '' },
    ]) {
      expect(parseOp(bad)).toBeUndefined();
    }
  });
});
