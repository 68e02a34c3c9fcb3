import { ParleyError, relayCall } from '../errors.js';
import type { LocalDevice } from '../account/local-device.js';
import type { RelayHttp } from '../transport/relay-http.js';

/** One device of this account, as Settings lists it. */
export interface DeviceView {
  deviceId: number;
  /** The name the device gave itself when it joined (its browser and system), or null. */
  name: string | null;
  /** When it joined the account (relay clock, ms since the epoch). */
  linkedAt: number;
  /** This device. */
  current: boolean;
}

/**
 * The account's devices as the relay knows them, and unlinking one. Unlinking revokes the
 * device's credentials on the relay at once (its socket closes with DEVICE_REMOVED, and it wipes
 * itself: AccountLifecycle.unlinked); the other devices' next sends find it gone
 * (MISMATCHED_DEVICES), end its sessions, and groups rotate their sender keys.
 */
export class OwnDevices {
  constructor(
    private readonly device: LocalDevice,
    private readonly http: Pick<RelayHttp, 'ownDevices' | 'removeDevice'>,
  ) {}

  async list(): Promise<DeviceView[]> {
    const self = this.device.require().deviceId;
    const devices = await relayCall(() => this.http.ownDevices());
    return devices
      .map((d) => ({
        deviceId: d.deviceId,
        name: d.name,
        linkedAt: d.createdAt,
        current: d.deviceId === self,
      }))
      .sort((a, b) => Number(b.current) - Number(a.current) || a.linkedAt - b.linkedAt);
  }

  async unlink(deviceId: number): Promise<void> {
    const self = this.device.require().deviceId;
    if (deviceId === self)
      throw new ParleyError('UNKNOWN_DEVICE', 'to remove this device, sign out instead');
    const known = await this.list();
    if (!known.some((d) => d.deviceId === deviceId))
      throw new ParleyError('UNKNOWN_DEVICE', `no device ${deviceId} in this account`);
    await relayCall(() => this.http.removeDevice(deviceId));
  }
}
