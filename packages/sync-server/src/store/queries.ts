import { sql, type Kysely } from 'kysely';
import { arg, template } from './query-template.js';
import type { RelayDatabase, SqlFlavor } from './schema.js';

/**
 * Every statement the relay runs, built with Kysely's dialect-neutral query builder and compiled
 * once per store. The store binds named arguments (see query-template.ts).
 */
export function buildQueries(db: Kysely<RelayDatabase>, flavor: SqlFlavor) {
  const insertionOrder = sql.ref<number>(flavor.insertionOrder);
  const deviceColumns = [
    'row_id',
    'account_id',
    'device_id',
    'registration_id',
    'name',
    'secret_hash',
    'signed_prekey_id',
    'signed_prekey',
    'signed_prekey_signature',
    'last_resort_kyber_id',
    'last_resort_kyber_key',
    'last_resort_kyber_signature',
    'created_at',
    'last_active_at',
  ] as const;
  return {
    insertAccount: template<'id' | 'username' | 'identityKey' | 'now'>(
      db.insertInto('accounts').values({
        id: arg('id'),
        username: arg('username'),
        identity_key: arg('identityKey'),
        next_device_id: 2,
        created_at: arg('now'),
      }),
    ),
    accountByUsername: template<'username'>(
      db.selectFrom('accounts').select(['id']).where('username', '=', arg('username')),
    ),
    /** Claims a skeleton; changes nothing (0 rows) where an account already holds it. */
    claimUsernameSkeleton: template<'skeleton' | 'accountId'>(
      db
        .insertInto('username_skeletons')
        .values({ skeleton: arg('skeleton'), account_id: arg('accountId') })
        .onConflict((conflict) => conflict.column('skeleton').doNothing()),
    ),
    /** Accounts registered before skeletons were stored (filled in when a store opens). */
    accountsWithoutSkeleton: template<never>(
      db
        .selectFrom('accounts')
        .leftJoin('username_skeletons', 'username_skeletons.account_id', 'accounts.id')
        .select(['accounts.id', 'accounts.username'])
        .where('username_skeletons.skeleton', 'is', null),
    ),
    accountById: template<'id'>(
      db
        .selectFrom('accounts')
        .select(['id', 'identity_key', 'next_device_id'])
        .where('id', '=', arg('id')),
    ),
    bumpNextDeviceId: template<'id'>(
      db
        .updateTable('accounts')
        .set((eb) => ({ next_device_id: eb('next_device_id', '+', 1) }))
        .where('id', '=', arg('id')),
    ),
    insertDevice: template<(typeof deviceColumns)[number]>(
      db
        .insertInto('devices')
        .values(
          Object.fromEntries(
            deviceColumns.filter((c) => c !== 'row_id').map((c) => [c, arg(c)]),
          ) as never,
        )
        .returning('row_id'),
    ),
    deviceByAddress: template<'accountId' | 'deviceId'>(
      db
        .selectFrom('devices')
        .select(deviceColumns)
        .where('account_id', '=', arg('accountId'))
        .where('device_id', '=', arg('deviceId')),
    ),
    devicesOfAccount: template<'accountId'>(
      db
        .selectFrom('devices')
        .select(deviceColumns)
        .where('account_id', '=', arg('accountId'))
        .orderBy('device_id'),
    ),
    renameDevice: template<'accountId' | 'deviceId' | 'name'>(
      db
        .updateTable('devices')
        .set({ name: arg('name') })
        .where('account_id', '=', arg('accountId'))
        .where('device_id', '=', arg('deviceId')),
    ),
    /** Moves last activity forward only: a late write from a slower process never goes back. */
    markDeviceActive: template<'rowId' | 'day'>(
      db
        .updateTable('devices')
        .set({ last_active_at: arg('day') })
        .where('row_id', '=', arg('rowId'))
        .where((eb) =>
          eb.or([eb('last_active_at', 'is', null), eb('last_active_at', '<', arg('day'))]),
        ),
    ),
    deleteDevice: template<'rowId'>(db.deleteFrom('devices').where('row_id', '=', arg('rowId'))),
    /** The account's own rows, deleted last when an account is (its devices go first). */
    deleteAccountLinkTokens: template<'accountId'>(
      db.deleteFrom('link_tokens').where('account_id', '=', arg('accountId')),
    ),
    deleteAccountSkeletons: template<'accountId'>(
      db.deleteFrom('username_skeletons').where('account_id', '=', arg('accountId')),
    ),
    deleteAccount: template<'accountId'>(
      db.deleteFrom('accounts').where('id', '=', arg('accountId')),
    ),
    updateSignedPreKey: template<'rowId' | 'keyId' | 'publicKey' | 'signature'>(
      db
        .updateTable('devices')
        .set({
          signed_prekey_id: arg('keyId'),
          signed_prekey: arg('publicKey'),
          signed_prekey_signature: arg('signature'),
        })
        .where('row_id', '=', arg('rowId')),
    ),
    updateLastResortKyber: template<'rowId' | 'keyId' | 'publicKey' | 'signature'>(
      db
        .updateTable('devices')
        .set({
          last_resort_kyber_id: arg('keyId'),
          last_resort_kyber_key: arg('publicKey'),
          last_resort_kyber_signature: arg('signature'),
        })
        .where('row_id', '=', arg('rowId')),
    ),

    upsertPreKey: template<'rowId' | 'keyId' | 'publicKey'>(
      db
        .insertInto('one_time_prekeys')
        .values({ device_row_id: arg('rowId'), key_id: arg('keyId'), public_key: arg('publicKey') })
        .onConflict((oc) =>
          oc.columns(['device_row_id', 'key_id']).doUpdateSet((eb) => ({
            public_key: eb.ref('excluded.public_key'),
          })),
        ),
    ),
    firstPreKey: template<'rowId'>(
      db
        .selectFrom('one_time_prekeys')
        .select(['key_id', 'public_key'])
        .where('device_row_id', '=', arg('rowId'))
        .orderBy('key_id')
        .limit(1),
    ),
    deletePreKey: template<'rowId' | 'keyId'>(
      db
        .deleteFrom('one_time_prekeys')
        .where('device_row_id', '=', arg('rowId'))
        .where('key_id', '=', arg('keyId')),
    ),
    countPreKeys: template<'rowId'>(
      db
        .selectFrom('one_time_prekeys')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('device_row_id', '=', arg('rowId')),
    ),
    deleteDevicePreKeys: template<'rowId'>(
      db.deleteFrom('one_time_prekeys').where('device_row_id', '=', arg('rowId')),
    ),

    upsertKyberPreKey: template<'rowId' | 'keyId' | 'publicKey' | 'signature'>(
      db
        .insertInto('kyber_prekeys')
        .values({
          device_row_id: arg('rowId'),
          key_id: arg('keyId'),
          public_key: arg('publicKey'),
          signature: arg('signature'),
        })
        .onConflict((oc) =>
          oc.columns(['device_row_id', 'key_id']).doUpdateSet((eb) => ({
            public_key: eb.ref('excluded.public_key'),
            signature: eb.ref('excluded.signature'),
          })),
        ),
    ),
    firstKyberPreKey: template<'rowId'>(
      db
        .selectFrom('kyber_prekeys')
        .select(['key_id', 'public_key', 'signature'])
        .where('device_row_id', '=', arg('rowId'))
        .orderBy('key_id')
        .limit(1),
    ),
    deleteKyberPreKey: template<'rowId' | 'keyId'>(
      db
        .deleteFrom('kyber_prekeys')
        .where('device_row_id', '=', arg('rowId'))
        .where('key_id', '=', arg('keyId')),
    ),
    countKyberPreKeys: template<'rowId'>(
      db
        .selectFrom('kyber_prekeys')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('device_row_id', '=', arg('rowId')),
    ),
    deleteDeviceKyberPreKeys: template<'rowId'>(
      db.deleteFrom('kyber_prekeys').where('device_row_id', '=', arg('rowId')),
    ),
    deleteDevicePushSubscription: template<'rowId'>(
      db.deleteFrom('push_subscriptions').where('device_row_id', '=', arg('rowId')),
    ),

    insertLinkToken: template<'tokenHash' | 'accountId' | 'expiresAt'>(
      db.insertInto('link_tokens').values({
        token_hash: arg('tokenHash'),
        account_id: arg('accountId'),
        expires_at: arg('expiresAt'),
        used: 0,
      }),
    ),
    linkToken: template<'tokenHash'>(
      db
        .selectFrom('link_tokens')
        .select(['account_id', 'expires_at', 'used'])
        .where('token_hash', '=', arg('tokenHash')),
    ),
    useLinkToken: template<'tokenHash'>(
      db.updateTable('link_tokens').set({ used: 1 }).where('token_hash', '=', arg('tokenHash')),
    ),
    deleteExpiredLinkTokens: template<'cutoff'>(
      db.deleteFrom('link_tokens').where('expires_at', '<', arg('cutoff')),
    ),

    insertEntry: template<
      | 'rowId'
      | 'sourceAccountId'
      | 'sourceDeviceId'
      | 'clientId'
      | 'type'
      | 'serverTimestamp'
      | 'content'
      | 'expiresAt'
    >(
      db.insertInto('mailbox').values({
        device_row_id: arg('rowId'),
        source_account_id: arg('sourceAccountId'),
        source_device_id: arg('sourceDeviceId'),
        client_id: arg('clientId'),
        type: arg('type'),
        server_timestamp: arg('serverTimestamp'),
        content: arg('content'),
        expires_at: arg('expiresAt'),
      }),
    ),
    /**
     * A device's entries after `after` up to `upTo` (the highest durable id), in order, without
     * those whose time to live has run out by `now` (they are never delivered).
     */
    mailboxPage: template<'rowId' | 'after' | 'upTo' | 'limit' | 'now'>(
      db
        .selectFrom('mailbox')
        .select([
          'server_id',
          'source_account_id',
          'source_device_id',
          'client_id',
          'type',
          'server_timestamp',
          'content',
          'expires_at',
        ])
        .where('device_row_id', '=', arg('rowId'))
        .where('server_id', '>', arg('after'))
        .where('server_id', '<=', arg('upTo'))
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', arg('now'))]))
        .orderBy('server_id')
        .limit(arg('limit')),
    ),
    /** Up to `limit` entries whose time to live ran out by `now` (the expiry sweep). */
    lapsedEntries: template<'now' | 'limit'>(
      db
        .selectFrom('mailbox')
        .select(['server_id as n', 'device_row_id'])
        .where('expires_at', 'is not', null)
        .where('expires_at', '<=', arg('now'))
        .limit(arg('limit')),
    ),
    deleteEntry: template<'rowId' | 'serverId'>(
      db
        .deleteFrom('mailbox')
        .where('server_id', '=', arg('serverId'))
        .where('device_row_id', '=', arg('rowId')),
    ),
    mailboxDepth: template<'rowId'>(
      db
        .selectFrom('mailbox')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('device_row_id', '=', arg('rowId')),
    ),
    highestServerId: template<never>(
      db.selectFrom('mailbox').select((eb) => eb.fn.max<number | null>('server_id').as('n')),
    ),
    mailboxTotal: template<never>(
      db.selectFrom('mailbox').select((eb) => eb.fn.countAll<number>().as('n')),
    ),
    deleteDeviceMailbox: template<'rowId'>(
      db.deleteFrom('mailbox').where('device_row_id', '=', arg('rowId')),
    ),
    /** Entries in insertion order after `after`, for the retention sweep. */
    entriesAfter: template<'after' | 'limit'>(
      db
        .selectFrom('mailbox')
        .select(['server_id as n', 'server_timestamp as at'])
        .where('server_id', '>', arg('after'))
        .orderBy('server_id')
        .limit(arg('limit')),
    ),
    deleteEntryById: template<'n'>(db.deleteFrom('mailbox').where('server_id', '=', arg('n'))),

    insertSend: template<'rowId' | 'clientId' | 'now' | 'result'>(
      db
        .insertInto('sends')
        .values({
          source_device_row_id: arg('rowId'),
          client_id: arg('clientId'),
          created_at: arg('now'),
          result: arg('result'),
        })
        .onConflict((oc) => oc.columns(['source_device_row_id', 'client_id']).doNothing()),
    ),
    sendResult: template<'rowId' | 'clientId'>(
      db
        .selectFrom('sends')
        .select(['result'])
        .where('source_device_row_id', '=', arg('rowId'))
        .where('client_id', '=', arg('clientId')),
    ),
    /** A removed device (in its removal's transaction): the purger deletes its records. */
    markDevicePurged: template<'rowId'>(
      db
        .insertInto('purged_devices')
        .values({ row_id: arg('rowId') })
        .onConflict((oc) => oc.column('row_id').doNothing()),
    ),
    purgedDevices: template<never>(db.selectFrom('purged_devices').select(['row_id'])),
    forgetPurgedDevice: template<'rowId'>(
      db.deleteFrom('purged_devices').where('row_id', '=', arg('rowId')),
    ),
    /**
     * The insertion order of the last of the next `limit` idempotency records after `after`
     * (null past the end): the purger's next range holds that many rows, whatever the gaps.
     */
    sendsChunkEnd: template<'after' | 'limit'>(
      db
        .selectFrom(
          db
            .selectFrom('sends')
            .select(insertionOrder.as('n'))
            .where(insertionOrder, '>', arg('after'))
            .orderBy(insertionOrder)
            .limit(arg('limit'))
            .as('chunk'),
        )
        .select((eb) => eb.fn.max<number | null>('chunk.n').as('upTo')),
    ),
    /**
     * The records of removed devices within a range of insertion order: the table has no index
     * by device (0156), so the purger walks it range by range.
     */
    deletePurgedSends: template<'after' | 'upTo'>(
      db
        .deleteFrom('sends')
        .where(insertionOrder, '>', arg('after'))
        .where(insertionOrder, '<=', arg('upTo'))
        .where('source_device_row_id', 'in', db.selectFrom('purged_devices').select('row_id')),
    ),
    /** Idempotency records in insertion order after `after`, for the retention sweep. */
    sendsAfter: template<'after' | 'limit'>(
      db
        .selectFrom('sends')
        .select([insertionOrder.as('n'), 'created_at as at'])
        .where(insertionOrder, '>', arg('after'))
        .orderBy(insertionOrder)
        .limit(arg('limit')),
    ),
    deleteSendByOrder: template<'n'>(db.deleteFrom('sends').where(insertionOrder, '=', arg('n'))),
  };
}

export type Queries = ReturnType<typeof buildQueries>;
