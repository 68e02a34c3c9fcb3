import { randomUUID } from 'node:crypto';
import {
  randomDeviceKeys,
  randomEcPublicKey,
  type Credentials,
  type RelayClient,
} from '@parley/relay-client';

export interface TestAccount {
  username: string;
  accountId: string;
  devices: Credentials[];
}

let counter = 0;

/** Registers an account and links `deviceCount - 1` more devices to it through link tokens. */
export async function registerAccount(
  client: RelayClient,
  deviceCount = 1,
  keys: { oneTimePreKeys?: number; kyberOneTimePreKeys?: number } = {},
): Promise<TestAccount> {
  const username = `user${++counter}_${randomUUID().slice(0, 8)}`;
  const first = await client.register(username, randomEcPublicKey(), randomDeviceKeys(keys));
  const devices = [first];
  while (devices.length < deviceCount) {
    const { linkToken } = await client.createLinkToken(first);
    devices.push(await client.addDevice(linkToken, randomDeviceKeys(keys)));
  }
  return { username, accountId: first.accountId, devices };
}

export const address = (device: Credentials) => ({
  accountId: device.accountId,
  deviceId: device.deviceId,
});

export const bytes = (text: string) => new TextEncoder().encode(text);
export const text = (content: Uint8Array) => new TextDecoder().decode(content);
