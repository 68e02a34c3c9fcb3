import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ProvisioningAddressJson, ProvisioningDeliveryJson } from '@parley/protocol';
import { RelayClient } from '@parley/relay-client';
import { noRateLimits } from '../src/config.js';
import { registerAccount, type TestAccount } from './support/accounts.js';
import { provisioningSocket, putProvisioning } from './support/provisioning.js';
import { startRelayPair, type RelayPair } from './support/relay-pair.js';

/**
 * Issue #21 with linking (decision 0350): behind a load balancer, the new device's provisioning
 * socket may sit on one relay process while the linking device's PUT reaches another. Two real
 * relays share one PostgreSQL database and one Redis (the machine's, under this test's prefix);
 * the address is delivered across them, once, and not after its expiry.
 */
describe('provisioning across two relay processes', () => {
  let pair: RelayPair;
  let linker: TestAccount;

  beforeAll(async () => {
    pair = await startRelayPair({ rateLimits: noRateLimits });
    linker = await registerAccount(new RelayClient(pair.relays[0].url));
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  afterAll(() => pair.stop());

  const [a, b] = [0, 1].map((i) => () => pair.relays[i]!.url);
  const put = (relayUrl: string, address: string, message = 'c2VhbGVk') =>
    putProvisioning(relayUrl, linker.devices[0]!, address, message);
  const codeOf = async (response: Response) =>
    ((await response.json()) as { error: { code: string; message: string } }).error;

  it('delivers a PUT made on the other process to the waiting socket, once', async () => {
    const socket = provisioningSocket(a!());
    const { address } = (await socket.frame(0)) as ProvisioningAddressJson;

    expect((await put(b!(), address)).status).toBe(204);
    expect((await socket.frame(1)) as ProvisioningDeliveryJson).toEqual({
      type: 'message',
      message: 'c2VhbGVk',
    });
    expect(await socket.closed).toBe(1000);
    for (const relay of [a!(), b!()]) {
      const again = await put(relay, address);
      expect(again.status).toBe(409);
      expect((await codeOf(again)).message).toMatch(/already used/);
    }
  });

  it('lets only one of two PUTs racing on both processes through', async () => {
    const socket = provisioningSocket(b!());
    const { address } = (await socket.frame(0)) as ProvisioningAddressJson;
    const statuses = await Promise.all([
      put(a!(), address, 'ZnJvbUE='),
      put(b!(), address, 'ZnJvbUI='),
    ]).then((responses) => responses.map((r) => r.status));
    expect(statuses.sort()).toEqual([204, 409]);
    const delivered = (await socket.frame(1)) as ProvisioningDeliveryJson;
    expect(['ZnJvbUE=', 'ZnJvbUI=']).toContain(delivered.message);
    expect(await socket.closed).toBe(1000);
  });

  it('refuses the address on every process once it expired (injected clock)', async () => {
    const socket = provisioningSocket(a!());
    const { address, expiresAt } = (await socket.frame(0)) as ProvisioningAddressJson;
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(expiresAt - 1);
    // A second socket's address, used just before the first one's expiry, still works.
    const other = provisioningSocket(b!());
    const second = (await other.frame(0)) as ProvisioningAddressJson;
    vi.setSystemTime(expiresAt);
    const late = await put(b!(), address);
    expect(late.status).toBe(409);
    expect((await codeOf(late)).message).toMatch(/expired/);
    expect((await put(a!(), second.address)).status).toBe(204);
    await other.closed;
    socket.ws.close();
    await socket.closed;
  });

  it('refuses an address whose new device went away, or whose process is gone', async () => {
    const socket = provisioningSocket(a!());
    const { address } = (await socket.frame(0)) as ProvisioningAddressJson;
    socket.ws.close();
    await socket.closed;
    // The close reaches relay A asynchronously: A uses the address up in Redis when it sees it.
    await vi.waitFor(async () => {
      const value = await pair.redis.get(`${pair.prefix}:provisioning:${address}`);
      expect(value).toMatch(/^used\|/);
    });
    const gone = await put(b!(), address);
    expect(gone.status).toBe(409);
    expect((await codeOf(gone)).message).toMatch(/already used/);

    // An address held by a process that died without closing anything (SIGKILL): no
    // subscriber hears the hand-off, and the PUT says so instead of answering 204.
    const orphan = randomBytes(16).toString('base64url');
    await pair.redis.set(
      `${pair.prefix}:provisioning:${orphan}`,
      `open|dead-process|${Date.now() + 60_000}`,
    );
    const unheard = await put(b!(), orphan);
    expect(unheard.status).toBe(409);
    expect((await codeOf(unheard)).message).toMatch(/no longer connected/);
    expect(await pair.redis.get(`${pair.prefix}:provisioning:${orphan}`)).toMatch(/^used\|/);
    // Unknown everywhere: NOT_FOUND, as on one process.
    expect((await put(a!(), 'A'.repeat(22))).status).toBe(404);
  });
});
