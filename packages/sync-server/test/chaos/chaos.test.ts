import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '@parley/protocol';
import { RelayClient, randomDeviceKeys } from '@parley/relay-client';
import {
  startPostgres,
  startRedis,
  type PostgresServer,
  type RedisServer,
} from '../../bench/services.js';
import { address, bytes, registerAccount } from '../support/accounts.js';
import { Receiver, ReconnectingDevice, sendBurst, type Counts } from './support/chaos-clients.js';
import { spawnClusterRelayProcess, type ClusterRelay } from '../../bench/cluster-relay.js';

/** Relay processes sharing one PostgreSQL database and one Redis. */
const RELAYS = 3;
/** Receiving devices; each gets the bursts of SENDERS_PER_RECEIVER senders on other relays. */
const RECEIVERS = 3;
const SENDERS_PER_RECEIVER = 2;
const MESSAGES_PER_SENDER = 40;
/** The fault strikes once this share of all messages is acked: mid-burst. */
const FAULT_AT = 1 / 3;

/**
 * Chaos (decision 0161): several relay processes on their own PostgreSQL and Redis (started
 * here, on free loopback ports, in temp directories). Senders on one process send numbered
 * bursts to receivers held by other processes; once a third is acked, a fault strikes: a
 * relay process is SIGKILLed (its clients reconnect to another), Redis is killed and started
 * again, or PostgreSQL shuts down immediately and starts again. Afterwards every receiver
 * connects once more and waits for the relay's "drained" marker; then every acked message
 * must have been delivered exactly once and in order per sender. Everything waits for events
 * (acks, pushes, the drained marker, process exits and readiness lines); the only timers are
 * the clients' reconnect backoff.
 */
describe('chaos: several relay processes, PostgreSQL and Redis', () => {
  let postgres: PostgresServer;
  let redis: RedisServer;
  beforeAll(async () => {
    [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([postgres?.stop(), redis?.stop()]);
  });

  async function runScenario(
    name: string,
    fault: (relays: ClusterRelay[]) => Promise<void>,
  ): Promise<Counts> {
    const database = `chaos_${name}_${randomBytes(3).toString('hex')}`;
    const admin = new pg.Client({ connectionString: postgres.url() });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    const relays: ClusterRelay[] = [];
    for (let i = 0; i < RELAYS; i++) {
      relays.push(await spawnClusterRelayProcess(postgres.url(database), redis.url, database));
    }
    const urls = relays.map((r) => r.url);
    const devices: ReconnectingDevice[] = [];
    try {
      const http = new RelayClient(urls[0]!);
      const receivers: Receiver[] = [];
      const bursts: Promise<{ sent: number; acked: number[] }>[] = [];
      let acked = 0;
      const total = RECEIVERS * SENDERS_PER_RECEIVER * MESSAGES_PER_SENDER;
      let faulted: Promise<void> | undefined;
      const onAcked = () => {
        if (++acked >= total * FAULT_AT) faulted ??= fault(relays);
      };
      const senders: { account: string; to: number }[] = [];
      for (let r = 0; r < RECEIVERS; r++) {
        const account = await registerAccount(http);
        const receiver = new Receiver(urls, r, account.devices[0]!);
        receivers.push(receiver);
        devices.push(receiver.device);
        await receiver.device.connected();
        for (let s = 1; s <= SENDERS_PER_RECEIVER; s++) {
          // Each sender on a process other than its receiver's: pushes cross processes.
          const sender = new ReconnectingDevice(
            urls,
            r + s,
            (await registerAccount(http)).devices[0]!,
          );
          devices.push(sender);
          senders.push({ account: sender.credentials.accountId, to: r });
          bursts.push(sendBurst(sender, account.devices[0]!, MESSAGES_PER_SENDER, onAcked));
        }
      }
      const results = await Promise.all(bursts);
      await faulted;
      for (const receiver of receivers) await receiver.device.reconnectAndDrain();

      const counts: Counts = {
        sent: 0,
        acked: 0,
        delivered: 0,
        duplicated: 0,
        lost: 0,
        redelivered: 0,
        outOfOrder: 0,
      };
      results.forEach((result, i) => {
        const receiver = receivers[senders[i]!.to]!;
        const seen = receiver.firstSeen.get(senders[i]!.account) ?? [];
        counts.sent += result.sent;
        counts.acked += result.acked.length;
        counts.delivered += seen.length;
        const delivered = new Set(seen);
        counts.lost += result.acked.filter((n) => !delivered.has(n)).length;
      });
      for (const receiver of receivers) {
        counts.duplicated += receiver.duplicated;
        counts.redelivered += receiver.redelivered;
        counts.outOfOrder += receiver.outOfOrder;
      }
      const reconnects = devices.reduce((n, d) => n + d.reconnects, 0);
      console.log(`chaos ${name}: ${JSON.stringify({ ...counts, reconnects })}`);
      return counts;
    } finally {
      for (const device of devices) device.stop();
      await Promise.all(relays.map((r) => r.stop()));
    }
  }

  const expectExactlyOnce = (counts: Counts) => {
    expect(counts.acked).toBe(counts.sent);
    expect(counts.lost).toBe(0);
    expect(counts.duplicated).toBe(0);
    expect(counts.outOfOrder).toBe(0);
    expect(counts.delivered).toBe(counts.acked);
  };

  /** Two relay processes on a fresh database; stopped after `body`. */
  async function withTwoRelays(body: (relays: ClusterRelay[]) => Promise<void>): Promise<void> {
    const database = `cluster_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: postgres.url() });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    const relays = [
      await spawnClusterRelayProcess(postgres.url(database), redis.url, database),
      await spawnClusterRelayProcess(postgres.url(database), redis.url, database),
    ];
    try {
      await body(relays);
    } finally {
      await Promise.all(relays.map((r) => r.stop()));
    }
  }

  it('keeps the newer socket of a device connected to two processes, as on one', async () => {
    await withTwoRelays(async ([a, b]) => {
      const alice = (await registerAccount(new RelayClient(a!.url))).devices[0]!;
      const older = await new RelayClient(a!.url).connect(alice);
      const newer = await new RelayClient(b!.url).connect(alice);
      expect((await older.closed).code).toBe(CloseCode.REPLACED);
      newer.close();
    });
  }, 60_000);

  it('sees devices added and removed on another process (caches invalidated, socket closed)', async () => {
    await withTwoRelays(async ([a, b]) => {
      const onA = new RelayClient(a!.url);
      const onB = new RelayClient(b!.url);
      const bob = await registerAccount(onA, 1);
      const alice = (await registerAccount(onA)).devices[0]!;
      const sender = await onB.connect(alice);
      const to = (devices: typeof bob.devices) =>
        devices.map((d) => ({ destination: address(d), content: bytes('hi') }));
      await sender.send('one', to(bob.devices)); // B caches bob's device set
      const { linkToken } = await onA.createLinkToken(bob.devices[0]!);
      const second = await onA.addDevice(linkToken, randomDeviceKeys());
      // B must know the new device at once, not from its stale cache.
      await sender.send('two', to([...bob.devices, second]));
      const secondSocket = await onB.connect(second);
      await onA.removeDevice(bob.devices[0]!, second.deviceId);
      expect((await secondSocket.closed).code).toBe(CloseCode.DEVICE_REMOVED);
      sender.close();
    });
  }, 60_000);

  it('loses nothing when a relay process is SIGKILLed mid-burst', async () => {
    expectExactlyOnce(await runScenario('relay_kill', (relays) => relays[1]!.kill()));
  }, 90_000);

  it('loses nothing when Redis is killed and restarted mid-burst', async () => {
    expectExactlyOnce(await runScenario('redis_restart', () => redis.restart()));
  }, 90_000);

  it('loses nothing when PostgreSQL stops immediately and restarts mid-burst', async () => {
    expectExactlyOnce(await runScenario('postgres_restart', () => postgres.restart()));
  }, 90_000);
});
