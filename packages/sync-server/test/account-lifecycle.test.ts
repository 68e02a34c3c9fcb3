import { createECDH, randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode, DELETED_USERNAME_RESERVED_MS, ErrorCode } from '@parley/protocol';
import type { RelayHttpError, RelayRequestError } from '@parley/relay-client';
import { randomDeviceKeys, randomEcPublicKey, type Credentials } from '@parley/relay-client';
import { databaseKind, sqlitePath } from '../src/config.js';
import type { RelayDatabase } from '../src/store/schema.js';
import { address, bytes, registerAccount } from './support/accounts.js';
import { rejection } from './support/rejection.js';
import { useTestRelay } from './support/relay-harness.js';

const basic = (device: Credentials) =>
  'Basic ' +
  Buffer.from(`${device.accountId}.${device.deviceId}:${device.secret}`).toString('base64');

/** Signing a device out and deleting an account, on the run's dialect (SQLite or PostgreSQL). */
describe('account lifecycle: sign-out and account deletion', () => {
  const shared = useTestRelay({
    blobs: { maxBytes: 64 * 1024, quotaBytes: 1 << 20, expiryDays: 30 },
  });
  let db: Kysely<RelayDatabase>;
  beforeAll(() => {
    // A second view of the relay's database, to count the rows an account leaves behind.
    const url = shared.t.databaseUrl;
    db =
      databaseKind(url) === 'postgres'
        ? new Kysely({
            dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url }) }),
          })
        : new Kysely({ dialect: new SqliteDialect({ database: new Database(sqlitePath(url)) }) });
  });
  afterAll(() => db.destroy());

  const client = () => shared.t.client;
  const httpError = (promise: Promise<unknown>) => rejection<RelayHttpError>(promise);

  /** Rows of every per-account table that still name the account or one of its devices. */
  async function rowsOf(
    accountId: string,
    deviceRowIds: number[] = [-1],
  ): Promise<Record<string, number>> {
    const count = async (query: { execute(): Promise<unknown[]> }) =>
      (await query.execute()).length;
    const ofDevices = <T extends 'one_time_prekeys' | 'kyber_prekeys' | 'mailbox'>(table: T) =>
      count(
        db
          .selectFrom(table as 'mailbox')
          .select('device_row_id')
          .where('device_row_id', 'in', deviceRowIds),
      );
    const deviceRows = db
      .selectFrom('devices')
      .select('row_id')
      .where('account_id', '=', accountId);
    return {
      accounts: await count(db.selectFrom('accounts').select('id').where('id', '=', accountId)),
      devices: await count(deviceRows),
      skeletons: await count(
        db.selectFrom('username_skeletons').select('skeleton').where('account_id', '=', accountId),
      ),
      linkTokens: await count(
        db.selectFrom('link_tokens').select('account_id').where('account_id', '=', accountId),
      ),
      blobs: await count(db.selectFrom('blobs').select('id').where('account_id', '=', accountId)),
      pushSubscriptions: await count(
        db
          .selectFrom('push_subscriptions')
          .select('device_row_id')
          .where('device_row_id', 'in', deviceRowIds),
      ),
      oneTimePreKeys: await ofDevices('one_time_prekeys'),
      kyberPreKeys: await ofDevices('kyber_prekeys'),
      mailbox: await ofDevices('mailbox'),
      sends: await count(
        db
          .selectFrom('sends')
          .select('client_id')
          .where('source_device_row_id', 'in', deviceRowIds),
      ),
    };
  }

  async function uploadBlob(device: Credentials, body: Uint8Array): Promise<string> {
    const url = (path: string) => new URL(path, shared.t.relay.url).toString();
    const created = await fetch(url('/v1/blobs/uploads'), {
      method: 'POST',
      headers: {
        'tus-resumable': '1.0.0',
        'upload-length': String(body.length),
        authorization: basic(device),
      },
    });
    const location = created.headers.get('location')!;
    const patched = await fetch(url(location), {
      method: 'PATCH',
      headers: {
        'tus-resumable': '1.0.0',
        'upload-offset': '0',
        'content-type': 'application/offset+octet-stream',
        authorization: basic(device),
      },
      body,
    });
    expect(patched.status).toBe(204);
    return location.split('/').pop()!;
  }

  it('signs a device out: its credentials stop working at once; the other device sees it gone', async () => {
    const account = await registerAccount(client(), 2);
    const [phone, laptop] = account.devices as [Credentials, Credentials];
    const socket = await client().connect(laptop);

    await client().removeDevice(laptop, laptop.deviceId);

    expect((await socket.closed).code).toBe(CloseCode.DEVICE_REMOVED);
    expect((await httpError(client().listDevices(laptop))).status).toBe(401);
    await expect(client().connect(laptop)).rejects.toThrow();
    expect((await client().listDevices(phone)).map((d) => d.deviceId)).toEqual([1]);
  });

  it('deletes an account with every row it owns, closes its sockets and frees its username', async () => {
    const alice = await registerAccount(client(), 2, { oneTimePreKeys: 5, kyberOneTimePreKeys: 5 });
    const bob = await registerAccount(client(), 1);
    const [phone, laptop] = alice.devices as [Credentials, Credentials];
    await client().createLinkToken(phone);
    const blobId = await uploadBlob(phone, bytes('ciphertext of a photo'));
    // Bob wrote to Alice: entries wait in both her mailboxes.
    const bobSocket = await shared.connect(bob.devices[0]!);
    await bobSocket.send('before', [
      { destination: address(phone), content: bytes('hi') },
      { destination: address(laptop), content: bytes('hi') },
    ]);
    const sockets = await Promise.all([client().connect(phone), client().connect(laptop)]);
    const rowIds = (
      await db
        .selectFrom('devices')
        .select('row_id')
        .where('account_id', '=', alice.accountId)
        .execute()
    ).map((row) => Number(row.row_id));
    // Her phone asked for Web Push wake-ups (never sent here: both her devices are connected).
    const browserKey = createECDH('prime256v1');
    browserKey.generateKeys();
    await client().request('PUT', '/v1/push/subscription', phone, {
      endpoint: 'https://push.example.com/wake/alice-phone',
      expirationTime: null,
      keys: {
        p256dh: browserKey.getPublicKey().toString('base64url'),
        auth: randomBytes(16).toString('base64url'),
      },
    });
    // Alice's laptop wrote too: its idempotency record is one of her rows.
    await sockets[1].send('from-alice', [
      { destination: address(bob.devices[0]!), content: bytes('yo') },
    ]);
    expect(await rowsOf(alice.accountId, rowIds)).toEqual({
      accounts: 1,
      devices: 2,
      skeletons: 1,
      linkTokens: 2, // the one that linked the laptop, and a fresh one
      blobs: 1,
      pushSubscriptions: 1,
      oneTimePreKeys: 10,
      kyberPreKeys: 10,
      mailbox: 2,
      sends: 1,
    });

    await client().deleteAccount(laptop, alice.username);

    for (const socket of sockets)
      expect((await socket.closed).code).toBe(CloseCode.ACCOUNT_DELETED);
    await shared.t.relay.purgeRemovedDevices(); // the idempotency records go after (0156)
    expect(await rowsOf(alice.accountId, rowIds)).toEqual({
      accounts: 0,
      devices: 0,
      skeletons: 0,
      linkTokens: 0,
      blobs: 0,
      pushSubscriptions: 0,
      oneTimePreKeys: 0,
      kyberPreKeys: 0,
      mailbox: 0,
      sends: 0,
    });
    for (const device of [phone, laptop]) {
      expect((await httpError(client().listDevices(device))).status).toBe(401);
      await expect(client().connect(device)).rejects.toThrow();
    }
    const blob = await fetch(new URL(`/v1/blobs/${blobId}`, shared.t.relay.url), {
      headers: { authorization: basic(bob.devices[0]!) },
    });
    expect(blob.status).toBe(404);

    // Contacts: the account is gone for lookups and sends alike.
    const lookup = await httpError(client().lookupUsername(bob.devices[0]!, alice.username));
    expect(lookup.code).toBe('NOT_FOUND');
    const send = await rejection<RelayRequestError>(
      bobSocket.send('after', [{ destination: address(phone), content: bytes('still there?') }]),
    );
    expect(send.code).toBe(ErrorCode.NOT_FOUND);
    expect(send.error.unknownAccounts).toEqual([alice.accountId]);

    // The username is free at once (DELETED_USERNAME_RESERVED_MS), for a new account.
    expect(DELETED_USERNAME_RESERVED_MS).toBe(0);
    const again = await client().register(alice.username, randomEcPublicKey(), randomDeviceKeys());
    expect(again.accountId).not.toBe(alice.accountId);
    expect((await client().lookupUsername(bob.devices[0]!, alice.username)).accountId).toBe(
      again.accountId,
    );
  });

  it("deletes only the caller's own account, and only with its username", async () => {
    const alice = await registerAccount(client(), 1);
    const bob = await registerAccount(client(), 1);
    const bobDevice = bob.devices[0]!;

    const crossAccount = await httpError(client().deleteAccount(bobDevice, alice.username));
    expect([crossAccount.status, crossAccount.code]).toEqual([403, 'FORBIDDEN']);
    const unknownName = await httpError(client().deleteAccount(bobDevice, 'nobody_here'));
    expect(unknownName.code).toBe('FORBIDDEN');
    const anonymous = await httpError(
      client().request('DELETE', '/v1/accounts/me', undefined, { username: alice.username }),
    );
    expect(anonymous.status).toBe(401);
    const wrongSecret = { ...alice.devices[0]!, secret: bobDevice.secret };
    expect((await httpError(client().deleteAccount(wrongSecret, alice.username))).status).toBe(401);
    for (const body of [
      {},
      { username: alice.username, accountId: alice.accountId },
      { username: 7 },
      '{"username":',
    ]) {
      const malformed = await httpError(
        client().request('DELETE', '/v1/accounts/me', bobDevice, body),
      );
      expect([malformed.status, malformed.code]).toEqual([400, 'MALFORMED']);
    }

    // Nothing changed: both accounts still work.
    expect(await rowsOf(alice.accountId)).toMatchObject({ accounts: 1, devices: 1 });
    expect(await rowsOf(bob.accountId)).toMatchObject({ accounts: 1, devices: 1 });
    await client().listDevices(alice.devices[0]!);
    await client().listDevices(bobDevice);
  });
});
