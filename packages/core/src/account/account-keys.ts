import type { DeviceCredentialsJson } from '@parley/protocol';
import type { IdentityKeyPair, SignalEngine } from '../crypto/engine.js';
import {
  FIRST_ONE_TIME_KYBER_ID,
  generateDeviceKeys,
  preKeyJson,
  signedKeyJson,
  type NewDeviceKeys,
} from '../crypto/device-keys.js';
import {
  PREKEY_BATCH,
  PREKEY_REFILL_THRESHOLD,
  generateKyberPreKeys,
  generatePreKeys,
  nextPreKeyId,
} from '../crypto/prekeys.js';
import type { AccountRow, ParleyDatabase } from '../store/database.js';
import type { SignalStores } from '../store/signal-stores.js';
import { toBase64 } from '../encoding/base64.js';
import type { RelayHttp } from '../transport/relay-http.js';
import { ParleyError } from '../errors.js';
import type { ProvisioningMessage } from '../linking/provisioning-message.js';

export interface AccountKeysDeps {
  engine: SignalEngine;
  db: ParleyDatabase;
  stores: SignalStores;
  http: RelayHttp;
  /** A background refill failed. */
  onError(error: unknown): void;
}

/** Registration, joining an account as a linked device and keeping the relay stocked with one-time prekeys. */
export class AccountKeys {
  private readonly engine: SignalEngine;
  private readonly db: ParleyDatabase;
  private readonly stores: SignalStores;
  private readonly http: RelayHttp;
  private readonly onError: (error: unknown) => void;
  private refilling: Promise<void> | undefined;

  constructor(deps: AccountKeysDeps) {
    this.engine = deps.engine;
    this.db = deps.db;
    this.stores = deps.stores;
    this.http = deps.http;
    this.onError = (error) => deps.onError(error);
  }

  /** refillIfLow(), one at a time; failures are reported, the next call retries. */
  refill(): Promise<void> {
    this.refilling ??= this.refillIfLow()
      .catch((error: unknown) => this.onError(error))
      .finally(() => {
        this.refilling = undefined;
      });
    return this.refilling;
  }

  async register(username: string): Promise<AccountRow> {
    const identity = this.engine.IdentityKeyPair.generate();
    const keys = generateDeviceKeys(this.engine, identity);
    const credentials = await this.http.register(
      username,
      toBase64(identity.publicKey.serialize()),
      keys.published,
    );
    return this.saveDevice(credentials, username, identity, keys);
  }

  /** Registers this device in the account a provisioning message came from (linking/). */
  async link(message: ProvisioningMessage): Promise<AccountRow> {
    const identity = this.engine.IdentityKeyPair.deserialize(message.identityKeyPair);
    const keys = generateDeviceKeys(this.engine, identity);
    const credentials = await this.http.addDevice(message.registrationCode, keys.published);
    if (credentials.accountId !== message.accountId)
      throw new ParleyError('LINK_TAMPERED', 'the registration code belongs to another account');
    return this.saveDevice(credentials, message.username, identity, keys);
  }

  /** Uploads a fresh batch of one-time prekeys when the relay runs low. */
  async refillIfLow(): Promise<void> {
    const counts = await this.http.preKeyCounts();
    const needEc = counts.oneTimePreKeys < PREKEY_REFILL_THRESHOLD;
    const needKyber = counts.kyberOneTimePreKeys < PREKEY_REFILL_THRESHOLD;
    if (!needEc && !needKyber) return;
    const account = await this.db.account.get('self');
    if (!account) return;
    const identity = this.engine.IdentityKeyPair.deserialize(account.identityKeyPair);
    const preKeys = needEc ? generatePreKeys(this.engine, account.nextPreKeyId, PREKEY_BATCH) : [];
    const kyberPreKeys = needKyber
      ? generateKyberPreKeys(this.engine, identity, account.nextKyberPreKeyId, PREKEY_BATCH)
      : [];
    // Keep the private halves before publishing: a bundle handed out must always be usable.
    await this.db.transaction(
      'rw',
      [this.db.account, this.db.preKeys, this.db.kyberPreKeys],
      async () => {
        for (const record of preKeys) await this.stores.savePreKey(record.id(), record);
        for (const record of kyberPreKeys)
          await this.stores.saveKyberPreKeyOfKind(record.id(), record, false);
        await this.db.account.update('self', {
          nextPreKeyId: advance(account.nextPreKeyId, preKeys.length),
          nextKyberPreKeyId: advance(account.nextKyberPreKeyId, kyberPreKeys.length),
        });
      },
    );
    await this.http.uploadPreKeys({
      ...(preKeys.length ? { oneTimePreKeys: preKeys.map(preKeyJson) } : {}),
      ...(kyberPreKeys.length ? { kyberOneTimePreKeys: kyberPreKeys.map(signedKeyJson) } : {}),
    });
  }

  private async saveDevice(
    credentials: DeviceCredentialsJson,
    username: string,
    identity: IdentityKeyPair,
    keys: NewDeviceKeys,
  ): Promise<AccountRow> {
    const account: AccountRow = {
      key: 'self',
      accountId: credentials.accountId,
      username,
      deviceId: credentials.deviceId,
      password: credentials.secret,
      registrationId: keys.registrationId,
      identityKeyPair: identity.serialize(),
      nextPreKeyId: advance(1, keys.preKeys.length),
      nextKyberPreKeyId: advance(FIRST_ONE_TIME_KYBER_ID, keys.kyberPreKeys.length),
    };
    const db = this.db;
    await db.transaction(
      'rw',
      [db.account, db.preKeys, db.signedPreKeys, db.kyberPreKeys],
      async () => {
        await db.account.put(account);
        await this.stores.saveSignedPreKey(keys.signedPreKey.id(), keys.signedPreKey);
        const lastResort = keys.lastResortKyberPreKey;
        await this.stores.saveKyberPreKeyOfKind(lastResort.id(), lastResort, true);
        for (const record of keys.preKeys) await this.stores.savePreKey(record.id(), record);
        for (const record of keys.kyberPreKeys) {
          await this.stores.saveKyberPreKeyOfKind(record.id(), record, false);
        }
      },
    );
    // Our own account's identity is known and trusted from the start.
    await this.stores.putIdentity({
      accountId: credentials.accountId,
      publicKey: identity.publicKey.serialize(),
      verified: true,
      pendingAcceptance: false,
    });
    return account;
  }
}

function advance(id: number, count: number): number {
  let next = id;
  for (let i = 0; i < count; i++) next = nextPreKeyId(next);
  return next;
}
