import type { ProtocolAddress, SignalEngine } from '../crypto/engine.js';
import { bundleFromJson } from '../crypto/device-keys.js';
import type { SessionLock } from '../crypto/session-lock.js';
import type { SignalStores } from '../store/signal-stores.js';
import type { RelayHttp } from '../transport/relay-http.js';
import type { MismatchedDevices } from '../transport/relay-errors.js';

/** Sending to this account waits until the user accepts its changed identity key. */
export class IdentityHeldError extends Error {
  override readonly name = 'IdentityHeldError';
  constructor(readonly accountId: string) {
    super(`sending to ${accountId} is held until its new identity key is accepted`);
  }
}

export function isEngineError(
  engine: SignalEngine,
  error: unknown,
  code: keyof SignalEngine['ErrorCode'],
): boolean {
  return (error as { code?: unknown } | null)?.code === engine.ErrorCode[code];
}

export interface SessionsDeps {
  engine: SignalEngine;
  stores: SignalStores;
  http: RelayHttp;
  /** Serializes session use with encryptions and decryptions. */
  lock: SessionLock;
  /** This device's address; throws before registration. */
  local(): ProtocolAddress;
}

/**
 * Which devices this device has Signal sessions with, and setting up new ones from the relay's
 * prekey bundles (PQXDH). Covers other accounts and this account's own other devices.
 */
export class Sessions {
  private readonly engine: SignalEngine;
  private readonly stores: SignalStores;
  private readonly http: RelayHttp;
  private readonly lock: SessionLock;
  private readonly local: () => ProtocolAddress;

  constructor(deps: SessionsDeps) {
    this.engine = deps.engine;
    this.stores = deps.stores;
    this.http = deps.http;
    this.lock = deps.lock;
    this.local = () => deps.local();
  }

  /** Device ids with a session for `accountId` (never this device itself). */
  devicesOf(accountId: string): number[] {
    const self = this.local();
    return this.stores
      .deviceIdsOf(accountId)
      .filter((deviceId) => !(accountId === self.name() && deviceId === self.deviceId()));
  }

  /** Fetches bundles (all devices, or the listed ones) and sets up sessions. */
  async establish(accountId: string, deviceIds?: number[]): Promise<void> {
    const self = this.local();
    const responses = deviceIds
      ? await Promise.all(deviceIds.map((deviceId) => this.http.preKeys(accountId, deviceId)))
      : [await this.http.preKeys(accountId)];
    for (const response of responses) {
      for (const device of response.devices) {
        if (accountId === self.name() && device.deviceId === self.deviceId()) continue;
        const bundle = bundleFromJson(this.engine, response.identityKey, device);
        const address = this.engine.ProtocolAddress.new(accountId, device.deviceId);
        await this.processBundle(bundle, address);
      }
    }
    await this.stores.flush();
  }

  /** Applies the relay's MISMATCHED_DEVICES answer: sessions for missing devices, none for extra ones. */
  async reconcile(mismatches: MismatchedDevices[]): Promise<void> {
    for (const { accountId, missingDevices, extraDevices } of mismatches) {
      if (extraDevices.length) {
        await this.stores.deleteSessions(extraDevices.map((d) => `${accountId}.${d}`));
      }
      if (missingDevices.length) await this.establish(accountId, missingDevices);
    }
  }

  /** Brings sessions with this account's other devices in line with the relay's device list. */
  async refreshOwnDevices(): Promise<void> {
    const self = this.local();
    const current = (await this.http.ownDevices())
      .map((d) => d.deviceId)
      .filter((d) => d !== self.deviceId());
    const known = this.devicesOf(self.name());
    await this.reconcile([
      {
        accountId: self.name(),
        missingDevices: current.filter((d) => !known.includes(d)),
        extraDevices: known.filter((d) => !current.includes(d)),
      },
    ]);
  }

  private async processBundle(
    bundle: ReturnType<typeof bundleFromJson>,
    address: ProtocolAddress,
  ): Promise<void> {
    const process = () =>
      this.lock.run(() =>
        this.engine.processPreKeyBundle(bundle, address, this.local(), this.stores, this.stores),
      );
    try {
      await process();
    } catch (error) {
      if (!isEngineError(this.engine, error, 'UntrustedIdentity')) throw error;
      // The contact's identity key changed. Record it (this reports the change); unverified
      // contacts continue at once, verified ones wait for the user's acceptance.
      await this.stores.saveIdentity(address, bundle.identityKey());
      const identity = this.stores.identityOf(address.name());
      if (identity?.pendingAcceptance) throw new IdentityHeldError(address.name());
      await process();
    }
  }
}
