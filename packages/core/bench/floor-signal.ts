/**
 * The Signal side of a bare device (floor-thread.ts): minimal in-memory stores for libsignal, the
 * keys a device publishes, and the peer's bundle as libsignal takes it. Just enough for one
 * session with one peer: no rotation, no one-time key refill, no identity checks.
 */
import * as Signal from '@signalapp/libsignal-client';
import type { Bundles, DeviceKeysJson } from '@parley/relay-client';

/** Sessions by address (the device also writes each record to IndexedDB per message). */
export class Sessions extends Signal.SessionStore {
  readonly records = new Map<string, Signal.SessionRecord>();
  async saveSession(address: Signal.ProtocolAddress, record: Signal.SessionRecord) {
    this.records.set(address.toString(), record);
  }
  async getSession(address: Signal.ProtocolAddress) {
    return this.records.get(address.toString()) ?? null;
  }
  async getExistingSessions(addresses: Signal.ProtocolAddress[]) {
    return addresses.map((address) => {
      const record = this.records.get(address.toString());
      if (!record) throw new Error(`no session with ${address.toString()}`);
      return record;
    });
  }
}

/** Trusts every identity on first use: identity checks are not what this bench measures. */
export class Identities extends Signal.IdentityKeyStore {
  private readonly known = new Map<string, Signal.PublicKey>();
  constructor(
    private readonly pair: Signal.IdentityKeyPair,
    private readonly registrationId: number,
  ) {
    super();
  }
  async getIdentityKey() {
    return this.pair.privateKey;
  }
  async getLocalRegistrationId() {
    return this.registrationId;
  }
  async saveIdentity(address: Signal.ProtocolAddress, key: Signal.PublicKey) {
    const previous = this.known.get(address.toString());
    this.known.set(address.toString(), key);
    return previous && !previous.equals(key)
      ? Signal.IdentityChange.ReplacedExisting
      : Signal.IdentityChange.NewOrUnchanged;
  }
  async isTrustedIdentity() {
    return true;
  }
  async getIdentity(address: Signal.ProtocolAddress) {
    return this.known.get(address.toString()) ?? null;
  }
}

/** One signed prekey, one one-time prekey, one last-resort Kyber key: enough for one session. */
export class PreKeys {
  readonly signed: Signal.SignedPreKeyRecord;
  readonly oneTime: Signal.PreKeyRecord;
  readonly kyber: Signal.KyberPreKeyRecord;
  constructor(identity: Signal.IdentityKeyPair) {
    const ec = Signal.PrivateKey.generate();
    const signature = identity.privateKey.sign(ec.getPublicKey().serialize());
    this.signed = Signal.SignedPreKeyRecord.new(1, Date.now(), ec.getPublicKey(), ec, signature);
    const oneTime = Signal.PrivateKey.generate();
    this.oneTime = Signal.PreKeyRecord.new(1, oneTime.getPublicKey(), oneTime);
    const kem = Signal.KEMKeyPair.generate();
    const kemSignature = identity.privateKey.sign(kem.getPublicKey().serialize());
    this.kyber = Signal.KyberPreKeyRecord.new(0xffffff, Date.now(), kem, kemSignature);
  }
  async savePreKey() {}
  async getPreKey() {
    return this.oneTime;
  }
  async removePreKey() {}
  async saveSignedPreKey() {}
  async getSignedPreKey() {
    return this.signed;
  }
  async saveKyberPreKey() {}
  async getKyberPreKey() {
    return this.kyber;
  }
  async markKyberPreKeyUsed() {}

  /** What the relay stores for this device (docs/relay-api.md, DeviceKeys). */
  published(registrationId: number): DeviceKeysJson {
    const signed = (record: Signal.SignedPreKeyRecord | Signal.KyberPreKeyRecord) => ({
      keyId: record.id(),
      publicKey: b64(record.publicKey().serialize()),
      signature: b64(record.signature()),
    });
    return {
      registrationId,
      signedPreKey: signed(this.signed),
      lastResortKyberPreKey: signed(this.kyber),
      oneTimePreKeys: [{ keyId: 1, publicKey: b64(this.oneTime.publicKey().serialize()) }],
    };
  }
}

export const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/** The relay's bundle (first device) as libsignal's PreKeyBundle; libsignal checks the signatures. */
export function bundleFromRelay(bundles: Bundles): Signal.PreKeyBundle {
  const device = bundles.devices[0];
  if (!device) throw new Error('the peer has no device');
  const bytes = (base64: string) => Buffer.from(base64, 'base64') as Uint8Array<ArrayBuffer>;
  const ec = (base64: string) => Signal.PublicKey.deserialize(bytes(base64));
  return Signal.PreKeyBundle.new(
    device.registrationId,
    device.deviceId,
    device.preKey?.keyId ?? null,
    device.preKey ? ec(device.preKey.publicKey) : null,
    device.signedPreKey.keyId,
    ec(device.signedPreKey.publicKey),
    bytes(device.signedPreKey.signature),
    ec(bundles.identityKey),
    device.kyberPreKey.keyId,
    Signal.KEMPublicKey.deserialize(bytes(device.kyberPreKey.publicKey)),
    bytes(device.kyberPreKey.signature),
  );
}
