import { describe, expect, it } from 'vitest';
import { create } from '@bufbuild/protobuf';
import { EnvelopeType, ErrorCode, SendRequestSchema, type SendRequest } from '@parley/protocol';
import { refusal } from './support/rejection.js';
import { checkSendShape, resolveDestinations } from '../src/mailbox/send-checks.js';
import type { DeviceRef } from '../src/store/records.js';

/**
 * The send checks on their own, with device sets made here: small sends are checked by scanning
 * the messages and larger ones by hashing (send-checks.ts), and both must decide alike.
 */
const alice = 'alice-account';
const bob = 'bob-account';
const sender: DeviceRef = { rowId: 1, accountId: alice, deviceId: 1 };

/** An account's device set with devices 1..count (row ids made unique per account). */
function deviceSet(accountId: string, count: number, rowBase: number) {
  const set = new Map<number, DeviceRef>();
  for (let id = 1; id <= count; id++) set.set(id, { rowId: rowBase + id, accountId, deviceId: id });
  return set;
}

function sendTo(destinations: [string, number][]): SendRequest {
  return create(SendRequestSchema, {
    clientId: 'client-1',
    messages: destinations.map(([accountId, deviceId]) => ({
      destination: { accountId, deviceId },
      type: EnvelopeType.SIGNAL_MESSAGE,
      content: new Uint8Array([1]),
    })),
  });
}

function devicesOf(accountId: string, from: number, to: number): [string, number][] {
  return Array.from({ length: to - from + 1 }, (_, i) => [accountId, from + i]);
}

/** Checks and resolves a send from `sender` against alice with `own` devices and bob with `bobs`. */
function resolve(request: SendRequest, own: number, bobs: number) {
  const accountIds = checkSendShape(sender, request);
  const sets = new Map([
    [alice, deviceSet(alice, own, 0)],
    [bob, deviceSet(bob, bobs, 100)],
  ]);
  return { accountIds, entries: resolveDestinations(sender, request, accountIds, sets) };
}

// 3 destinations are scanned, 20 hashed (the limit between them is 8).
describe.each([
  { path: 'scanned', bobs: 2 },
  { path: 'hashed', bobs: 19 },
])('a send whose destinations are $path', ({ bobs }) => {
  const complete = [...devicesOf(alice, 2, 2), ...devicesOf(bob, 1, bobs)];

  it('names each account once, in the order first named, and resolves every destination', () => {
    const { accountIds, entries } = resolve(sendTo([...complete].reverse()), 2, bobs);
    expect(accountIds).toEqual([bob, alice]);
    expect(entries.map((e) => [e.destination.accountId, e.destination.deviceId])).toEqual(
      [...complete].reverse(),
    );
  });

  it('refuses a destination named twice', () => {
    const error = refusal(() => checkSendShape(sender, sendTo([...complete, [bob, bobs]])));
    expect([error.code, error.message]).toEqual([
      ErrorCode.MALFORMED,
      'a destination is named twice',
    ]);
  });

  it('lists the missing and the extra devices of each account it names', () => {
    // bob's last device swapped for one that does not exist; alice's device 3 does not exist
    const request = sendTo([...devicesOf(bob, 1, bobs - 1), [bob, 99], [alice, 2], [alice, 3]]);
    const error = refusal(() => resolve(request, 2, bobs));
    expect(error.code).toBe(ErrorCode.MISMATCHED_DEVICES);
    expect(
      error.details.mismatchedDevices!.map((m) => [m.accountId, m.missingDevices, m.extraDevices]),
    ).toEqual([
      [bob, [bobs], [99]],
      [alice, [], [3]],
    ]);
  });

  it('refuses a send that leaves out a device, even when every named one exists', () => {
    const error = refusal(() => resolve(sendTo(complete.slice(0, -1)), 2, bobs));
    expect(error.details.mismatchedDevices!.map((m) => [m.accountId, m.missingDevices])).toEqual([
      [bob, [bobs]],
    ]);
  });
});

it('names an unknown account before looking at devices', () => {
  const request = sendTo([
    [bob, 1],
    ['nobody', 1],
  ]);
  const accountIds = checkSendShape(sender, request);
  const error = refusal(() =>
    resolveDestinations(sender, request, accountIds, new Map([[bob, deviceSet(bob, 1, 100)]])),
  );
  expect([error.code, error.details.unknownAccounts]).toEqual([ErrorCode.NOT_FOUND, ['nobody']]);
});
