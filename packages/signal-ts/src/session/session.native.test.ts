/**
 * Direct cross-checks of 1:1 sessions with libsignal-client (the reference): a signal-ts initiator
 * with a native responder and the reverse, long alternating conversations with lost and reordered
 * messages, and the signal-ts side restarted from its serialized record mid-conversation.
 * (Node only: loads the native addon. The full matrix lives in test/interop.)
 */
import * as native from '@signalapp/libsignal-client';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberLE, numberToBytesLE } from '@noble/curves/utils.js';
import { describe, expect, it } from 'vitest';
import { ProtocolAddress } from '../address.js';
import type { Bytes } from '../bytes.js';
import { IdentityKeyPair, PrivateKey, PublicKey } from '../curve/index.js';
import { montgomeryToEdwards } from '../curve/xeddsa.js';
import { KEMPublicKey } from '../kem/index.js';
import { PreKeySignalMessage, SignalMessage } from '../protocol-messages/index.js';
import {
  InMemoryIdentityKeyStore,
  InMemoryKyberPreKeyStore,
  InMemoryPreKeyStore,
  InMemorySessionStore,
  InMemorySignedPreKeyStore,
} from '../storage/index.js';
import {
  PreKeyBundle,
  processPreKeyBundle,
  SessionRecord,
  signalDecrypt,
  signalDecryptPreKey,
  signalEncrypt,
} from './index.js';

interface Wire {
  readonly type: number;
  readonly body: Bytes;
}

interface Peer {
  readonly name: string;
  encrypt(to: Peer, text: string): Promise<Wire>;
  decrypt(from: Peer, wire: Wire): Promise<string>;
  /** Serializes and reloads every record this peer holds (an app restart). */
  restart(): Promise<void>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A native device publishing a bundle that the signal-ts side consumes as bytes. */
class NativePeer implements Peer {
  readonly name = crypto.randomUUID();
  readonly identity = native.IdentityKeyPair.generate();
  readonly registrationId = 4242;
  readonly sessions = new Map<string, native.SessionRecord>();
  readonly known = new Map<string, native.PublicKey>();
  readonly preKeys = new Map<number, native.PreKeyRecord>();
  readonly signed = new Map<number, native.SignedPreKeyRecord>();
  readonly kyber = new Map<number, native.KyberPreKeyRecord>();
  private readonly stores = this.makeStores();

  address(): native.ProtocolAddress {
    return native.ProtocolAddress.new(this.name, 1);
  }

  bundleBytes() {
    const spk = native.PrivateKey.generate();
    const kem = native.KEMKeyPair.generate();
    const opk = native.PrivateKey.generate();
    const spkSig = this.identity.privateKey.sign(spk.getPublicKey().serialize());
    const kemSig = this.identity.privateKey.sign(kem.getPublicKey().serialize());
    this.signed.set(
      1,
      native.SignedPreKeyRecord.new(1, Date.now(), spk.getPublicKey(), spk, spkSig),
    );
    this.kyber.set(2, native.KyberPreKeyRecord.new(2, Date.now(), kem, kemSig));
    this.preKeys.set(3, native.PreKeyRecord.new(3, opk.getPublicKey(), opk));
    return {
      identity: this.identity.publicKey.serialize(),
      spk: spk.getPublicKey().serialize(),
      spkSig,
      kem: kem.getPublicKey().serialize(),
      kemSig,
      opk: opk.getPublicKey().serialize(),
    };
  }

  async initiate(peer: TsPeer): Promise<void> {
    const b = await peer.bundleBytes();
    const bundle = native.PreKeyBundle.new(
      peer.registrationId,
      1,
      3,
      native.PublicKey.deserialize(b.opk),
      1,
      native.PublicKey.deserialize(b.spk),
      b.spkSig,
      native.PublicKey.deserialize(b.identity),
      2,
      native.KEMPublicKey.deserialize(b.kem),
      b.kemSig,
    );
    await native.processPreKeyBundle(
      bundle,
      addressOf(peer),
      this.address(),
      this.stores.sessions,
      this.stores.identities,
    );
  }

  async encrypt(to: Peer, text: string): Promise<Wire> {
    const m = await native.signalEncrypt(
      encoder.encode(text),
      addressOf(to),
      this.address(),
      this.stores.sessions,
      this.stores.identities,
    );
    return { type: m.type(), body: m.serialize() };
  }

  async decrypt(from: Peer, wire: Wire): Promise<string> {
    const s = this.stores;
    const plaintext =
      wire.type === native.CiphertextMessageType.PreKey
        ? await native.signalDecryptPreKey(
            native.PreKeySignalMessage.deserialize(wire.body),
            addressOf(from),
            this.address(),
            s.sessions,
            s.identities,
            s.preKeys,
            s.signed,
            s.kyber,
          )
        : await native.signalDecrypt(
            native.SignalMessage.deserialize(wire.body),
            addressOf(from),
            this.address(),
            s.sessions,
            s.identities,
          );
    return decoder.decode(plaintext);
  }

  async restart(): Promise<void> {
    for (const [key, record] of this.sessions)
      this.sessions.set(key, native.SessionRecord.deserialize(record.serialize()));
  }

  private makeStores() {
    return storesFor(this);
  }
}

/** libsignal's abstract stores over the peer's maps. */
function storesFor(self: NativePeer) {
  return {
    sessions: new (class extends native.SessionStore {
      async saveSession(a: native.ProtocolAddress, r: native.SessionRecord) {
        self.sessions.set(a.toString(), r);
      }
      async getSession(a: native.ProtocolAddress) {
        return self.sessions.get(a.toString()) ?? null;
      }
      async getExistingSessions(): Promise<native.SessionRecord[]> {
        return [];
      }
    })(),
    identities: new (class extends native.IdentityKeyStore {
      async getIdentityKey() {
        return self.identity.privateKey;
      }
      async getLocalRegistrationId() {
        return self.registrationId;
      }
      async saveIdentity(a: native.ProtocolAddress, k: native.PublicKey) {
        self.known.set(a.toString(), k);
        return native.IdentityChange.NewOrUnchanged;
      }
      async isTrustedIdentity(a: native.ProtocolAddress, k: native.PublicKey) {
        return self.known.get(a.toString())?.equals(k) ?? true;
      }
      async getIdentity(a: native.ProtocolAddress) {
        return self.known.get(a.toString()) ?? null;
      }
    })(),
    preKeys: new (class extends native.PreKeyStore {
      async savePreKey() {}
      async getPreKey(id: number) {
        return self.preKeys.get(id)!;
      }
      async removePreKey(id: number) {
        self.preKeys.delete(id);
      }
    })(),
    signed: new (class extends native.SignedPreKeyStore {
      async saveSignedPreKey() {}
      async getSignedPreKey(id: number) {
        return self.signed.get(id)!;
      }
    })(),
    kyber: new (class extends native.KyberPreKeyStore {
      async saveKyberPreKey() {}
      async getKyberPreKey(id: number) {
        return self.kyber.get(id)!;
      }
      async markKyberPreKeyUsed() {}
    })(),
  };
}

class TsPeer implements Peer {
  readonly name = crypto.randomUUID();
  readonly identity = IdentityKeyPair.generate();
  readonly registrationId = 777;
  sessions = new InMemorySessionStore();
  readonly identities = new InMemoryIdentityKeyStore(this.identity, this.registrationId);
  readonly preKeys = new InMemoryPreKeyStore();
  readonly signed = new InMemorySignedPreKeyStore();
  readonly kyber = new InMemoryKyberPreKeyStore();

  address(): ProtocolAddress {
    return ProtocolAddress.new(this.name, 1);
  }

  async bundleBytes() {
    const { KEMKeyPair } = await import('../kem/index.js');
    const { KyberPreKeyRecord, PreKeyRecord, SignedPreKeyRecord } =
      await import('../records/index.js');
    const spk = PrivateKey.generate();
    const kem = KEMKeyPair.generate();
    const opk = PrivateKey.generate();
    const spkSig = this.identity.privateKey.sign(spk.getPublicKey().serialize());
    const kemSig = this.identity.privateKey.sign(kem.getPublicKey().serialize());
    await this.signed.saveSignedPreKey(
      1,
      SignedPreKeyRecord.new(1, Date.now(), spk.getPublicKey(), spk, spkSig),
    );
    await this.kyber.saveKyberPreKey(2, KyberPreKeyRecord.new(2, Date.now(), kem, kemSig));
    await this.preKeys.savePreKey(3, PreKeyRecord.new(3, opk.getPublicKey(), opk));
    return {
      identity: this.identity.publicKey.serialize(),
      spk: spk.getPublicKey().serialize(),
      spkSig,
      kem: kem.getPublicKey().serialize(),
      kemSig,
      opk: opk.getPublicKey().serialize(),
    };
  }

  async initiate(peer: NativePeer): Promise<void> {
    const b = peer.bundleBytes();
    const bundle = PreKeyBundle.new(
      peer.registrationId,
      1,
      3,
      PublicKey.deserialize(b.opk),
      1,
      PublicKey.deserialize(b.spk),
      b.spkSig,
      PublicKey.deserialize(b.identity),
      2,
      KEMPublicKey.deserialize(b.kem),
      b.kemSig,
    );
    await processPreKeyBundle(
      bundle,
      ProtocolAddress.new(peer.name, 1),
      this.address(),
      this.sessions,
      this.identities,
    );
  }

  async encrypt(to: Peer, text: string): Promise<Wire> {
    const m = await signalEncrypt(
      encoder.encode(text),
      ProtocolAddress.new(to.name, 1),
      this.address(),
      this.sessions,
      this.identities,
    );
    return { type: m.type(), body: m.serialize() };
  }

  async decrypt(from: Peer, wire: Wire): Promise<string> {
    const address = ProtocolAddress.new(from.name, 1);
    const plaintext =
      wire.type === 3
        ? await signalDecryptPreKey(
            PreKeySignalMessage.deserialize(wire.body),
            address,
            this.address(),
            this.sessions,
            this.identities,
            this.preKeys,
            this.signed,
            this.kyber,
          )
        : await signalDecrypt(
            SignalMessage.deserialize(wire.body),
            address,
            this.address(),
            this.sessions,
            this.identities,
          );
    return decoder.decode(plaintext);
  }

  /** The in-memory store already keeps records serialized; a new store proves nothing is cached. */
  async restart(): Promise<void> {
    const fresh = new InMemorySessionStore();
    for (const peerName of this.peersSeen) {
      const address = ProtocolAddress.new(peerName, 1);
      const record = await this.sessions.getSession(address);
      if (record !== null)
        await fresh.saveSession(address, SessionRecord.deserialize(record.serialize()));
    }
    this.sessions = fresh;
  }

  readonly peersSeen = new Set<string>();
}

function addressOf(peer: Peer): native.ProtocolAddress {
  return native.ProtocolAddress.new(peer.name, 1);
}

/**
 * Alternating turns; in each turn the sender sends three messages, delivered last-first with the
 * middle one held back for two more turns (two DH steps: within the five receiving chains kept);
 * restarts the ts side every fourth turn.
 */
async function converse(
  initiator: Peer,
  responder: Peer,
  ts: TsPeer,
  turns: number,
): Promise<void> {
  const lost: { from: Peer; to: Peer; wire: Wire; text: string }[] = [];
  let [from, to] = [initiator, responder];
  for (let turn = 0; turn < turns; turn++) {
    const texts = [0, 1, 2].map((i) => `turn ${turn} message ${i}`);
    const wires = [];
    for (const text of texts) wires.push(await from.encrypt(to, text));
    expect(await to.decrypt(from, wires[2]!)).toBe(texts[2]);
    expect(await to.decrypt(from, wires[0]!)).toBe(texts[0]);
    lost.push({ from, to, wire: wires[1]!, text: texts[1]! });
    if (lost.length > 2) {
      const late = lost.shift()!;
      expect(await late.to.decrypt(late.from, late.wire)).toBe(late.text);
    }
    if (turn % 4 === 3) await ts.restart();
    [from, to] = [to, from];
  }
  for (const late of lost) expect(await late.to.decrypt(late.from, late.wire)).toBe(late.text);
}

describe('1:1 sessions against native', () => {
  it('signal-ts initiator, native responder: both directions for 20 turns with loss, reordering and restarts', async () => {
    const ts = new TsPeer();
    const nat = new NativePeer();
    ts.peersSeen.add(nat.name);
    await ts.initiate(nat);
    const first = await ts.encrypt(nat, 'first');
    expect(first.type).toBe(3);
    expect(await nat.decrypt(ts, first)).toBe('first');
    await converse(nat, ts, ts, 20);
  });

  it('native initiator, signal-ts responder: both directions for 20 turns with loss, reordering and restarts', async () => {
    const ts = new TsPeer();
    const nat = new NativePeer();
    ts.peersSeen.add(nat.name);
    await nat.initiate(ts);
    const first = await nat.encrypt(ts, 'first');
    expect(first.type).toBe(3);
    expect(await ts.decrypt(nat, first)).toBe('first');
    expect(await ts.preKeys.getPreKey(3).catch(() => 'consumed')).toBe('consumed');
    await converse(ts, nat, ts, 20);
  });

  it('a message that native encrypted for a tampered-with MAC key is refused by signal-ts, then the original passes', async () => {
    const ts = new TsPeer();
    const nat = new NativePeer();
    ts.peersSeen.add(nat.name);
    await nat.initiate(ts);
    expect(await ts.decrypt(nat, await nat.encrypt(ts, 'hello'))).toBe('hello');
    expect(await nat.decrypt(ts, await ts.encrypt(nat, 'hi'))).toBe('hi');
    const wire = await nat.encrypt(ts, 'mac');
    const tampered = new Uint8Array(wire.body);
    tampered[tampered.length - 1]! ^= 0x80;
    await expect(ts.decrypt(nat, { type: wire.type, body: tampered })).rejects.toThrow(
      /decryption failed/,
    );
    expect(await ts.decrypt(nat, wire)).toBe('mac');
    await expect(ts.decrypt(nat, wire)).rejects.toMatchObject({ code: 1 });
  });

  it('both engines refuse a PreKey message whose base key is re-encoded non-canonically', async () => {
    // Same X25519 results, different bytes: bit 255 set, or a low-order point added (clamping
    // kills it). libsignal refuses both before any agreement; so must signal-ts.
    const variants = (baseKey: Uint8Array): Uint8Array[] => {
      const highBit = new Uint8Array(baseKey);
      highBit[32]! |= 0x80;
      const Fp = ed25519.Point.Fp;
      const point = montgomeryToEdwards(baseKey.subarray(1), 0)!;
      const twisted = point.add(ed25519.Point.fromBytes(new Uint8Array(32))).toAffine();
      const u = Fp.div(Fp.add(Fp.ONE, twisted.y), Fp.sub(Fp.ONE, twisted.y));
      return [highBit, Uint8Array.of(0x05, ...numberToBytesLE(u, 32))];
    };
    const rebuilt = (bytes: Uint8Array, baseKey: Uint8Array): Wire => {
      const f = PreKeySignalMessage.deserialize(bytes)._fields();
      const raw = { serialize: () => baseKey };
      const identity = { serialize: () => f.identityKey };
      const body = PreKeySignalMessage._new(
        4,
        f.registrationId,
        f.preKeyId,
        f.signedPreKeyId,
        raw,
        identity,
        f.message,
        f.kyber,
      ).serialize();
      return { type: 3, body };
    };

    const ts = new TsPeer();
    const nat = new NativePeer();
    ts.peersSeen.add(nat.name);
    await ts.initiate(nat);
    const toNative = await ts.encrypt(nat, 'to native');
    await nat.initiate(ts);
    const toTs = await nat.encrypt(ts, 'to ts');
    for (const [receiver, sender, wire, text] of [
      [nat, ts, toNative, 'to native'],
      [ts, nat, toTs, 'to ts'],
    ] as const) {
      const baseKey = PreKeySignalMessage.deserialize(wire.body)._fields().baseKey;
      expect(bytesToNumberLE(baseKey.subarray(1))).toBeGreaterThan(0n);
      for (const variant of variants(baseKey)) {
        await expect(receiver.decrypt(sender, rebuilt(wire.body, variant))).rejects.toThrow(
          /invalid/,
        );
      }
      expect(await receiver.decrypt(sender, wire)).toBe(text);
    }
  });
});
