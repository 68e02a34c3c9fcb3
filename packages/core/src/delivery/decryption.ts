import { EnvelopeType, type Envelope } from '@parley/protocol';
import type { ProtocolAddress, SignalEngine } from '../crypto/engine.js';
import type { SessionLock } from '../crypto/session-lock.js';
import type { SessionRow } from '../store/database.js';
import type { SignalStores } from '../store/signal-stores.js';
import type { EnvelopeDecryption, Sender } from './inbox.js';
import { isEngineError } from './sessions.js';

export interface SignalDecryptionDeps {
  engine: SignalEngine;
  stores: SignalStores;
  /** Serializes session use with the outbox's encryptions. */
  lock: SessionLock;
  /** This device's address; throws before registration. */
  local(): ProtocolAddress;
}

/** Where a received envelope is decrypted: the Signal engine's 1:1 (PreKey)SignalMessage decryption. */
export class SignalDecryption implements EnvelopeDecryption {
  private readonly engine: SignalEngine;
  private readonly stores: SignalStores;
  private readonly lock: SessionLock;
  private readonly local: () => ProtocolAddress;

  constructor(deps: SignalDecryptionDeps) {
    this.engine = deps.engine;
    this.stores = deps.stores;
    this.lock = deps.lock;
    this.local = () => deps.local();
  }

  isDuplicate(error: unknown): boolean {
    return isEngineError(this.engine, error, 'DuplicatedMessage');
  }

  commitSessionsWith(commit: (sessions: SessionRow[]) => Promise<void>): Promise<void> {
    return this.stores.commitSessionsWith(commit);
  }

  decrypt(envelope: Envelope, sender: Sender): Promise<Uint8Array> {
    const engine = this.engine;
    const from = engine.ProtocolAddress.new(sender.accountId, sender.deviceId);
    const content = envelope.content as Uint8Array<ArrayBuffer>;
    return this.lock.run(async () => {
      switch (envelope.type) {
        case EnvelopeType.PREKEY_MESSAGE:
          return engine.signalDecryptPreKey(
            engine.PreKeySignalMessage.deserialize(content),
            from,
            this.local(),
            this.stores,
            this.stores,
            this.stores,
            this.stores,
            this.stores,
          );
        case EnvelopeType.SIGNAL_MESSAGE:
          return engine.signalDecrypt(
            engine.SignalMessage.deserialize(content),
            from,
            this.local(),
            this.stores,
            this.stores,
          );
        case EnvelopeType.SENDER_KEY_MESSAGE:
          // One ciphertext for every member device, under the sender's sender key (decision 0610).
          return engine.groupDecrypt(from, this.stores, content);
        default:
          throw new Error(`unsupported envelope type ${envelope.type}`);
      }
    });
  }
}
