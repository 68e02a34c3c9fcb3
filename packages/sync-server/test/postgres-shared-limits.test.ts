import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, RATE_LIMITS } from '@parley/protocol';
import {
  RelayClient,
  randomDeviceKeys,
  randomEcPublicKey,
  type RelayHttpError,
  type RelayRequestError,
  type RelaySocket,
} from '@parley/relay-client';
import type { RateLimits } from '../src/config.js';
import { address, bytes, registerAccount, type TestAccount } from './support/accounts.js';
import { rejection } from './support/rejection.js';
import { startRelayPair, type RelayPair } from './support/relay-pair.js';

/** A bucket that never refills within a test: `burst` calls, then refusals. */
const only = (burst: number) => ({ burst, perSecond: 0.001 });

/**
 * Issue #21: rate limits hold across relay processes. Two relays share one PostgreSQL database
 * and one Redis (the machine's, under a key prefix of this test's), as `--workers` or two hosts
 * behind a load balancer would; a client spreading its calls over both gets no more than the
 * limit of one. With per-process buckets each relay would allow the whole limit again.
 */
describe('rate limits shared by two relay processes', () => {
  let pair: RelayPair;
  const clients: RelayClient[] = [];
  const sockets: RelaySocket[] = [];
  let sender: TestAccount;
  let recipient: TestAccount;

  const limits: RateLimits = {
    ...RATE_LIMITS,
    registrationsPerAddress: only(4),
    linksPerAddress: only(1000),
    sendsPerAccount: only(3),
    sendsPerDevice: only(1000),
    envelopesPerSenderPerMailbox: only(1000),
  };

  beforeAll(async () => {
    pair = await startRelayPair({ rateLimits: limits });
    for (const relay of pair.relays) clients.push(new RelayClient(relay.url));
    // The sender has a device on each relay; these take two of the four registrations.
    sender = await registerAccount(clients[0]!, 2);
    recipient = await registerAccount(clients[1]!);
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await pair.stop();
  });

  it('counts registrations from one address on either relay against one bucket', async () => {
    const [a, b] = clients as [RelayClient, RelayClient];
    // Two of the four were spent in beforeAll (one on each relay); one more on each.
    await registerAccount(a);
    await registerAccount(b);
    for (const client of clients) {
      const username = `late_${randomBytes(4).toString('hex')}`;
      const refused = await rejection<RelayHttpError>(
        client.register(username, randomEcPublicKey(), randomDeviceKeys()),
      );
      expect(refused.status).toBe(429);
      expect(refused.code).toBe('RATE_LIMITED');
    }
  });

  it("counts an account's sends from devices on both relays against one bucket", async () => {
    const [a, b] = clients as [RelayClient, RelayClient];
    const onA = await a.connect(sender.devices[0]!);
    const onB = await b.connect(sender.devices[1]!);
    sockets.push(onA, onB);
    const send = (socket: RelaySocket, id: string) =>
      socket.send(id, [{ destination: address(recipient.devices[0]!), content: bytes(id) }]);
    await send(onA, 's1');
    await send(onB, 's2');
    await send(onA, 's3');
    for (const [socket, id] of [
      [onA, 'late-a'],
      [onB, 'late-b'],
    ] as const) {
      const refused = await rejection<RelayRequestError>(send(socket, id));
      expect(refused.code).toBe(ErrorCode.RATE_LIMITED);
    }
  });
});
