import { describe, expect, it } from 'vitest';
import type { Envelope } from '@parley/protocol';
import { address, bytes, registerAccount, text } from './support/accounts.js';
import { useTestRelay } from './support/relay-harness.js';

/**
 * The relay pushes a device's mailbox right after its auth answer, often in the same TCP read:
 * those envelopes reach the client's RelaySocket before a caller awaiting connect() can set
 * `onEnvelope`. They must go to the handler once it is set, first and in order; left in the
 * socket's buffer they stayed unacked and came again only on the next connection, after newer
 * ones (the chaos test's rare "outOfOrder" after a relay process was killed).
 */
describe('envelopes pushed before onEnvelope is set', () => {
  const relay = useTestRelay();

  it('are handed to the handler when it is set, before later pushes and in order', async () => {
    const alice = await registerAccount(relay.t.client);
    const bob = await registerAccount(relay.t.client);
    const sender = await relay.connect(alice.devices[0]!);
    const to = (n: number) => [{ destination: address(bob.devices[0]!), content: bytes(`${n}`) }];
    for (let n = 0; n < 3; n++) await sender.send(`m${n}`, to(n));

    // No handler yet: the relay's drained marker follows the whole backlog, so all three
    // are in the socket's buffer once it has come.
    const receiver = await relay.connect(bob.devices[0]!);
    await receiver.drained;
    expect(receiver.bufferedCount).toBe(3);

    const received: number[] = [];
    let fourth: (envelope: Envelope) => void = () => undefined;
    const live = new Promise<Envelope>((resolve) => (fourth = resolve));
    receiver.onEnvelope = (envelope) => {
      received.push(Number(text(envelope.content)));
      receiver.ack([envelope.serverId]);
      if (received.length === 4) fourth(envelope);
    };
    expect(received).toEqual([0, 1, 2]);
    expect(receiver.bufferedCount).toBe(0);

    await sender.send('m3', to(3));
    await live;
    expect(received).toEqual([0, 1, 2, 3]);
  });
});
