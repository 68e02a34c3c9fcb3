import { RelaySocket, type SocketOptions } from './relay-socket.js';
import type {
  Bundles,
  Credentials,
  DeviceKeysJson,
  DeviceSummary,
  PreKeyCounts,
  PreKeyUploadJson,
} from './types.js';

/** An HTTP answer other than 2xx, with the relay's error code (docs/relay-api.md). */
export class RelayHttpError extends Error {
  override name = 'RelayHttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`${status} ${code}: ${message}`);
  }
}

/**
 * A small typed client of the relay for tests, benchmarks and tools (not for apps: core has its
 * own transport). HTTP calls use fetch; `connect` opens an authenticated device socket.
 */
export class RelayClient {
  readonly baseUrl: string;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl.replace(/\/$/, '');
  }

  register(username: string, identityKey: string, device: DeviceKeysJson): Promise<Credentials> {
    return this.request('POST', '/v1/accounts', undefined, { username, identityKey, device });
  }

  lookupUsername(auth: Credentials, username: string): Promise<{ accountId: string }> {
    return this.request('GET', `/v1/accounts/username/${encodeURIComponent(username)}`, auth);
  }

  createLinkToken(auth: Credentials): Promise<{ linkToken: string; expiresAt: number }> {
    return this.request('POST', '/v1/devices/link-tokens', auth);
  }

  addDevice(linkToken: string, device: DeviceKeysJson): Promise<Credentials> {
    return this.request('POST', '/v1/devices', undefined, { linkToken, device });
  }

  async listDevices(auth: Credentials): Promise<DeviceSummary[]> {
    return (await this.request<{ devices: DeviceSummary[] }>('GET', '/v1/devices', auth)).devices;
  }

  /** Stores a sealed device name (base64) for one of the caller's account's devices. */
  renameDevice(auth: Credentials, deviceId: number, name: string): Promise<void> {
    return this.request('PUT', `/v1/devices/${deviceId}/name`, auth, { name });
  }

  removeDevice(auth: Credentials, deviceId: number): Promise<void> {
    return this.request('DELETE', `/v1/devices/${deviceId}`, auth);
  }

  /** Deletes the caller's account; `username` must be its own (the typed confirmation). */
  deleteAccount(auth: Credentials, username: string): Promise<void> {
    return this.request('DELETE', '/v1/accounts/me', auth, { username });
  }

  fetchBundles(auth: Credentials, accountId: string, deviceId?: number): Promise<Bundles> {
    const path = `/v1/keys/${accountId}${deviceId === undefined ? '' : `/${deviceId}`}`;
    return this.request('GET', path, auth);
  }

  uploadPreKeys(auth: Credentials, upload: PreKeyUploadJson): Promise<void> {
    return this.request('PUT', '/v1/keys', auth, upload);
  }

  countPreKeys(auth: Credentials): Promise<PreKeyCounts> {
    return this.request('GET', '/v1/keys', auth);
  }

  connect(auth: Credentials, options: SocketOptions = {}): Promise<RelaySocket> {
    return RelaySocket.open(`${this.baseUrl.replace(/^http/, 'ws')}/v1/websocket`, auth, options);
  }

  /** Sends one request; raw `body` strings go out as they are (for malformed-input tests). */
  async request<T>(method: string, path: string, auth?: Credentials, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (auth) headers.authorization = basicAuthorization(auth);
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(this.baseUrl + path, {
      method,
      headers,
      ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    const json = text ? (JSON.parse(text) as unknown) : undefined;
    if (!response.ok) {
      const error = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new RelayHttpError(response.status, error?.code ?? 'UNKNOWN', error?.message ?? text);
    }
    return json as T;
  }
}

export function basicAuthorization(auth: Credentials): string {
  const user = `${auth.accountId}.${auth.deviceId}`;
  return `Basic ${Buffer.from(`${user}:${auth.secret}`).toString('base64')}`;
}
