import { MAX_DEVICE_NAME_LENGTH, type DeviceSummaryJson } from '@parley/protocol';
import type { IdentityKeyPair, SignalEngine } from '../crypto/engine.js';
import { fromBase64, toBase64 } from '../encoding/base64.js';
import { ParleyError, relayCall } from '../errors.js';
import type { LocalDevice } from '../account/local-device.js';
import type { AccountRow } from '../store/database.js';
import type { RelayHttp } from '../transport/relay-http.js';
import type { DeviceNameRecord } from './device-name-cipher.js';
import type { LoadProvisioning, ProvisioningKit } from './device-linking.js';

/** One device of this account, as Settings lists it. */
export interface DeviceView {
  deviceId: number;
  /** Its name, readable only by the account's devices; null when unnamed or unreadable. */
  name: string | null;
  /** What the device is, as it said itself ("Chromium on Linux"); null when unknown. */
  platform: string | null;
  /** When it joined the account (relay clock, ms since the epoch). */
  linkedAt: number;
  /** Start (UTC) of the last day it connected to the relay; null if it never did. */
  lastActiveAt: number | null;
  /** This device. */
  current: boolean;
}

export interface OwnDevicesDeps {
  /** The device-name cipher, supplied by the platform with the linking code (provisioning.ts). */
  ciphers: LoadProvisioning;
  engine: SignalEngine;
  device: LocalDevice;
  http: Pick<RelayHttp, 'ownDevices' | 'removeDevice' | 'renameDevice'>;
  /** What this device is ("Chromium on Linux"); also its first name. */
  platform: string | undefined;
  /** A background repair of a name failed. */
  onError(error: unknown): void;
}

/**
 * The account's devices as the relay knows them: listing, renaming and unlinking. Names are
 * sealed to the account's identity key (device-name-cipher.ts): the relay stores blobs it cannot
 * read. Unlinking revokes the device's credentials on the relay at once (its socket closes with
 * DEVICE_REMOVED, and it wipes itself: AccountLifecycle.unlinked); the other devices' next sends
 * find it gone (MISMATCHED_DEVICES), end its sessions, and groups rotate their sender keys.
 */
export class OwnDevices {
  constructor(private readonly deps: OwnDevicesDeps) {}

  async list(): Promise<DeviceView[]> {
    const account = this.deps.device.require();
    const identity = this.deps.engine.IdentityKeyPair.deserialize(account.identityKeyPair);
    const devices = await relayCall(() => this.deps.http.ownDevices());
    const kit = await this.deps.ciphers();
    const views = devices.map((summary) => this.view(kit, account, identity, summary));
    this.repair(account, devices, views);
    return views.sort((a, b) => Number(b.current) - Number(a.current) || a.linkedAt - b.linkedAt);
  }

  /** Gives any device of this account a new name, sealed; every device hears DevicesChanged. */
  async rename(deviceId: number, name: string): Promise<void> {
    const valid = (await this.deps.ciphers()).validDeviceName(name);
    const target = (await this.list()).find((d) => d.deviceId === deviceId);
    if (!target) throw new ParleyError('UNKNOWN_DEVICE', `no device ${deviceId} in this account`);
    await this.upload(deviceId, { name: valid, platform: target.platform });
  }

  /** Names this device when it has just joined (platform as its first name); failures are reported. */
  nameThisDevice(): void {
    const { deviceId } = this.deps.device.require();
    const platform = this.platform();
    if (platform) this.upload(deviceId, { name: platform, platform }).catch(this.deps.onError);
  }

  async unlink(deviceId: number): Promise<void> {
    const self = this.deps.device.require().deviceId;
    if (deviceId === self)
      throw new ParleyError('UNKNOWN_DEVICE', 'to remove this device, sign out instead');
    const known = await this.list();
    if (!known.some((d) => d.deviceId === deviceId))
      throw new ParleyError('UNKNOWN_DEVICE', `no device ${deviceId} in this account`);
    await relayCall(() => this.deps.http.removeDevice(deviceId));
  }

  private view(
    kit: ProvisioningKit,
    account: AccountRow,
    identity: IdentityKeyPair,
    d: DeviceSummaryJson,
  ): DeviceView {
    const record = readName(kit, this.deps.engine, identity, account.accountId, d);
    return {
      deviceId: d.deviceId,
      name: record?.name ?? null,
      platform: record?.platform ?? null,
      linkedAt: d.createdAt,
      lastActiveAt: d.lastActiveAt,
      current: d.deviceId === account.deviceId,
    };
  }

  /**
   * Seals what the relay still holds in plain text (names stored before they were sealed) and
   * names this device if it has no name yet (its first naming failed). In the background: the
   * list is shown meanwhile, and the DevicesChanged push that follows refreshes it.
   */
  private repair(account: AccountRow, devices: DeviceSummaryJson[], views: DeviceView[]): void {
    for (const [i, summary] of devices.entries()) {
      const view = views[i]!;
      const self = view.current;
      const platform = self ? this.platform() : view.platform;
      if (summary.name !== null && isLegacyPlaintext(summary.name) && view.name) {
        this.upload(view.deviceId, { name: view.name, platform }).catch(this.deps.onError);
      } else if (self && summary.name === null && platform) {
        this.upload(account.deviceId, { name: platform, platform }).catch(this.deps.onError);
      }
    }
  }

  private async upload(deviceId: number, record: DeviceNameRecord): Promise<void> {
    const account = this.deps.device.require();
    const identity = this.deps.engine.IdentityKeyPair.deserialize(account.identityKeyPair);
    const { sealDeviceName } = await this.deps.ciphers();
    const sealed = sealDeviceName(
      this.deps.engine,
      identity.publicKey,
      { accountId: account.accountId, deviceId },
      record,
    );
    await relayCall(() => this.deps.http.renameDevice(deviceId, toBase64(sealed)));
  }

  private platform(): string | null {
    return this.deps.platform?.slice(0, MAX_DEVICE_NAME_LENGTH) || null;
  }
}

/**
 * A sealed name is longer than any plain one (MIN_SEALED_NAME_BYTES in base64 exceeds
 * MAX_DEVICE_NAME_LENGTH): a short name is one stored in plain text before names were sealed.
 */
function isLegacyPlaintext(stored: string): boolean {
  return stored.length <= MAX_DEVICE_NAME_LENGTH;
}

/** The device's record, or null when it has none or it does not open (then it shows unnamed). */
function readName(
  { openDeviceName }: ProvisioningKit,
  engine: SignalEngine,
  identity: IdentityKeyPair,
  accountId: string,
  d: DeviceSummaryJson,
): DeviceNameRecord | null {
  if (d.name === null) return null;
  if (isLegacyPlaintext(d.name)) return { name: d.name, platform: null };
  try {
    return openDeviceName(
      engine,
      identity,
      { accountId, deviceId: d.deviceId },
      fromBase64(d.name),
    );
  } catch {
    return null;
  }
}
