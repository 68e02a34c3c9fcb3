import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
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
import { defaultConfig, type RateLimits, type RelayConfig } from '../src/config.js';
import { startRelay, type Relay } from '../src/relay.js';
import { address, bytes, registerAccount, type TestAccount } from './support/accounts.js';
import { freshDatabase, type TestDatabase } from './support/database.js';
import { rejection } from './support/rejection.js';
import { tempDataDir } from './support/relay-harness.js';

/** A bucket that never refills within a test: `burst` calls, then refusals. */
const only = (burst: number) => ({ burst, perSecond: 0.001 });

/**
 * Issue #21: rate limits hold across relay processes. Two relays share one PostgreSQL database
 * and one Redis (the machine's, under a key prefix of this test's), as `--workers` or two hosts
 * behind a load balancer would; a client spreading its calls over both gets no more than the
 * limit of one. With per-process buckets each relay would allow the whole limit again.
 */
describe('rate limits shared by two relay processes', () => {
  const prefix = `parley-test-${randomBytes(6).toString('hex')}`;
  const redisUrl = process.env.PARLEY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const dataDir = tempDataDir();
  let database: TestDatabase;
  const relays: Relay[] = [];
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
    database = await freshDatabase(dataDir.dir);
    const config: RelayConfig = {
      ...defaultConfig,
      port: 0,
      dataDir: dataDir.dir,
      databaseUrl: database.url,
      logLevel: 'silent',
      rateLimits: limits,
      redisUrl,
      redisPrefix: prefix,
    };
    for (let i = 0; i < 2; i++) {
      const relay = await startRelay(config, pino({ level: 'silent' }));
      relays.push(relay);
      clients.push(new RelayClient(relay.url));
    }
    // The sender has a device on each relay; these take two of the four registrations.
    sender = await registerAccount(clients[0]!, 2);
    recipient = await registerAccount(clients[1]!);
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    for (const relay of relays) await relay.close();
    await database.drop();
    dataDir.remove();
    const redis = new Redis(redisUrl);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
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
