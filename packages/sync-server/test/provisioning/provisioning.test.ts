import { describe, expect, it } from 'vitest';
import {
  CloseCode,
  PROVISIONING_TTL_MS,
  type ProvisioningAddressJson,
  type ProvisioningDeliveryJson,
} from '@parley/protocol';
import type { Credentials } from '@parley/relay-client';
import { ProvisioningChannel } from '../../src/provisioning/provisioning-channel.js';
import { registerAccount } from '../support/accounts.js';
import { basic, provisioningSocket } from '../support/provisioning.js';
import { useTestRelay } from '../support/relay-harness.js';

describe('provisioning channel (real relay)', () => {
  const shared = useTestRelay();

  async function put(device: Credentials, address: string, message: string) {
    return fetch(`${shared.t.relay.url}/v1/provisioning/${address}`, {
      method: 'PUT',
      headers: { authorization: basic(device), 'content-type': 'application/json' },
      body: JSON.stringify({ message }),
    });
  }

  it('hands one sealed message to the waiting device, then refuses the address', async () => {
    const account = await registerAccount(shared.t.client);
    const socket = provisioningSocket(shared.t.relay.url);
    const hello = (await socket.frame(0)) as ProvisioningAddressJson;
    expect(hello.type).toBe('address');
    expect(hello.address).toMatch(/^[A-Za-z0-9_-]{22}$/);

    expect((await put(account.devices[0]!, hello.address, 'c2VhbGVk')).status).toBe(204);
    const delivery = (await socket.frame(1)) as ProvisioningDeliveryJson;
    expect(delivery).toEqual({ type: 'message', message: 'c2VhbGVk' });
    expect(await socket.closed).toBe(1000);

    const again = await put(account.devices[0]!, hello.address, 'c2VhbGVk');
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('CONFLICT');
  });

  it('refuses unknown addresses, anonymous callers and malformed bodies', async () => {
    const account = await registerAccount(shared.t.client);
    const device = account.devices[0]!;
    expect((await put(device, 'A'.repeat(22), 'c2VhbGVk')).status).toBe(404);
    const socket = provisioningSocket(shared.t.relay.url);
    const { address } = (await socket.frame(0)) as ProvisioningAddressJson;
    const anonymous = await fetch(`${shared.t.relay.url}/v1/provisioning/${address}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'c2VhbGVk' }),
    });
    expect(anonymous.status).toBe(401);
    expect((await put(device, address, 'not base64!')).status).toBe(400);
    expect((await put(device, address, 'A'.repeat(20_000))).status).toBe(400);
    expect((await put(device, 'short', 'c2VhbGVk')).status).toBe(400);
    // None of these used the address up.
    expect((await put(device, address, 'c2VhbGVk')).status).toBe(204);
    await socket.closed;
  });

  it('closes a provisioning socket that sends anything', async () => {
    const socket = provisioningSocket(shared.t.relay.url);
    await socket.frame(0);
    socket.ws.send('hello');
    expect(await socket.closed).toBe(CloseCode.PROTOCOL_ERROR);
  });
});

describe('ProvisioningChannel (injected clock)', () => {
  function sink() {
    const got = { messages: [] as string[], expired: 0 };
    return {
      got,
      sink: { deliver: (m: string) => got.messages.push(m), expire: () => got.expired++ },
    };
  }

  it('refuses an address past its expiry and closes its socket', async () => {
    let now = 1_000;
    const channel = new ProvisioningChannel(() => now);
    const a = sink();
    const { address, expiresAt } = await channel.open(a.sink);
    expect(expiresAt).toBe(1_000 + PROVISIONING_TTL_MS);
    now = expiresAt;
    await expect(channel.deliver(address, 'x')).rejects.toThrow(/expired/);
    expect(a.got).toEqual({ messages: [], expired: 1 });
    // Forgotten after expiry: a later try is NOT_FOUND.
    await expect(channel.deliver(address, 'x')).rejects.toThrow(/unknown/);
  });

  it('sweeps expired addresses, and delivers just before expiry', async () => {
    let now = 0;
    const channel = new ProvisioningChannel(() => now);
    const early = sink();
    const late = sink();
    const first = await channel.open(early.sink);
    now = 1;
    const second = await channel.open(late.sink);
    now = first.expiresAt;
    channel.sweep();
    expect(early.got.expired).toBe(1);
    expect(channel.size).toBe(1);
    await channel.deliver(second.address, 'sealed');
    expect(late.got.messages).toEqual(['sealed']);
    await expect(channel.deliver(second.address, 'sealed')).rejects.toThrow(/already used/);
  });

  it('remembers the address of a device that went away: CONFLICT, not delivery', async () => {
    const channel = new ProvisioningChannel(() => 0);
    const a = sink();
    const { address } = await channel.open(a.sink);
    channel.closed(address);
    await expect(channel.deliver(address, 'x')).rejects.toThrow(/already used/);
    expect(a.got.messages).toEqual([]);
  });
});
