import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeRoutedEnvelopes } from '../../src/cluster/envelope-codec.js';
import { RedisClusterLink } from '../../src/cluster/redis-link.js';
import { storedEnvelope } from './stored-envelope.js';

const ignore = () => undefined;

/**
 * Decision 0163: the sends of one group commit reach the cluster link one by one (each send's
 * afterCommit); everything routed in one synchronous run leaves as one script call, i.e. one
 * message per holding process, in commit order. The machine's Redis, under this test's prefix.
 */
describe('routing the sends of one commit together', () => {
  const url = process.env.PARLEY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `parley-test-${randomBytes(6).toString('hex')}`;
  let link: RedisClusterLink;
  let plain: Redis;
  let subscriber: Redis;

  beforeAll(async () => {
    link = await RedisClusterLink.open(
      url,
      prefix,
      'p1',
      {
        envelopes: ignore,
        replaced: ignore,
        devicesChanged: ignore,
        deviceRemoved: ignore,
        provisioning: ignore,
        reconnected: ignore,
      },
      pino({ level: 'silent' }),
    );
    plain = new Redis(url);
    subscriber = new Redis(url);
    await subscriber.subscribe(`${link.channelPrefix}p2`);
  });

  afterAll(async () => {
    const keys = await plain.keys(`${prefix}:*`);
    if (keys.length > 0) await plain.del(...keys);
    link.close();
    plain.disconnect();
    subscriber.disconnect();
  });

  it('sends what one turn routed as one message per holder, then the next turn as another', async () => {
    await plain.mset(link.presenceKey(1), 'p2.1', link.presenceKey(2), 'p2.2');
    const messages: number[][] = [];
    let got!: () => void;
    let arrived = new Promise<void>((resolve) => (got = resolve));
    subscriber.on('messageBuffer', (_channel: Buffer, message: Buffer) => {
      messages.push(decodeRoutedEnvelopes(message).map((e) => e.serverId));
      got();
    });

    // Three sends committed in one batch, handed over one after another.
    link.route([storedEnvelope(1, 10)]);
    link.route([storedEnvelope(2, 11), storedEnvelope(1, 12)]);
    link.route([storedEnvelope(2, 13)]);
    await arrived;
    expect(messages).toEqual([[10, 11, 12, 13]]);

    // A later turn (the next batch) is a message of its own.
    arrived = new Promise<void>((resolve) => (got = resolve));
    link.route([storedEnvelope(1, 14)]);
    await arrived;
    expect(messages).toEqual([[10, 11, 12, 13], [14]]);
  });
});
