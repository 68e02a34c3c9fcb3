import type { LocalDevice } from '../account/local-device.js';
import { ParleyError, relayCall } from '../errors.js';
import { RelayError } from '../transport/relay-errors.js';
import type { MessengerEvent } from '../facade/api.js';
import type { RelayHttp } from '../transport/relay-http.js';
import type { Farewell } from './farewell.js';
import { deleteDatabases, type DatabaseFactory } from './delete-databases.js';

export interface AccountLifecycleDeps {
  device: LocalDevice;
  http: Pick<RelayHttp, 'ownDevices' | 'removeDevice' | 'deleteAccount'>;
  /**
   * The device's socket: paused while the relay forgets the device, so its refusal (4410/4411)
   * is not reported as an error; resumed when the relay could not be reached.
   */
  relay: { stop(): void; start(): void };
  /** Tells the contacts (and groups) before the account goes: farewell.ts. */
  farewell: Pick<Farewell, 'say'>;
  /** IndexedDB and the names of this device's databases (account, search index, media cache). */
  indexedDB(): DatabaseFactory;
  databaseNames: readonly string[];
  emit(event: MessengerEvent): void;
}

/**
 * Signing this device out and deleting the account. The relay acts first, so a device that
 * could not reach it keeps everything (and can try again); then every local database goes.
 * Parley keeps no backup: the account lives on its devices, so signing out the last device
 * deletes the account on the relay too (the UI says so before).
 */
export class AccountLifecycle {
  constructor(private readonly deps: AccountLifecycleDeps) {}

  /**
   * `close` closes the messenger (every database connection) before the databases go. A device
   * the relay already refuses (removed from another device, or its account deleted there) has
   * nothing left to unregister: it only deletes its data.
   */
  async signOut(close: () => Promise<void>): Promise<void> {
    const account = this.deps.device.require();
    const last = await this.isLastDevice(account.deviceId);
    if (last === 'already') return this.wipe(close, 'signed-out');
    // The last device takes the account with it: its contacts are told first, as on deletion.
    if (last) await this.deps.farewell.say();
    const unregistered = await this.onRelay(() =>
      last
        ? this.deps.http.deleteAccount(account.username)
        : this.deps.http.removeDevice(account.deviceId),
    );
    const reason = last ? 'account-deleted' : 'signed-out';
    await this.wipe(close, unregistered === 'already' ? 'signed-out' : reason);
  }

  async deleteAccount(typedUsername: string, close: () => Promise<void>): Promise<void> {
    const account = this.deps.device.require();
    if (typedUsername.trim() !== account.username)
      throw new ParleyError('USERNAME_MISMATCH', 'type your username to delete your account');
    // Before the relay forgets the account: its contacts are told while it can still send.
    await this.deps.farewell.say();
    await this.onRelay(() => this.deps.http.deleteAccount(account.username));
    await this.wipe(close, 'account-deleted');
  }

  /**
   * Another device of the account unlinked this one (the relay closed its socket with
   * DEVICE_REMOVED): its keys and history go, and the app says why.
   */
  async unlinked(close: () => Promise<void>): Promise<void> {
    await this.wipe(close, 'unlinked');
  }

  /**
   * The relay refused this device's credentials on connecting (it was unlinked while offline, so
   * the DEVICE_REMOVED close never reached it): wipes only if HTTP confirms the refusal.
   */
  async refusedOnConnect(close: () => Promise<void>): Promise<void> {
    const account = this.deps.device.require();
    if ((await this.isLastDevice(account.deviceId)) === 'already') await this.unlinked(close);
  }

  /** 'already': the relay no longer accepts this device's credentials. */
  private async isLastDevice(ownId: number): Promise<boolean | 'already'> {
    try {
      const devices = await this.deps.http.ownDevices();
      return devices.every((device) => device.deviceId === ownId);
    } catch (error) {
      if (error instanceof RelayError && error.code === 'UNAUTHENTICATED') return 'already';
      return relayCall(() => Promise.reject(error));
    }
  }

  /** 'already': the relay no longer accepts this device's credentials (UNAUTHENTICATED). */
  private async onRelay(call: () => Promise<void>): Promise<'done' | 'already'> {
    this.deps.relay.stop();
    try {
      await call();
      return 'done';
    } catch (error) {
      if (error instanceof RelayError && error.code === 'UNAUTHENTICATED') return 'already';
      this.deps.relay.start();
      return relayCall(() => Promise.reject(error));
    }
  }

  private async wipe(
    close: () => Promise<void>,
    reason: 'signed-out' | 'account-deleted' | 'unlinked',
  ): Promise<void> {
    await close();
    await deleteDatabases(this.deps.indexedDB(), this.deps.databaseNames);
    this.deps.emit({ type: 'signed-out', reason });
  }
}
