import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { create } from '@bufbuild/protobuf';
import { EnvelopeType, OutgoingMessageSchema, SendRequestSchema } from '@parley/protocol';
import { Mailboxes } from '../src/mailbox/mailboxes.js';
import type { OnlineDevices } from '../src/mailbox/online-devices.js';
import type { RelayMetrics } from '../src/ops/metrics.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { createPool } from '../src/store/postgres/pool.js';
import type { DeviceRef, SendOutcome } from '../src/store/records.js';
import { freshDatabase, type TestDatabase } from './support/database.js';
import { tempDataDir } from './support/relay-harness.js';
import { bytes, deviceKeys, ignore, storeEvents } from './support/store.js';

/**
 * What only the PostgreSQL store has (postgres project only): group commit over a pool,
 * migrations under concurrency, int8 and bytea mapping.
 */
describe('PostgresStore', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function database(): Promise<TestDatabase> {
    const data = tempDataDir();
    const db = await freshDatabase(data.dir);
    cleanups.push(data.remove, () => db.drop());
    return db;
  }

  async function open(url: string, events = {}): Promise<PostgresStore> {
    const store = await PostgresStore.open(url, { ...storeEvents, ...events });
    cleanups.push(() => store.close());
    return store;
  }

  const account = (store: PostgresStore, username: string) =>
    store.createAccount({ username, identityKey: bytes(33), device: deviceKeys, secretHash: 'x' });

  it('creates the schema once when several relays start at the same time', async () => {
    const { url } = await database();
    const stores = await Promise.all(Array.from({ length: 4 }, () => open(url)));
    const [alice, bob] = [await account(stores[0]!, 'a'), await account(stores[1]!, 'b')];
    // Every store sees the same tables.
    expect(await stores[3]!.accountIdByUsername('b')).toBe(bob.accountId);
    expect(await stores[2]!.listDevices(alice.accountId)).toHaveLength(1);
  });

  it('commits the sends of one turn in one transaction, answering after COMMIT in order', async () => {
    const { url } = await database();
    const batches: number[] = [];
    const store = await open(url, { committed: (_ms: number, jobs: number) => batches.push(jobs) });
    const [alice, bob] = [await account(store, 'a'), await account(store, 'b')];
    await store.flush();
    batches.length = 0;

    const observer = new pg.Client({ connectionString: url });
    await observer.connect();
    cleanups.push(() => observer.end());
    const events: string[] = [];
    const sends = Array.from({ length: 50 }, (_, i) =>
      store.commitSend(
        {
          source: alice,
          clientId: `m${i}`,
          entries: [{ destination: bob, type: 1, content: bytes(10) }],
        },
        () => bytes(1),
        (outcome: SendOutcome) => events.push(`after:${outcome.stored[0]!.serverId}`),
      ),
    );
    const outcomes = await Promise.all(sends);
    // One batch (the sends' single job); every outcome committed and visible to another session.
    expect(batches).toEqual([1]);
    const { rows } = await observer.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM mailbox WHERE client_id LIKE 'm%'",
    );
    expect(rows[0]!.n).toBe(50);
    const ids = outcomes.map((o) => o.stored[0]!.serverId);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(50);
    expect(events).toEqual(ids.map((id) => `after:${id}`));
    expect(store.totalMailboxEntries()).toBe(50);
    // A retry, alone or together with its original, is stored once.
    const retry = await store.commitSend(
      {
        source: alice,
        clientId: 'm7',
        entries: [{ destination: bob, type: 1, content: bytes(1) }],
      },
      () => bytes(2),
      ignore,
    );
    expect(retry.duplicate).toBe(true);
    expect([...retry.result]).toEqual([...outcomes[7]!.result]);
    const [first, again] = await Promise.all(
      ['x', 'x'].map((clientId) =>
        store.commitSend(
          { source: alice, clientId, entries: [{ destination: bob, type: 1, content: bytes(1) }] },
          () => bytes(3),
          ignore,
        ),
      ),
    );
    expect([first!.duplicate, again!.duplicate]).toEqual([false, true]);
    expect(store.totalMailboxEntries()).toBe(51);
    const page = await store.readMailbox(bob, 0, 100);
    expect(page).toHaveLength(51);
    expect(page[0]!.content).toBeInstanceOf(Uint8Array);
  });

  it('keeps a failing job to its savepoint and refuses writes after close()', async () => {
    const { url } = await database();
    const store = await PostgresStore.open(url, storeEvents);
    await account(store, 'a');
    const [taken, other] = await Promise.allSettled([account(store, 'a'), account(store, 'c')]);
    expect(taken.status).toBe('rejected');
    expect(other.status).toBe('fulfilled');
    const queued = account(store, 'late');
    await store.close();
    await expect(queued).resolves.toBeDefined(); // flushed by close()
    await expect(account(store, 'later')).rejects.toThrow('the store is closed');
  });

  it('maps int8 to numbers and refuses values beyond 2^53', async () => {
    const { url } = await database();
    const pool = createPool(url, { size: 1 });
    cleanups.push(() => pool.end());
    const { rows } = await pool.query<{ n: number }>('SELECT 9007199254740991::bigint AS n');
    expect(rows[0]!.n).toBe(Number.MAX_SAFE_INTEGER);
    await expect(pool.query('SELECT 9007199254740993::bigint AS n')).rejects.toThrow(
      /beyond Number.MAX_SAFE_INTEGER/,
    );
  });

  it('re-checks a send refused by a stale cached device set against the database', async () => {
    // Two relay processes on one database, without the Redis channel that would tell the second
    // of the first's device change: the second's cached set of bob's devices is stale.
    const { url } = await database();
    const [first, second] = [await open(url), await open(url)];
    const [alice, bob] = [await account(first, 'a'), await account(first, 'b')];
    expect([...(await second.deviceSets([bob.accountId])).get(bob.accountId)!.keys()]).toEqual([1]);
    const tokenHash = bytes(32);
    await first.createLinkToken(bob.accountId, tokenHash, Date.now() + 60_000);
    const laptop = await first.addDevice(tokenHash, deviceKeys, 'x', Date.now());

    // Only the send path is under test: nobody is online, and metrics are counted nowhere.
    const online = { deliver: ignore } as unknown as OnlineDevices;
    const metrics = { envelopesIn: { inc: ignore } } as unknown as RelayMetrics;
    const mailboxes = new Mailboxes(second, online, metrics);
    const to = (device: DeviceRef) =>
      create(OutgoingMessageSchema, {
        destination: { accountId: device.accountId, deviceId: device.deviceId },
        type: EnvelopeType.SIGNAL_MESSAGE,
        content: bytes(8),
      });
    await mailboxes.send(
      alice,
      create(SendRequestSchema, { clientId: 'to-both', messages: [to(bob), to(laptop)] }),
    );
    expect(await second.readMailbox(laptop, 0, 10)).toHaveLength(1);
  });

  it('fails to open with the connection error when PostgreSQL is not there', async () => {
    await expect(
      PostgresStore.open('postgres://postgres@127.0.0.1:1/parley', storeEvents),
    ).rejects.toThrow(/ECONNREFUSED/);
  });
});
