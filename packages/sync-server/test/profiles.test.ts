import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PROFILE_CIPHERTEXT_BYTES } from '@parley/protocol';
import type { Credentials } from '@parley/relay-client';
import { registerAccount } from './support/accounts.js';
import { startTestRelay, type TestRelay } from './support/relay-harness.js';

const basic = (device: Credentials) =>
  'Basic ' +
  Buffer.from(`${device.accountId}.${device.deviceId}:${device.secret}`).toString('base64');

/** `/v1/profile` over plain HTTP, on the dialect of the project running it (SQLite or PostgreSQL). */
describe('encrypted profiles', () => {
  let t: TestRelay;
  let alice: Credentials;
  let aliceLaptop: Credentials;
  let bob: Credentials;
  beforeAll(async () => {
    t = await startTestRelay();
    const account = await registerAccount(t.client, 2);
    [alice, aliceLaptop] = account.devices as [Credentials, Credentials];
    bob = (await registerAccount(t.client)).devices[0]!;
  });
  afterAll(() => t.stop());

  const url = (path: string) => new URL(path, t.relay.url).toString();
  const put = (device: Credentials | undefined, body: unknown) =>
    fetch(url('/v1/profile'), {
      method: 'PUT',
      headers: {
        'content-type': 'application/json',
        ...(device ? { authorization: basic(device) } : {}),
      },
      body: JSON.stringify(body),
    });
  const get = (device: Credentials | undefined, accountId: string) =>
    fetch(url(`/v1/profile/${accountId}`), {
      headers: device ? { authorization: basic(device) } : {},
    });
  const errorCode = async (response: Response) =>
    ((await response.json()) as { error: { code: string } }).error.code;
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
  const opaque = (length: number, seed: number) =>
    Uint8Array.from({ length }, (_, i) => (i * 7 + seed) & 0xff);

  it('stores the ciphertext as it is and serves it to another account', async () => {
    const ciphertext = opaque(3000, 1);
    expect((await put(alice, { version: 1, ciphertext: b64(ciphertext) })).status).toBe(204);
    const response = await get(bob, alice.accountId);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { version: number; ciphertext: string };
    expect(body.version).toBe(1);
    expect(Buffer.from(body.ciphertext, 'base64')).toEqual(Buffer.from(ciphertext));
  });

  it('requires an authenticated device to write and to read', async () => {
    const unauthenticated = await put(undefined, { version: 9, ciphertext: b64(opaque(10, 2)) });
    expect(unauthenticated.status).toBe(401);
    expect((await get(undefined, alice.accountId)).status).toBe(401);
    const wrongSecret = { ...bob, secret: 'A'.repeat(bob.secret.length) };
    expect((await get(wrongSecret, alice.accountId)).status).toBe(401);
  });

  it('keeps versions growing across the devices of one account', async () => {
    const v2 = b64(opaque(100, 3));
    expect((await put(aliceLaptop, { version: 2, ciphertext: v2 })).status).toBe(204);
    const stale = await put(alice, { version: 2, ciphertext: b64(opaque(100, 4)) });
    expect(stale.status).toBe(409);
    expect(await errorCode(stale)).toBe('CONFLICT');
    const older = await put(alice, { version: 1, ciphertext: b64(opaque(100, 5)) });
    expect(older.status).toBe(409);
    const body = (await (await get(bob, alice.accountId)).json()) as { ciphertext: string };
    expect(body.ciphertext).toBe(v2);
  });

  it('caps the ciphertext and refuses malformed bodies', async () => {
    const justFits = await put(bob, {
      version: 1,
      ciphertext: b64(opaque(MAX_PROFILE_CIPHERTEXT_BYTES, 6)),
    });
    expect(justFits.status).toBe(204);
    const tooLarge = await put(bob, {
      version: 2,
      ciphertext: b64(opaque(MAX_PROFILE_CIPHERTEXT_BYTES + 1, 7)),
    });
    expect(tooLarge.status).toBe(413);
    expect(await errorCode(tooLarge)).toBe('TOO_LARGE');
    for (const body of [
      { version: 0, ciphertext: b64(opaque(10, 8)) },
      { version: '3', ciphertext: b64(opaque(10, 8)) },
      { version: 3, ciphertext: 'not base64!' },
      { version: 3 },
      { version: 3, ciphertext: b64(opaque(10, 8)), name: 'plaintext' },
    ]) {
      const response = await put(bob, body);
      expect(response.status).toBe(400);
      expect(await errorCode(response)).toBe('MALFORMED');
    }
  });

  it('answers 404 for an account without a profile and 400 for a malformed id', async () => {
    const none = await get(alice, randomUUID());
    expect(none.status).toBe(404);
    expect(await errorCode(none)).toBe('NOT_FOUND');
    expect((await get(alice, 'not-an-id')).status).toBe(400);
  });

  it('deletes the profile with the account', async () => {
    const carol = await registerAccount(t.client);
    const device = carol.devices[0]!;
    expect((await put(device, { version: 1, ciphertext: b64(opaque(50, 9)) })).status).toBe(204);
    await t.client.deleteAccount(device, carol.username);
    expect((await get(alice, device.accountId)).status).toBe(404);
  });
});
