import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { defaultConfig, type RelayConfig } from '../../src/config.js';
import { startRelay, type Relay } from '../../src/relay.js';
import { freshDatabase, type TestDatabase } from './database.js';
import { tempDataDir } from './relay-harness.js';

export interface RelayPair {
  /** Two relay processes' worth of relays sharing one database and one Redis key prefix. */
  relays: [Relay, Relay];
  /** The pair's Redis key prefix. */
  prefix: string;
  /** A connection to the machine's Redis, for tests that look at the shared keys. */
  redis: Redis;
  /** Closes both relays, drops the database and deletes this pair's Redis keys. */
  stop(): Promise<void>;
}

/**
 * Two relays as `--workers` or two hosts behind a load balancer run them (issue 21): one fresh
 * PostgreSQL database and the machine's Redis under a prefix of this pair's own, so nothing
 * else on the machine is touched. `overrides` go over the silent test defaults.
 */
export async function startRelayPair(overrides: Partial<RelayConfig> = {}): Promise<RelayPair> {
  const prefix = `parley-test-${randomBytes(6).toString('hex')}`;
  const redisUrl = process.env.PARLEY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const dataDir = tempDataDir();
  const database: TestDatabase = await freshDatabase(dataDir.dir);
  const config: RelayConfig = {
    ...defaultConfig,
    port: 0,
    dataDir: dataDir.dir,
    databaseUrl: database.url,
    logLevel: 'silent',
    redisUrl,
    redisPrefix: prefix,
    ...overrides,
  };
  const logger = pino({ level: 'silent' });
  const relays: [Relay, Relay] = [
    await startRelay(config, logger),
    await startRelay(config, logger),
  ];
  const redis = new Redis(redisUrl);
  return {
    relays,
    prefix,
    redis,
    async stop() {
      for (const relay of relays) await relay.close();
      await database.drop();
      dataDir.remove();
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    },
  };
}
