import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { LAST_ACTIVE_GRANULARITY_MS as DAY, MAX_SEALED_DEVICE_NAME_BYTES } from '@parley/protocol';
import {
  RelayHttpError,
  randomDeviceKeys,
  randomEcPublicKey,
  type Credentials,
} from '@parley/relay-client';
import Database from 'better-sqlite3';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { registerAccount } from './support/accounts.js';
import { dialect } from './support/database.js';
import { useTestRelay } from './support/relay-harness.js';
import { openStoreFixture, storeEvents } from './support/store.js';

const httpError = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail('request succeeded'),
    (error: unknown) => {
      expect(error).toBeInstanceOf(RelayHttpError);
      return error as RelayHttpError;
    },
  );

/** A sealed name as the relay sees one: opaque bytes in base64. */
const sealed = (bytes = 120) => randomBytes(bytes).toString('base64');

// The relay's clock, moved by the tests: last activity is kept to the day.
const monday = Date.UTC(2026, 11, 7);
let clock = monday + 10 * 60 * 60 * 1000;

describe('device names (sealed, opaque to the relay) and last activity', () => {
  const r = useTestRelay({ now: () => clock });
  const lastActive = async (device: Credentials) =>
    (await r.t.client.listDevices(device)).find((d) => d.deviceId === device.deviceId)!
      .lastActiveAt;

  it('stores the sealed name a device joins with, and refuses a plaintext one', async () => {
    const name = sealed();
    const device = await r.t.client.register(
      `named_${randomBytes(4).toString('hex')}`,
      randomEcPublicKey(),
      randomDeviceKeys({ name }),
    );
    expect((await r.t.client.listDevices(device))[0]).toMatchObject({ name, lastActiveAt: null });
    const plain = await httpError(
      r.t.client.register(
        `plain_${randomBytes(4).toString('hex')}`,
        randomEcPublicKey(),
        randomDeviceKeys({ name: 'Chrome on Linux' }),
      ),
    );
    expect([plain.status, plain.code]).toEqual([400, 'MALFORMED']);
  });

  it('lets any device of the account rename any of its devices, and tells every device', async () => {
    const alice = await registerAccount(r.t.client, 2);
    const [phone, laptop] = alice.devices as [Credentials, Credentials];
    const phoneSocket = await r.connect(phone);
    const told = new Promise<void>((resolve) => (phoneSocket.onDevicesChanged = resolve));
    const name = sealed();
    await r.t.client.renameDevice(laptop, phone.deviceId, name);
    await told;
    const listed = await r.t.client.listDevices(phone);
    expect(listed.map((d) => [d.deviceId, d.name])).toEqual([
      [phone.deviceId, name],
      [laptop.deviceId, null],
    ]);
    await r.t.client.renameDevice(laptop, laptop.deviceId, sealed(40));
    expect((await r.t.client.listDevices(phone))[1]!.name).not.toBeNull();
  });

  it('refuses renames without credentials, of unknown devices, and of bad or oversized names', async () => {
    const alice = await registerAccount(r.t.client, 1);
    const bob = await registerAccount(r.t.client, 2);
    const device = alice.devices[0]!;
    const wrong = { ...device, secret: bob.devices[0]!.secret };
    expect((await httpError(r.t.client.renameDevice(wrong, 1, sealed()))).status).toBe(401);
    // Bob's second device is not Alice's: to Alice's account it does not exist.
    const unknown = await httpError(r.t.client.renameDevice(device, 2, sealed()));
    expect([unknown.status, unknown.code]).toEqual([404, 'NOT_FOUND']);
    // Canonical padded base64 only ('QUJDRA' lacks its padding), within the cap.
    for (const name of [
      'Chrome on Linux',
      'not base64!',
      'QUJDRA',
      sealed(MAX_SEALED_DEVICE_NAME_BYTES + 1),
    ]) {
      const refused = await httpError(r.t.client.renameDevice(device, 1, name));
      expect([refused.status, refused.code], name).toEqual([400, 'MALFORMED']);
    }
    await r.t.client.renameDevice(device, 1, sealed(MAX_SEALED_DEVICE_NAME_BYTES));
    // Bob's devices were left alone.
    expect((await r.t.client.listDevices(bob.devices[0]!)).map((d) => d.name)).toEqual([
      null,
      null,
    ]);
  });

  it('records the day a device last connected, to the day, by the relay clock', async () => {
    clock = monday + 10 * 60 * 60 * 1000;
    const alice = await registerAccount(r.t.client, 2);
    const [phone, laptop] = alice.devices as [Credentials, Credentials];
    expect(await lastActive(phone)).toBeNull();

    (await r.connect(phone)).close();
    await vi.waitFor(async () => expect(await lastActive(phone)).toBe(monday));
    expect(await lastActive(laptop)).toBeNull();

    // Late on Tuesday: the record moves to Tuesday's start, not to the hour.
    clock = monday + DAY + 23 * 60 * 60 * 1000;
    (await r.connect(phone)).close();
    await vi.waitFor(async () => expect(await lastActive(phone)).toBe(monday + DAY));

    // A clock set back (another relay process behind) never moves the record backwards.
    clock = monday + 60 * 1000;
    (await r.connect(laptop)).close();
    await vi.waitFor(async () => expect(await lastActive(laptop)).toBe(monday));
    (await r.connect(phone)).close();
    await r.t.client.renameDevice(laptop, laptop.deviceId, sealed());
    expect(await lastActive(phone)).toBe(monday + DAY);
  });
});

// The PostgreSQL run has no such file to upgrade: the test exists in the SQLite run only.
if (dialect === 'sqlite')
  describe('a SQLite database from before last activity', () => {
    it('gets the column when the relay opens it, keeping its devices', async () => {
      const { store, path, alice } = await openStoreFixture();
      await store.close();
      const old = new Database(path!);
      old.exec('ALTER TABLE devices DROP COLUMN last_active_at');
      old.close();

      const reopened = new SqliteStore(path!, storeEvents);
      try {
        expect(await reopened.listDevices(alice.accountId)).toMatchObject([
          { deviceId: 1, lastActiveAt: null },
        ]);
        await reopened.markDeviceActive(alice.rowId, monday);
        expect((await reopened.listDevices(alice.accountId))[0]!.lastActiveAt).toBe(monday);
      } finally {
        await reopened.close();
        rmSync(dirname(path!), { recursive: true, force: true });
      }
    });
  });
