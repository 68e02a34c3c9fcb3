import type { ProtocolAddress, SignalEngine } from '../crypto/engine.js';
import { ParleyError } from '../errors.js';
import type { AccountRow } from '../store/database.js';
import type { DeviceCredentialsJson } from '@parley/protocol';

/** This device's account row once registered or linked (undefined before), and what derives from it. */
export class LocalDevice {
  account: AccountRow | undefined;

  constructor(private readonly engine: SignalEngine) {}

  /** '' before registration. */
  get accountId(): string {
    return this.account?.accountId ?? '';
  }

  /** The account, or NOT_REGISTERED. */
  require(): AccountRow {
    if (!this.account) throw new ParleyError('NOT_REGISTERED', 'register this device first');
    return this.account;
  }

  /** This device's address; background work may still ask while closing, so no CLOSED check here. */
  address(): ProtocolAddress {
    const account = this.require();
    return this.engine.ProtocolAddress.new(account.accountId, account.deviceId);
  }

  credentials(): DeviceCredentialsJson | undefined {
    const account = this.account;
    return account
      ? { accountId: account.accountId, deviceId: account.deviceId, secret: account.password }
      : undefined;
  }
}
