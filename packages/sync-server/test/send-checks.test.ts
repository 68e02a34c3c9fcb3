import { describe, expect, it } from 'vitest';
import { create } from '@bufbuild/protobuf';
import {
  EnvelopeType,
  ErrorCode,
  MAX_CONTENT_BYTES,
  SendRequestSchema,
  type SendRequest,
} from '@parley/protocol';
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

// Up to 8 destinations are scanned, more are hashed: 3 and 8 scanned, 9 and 20 hashed.
describe.each([
  { path: 'scanned', bobs: 2 },
  { path: 'scanned (at the limit)', bobs: 7 },
  { path: 'hashed (just past it)', bobs: 8 },
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

  it('refuses a destination named twice, not only next to itself', () => {
    const error = refusal(() => checkSendShape(sender, sendTo([...complete, [bob, 1]])));
    expect([error.code, error.message]).toEqual([
      ErrorCode.MALFORMED,
      'a destination is named twice',
    ]);
  });

  it('reports the first fault in message order', () => {
    const request = sendTo([[bob, 1], [bob, 1], ...complete.slice(2)]);
    request.messages.at(-1)!.content = new Uint8Array(MAX_CONTENT_BYTES + 1);
    expect(refusal(() => checkSendShape(sender, request)).message).toBe(
      'a destination is named twice',
    );
  });

  it('refuses a device that does not exist in place of one left out (the counts agree)', () => {
    const request = sendTo([...devicesOf(alice, 2, 2), ...devicesOf(bob, 1, bobs - 1), [bob, 99]]);
    const error = refusal(() => resolve(request, 2, bobs));
    expect(
      error.details.mismatchedDevices!.map((m) => [m.accountId, m.missingDevices, m.extraDevices]),
    ).toEqual([[bob, [bobs], [99]]]);
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

it('makes the sender name all of its own devices when its own is not among them', () => {
  const own = new Map([2, 3].map((id) => [id, { rowId: id, accountId: alice, deviceId: id }]));
  const check = (ids: number[]) => {
    const request = sendTo(ids.map((id) => [alice, id]));
    return resolveDestinations(
      sender,
      request,
      checkSendShape(sender, request),
      new Map([[alice, own]]),
    );
  };
  expect(check([2, 3])).toHaveLength(2);
  expect(refusal(() => check([2])).details.mismatchedDevices![0]!.missingDevices).toEqual([3]);
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
