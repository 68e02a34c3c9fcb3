import type {
  IceServersJson,
  DeviceCredentialsJson,
  DeviceKeysJson,
  DeviceListJson,
  DeviceSummaryJson,
  LinkTokenJson,
  PreKeyCountsJson,
  PreKeyResponseJson,
  PreKeyUploadJson,
  ProfileBodyJson,
  PushSubscriptionBodyJson,
  UsernameLookupJson,
  VapidPublicKeyJson,
} from '@parley/protocol';
import { RelayError, relayUnreachable } from './relay-errors.js';

/**
 * The relay's HTTP API (docs/relay-api.md): accounts, devices and the prekey directory.
 * Binary values travel as standard base64; errors come back as RelayError with the relay's code.
 * The JSON shapes are @parley/protocol's, the same definitions the relay validates against.
 */

export class RelayHttp {
  constructor(
    private readonly baseUrl: string,
    private credentials?: DeviceCredentialsJson,
  ) {}

  setCredentials(credentials: DeviceCredentialsJson): void {
    this.credentials = credentials;
  }

  register(
    username: string,
    identityKey: string,
    device: DeviceKeysJson,
  ): Promise<DeviceCredentialsJson> {
    return this.request('POST', '/v1/accounts', { username, identityKey, device }, false);
  }

  createLinkToken(): Promise<LinkTokenJson> {
    return this.request('POST', '/v1/devices/link-tokens');
  }

  addDevice(linkToken: string, device: DeviceKeysJson): Promise<DeviceCredentialsJson> {
    return this.request('POST', '/v1/devices', { linkToken, device }, false);
  }

  /** Hands a sealed provisioning message (base64) to the new device at `address`, once. */
  async provision(address: string, message: string): Promise<void> {
    await this.request('PUT', `/v1/provisioning/${address}`, { message });
  }

  async ownDevices(): Promise<DeviceSummaryJson[]> {
    const { devices } = await this.request<DeviceListJson>('GET', '/v1/devices');
    return devices;
  }

  /** Stores the sealed name (base64) of one device of this account. */
  async renameDevice(deviceId: number, sealedName: string): Promise<void> {
    await this.request('PUT', `/v1/devices/${deviceId}/name`, { name: sealedName });
  }

  /** Unregisters one device of this account (this one, to sign out). */
  async removeDevice(deviceId: number): Promise<void> {
    await this.request('DELETE', `/v1/devices/${deviceId}`);
  }

  /** Deletes this account on the relay; `username` is its own (the typed confirmation). */
  async deleteAccount(username: string): Promise<void> {
    await this.request('DELETE', '/v1/accounts/me', { username });
  }

  lookupUsername(username: string): Promise<UsernameLookupJson> {
    return this.request('GET', `/v1/accounts/username/${encodeURIComponent(username)}`);
  }

  /** Consumes one one-time prekey of each kind per returned device. */
  preKeys(accountId: string, deviceId?: number): Promise<PreKeyResponseJson> {
    const path =
      `/v1/keys/${encodeURIComponent(accountId)}` + (deviceId === undefined ? '' : `/${deviceId}`);
    return this.request('GET', path);
  }

  async uploadPreKeys(upload: PreKeyUploadJson): Promise<void> {
    await this.request('PUT', '/v1/keys', upload);
  }

  preKeyCounts(): Promise<PreKeyCountsJson> {
    return this.request('GET', '/v1/keys');
  }

  async vapidPublicKey(): Promise<string> {
    const { publicKey } = await this.request<VapidPublicKeyJson>(
      'GET',
      '/v1/push/vapid-public-key',
      undefined,
      false,
    );
    return publicKey;
  }

  async putPushSubscription(subscription: PushSubscriptionBodyJson): Promise<void> {
    await this.request('PUT', '/v1/push/subscription', subscription);
  }

  /** STUN/TURN for calls, with this device's short-lived TURN credentials. */
  async iceServers(): Promise<IceServersJson & { iceTransportPolicy: 'all' | 'relay' }> {
    const answer = await this.request<IceServersJson>('GET', '/v1/calls/ice-servers');
    return { ...answer, iceTransportPolicy: answer.iceTransportPolicy ?? 'all' };
  }

  /** Stores this account's encrypted profile (profiles/); CONFLICT when `version` is not newer. */
  async putProfile(version: number, ciphertext: string): Promise<void> {
    await this.request('PUT', '/v1/profile', { version, ciphertext } satisfies ProfileBodyJson);
  }

  /** An account's encrypted profile, or undefined when it stored none. */
  async getProfile(accountId: string): Promise<ProfileBodyJson | undefined> {
    try {
      return await this.request<ProfileBodyJson>(
        'GET',
        `/v1/profile/${encodeURIComponent(accountId)}`,
      );
    } catch (error) {
      if (error instanceof RelayError && error.code === 'NOT_FOUND') return undefined;
      throw error;
    }
  }

  async deletePushSubscription(): Promise<void> {
    await this.request('DELETE', '/v1/push/subscription');
  }

  private async request<T>(
    method: string,
    path: string,
    body?: unknown,
    authenticated = true,
  ): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (authenticated) {
      if (!this.credentials)
        throw new RelayError('UNAUTHENTICATED', 401, 'no device credentials yet');
      const { accountId, deviceId, secret } = this.credentials;
      headers.authorization = `Basic ${btoa(`${accountId}.${deviceId}:${secret}`)}`;
    }
    let response: Response;
    try {
      response = await fetch(new URL(path, this.baseUrl), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (cause) {
      throw relayUnreachable(cause);
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    const json: unknown = text ? safeJson(text) : undefined;
    if (!response.ok) {
      const error = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
      // Retry-After is in seconds (RATE_LIMITED); callers wait at least that long.
      const retryAfter = Number(response.headers.get('retry-after'));
      throw new RelayError(
        error?.code ?? 'INTERNAL',
        response.status,
        error?.message ?? response.statusText,
        Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {},
      );
    }
    return json as T;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
