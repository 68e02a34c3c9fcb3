import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAST_ACTIVE_GRANULARITY_MS, type DeviceSummaryJson } from '@parley/protocol';
import { LocalDevice } from '../../src/account/local-device.js';
import { fromBase64 } from '../../src/encoding/base64.js';
import { openDeviceName } from '../../src/linking/device-name-cipher.js';
import { OwnDevices } from '../../src/linking/own-devices.js';
import * as provisioning from '../../src/linking/provisioning.js';
import type { AccountRow } from '../../src/store/database.js';
import { engines } from '../engine/engines.js';
import { uniqueUsername, useRelay } from '../support/fixture.js';
import { linkDevice } from '../support/link.js';
import { waitFor } from '../support/wait.js';

describe('device names sealed to the account, renaming and last activity (real relay)', () => {
  const fx = useRelay();

  it('names each device with its platform, renames one from another, and every device sees it', async () => {
    const phone = await fx.messenger(undefined, undefined, undefined, {
      platform: 'Chromium on Linux',
    });
    await phone.register(uniqueUsername('alice'));
    const laptop = await fx.messenger(undefined, undefined, undefined, {
      platform: 'Desktop app on macOS',
    });
    const linked = await linkDevice(phone, laptop);
    const phoneId = phone.self.getSnapshot()!.deviceId;
    // Each device names itself once it has credentials (the relay binds the name to the device).
    const named = await waitFor(async () => {
      const list = await phone.listDevices();
      return list.every((d) => d.name) && list;
    }, 'both devices named');
    expect(named.map((d) => [d.deviceId, d.name, d.platform, d.current])).toEqual([
      [phoneId, 'Chromium on Linux', 'Chromium on Linux', true],
      [linked.deviceId, 'Desktop app on macOS', 'Desktop app on macOS', false],
    ]);
    // Both connected, so the relay recorded today's start for each: to the day, no finer.
    const active = await waitFor(async () => {
      const list = await phone.listDevices();
      return list.every((d) => d.lastActiveAt !== null) && list;
    }, 'both devices active');
    for (const d of active) {
      expect(d.lastActiveAt! % LAST_ACTIVE_GRANULARITY_MS).toBe(0);
      expect(d.lastActiveAt!).toBeGreaterThanOrEqual(d.linkedAt - LAST_ACTIVE_GRANULARITY_MS);
    }

    let changes = 0;
    phone.on((event) => event.type === 'devices-changed' && changes++);
    const newName = fx.text('Alice’s phone');
    await laptop.renameDevice(phoneId, `  ${newName} `);
    await waitFor(() => changes >= 1, 'the phone hears of the rename');
    const renamed = (await phone.listDevices())[0]!;
    expect([renamed.name, renamed.platform]).toEqual([newName, 'Chromium on Linux']);
    expect((await laptop.listDevices()).find((d) => d.deviceId === phoneId)!.name).toBe(newName);

    await expect(laptop.renameDevice(phoneId, ' ')).rejects.toMatchObject({
      code: 'INVALID_DEVICE_NAME',
    });
    await expect(laptop.renameDevice(99, 'ghost')).rejects.toMatchObject({
      code: 'UNKNOWN_DEVICE',
    });

    // The relay's database and log hold no device name in plain text.
    const files = readdirSync(fx.relay.dataDir, { recursive: true, withFileTypes: true });
    for (const file of files.filter((f) => f.isFile())) {
      const bytes = readFileSync(join(file.parentPath, file.name));
      for (const plain of [newName, 'Desktop app on macOS', 'Chromium on Linux'])
        expect(bytes.includes(Buffer.from(plain)), `${file.name} holds "${plain}"`).toBe(false);
    }
  });
});

describe('names stored in plain text before they were sealed', () => {
  // The relay refuses plain names now, so no relay can be brought to hold one: its answer is
  // stubbed here (the boundary), as a relay upgraded from before decision 0351 would give it.
  it('shows them, and seals them again on the relay', async () => {
    const engine = engines[0]!.engine;
    const identity = engine.IdentityKeyPair.generate();
    const device = new LocalDevice(engine);
    device.account = {
      accountId: '6f1c7a3e-7c55-4d6e-9a55-0a3f6e1b2c3d',
      deviceId: 1,
      identityKeyPair: identity.serialize(),
    } as AccountRow;
    const stored: DeviceSummaryJson[] = [
      { deviceId: 1, name: 'Chromium on Linux', registrationId: 7, createdAt: 1, lastActiveAt: 0 },
      { deviceId: 2, name: 'Old laptop', registrationId: 8, createdAt: 2, lastActiveAt: null },
    ];
    const uploads: [number, string][] = [];
    const resealed = new Promise<void>((resolve) => {
      const own = new OwnDevices({
        ciphers: async () => provisioning,
        engine,
        device,
        platform: 'Chromium on Linux',
        onError: (error) => expect.fail(String(error)),
        http: {
          ownDevices: () => Promise.resolve(stored),
          removeDevice: () => Promise.reject(new Error('not in this test')),
          renameDevice: (deviceId, name) => {
            uploads.push([deviceId, name]);
            if (uploads.length === 2) resolve();
            return Promise.resolve();
          },
        },
      });
      void own.list().then((list) =>
        expect(list.map((d) => [d.name, d.platform])).toEqual([
          ['Chromium on Linux', null],
          ['Old laptop', null],
        ]),
      );
    });
    await resealed;
    const opened = uploads.map(([deviceId, sealed]) =>
      openDeviceName(
        engine,
        identity,
        { accountId: device.account!.accountId, deviceId },
        fromBase64(sealed),
      ),
    );
    // This device knows its own platform and adds it; another device's stays unknown.
    expect(opened).toEqual([
      { name: 'Chromium on Linux', platform: 'Chromium on Linux' },
      { name: 'Old laptop', platform: null },
    ]);
  });
});
