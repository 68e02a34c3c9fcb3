import type { PreKeyBundle, ProtocolAddress, SignalEngine } from '../../src/crypto/engine.js';
import {
  generateKyberPreKey,
  generatePreKeys,
  generateRegistrationId,
  generateSignedPreKey,
} from '../../src/crypto/prekeys.js';
import { ParleyDatabase } from '../../src/store/database.js';
import { SignalStores } from '../../src/store/signal-stores.js';

let counter = 0;

/** One device for engine contract tests: its own database, stores and published keys. */
export interface Party {
  address: ProtocolAddress;
  stores: SignalStores;
  db: ParleyDatabase;
  bundle(withOneTimePreKey?: boolean): Promise<PreKeyBundle>;
}

export async function createParty(
  engine: SignalEngine,
  accountId: string,
  deviceId = 1,
): Promise<Party> {
  const db = new ParleyDatabase(`engine-contract-${process.pid}-${++counter}`);
  const identity = engine.IdentityKeyPair.generate();
  const registrationId = generateRegistrationId();
  await db.account.put({
    key: 'self',
    accountId,
    username: accountId,
    deviceId,
    password: 'unused',
    registrationId,
    identityKeyPair: identity.serialize(),
    nextPreKeyId: 1,
    nextKyberPreKeyId: 1,
  });
  const stores = new SignalStores(db, engine);
  let nextId = 1;
  const bundle = async (withOneTimePreKey = true): Promise<PreKeyBundle> => {
    const id = nextId++;
    const signed = generateSignedPreKey(engine, identity, id);
    const kyber = generateKyberPreKey(engine, identity, id);
    await stores.saveSignedPreKey(id, signed);
    await stores.saveKyberPreKey(id, kyber);
    const [preKey] = generatePreKeys(engine, id, 1);
    if (!preKey) throw new Error('no prekey generated');
    if (withOneTimePreKey) await stores.savePreKey(id, preKey);
    return engine.PreKeyBundle.new(
      registrationId,
      deviceId,
      withOneTimePreKey ? id : null,
      withOneTimePreKey ? preKey.publicKey() : null,
      id,
      signed.publicKey(),
      signed.signature(),
      identity.publicKey,
      id,
      kyber.publicKey(),
      kyber.signature(),
    );
  };
  return { address: engine.ProtocolAddress.new(accountId, deviceId), stores, db, bundle };
}
