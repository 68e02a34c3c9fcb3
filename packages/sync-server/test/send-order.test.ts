import { beforeAll, describe, expect, it } from 'vitest';
import type { Envelope } from '@parley/protocol';
import type { RelaySocket } from '@parley/relay-client';
import { address, bytes, registerAccount, text, type TestAccount } from './support/accounts.js';
import { useTestRelay, type TestRelay } from './support/relay-harness.js';

/**
 * Many sends in flight on ONE socket at once (as a busy client pipelines them) must be stored and
 * delivered in the order they arrived, to an online device (whose push window fills, so the
 * relay falls back to reading its mailbox) and to an offline device that drains later.
 */
describe('order of pipelined sends', () => {
  const relay = useTestRelay();
  const connect = relay.connect;
  let t: TestRelay;
  let alice: TestAccount;
  let bob: TestAccount;
  let carol: TestAccount;
  let dave: TestAccount;
  beforeAll(async () => {
    t = relay.t;
    alice = await registerAccount(t.client, 1);
    bob = await registerAccount(t.client, 1);
    carol = await registerAccount(t.client, 1);
    dave = await registerAccount(t.client, 1);
  });

  /** Sends `count` messages keeping `inFlight` unanswered at all times; resolves when all are. */
  async function pipeline(
    socket: RelaySocket,
    tag: string,
    count: number,
    inFlight: number,
    destinations: (i: number) => TestAccount[],
  ): Promise<void> {
    let next = 0;
    const lane = async () => {
      while (next < count) {
        const i = next++;
        await socket.send(
          `${tag}-${i}`,
          destinations(i).map((account) => ({
            destination: address(account.devices[0]!),
            content: bytes(`${tag}:${i}`),
          })),
        );
      }
    };
    await Promise.all(Array.from({ length: inFlight }, lane));
  }

  /**
   * Receives envelopes (those pushed before this was called included), acking them in slow
   * batches so that the push window fills up.
   */
  async function collect(socket: RelaySocket): Promise<Envelope[]> {
    const received: Envelope[] = [];
    let toAck: bigint[] = [];
    const onEnvelope = (envelope: Envelope) => {
      received.push(envelope);
      if (toAck.length === 0) {
        setTimeout(() => {
          socket.ack(toAck);
          toAck = [];
        }, 20);
      }
      toAck.push(envelope.serverId);
    };
    socket.onEnvelope = onEnvelope; // takes the envelopes buffered so far first
    return received;
  }

  const sequence = (envelopes: Envelope[], tag: string) =>
    envelopes
      .map((e) => text(e.content))
      .filter((content) => content.startsWith(`${tag}:`))
      .map((content) => Number(content.slice(tag.length + 1)));

  const ascending = (count: number, keep: (i: number) => boolean = () => true) =>
    Array.from({ length: count }, (_, i) => i).filter(keep);

  it('stores and delivers concurrent sends from one socket in arrival order', async () => {
    const count = 1500;
    const bobSocket = await connect(bob.devices[0]!);
    await bobSocket.drained;
    const toBob = await collect(bobSocket);
    const aliceSocket = await connect(alice.devices[0]!);
    const daveSocket = await connect(dave.devices[0]!);

    // Alice pipelines 200 sends at a time, every third one also to (offline) Carol; Dave sends
    // to Bob at the same time, so commits interleave the two senders.
    await Promise.all([
      pipeline(aliceSocket, 'alice', count, 200, (i) => (i % 3 === 0 ? [bob, carol] : [bob])),
      pipeline(daveSocket, 'dave', count / 2, 50, () => [bob]),
    ]);
    const total = count + count / 2;
    await expect.poll(() => toBob.length, { timeout: 20_000 }).toBe(total);

    expect(sequence(toBob, 'alice')).toEqual(ascending(count));
    expect(sequence(toBob, 'dave')).toEqual(ascending(count / 2));
    const ids = toBob.map((e) => e.serverId);
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true);

    const carolSocket = await connect(carol.devices[0]!);
    const toCarol = await collect(carolSocket);
    await carolSocket.drained;
    await expect.poll(() => toCarol.length, { timeout: 20_000 }).toBe(count / 3);
    expect(sequence(toCarol, 'alice')).toEqual(ascending(count, (i) => i % 3 === 0));
  });
});
