import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '@parley/protocol';
import {
  RelayHttpError,
  randomDeviceKeys,
  randomEcPublicKey,
  randomKyberPreKeys,
  randomPreKeys,
} from '@parley/relay-client';
import { registerAccount } from './support/accounts.js';
import { startTestRelay, type TestRelay } from './support/relay-harness.js';

const httpError = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail('request succeeded'),
    (error: unknown) => {
      expect(error).toBeInstanceOf(RelayHttpError);
      return error as RelayHttpError;
    },
  );

describe('accounts, devices and the prekey directory', () => {
  let t: TestRelay;
  beforeAll(async () => {
    t = await startTestRelay();
  });
  afterAll(() => t.stop());

  it('registers an account with its first device and refuses a taken username', async () => {
    const alice = await registerAccount(t.client, 1);
    expect(alice.devices[0]).toMatchObject({ deviceId: 1 });
    expect(alice.devices[0]!.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const taken = await httpError(
      t.client.register(alice.username, randomEcPublicKey(), randomDeviceKeys()),
    );
    expect([taken.status, taken.code]).toEqual([409, 'USERNAME_TAKEN']);
    const found = await t.client.lookupUsername(alice.devices[0]!, alice.username);
    expect(found.accountId).toBe(alice.accountId);
  });

  it('adds devices with single-use link tokens, lists them and removes one', async () => {
    const account = await registerAccount(t.client, 1);
    const first = account.devices[0]!;
    const { linkToken } = await t.client.createLinkToken(first);
    const second = await t.client.addDevice(linkToken, randomDeviceKeys({ name: 'bGFwdG9w' }));
    expect(second).toMatchObject({ accountId: account.accountId, deviceId: 2 });
    const reused = await httpError(t.client.addDevice(linkToken, randomDeviceKeys()));
    expect(reused.code).toBe('CONFLICT');

    const devices = await t.client.listDevices(second);
    expect(devices.map((d) => [d.deviceId, d.name])).toEqual([
      [1, null],
      [2, 'bGFwdG9w'],
    ]);

    const socket = await t.client.connect(second);
    await t.client.removeDevice(first, 2);
    expect((await socket.closed).code).toBe(CloseCode.DEVICE_REMOVED);
    expect((await t.client.listDevices(first)).map((d) => d.deviceId)).toEqual([1]);
    // The removed device's credentials no longer work, on HTTP or WebSocket.
    expect((await httpError(t.client.listDevices(second))).status).toBe(401);
    await expect(t.client.connect(second)).rejects.toThrow();
    // The last device cannot be removed; device ids are never reused.
    expect((await httpError(t.client.removeDevice(first, 1))).code).toBe('CONFLICT');
    const { linkToken: next } = await t.client.createLinkToken(first);
    expect((await t.client.addDevice(next, randomDeviceKeys())).deviceId).toBe(3);
  });

  it('hands out each one-time prekey at most once, even to concurrent fetches', async () => {
    const owner = await registerAccount(t.client, 1, {
      oneTimePreKeys: 40,
      kyberOneTimePreKeys: 40,
    });
    const fetcher = (await registerAccount(t.client, 1)).devices[0]!;
    const bundles = await Promise.all(
      Array.from({ length: 50 }, () => t.client.fetchBundles(fetcher, owner.accountId)),
    );
    const preKeyIds = bundles.flatMap((b) => b.devices.map((d) => d.preKey?.keyId));
    const handedOut = preKeyIds.filter((id) => id !== undefined);
    expect(handedOut).toHaveLength(40);
    expect(new Set(handedOut).size).toBe(40);
    const kyberIds = bundles.map((b) => b.devices[0]!.kyberPreKey.keyId);
    expect(new Set(kyberIds.filter((id) => id !== 0xffffff)).size).toBe(40);
    // Once the one-time Kyber keys are gone, every fetch gets the last-resort key.
    expect(kyberIds.filter((id) => id === 0xffffff)).toHaveLength(10);
    expect(await t.client.countPreKeys(owner.devices[0]!)).toEqual({
      oneTimePreKeys: 0,
      kyberOneTimePreKeys: 0,
    });
  });

  it('refills prekeys, counts them and returns every device of an account', async () => {
    const owner = await registerAccount(t.client, 2);
    const device = owner.devices[1]!;
    await t.client.uploadPreKeys(device, {
      oneTimePreKeys: randomPreKeys(100, 5),
      kyberOneTimePreKeys: randomKyberPreKeys(200, 3),
    });
    expect(await t.client.countPreKeys(device)).toEqual({
      oneTimePreKeys: 5,
      kyberOneTimePreKeys: 3,
    });
    const fetcher = (await registerAccount(t.client, 1)).devices[0]!;
    const all = await t.client.fetchBundles(fetcher, owner.accountId);
    expect(all.devices.map((d) => d.deviceId)).toEqual([1, 2]);
    expect(all.devices[1]).toMatchObject({ preKey: { keyId: 100 }, kyberPreKey: { keyId: 200 } });
    expect(all.devices[0]!.preKey).toBeUndefined();
    const one = await t.client.fetchBundles(fetcher, owner.accountId, 2);
    expect(one.devices.map((d) => [d.deviceId, d.preKey?.keyId])).toEqual([[2, 101]]);
    expect((await httpError(t.client.fetchBundles(fetcher, owner.accountId, 7))).status).toBe(404);
  });

  it('refuses an upload that would store more than the per-device cap, keeping nothing of it', async () => {
    const owner = (await registerAccount(t.client, 1)).devices[0]!;
    for (let i = 0; i < 5; i++) {
      await t.client.uploadPreKeys(owner, { oneTimePreKeys: randomPreKeys(i * 200, 200) });
    }
    const over = await httpError(
      t.client.uploadPreKeys(owner, { oneTimePreKeys: randomPreKeys(5000, 1) }),
    );
    expect([over.status, over.code]).toEqual([413, 'TOO_LARGE']);
    expect((await t.client.countPreKeys(owner)).oneTimePreKeys).toBe(1000);
  });

  it('answers health, readiness and metrics without credentials', async () => {
    expect(await (await fetch(`${t.relay.url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${t.relay.url}/readyz`)).json()).toEqual({ status: 'ready' });
    expect((await fetch(`${t.relay.url}/metrics`)).headers.get('content-type')).toContain(
      'text/plain',
    );
  });
});
