import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PUSH_COALESCE_MS, PUSH_TTL_SECONDS, PUSH_URGENCY } from '@parley/protocol';
import { RelayHttpError, type Credentials, type RelayClient } from '@parley/relay-client';
import Database from 'better-sqlite3';
import pg from 'pg';
import { sqlitePath } from '../../src/config.js';
import type { Schedule } from '../../src/push/wake-ups.js';
import { address, bytes, registerAccount, type TestAccount } from '../support/accounts.js';
import { startTestRelay, type TestRelay } from '../support/relay-harness.js';
import { LocalPushService, verifyVapid, type BrowserSubscription } from './local-push-service.js';

const SUBJECT = 'mailto:ops@parley.test';

/** The coalescing windows' clock, advanced by the test (no wall-clock waits). */
class ManualSchedule {
  private tasks: { task: () => void; ms: number }[] = [];
  readonly schedule: Schedule = (task, ms) => {
    const entry = { task, ms };
    this.tasks.push(entry);
    return () => (this.tasks = this.tasks.filter((t) => t !== entry));
  };
  /** Every window open now ends (as if PUSH_COALESCE_MS had passed). */
  endWindows(): void {
    const due = this.tasks;
    this.tasks = [];
    for (const { task, ms } of due) {
      expect(ms).toBe(PUSH_COALESCE_MS);
      task();
    }
  }
}

const subscribe = (client: RelayClient, device: Credentials, subscription: BrowserSubscription) =>
  client.request('PUT', '/v1/push/subscription', device, {
    endpoint: subscription.endpoint,
    expirationTime: null,
    keys: subscription.keys,
  });

describe('Web Push wake-ups', () => {
  let service: LocalPushService;
  let clock: ManualSchedule;
  let t: TestRelay;
  let alice: TestAccount;
  let bob: TestAccount;
  let stopped = false;

  beforeEach(async () => {
    service = await LocalPushService.start();
    clock = new ManualSchedule();
    t = await startTestRelay({
      push: { subject: SUBJECT, allowLoopbackHttp: true, schedule: clock.schedule },
    });
    stopped = false;
    alice = await registerAccount(t.client, 1);
    bob = await registerAccount(t.client, 1);
  });
  afterEach(async () => {
    await t.stop();
    await service.close();
  });

  /** Closing the relay waits for every push already decided: after it, the count is final. */
  async function settle(): Promise<void> {
    if (!stopped) await t.relay.close();
    stopped = true;
  }

  async function send(from: Credentials, to: Credentials, text: string): Promise<void> {
    const socket = await t.client.connect(from);
    await socket.send(crypto.randomUUID(), [{ destination: address(to), content: bytes(text) }]);
    socket.close();
  }

  it('wakes an offline device with one push carrying only a random id, VAPID-signed for the endpoint', async () => {
    const served = await t.client.request<{ publicKey: string }>(
      'GET',
      '/v1/push/vapid-public-key',
    );
    const browser = service.subscribe();
    await subscribe(t.client, bob.devices[0]!, browser);

    await send(alice.devices[0]!, bob.devices[0]!, 'meet me at noon');
    await service.waitForPushes(1);
    clock.endWindows(); // one message: nothing more to say when its window ends
    await settle();

    const pushes = service.pushesTo(browser.id);
    expect(pushes).toHaveLength(1);
    const [push] = pushes;
    // The payload is a wake-up id: 16 random bytes, nothing about the message or its sender.
    expect(push!.plaintext).toMatch(/^[A-Za-z0-9_-]{22}$/);
    for (const secret of ['meet me at noon', alice.username, alice.accountId]) {
      expect(push!.plaintext).not.toContain(secret);
      expect(JSON.stringify(push!.headers)).not.toContain(secret);
    }
    expect(push!.headers['content-encoding']).toBe('aes128gcm');
    expect(push!.headers.ttl).toBe(String(PUSH_TTL_SECONDS));
    expect(push!.headers.urgency).toBe(PUSH_URGENCY);

    const { claims, publicKey } = verifyVapid(push!.headers.authorization);
    expect(claims.aud).toBe(service.origin); // RFC 8292 §2: the push resource's origin
    expect(claims.sub).toBe(SUBJECT);
    expect(claims.exp * 1000).toBeGreaterThan(Date.now());
    expect(claims.exp * 1000).toBeLessThanOrEqual(Date.now() + 24 * 60 * 60 * 1000);
    expect(publicKey).toBe(served.publicKey);
  });

  it('coalesces a burst: one push at once, at most one more when the window ends', async () => {
    const browser = service.subscribe();
    await subscribe(t.client, bob.devices[0]!, browser);

    for (let i = 0; i < 5; i++) await send(alice.devices[0]!, bob.devices[0]!, `burst ${i}`);
    await service.waitForPushes(1);
    expect(service.pushesTo(browser.id)).toHaveLength(1);

    clock.endWindows(); // the four later messages earn one more wake-up
    await service.waitForPushes(2);
    clock.endWindows(); // nothing arrived in the second window
    await settle();
    expect(service.pushesTo(browser.id)).toHaveLength(2);
  });

  it('sends nothing to a device that holds a socket', async () => {
    const browser = service.subscribe();
    await subscribe(t.client, bob.devices[0]!, browser);
    const online = await t.client.connect(bob.devices[0]!);
    await online.drained;

    await send(alice.devices[0]!, bob.devices[0]!, 'you are here');
    await online.takeEnvelopes(1);
    clock.endWindows();
    online.close();
    await settle();
    expect(service.received).toHaveLength(0);
  });

  it('forgets a subscription the push service calls gone (410)', async () => {
    const browser = service.subscribe();
    await subscribe(t.client, bob.devices[0]!, browser);
    service.answer(browser.id, 410);

    await send(alice.devices[0]!, bob.devices[0]!, 'anyone there?');
    await service.waitForPushes(1);
    const metrics = () => fetch(`${t.relay.url}/metrics`).then((response) => response.text());
    await expect.poll(metrics).toContain('parley_relay_web_pushes_total{outcome="gone"} 1');
    await settle();
    expect(await storedEndpoints(t.databaseUrl)).toEqual([]);
  });

  it('deletes the subscription with its device, and on DELETE', async () => {
    const carol = await registerAccount(t.client, 2);
    const [first, second] = carol.devices as [Credentials, Credentials];
    const one = service.subscribe();
    const two = service.subscribe();
    await subscribe(t.client, first, one);
    await subscribe(t.client, second, two);
    await subscribe(t.client, alice.devices[0]!, service.subscribe());
    expect((await storedEndpoints(t.databaseUrl)).length).toBe(3);

    await t.client.removeDevice(first, second.deviceId);
    await t.client.request('DELETE', '/v1/push/subscription', alice.devices[0]!);
    expect(await storedEndpoints(t.databaseUrl)).toEqual([one.endpoint]);

    // A refresh (pushsubscriptionchange) replaces the device's one subscription.
    const renewed = service.subscribe();
    await subscribe(t.client, first, renewed);
    expect(await storedEndpoints(t.databaseUrl)).toEqual([renewed.endpoint]);
  });

  it('refuses endpoints it must not call, and callers without credentials', async () => {
    const device = bob.devices[0]!;
    const keys = service.subscribe().keys;
    const refused = async (body: unknown, auth: Credentials | null = device) => {
      const error = await t.client
        .request('PUT', '/v1/push/subscription', auth ?? undefined, body)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RelayHttpError);
      return (error as RelayHttpError).code;
    };
    expect(await refused({ endpoint: 'http://push.example/x', keys })).toBe('MALFORMED');
    expect(await refused({ endpoint: 'https://10.0.0.1/x', keys })).toBe('MALFORMED');
    expect(await refused({ endpoint: 'https://u:p@push.example/x', keys })).toBe('MALFORMED');
    expect(await refused({ endpoint: 'not a url', keys })).toBe('MALFORMED');
    expect(
      await refused({ endpoint: 'https://push.example/x', keys: { p256dh: 'x', auth: 'y' } }),
    ).toBe('MALFORMED');
    expect(await refused({ endpoint: 'https://push.example/x', keys, extra: 1 })).toBe('MALFORMED');
    expect(await refused({ endpoint: `https://push.example/${'x'.repeat(2000)}`, keys })).toBe(
      'MALFORMED',
    );
    expect(await refused({ endpoint: 'https://push.example/x', keys }, null)).toBe(
      'UNAUTHENTICATED',
    );
    await subscribe(t.client, device, { endpoint: 'https://push.example/x', keys });
  });
});

/** The endpoints in the relay's table, read through a second connection, in row order. */
async function storedEndpoints(databaseUrl: string): Promise<string[]> {
  const query = 'SELECT endpoint FROM push_subscriptions ORDER BY device_row_id';
  if (databaseUrl.startsWith('sqlite:')) {
    const db = new Database(sqlitePath(databaseUrl), { readonly: true });
    try {
      return db
        .prepare<[], { endpoint: string }>(query)
        .all()
        .map((row) => row.endpoint);
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<{ endpoint: string }>(query)).rows.map((row) => row.endpoint);
  } finally {
    await client.end();
  }
}
