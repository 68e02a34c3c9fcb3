import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Credentials } from '@parley/relay-client';
import type { BlobService } from '../src/blobs/blob-service.js';
import { openBlobs } from '../src/blobs/open-blobs.js';
import { registerAccount } from './support/accounts.js';
import { startTestRelay, type TestRelay } from './support/relay-harness.js';

const CAP = 64 * 1024;
const QUOTA = 100 * 1024;
const DAY_MS = 24 * 60 * 60 * 1000;

const basic = (device: Credentials) =>
  'Basic ' +
  Buffer.from(`${device.accountId}.${device.deviceId}:${device.secret}`).toString('base64');

/** The relay's blob routes over plain HTTP: tus 1.0 uploads, ranged downloads, cap, quota, expiry. */
describe('blob store', () => {
  let t: TestRelay;
  let alice: Credentials;
  let bob: Credentials;
  beforeAll(async () => {
    t = await startTestRelay({ blobs: { maxBytes: CAP, quotaBytes: QUOTA, expiryDays: 30 } });
    alice = (await registerAccount(t.client)).devices[0]!;
    bob = (await registerAccount(t.client)).devices[0]!;
  });
  afterAll(() => t.stop());

  const url = (path: string) => new URL(path, t.relay.url).toString();
  const create = (device: Credentials | undefined, length: number) =>
    fetch(url('/v1/blobs/uploads'), {
      method: 'POST',
      headers: {
        'tus-resumable': '1.0.0',
        'upload-length': String(length),
        ...(device ? { authorization: basic(device) } : {}),
      },
    });
  const patch = (device: Credentials, location: string, offset: number, body: Uint8Array) =>
    fetch(url(location), {
      method: 'PATCH',
      headers: {
        'tus-resumable': '1.0.0',
        'upload-offset': String(offset),
        'content-type': 'application/offset+octet-stream',
        authorization: basic(device),
      },
      body,
    });
  const download = (device: Credentials | undefined, id: string, range?: string) =>
    fetch(url(`/v1/blobs/${id}`), {
      headers: {
        ...(device ? { authorization: basic(device) } : {}),
        ...(range ? { range } : {}),
      },
    });
  const errorCode = async (response: Response) =>
    ((await response.json()) as { error: { code: string } }).error.code;

  /** Uploads `bytes` in two PATCHes (a resumed upload); returns the blob id. */
  async function upload(device: Credentials, bytes: Uint8Array): Promise<string> {
    const created = await create(device, bytes.length);
    expect(created.status).toBe(201);
    const location = created.headers.get('location')!;
    const half = Math.floor(bytes.length / 2);
    expect((await patch(device, location, 0, bytes.subarray(0, half))).status).toBe(204);
    const head = await fetch(url(location), {
      method: 'HEAD',
      headers: { 'tus-resumable': '1.0.0', authorization: basic(device) },
    });
    expect(head.headers.get('upload-offset')).toBe(String(half));
    expect((await patch(device, location, half, bytes.subarray(half))).status).toBe(204);
    return location.split('/').pop()!;
  }

  const bytesOf = (length: number, seed: number) =>
    Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);

  it('stores an upload resumed mid-way and serves it whole and from an offset', async () => {
    const bytes = bytesOf(40_000, 1);
    const id = await upload(alice, bytes);
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    // Another account reads it by its id (the capability carried inside an encrypted message).
    const whole = await download(bob, id);
    expect(whole.status).toBe(200);
    expect(new Uint8Array(await whole.arrayBuffer())).toEqual(bytes);
    const tail = await download(bob, id, 'bytes=30000-');
    expect(tail.status).toBe(206);
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(bytes.subarray(30_000));
  });

  it('refuses unauthenticated and cross-account access with clear codes', async () => {
    const id = await upload(alice, bytesOf(1000, 2));
    expect((await create(undefined, 10)).status).toBe(401);
    const anonymous = await download(undefined, id);
    expect(anonymous.status).toBe(401);
    expect(await errorCode(anonymous)).toBe('UNAUTHENTICATED');
    // Bob may read, but neither resume, nor delete Alice's blob.
    const resume = await patch(bob, `/v1/blobs/uploads/${id}`, 1000, new Uint8Array(1));
    expect(resume.status).toBe(403);
    expect(await errorCode(resume)).toBe('FORBIDDEN');
    const remove = await fetch(url(`/v1/blobs/${id}`), {
      method: 'DELETE',
      headers: { authorization: basic(bob) },
    });
    expect(await errorCode(remove)).toBe('FORBIDDEN');
    expect((await download(bob, '0'.repeat(32))).status).toBe(404);
    // The owner deletes: gone for everyone.
    const own = await fetch(url(`/v1/blobs/${id}`), {
      method: 'DELETE',
      headers: { authorization: basic(alice) },
    });
    expect(own.status).toBe(204);
    expect(await errorCode(await download(bob, id))).toBe('NOT_FOUND');
  });

  it('refuses a blob over the cap (TOO_LARGE) and one past the quota (QUOTA_EXCEEDED)', async () => {
    const carol = (await registerAccount(t.client)).devices[0]!;
    const tooLarge = await create(carol, CAP + 1);
    expect(tooLarge.status).toBe(413);
    expect(await errorCode(tooLarge)).toBe('TOO_LARGE');
    await upload(carol, bytesOf(CAP, 3));
    const pastQuota = await create(carol, QUOTA - CAP + 1);
    expect(pastQuota.status).toBe(413);
    expect(await errorCode(pastQuota)).toBe('QUOTA_EXCEEDED');
    // Exactly up to the quota still fits.
    expect((await create(carol, QUOTA - CAP)).status).toBe(201);
  });

  it('refuses PATCH bytes beyond the declared length and downloads of unfinished uploads', async () => {
    const created = await create(alice, 10);
    const location = created.headers.get('location')!;
    expect((await patch(alice, location, 0, new Uint8Array(11))).status).toBe(413);
    expect(await errorCode(await download(alice, location.split('/').pop()!))).toBe('NOT_FOUND');
  });

  describe('expiry', () => {
    let clock = Date.now();
    let blobs: BlobService;
    beforeAll(async () => {
      // A second service on the relay's own database and directory, with a clock the test moves.
      const limits = { maxBytes: CAP, quotaBytes: QUOTA, expiryDays: 30 };
      blobs = await openBlobs(t.databaseUrl, t.dataDir, limits, () => clock);
    });
    afterAll(() => blobs.index.close());

    it('deletes expired blobs (files and rows) and keeps the rest', async () => {
      const id = await upload(alice, bytesOf(2000, 4));
      const file = join(t.dataDir, 'blobs', id);
      expect(existsSync(file)).toBe(true);
      clock = Date.now() + 29 * DAY_MS;
      expect(await blobs.sweepExpired()).toBe(0);
      expect(existsSync(file)).toBe(true);
      clock = Date.now() + 30 * DAY_MS + 1000;
      expect(await blobs.sweepExpired()).toBeGreaterThanOrEqual(1);
      expect(existsSync(file)).toBe(false);
      expect(existsSync(`${file}.json`)).toBe(false);
      expect(await blobs.index.find(id)).toBeUndefined();
      expect(await errorCode(await download(bob, id))).toBe('NOT_FOUND');
    });
  });
});
