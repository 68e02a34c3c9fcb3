import { beforeAll, describe, expect, it } from 'vitest';
import { CloseCode, EnvelopeType, ErrorCode, RejectReason } from '@parley/protocol';
import { RelayRequestError } from '@parley/relay-client';
import { address, bytes, registerAccount, text, type TestAccount } from './support/accounts.js';
import { useTestRelay, type TestRelay } from './support/relay-harness.js';

describe('mailboxes', () => {
  const relay = useTestRelay({ mailboxCap: 50 });
  const connect = relay.connect;
  let t: TestRelay;
  let alice: TestAccount;
  let bob: TestAccount;
  let carol: TestAccount;
  beforeAll(async () => {
    t = relay.t;
    alice = await registerAccount(t.client, 2);
    bob = await registerAccount(t.client, 2);
    carol = await registerAccount(t.client, 1);
  });

  it('stores one send for four devices of two accounts and pushes it to each online device', async () => {
    const [a1, a2] = alice.devices;
    const [b1, b2] = bob.devices;
    const receivers = await Promise.all([a1!, a2!, b1!, b2!].map(connect));
    await Promise.all(receivers.map((socket) => socket.drained));
    const sender = await connect(carol.devices[0]!);

    const result = await sender.send('four-way', [
      { destination: address(a1!), content: bytes('to a1'), type: EnvelopeType.PREKEY_MESSAGE },
      { destination: address(a2!), content: bytes('to a2') },
      { destination: address(b1!), content: bytes('to b1') },
      { destination: address(b2!), content: bytes('to b2') },
    ]);
    expect(result.rejected).toEqual([]);
    expect(result.serverTimestamp).toBeGreaterThan(0n);

    const received = await Promise.all(receivers.map((socket) => socket.takeEnvelopes(1)));
    expect(received.map(([e]) => text(e!.content))).toEqual(['to a1', 'to a2', 'to b1', 'to b2']);
    for (const [envelope] of received) {
      expect(envelope!.source).toMatchObject(address(carol.devices[0]!));
      expect(envelope!.clientId).toBe('four-way');
      expect(envelope!.serverTimestamp).toBe(result.serverTimestamp);
    }
    expect(received[0]![0]!.type).toBe(EnvelopeType.PREKEY_MESSAGE);
    received.forEach(([envelope], i) => receivers[i]!.ack([envelope!.serverId]));
    for (const socket of receivers) socket.close();
  });

  it('lets a device address its own other devices along with another account', async () => {
    const [a1, a2] = alice.devices;
    const sender = await connect(a1!);
    const own = await connect(a2!);
    const result = await sender.send('with-sync', [
      { destination: address(a2!), content: bytes('sync copy') },
      { destination: address(bob.devices[0]!), content: bytes('hi bob') },
      { destination: address(bob.devices[1]!), content: bytes('hi bob') },
    ]);
    expect(result.rejected).toEqual([]);
    const [copy] = await own.takeEnvelopes(1);
    expect(text(copy!.content)).toBe('sync copy');
    own.ack([copy!.serverId]);
    sender.close();
    own.close();
  });

  it('drains an offline device in order when it connects, and deletes only acked entries', async () => {
    const sender = await connect(carol.devices[0]!);
    const target = bob.devices[0]!;
    // Bob's two devices have pending entries from the previous test: drain them first.
    const before = await connect(target);
    await before.drained;
    before.ack((await before.takeEnvelopes(before.bufferedCount)).map((e) => e.serverId));
    before.close();
    await before.closed;

    for (let i = 0; i < 20; i++) {
      await sender.send(`offline-${i}`, [
        { destination: address(target), content: bytes(`m${i}`) },
        { destination: address(bob.devices[1]!), content: bytes(`m${i}`) },
      ]);
    }
    const first = await connect(target);
    const drained = await first.takeEnvelopes(20);
    await first.drained;
    expect(drained.map((e) => text(e.content))).toEqual(
      Array.from({ length: 20 }, (_, i) => `m${i}`),
    );
    const ids = drained.map((e) => e.serverId);
    expect([...ids].sort((a, b) => (a < b ? -1 : 1))).toEqual(ids);
    // Ack the first half only, then reconnect: exactly the second half comes back.
    first.ack(ids.slice(0, 10));
    first.close();
    await first.closed;

    const second = await connect(target);
    await second.drained;
    const again = await second.takeEnvelopes(10);
    expect(again.map((e) => text(e.content))).toEqual(
      Array.from({ length: 10 }, (_, i) => `m${i + 10}`),
    );
    expect(second.bufferedCount).toBe(0);
    second.ack(again.map((e) => e.serverId));
    second.close();
    await second.closed;

    const third = await connect(target);
    await third.drained;
    expect(third.bufferedCount).toBe(0);
    third.close();
  });

  it('stores a retried send (same client id) once and answers it with the first result', async () => {
    const sender = await connect(carol.devices[0]!);
    const destination = address(alice.devices[0]!);
    const others = [address(alice.devices[1]!)];
    const messages = [destination, ...others].map((d) => ({
      destination: d,
      content: bytes('once'),
    }));
    const first = await sender.send('retry-me', messages);
    const second = await sender.send('retry-me', messages);
    expect(second).toEqual(first);

    const receiver = await connect(alice.devices[0]!);
    await receiver.drained;
    const envelopes = await receiver.takeEnvelopes(receiver.bufferedCount);
    expect(envelopes.filter((e) => e.clientId === 'retry-me')).toHaveLength(1);
    receiver.ack(envelopes.map((e) => e.serverId));
    receiver.close();
  });

  it('rejects a send that does not name the current device set, listing missing and extra devices', async () => {
    const sender = await connect(carol.devices[0]!);
    const error = await sender
      .send('mismatch', [
        { destination: address(bob.devices[0]!), content: bytes('x') },
        { destination: { accountId: bob.accountId, deviceId: 9 }, content: bytes('x') },
      ])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RelayRequestError);
    const { error: details } = error as RelayRequestError;
    expect(details.code).toBe(ErrorCode.MISMATCHED_DEVICES);
    expect(details.mismatchedDevices).toHaveLength(1);
    expect(details.mismatchedDevices[0]).toMatchObject({
      accountId: bob.accountId,
      missingDevices: [2],
      extraDevices: [9],
    });
    const unknown = await sender
      .send('unknown', [
        {
          destination: { accountId: '00000000-0000-4000-8000-000000000000', deviceId: 1 },
          content: bytes('x'),
        },
      ])
      .then(
        () => expect.fail('send to an unknown account succeeded'),
        (e: unknown) => e as RelayRequestError,
      );
    expect(unknown.code).toBe(ErrorCode.NOT_FOUND);
    expect(unknown.error.unknownAccounts).toEqual(['00000000-0000-4000-8000-000000000000']);
  });

  it('skips a full mailbox and reports it, storing the other destinations', async () => {
    const dave = await registerAccount(t.client, 1);
    const erin = await registerAccount(t.client, 1);
    const sender = await connect(carol.devices[0]!);
    for (let i = 0; i < 50; i++) {
      await sender.send(`fill-${i}`, [
        { destination: address(dave.devices[0]!), content: bytes('x') },
      ]);
    }
    const result = await sender.send('overflow', [
      { destination: address(dave.devices[0]!), content: bytes('one too many') },
      { destination: address(erin.devices[0]!), content: bytes('fits') },
    ]);
    expect(result.rejected).toHaveLength(1);
    expect(result.rejected[0]).toMatchObject({
      destination: address(dave.devices[0]!),
      reason: RejectReason.MAILBOX_FULL,
    });
    const erinSocket = await connect(erin.devices[0]!);
    const [envelope] = await erinSocket.takeEnvelopes(1);
    expect(text(envelope!.content)).toBe('fits');
  });

  it('keeps only the newest socket of a device', async () => {
    const device = alice.devices[1]!;
    const older = await connect(device);
    const newer = await connect(device);
    expect((await older.closed).code).toBe(CloseCode.REPLACED);
    await newer.drained;
    newer.ack((await newer.takeEnvelopes(newer.bufferedCount)).map((e) => e.serverId));
    const sender = await connect(carol.devices[0]!);
    await sender.send('to-newest', [
      { destination: address(alice.devices[0]!), content: bytes('x') },
      { destination: address(device), content: bytes('newest') },
    ]);
    const [envelope] = await newer.takeEnvelopes(1);
    expect(text(envelope!.content)).toBe('newest');
  });

  it('exposes connections, envelope counters, mailbox depth and commit latency on /metrics', async () => {
    const metrics = await (await fetch(`${t.relay.url}/metrics`)).text();
    expect(metrics).toMatch(/^parley_relay_connections\{state="authenticated"\} \d+$/m);
    expect(metrics).toMatch(/^parley_relay_envelopes_in_total [1-9]\d*$/m);
    expect(metrics).toMatch(/^parley_relay_envelopes_out_total [1-9]\d*$/m);
    expect(metrics).toMatch(/^parley_relay_mailbox_depth [1-9]\d*$/m);
    expect(metrics).toMatch(/^parley_relay_commit_duration_seconds_count [1-9]\d*$/m);
  });
});
