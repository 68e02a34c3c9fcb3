import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode, MAX_SEND_TTL_SECONDS } from '@parley/protocol';
import type { Envelope } from '@parley/protocol';
import type { RelayRequestError, RelaySocket } from '@parley/relay-client';
import { address, bytes, registerAccount, text, type TestAccount } from './support/accounts.js';
import { rejection } from './support/rejection.js';
import { useTestRelay } from './support/relay-harness.js';
import { deviceKeys, openStoreFixture, openTestStore, type StoreFixture } from './support/store.js';
import { freshDatabase } from './support/database.js';
import { tempDataDir } from './support/relay-harness.js';
import { sql, Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import Database from 'better-sqlite3';
import pg from 'pg';
import { databaseKind, sqlitePath } from '../src/config.js';

/** Every envelope pushed before the relay's drained marker (the backlog at connect time). */
async function backlog(socket: RelaySocket): Promise<string[]> {
  await socket.drained;
  const envelopes: Envelope[] = [];
  socket.onEnvelope = (envelope) => envelopes.push(envelope);
  socket.ack(envelopes.map((e) => e.serverId));
  return envelopes.map((e) => text(e.content));
}

/**
 * SendRequest.ttl_seconds (issue 19): a call signal that waited in a mailbox past its time to live
 * is never delivered. The relay's clock is Vitest's fake Date (the relay runs in this process), set
 * forward instead of waited for; only Date is faked, so timers and I/O run as usual.
 */
describe('mailbox entries with a time to live', () => {
  const relay = useTestRelay();
  let alice: TestAccount;
  /** A recipient of its own per test, so no test sees another's envelopes or acks. */
  let bob: TestAccount;
  beforeAll(async () => {
    alice = await registerAccount(relay.t.client);
  });
  beforeEach(async () => {
    bob = await registerAccount(relay.t.client);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const toBob = (content: string) => [
    { destination: address(bob.devices[0]!), content: bytes(content) },
  ];

  it('drops a lapsed signal for a device that connects later, and delivers what is still alive', async () => {
    const sender = await relay.connect(alice.devices[0]!);
    vi.useFakeTimers({ toFake: ['Date'] });
    const t = Date.now();
    await sender.send('invite-old', toBob('old invite'), { ttlSeconds: 60 });
    await sender.send('message-old', toBob('old message'));
    vi.setSystemTime(t + 59_000);
    await sender.send('invite-new', toBob('new invite'), { ttlSeconds: 60 });

    // 61 s after the first invite: it lapsed; the message (no ttl) and the later invite did not.
    vi.setSystemTime(t + 61_000);
    const bobSocket = await relay.connect(bob.devices[0]!);
    expect(await backlog(bobSocket)).toEqual(['old message', 'new invite']);
    bobSocket.close();
    await bobSocket.closed;

    // A signal sent while Bob is away lapses unread once its own time is over.
    await sender.send('invite-last', toBob('last invite'), { ttlSeconds: 1 });
    vi.setSystemTime(t + 63_000);
    const again = await relay.connect(bob.devices[0]!);
    expect(await backlog(again)).toEqual([]);
  });

  it('pushes a signal to an online device at once', async () => {
    const bobSocket = await relay.connect(bob.devices[0]!);
    await bobSocket.drained;
    const sender = await relay.connect(alice.devices[0]!);
    await sender.send('live-invite', toBob('live invite'), { ttlSeconds: 60 });
    const [envelope] = await bobSocket.takeEnvelopes(1);
    expect(text(envelope!.content)).toBe('live invite');
    bobSocket.ack([envelope!.serverId]);
  });

  it('refuses a time to live past the cap with a clear error, storing nothing', async () => {
    const sender = await relay.connect(alice.devices[0]!);
    for (const ttlSeconds of [MAX_SEND_TTL_SECONDS + 1, 2 ** 32 - 1]) {
      const error = await rejection<RelayRequestError>(
        sender.send(`bad-ttl-${ttlSeconds}`, toBob('never stored'), { ttlSeconds }),
      );
      expect(error.code).toBe(ErrorCode.MALFORMED);
      expect(error.message).toContain(`ttl_seconds must be 1 to ${MAX_SEND_TTL_SECONDS}`);
    }
    // The socket stays usable, and the cap itself is accepted.
    await sender.send('max-ttl', toBob('at the cap'), { ttlSeconds: MAX_SEND_TTL_SECONDS });
    const bobSocket = await relay.connect(bob.devices[0]!);
    expect(await backlog(bobSocket)).toEqual(['at the cap']);
  });
});

/** The store's side: what lapsed is skipped by reads and swept, counts kept current. */
describe('lapsed entries in the store', () => {
  let fixture: StoreFixture;
  afterEach(async () => {
    vi.useRealTimers();
    await fixture.close();
  });

  it('skips lapsed entries when reading and deletes them in the sweep', async () => {
    fixture = await openStoreFixture();
    const { store, alice, bob } = fixture;
    const send = (clientId: string, ttlSeconds?: number) =>
      store.commitSend(
        {
          source: alice,
          clientId,
          entries: [{ destination: bob, type: 2, content: bytes(clientId) }],
          ...(ttlSeconds && { ttlSeconds }),
        },
        () => bytes('ok'),
        () => undefined,
      );
    vi.useFakeTimers({ toFake: ['Date'] });
    const t = Date.now();
    const short = await send('short', 10);
    expect(short.stored[0]!.expiresAt).toBe(short.stored[0]!.serverTimestamp + 10_000);
    await send('plain');
    await send('long', 300);
    expect(await store.pruneLapsed(t + 9_000)).toBe(0);

    vi.setSystemTime(t + 10_000);
    expect((await store.readMailbox(bob, 0, 10)).map((e) => e.clientId)).toEqual(['plain', 'long']);
    expect(store.totalMailboxEntries()).toBe(3);
    expect(await store.pruneLapsed(Date.now())).toBe(1);
    expect(store.totalMailboxEntries()).toBe(2);
    expect(await store.pruneLapsed(t + 300_000)).toBe(1);
    expect((await store.readMailbox(bob, 0, 10)).map((e) => e.clientId)).toEqual(['plain']);
    expect(store.totalMailboxEntries()).toBe(1);
  });
});

/** Link tokens go in the same sweep, by the relay's clock, which set their expiry (device-names). */
describe('the lapsed sweep and link tokens', () => {
  it('deletes a link token once the relay clock passes its expiry, not before', async () => {
    const fixture = await openStoreFixture();
    try {
      const { store, alice } = fixture;
      // A relay clock far from the machine's: the sweep must not read Date.now().
      const t = 1_000_000;
      const token = (n: number) => new Uint8Array(32).fill(n);
      await store.createLinkToken(alice.accountId, token(1), t + 60_000);
      await store.createLinkToken(alice.accountId, token(2), t + 60_000);
      await store.pruneLapsed(t + 30_000);
      // Still there at t + 30 s: it adds a device.
      await store.addDevice(token(1), deviceKeys, 'x', t + 30_000);
      await store.pruneLapsed(t + 61_000);
      // Swept at t + 61 s: unknown now, even to a clock that says it had not expired.
      await expect(store.addDevice(token(2), deviceKeys, 'x', t + 30_000)).rejects.toMatchObject({
        code: ErrorCode.UNAUTHENTICATED,
      });
    } finally {
      await fixture.close();
    }
  });
});

/** A database created before expires_at existed gets the column (and its index) on open. */
describe('upgrading a mailbox table without expires_at', () => {
  it('adds the column; old entries stay readable, new ones can lapse', async () => {
    const data = tempDataDir();
    const database = await freshDatabase(data.dir);
    try {
      const before = await openTestStore(database.url);
      const { alice, bob } = before;
      let store = before.store;
      await store.commitSend(
        {
          source: alice,
          clientId: 'before',
          entries: [{ destination: bob, type: 2, content: bytes('x') }],
        },
        () => bytes('ok'),
        () => undefined,
      );
      await store.close();
      // Back to the schema of before: no index, no column.
      const db = openKysely(database.url);
      await sql`DROP INDEX mailbox_by_expiry`.execute(db);
      await sql`ALTER TABLE mailbox DROP COLUMN expires_at`.execute(db);

      store = (await openTestStore(database.url, { alice, bob })).store;
      const columns = await sql<{ n: number }>`SELECT count(expires_at) AS n FROM mailbox`.execute(
        db,
      );
      expect(Number(columns.rows[0]!.n)).toBe(0);
      await db.destroy();
      await store.commitSend(
        {
          source: alice,
          clientId: 'after',
          entries: [{ destination: bob, type: 2, content: bytes('y') }],
          ttlSeconds: 5,
        },
        () => bytes('ok'),
        () => undefined,
      );
      expect((await store.readMailbox(bob, 0, 10)).map((e) => e.clientId)).toEqual([
        'before',
        'after',
      ]);
      expect(await store.pruneLapsed(Date.now() + 5_000)).toBe(1);
      expect((await store.readMailbox(bob, 0, 10)).map((e) => e.clientId)).toEqual(['before']);
      await store.close();
    } finally {
      await database.drop();
      data.remove();
    }
  });
});

/** A second connection to the store's database, of its dialect. */
function openKysely(url: string): Kysely<unknown> {
  return databaseKind(url) === 'postgres'
    ? new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url }) }) })
    : new Kysely({ dialect: new SqliteDialect({ database: new Database(sqlitePath(url)) }) });
}
