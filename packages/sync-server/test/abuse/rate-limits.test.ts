import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, RATE_LIMITS } from '@parley/protocol';
import {
  randomDeviceKeys,
  randomEcPublicKey,
  type RelayHttpError,
  type RelayRequestError,
  type RelaySocket,
} from '@parley/relay-client';
import type { RateLimits } from '../../src/config.js';
import { address, bytes, registerAccount, type TestAccount } from '../support/accounts.js';
import { rejection } from '../support/rejection.js';
import { startTestRelay, type TestRelay } from '../support/relay-harness.js';

/** A bucket that never refills within a test: `burst` calls, then refusals. */
const only = (burst: number) => ({ burst, perSecond: 0.001 });

/**
 * Finding 3 of issue #12: quotas. Each limit is set small on a real relay, the call past it is
 * refused RATE_LIMITED with a retry-after, and the well-behaved party next to it is not refused.
 * The buckets' arithmetic (refill, back-off) is unit-tested with a clock in token-bucket.test.ts.
 */
describe('rate limits and quotas', () => {
  let t: TestRelay;
  let alice: TestAccount;
  let bob: TestAccount;
  let mallory: TestAccount;
  const sockets: RelaySocket[] = [];

  const limits: RateLimits = {
    ...RATE_LIMITS,
    sendsPerDevice: only(1000),
    envelopesPerSenderPerMailbox: only(20), // strangers get 2
    prekeyFetchesPerAccount: only(3),
    profileWritesPerAccount: only(2),
    profileFetchesPerAccount: only(3),
    failedAuthPerAddress: only(1000),
    failedAuthPerDevice: only(3),
    registrationsPerAddress: only(6),
    linksPerAddress: only(1000),
  };

  const connect = async (device: TestAccount['devices'][number]) => {
    const socket = await t.client.connect(device);
    sockets.push(socket);
    return socket;
  };
  const httpError = (promise: Promise<unknown>) => rejection<RelayHttpError>(promise);
  const sendTo = (socket: RelaySocket, to: TestAccount, clientId: string) =>
    socket.send(clientId, [{ destination: address(to.devices[0]!), content: bytes(clientId) }]);

  beforeAll(async () => {
    t = await startTestRelay({
      rateLimits: limits,
      maxConnectionsPerAddress: 12,
      maxDevicesPerAccount: 2,
    });
    alice = await registerAccount(t.client, 1, { oneTimePreKeys: 10 });
    bob = await registerAccount(t.client, 1);
    mallory = await registerAccount(t.client, 1);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await t.stop();
  });

  it('gives a stranger a small share of a mailbox, and a known sender the whole of it', async () => {
    const fromMallory = await connect(mallory.devices[0]!);
    await sendTo(fromMallory, alice, 'm1');
    await sendTo(fromMallory, alice, 'm2');
    const refused = await rejection<RelayRequestError>(sendTo(fromMallory, alice, 'm3'));
    expect(refused.code).toBe(ErrorCode.RATE_LIMITED);
    expect(refused.error.retryAfterMs).toBeGreaterThan(0);

    // Bob is a stranger too, but Mallory's flood took nothing from him.
    const fromBob = await connect(bob.devices[0]!);
    await sendTo(fromBob, alice, 'b1');
    // Once Alice writes to Bob he is no stranger: he gets the full share (20).
    const fromAlice = await connect(alice.devices[0]!);
    await sendTo(fromAlice, bob, 'a1');
    for (let i = 2; i <= 12; i++) await sendTo(fromBob, alice, `b${i}`);
    // ... and Mallory stays limited.
    expect((await rejection<RelayRequestError>(sendTo(fromMallory, alice, 'm4'))).code).toBe(
      ErrorCode.RATE_LIMITED,
    );
  });

  it('limits prekey fetches per requester, and counts bundles handed out without a one-time key', async () => {
    for (let i = 0; i < 3; i++) await t.client.fetchBundles(mallory.devices[0]!, alice.accountId);
    const refused = await httpError(t.client.fetchBundles(mallory.devices[0]!, alice.accountId));
    expect(refused.status).toBe(429);
    expect(refused.code).toBe('RATE_LIMITED');
    // Another requester is not affected.
    await t.client.fetchBundles(bob.devices[0]!, alice.accountId);
    const raw = await fetch(`${t.relay.url}/v1/keys/${alice.accountId}`, {
      headers: { authorization: authOf(mallory) },
    });
    expect(raw.status).toBe(429);
    expect(Number(raw.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('limits profile writes per account and profile reads per requester', async () => {
    const profile = (account: TestAccount, init: RequestInit = {}) =>
      fetch(`${t.relay.url}/v1/profile${init.method === 'PUT' ? '' : `/${alice.accountId}`}`, {
        ...init,
        headers: { authorization: authOf(account), 'content-type': 'application/json' },
      });
    const write = (version: number) =>
      profile(mallory, {
        method: 'PUT',
        body: JSON.stringify({ version, ciphertext: Buffer.from('opaque').toString('base64') }),
      });
    expect((await write(1)).status).toBe(204);
    expect((await write(2)).status).toBe(204);
    const refusedWrite = await write(3);
    expect(refusedWrite.status).toBe(429);
    expect(Number(refusedWrite.headers.get('retry-after'))).toBeGreaterThan(0);
    // Reads: three of Alice's (missing) profile, then refused; Bob still reads.
    for (let i = 0; i < 3; i++) expect((await profile(mallory)).status).toBe(404);
    expect((await profile(mallory)).status).toBe(429);
    expect((await profile(bob)).status).toBe(404);
  });

  it('backs off failed logins per device, before checking any secret', async () => {
    const wrong = { ...alice.devices[0]!, secret: 'A'.repeat(43) };
    for (let i = 0; i < 3; i++) {
      expect((await httpError(t.client.listDevices(wrong))).status).toBe(401);
    }
    expect((await httpError(t.client.listDevices(wrong))).status).toBe(429);
    // The same over the WebSocket: refused with RATE_LIMITED, then closed 4401.
    await expect(t.client.connect(wrong)).rejects.toThrow(/RATE_LIMITED/);
    // Other devices log in as usual.
    await t.client.listDevices(bob.devices[0]!);
  });

  it('limits registrations per address', async () => {
    // Three accounts were registered in beforeAll; the bucket holds six.
    for (let i = 0; i < 3; i++) await registerAccount(t.client, 1);
    const refused = await httpError(
      t.client.register(`spam_${Date.now()}`, randomEcPublicKey(), randomDeviceKeys()),
    );
    expect(refused.status).toBe(429);
  });

  it('limits devices per account when a link token is asked for', async () => {
    const { linkToken } = await t.client.createLinkToken(bob.devices[0]!);
    await t.client.addDevice(linkToken, randomDeviceKeys());
    const refused = await httpError(t.client.createLinkToken(bob.devices[0]!));
    expect(refused.status).toBe(429);
  });

  it('limits open connections per address', async () => {
    const open: WebSocket[] = [];
    const upgrade = () =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`${t.relay.url.replace('http', 'ws')}/v1/websocket`);
        ws.on('open', () => {
          open.push(ws);
          resolve(101);
        });
        ws.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
        ws.on('error', () => undefined);
      });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push(await upgrade());
    const refusedAt = statuses.indexOf(429);
    expect(refusedAt).toBeGreaterThan(0); // the sockets this file holds count too
    const closedOne = new Promise((resolve) => open[0]!.once('close', resolve));
    open[0]!.close();
    await closedOne;
    await waitUntilAccepted(upgrade);
    for (const ws of open) ws.close();
  });
});

function authOf(account: TestAccount): string {
  const device = account.devices[0]!;
  return `Basic ${Buffer.from(`${device.accountId}.${device.deviceId}:${device.secret}`).toString('base64')}`;
}

/** The relay learns of the close a moment after the client: try again until a slot is free (bounded). */
async function waitUntilAccepted(upgrade: () => Promise<number>): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    if ((await upgrade()) === 101) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('no connection slot was freed');
}
