/**
 * 1:1 sessions between two signal-ts devices (no native code, so this file also runs in Chromium):
 * setup, ordering, the limits, tampering, trust, restarts and archived-state promotion. The stores
 * keep records serialized, so every step also proves the records survive a restart.
 */
import { describe, expect, it } from 'vitest';
import { ProtocolAddress } from '../address.js';
import type { Bytes } from '../bytes.js';
import type { CiphertextMessage } from '../ciphertext-message.js';
import { CiphertextMessageType } from '../ciphertext-message.js';
import { MAX_FORWARD_JUMPS, MAX_UNACKNOWLEDGED_SESSION_AGE_MS } from '../consts.js';
import { IdentityKeyPair, PrivateKey } from '../curve/index.js';
import { ErrorCode, LibSignalErrorBase } from '../error.js';
import { KEMKeyPair } from '../kem/index.js';
import { PreKeySignalMessage, SignalMessage } from '../protocol-messages/index.js';
import { KyberPreKeyRecord, PreKeyRecord, SignedPreKeyRecord } from '../records/index.js';
import {
  InMemoryIdentityKeyStore,
  InMemoryKyberPreKeyStore,
  InMemoryPreKeyStore,
  InMemorySessionStore,
  InMemorySignedPreKeyStore,
  SessionStore,
} from '../storage/index.js';
import {
  PreKeyBundle,
  processPreKeyBundle,
  SessionRecord,
  signalDecrypt,
  signalDecryptPreKey,
  signalEncrypt,
} from './index.js';
import { PublicKey } from '../curve/index.js';

const encoder = new TextEncoder();

/**
 * A store that hands out the very record objects it keeps (as an app cache might, and as the
 * interop harness does): mutations of a returned record are visible to the next reader.
 */
class ObjectSessionStore extends SessionStore {
  readonly #records = new Map<string, SessionRecord>();

  async saveSession(name: ProtocolAddress, record: SessionRecord): Promise<void> {
    this.#records.set(name.toString(), record);
  }

  async getSession(name: ProtocolAddress): Promise<SessionRecord | null> {
    return this.#records.get(name.toString()) ?? null;
  }

  async getExistingSessions(addresses: ProtocolAddress[]): Promise<SessionRecord[]> {
    return addresses.map((address) => this.#records.get(address.toString())!);
  }
}

class Device {
  readonly address: ProtocolAddress;
  sessions: SessionStore = new InMemorySessionStore();
  readonly identities: InMemoryIdentityKeyStore;
  readonly preKeys = new InMemoryPreKeyStore();
  readonly signedPreKeys = new InMemorySignedPreKeyStore();
  readonly kyberPreKeys = new InMemoryKyberPreKeyStore();
  private nextId = 1;

  constructor(
    readonly identity: IdentityKeyPair = IdentityKeyPair.generate(),
    name: string = crypto.randomUUID(),
    deviceId = 1,
  ) {
    this.address = ProtocolAddress.new(name, deviceId);
    this.identities = new InMemoryIdentityKeyStore(identity, 1 + Math.floor(Math.random() * 16000));
  }

  async bundle(
    options: { oneTime?: boolean; forgeSigned?: boolean; forgeKyber?: boolean } = {},
  ): Promise<PreKeyBundle> {
    const signer = this.identity.privateKey;
    const signed = PrivateKey.generate();
    const signedId = this.nextId++;
    const signedSignature = signer.sign(signed.getPublicKey().serialize());
    await this.signedPreKeys.saveSignedPreKey(
      signedId,
      SignedPreKeyRecord.new(signedId, Date.now(), signed.getPublicKey(), signed, signedSignature),
    );
    const kyber = KEMKeyPair.generate();
    const kyberId = this.nextId++;
    const kyberSignature = signer.sign(kyber.getPublicKey().serialize());
    await this.kyberPreKeys.saveKyberPreKey(
      kyberId,
      KyberPreKeyRecord.new(kyberId, Date.now(), kyber, kyberSignature),
    );
    let oneTime: { id: number; key: PrivateKey } | null = null;
    if (options.oneTime ?? true) {
      oneTime = { id: this.nextId++, key: PrivateKey.generate() };
      await this.preKeys.savePreKey(
        oneTime.id,
        PreKeyRecord.new(oneTime.id, oneTime.key.getPublicKey(), oneTime.key),
      );
    }
    return PreKeyBundle.new(
      await this.identities.getLocalRegistrationId(),
      1,
      oneTime?.id ?? null,
      oneTime?.key.getPublicKey() ?? null,
      signedId,
      signed.getPublicKey(),
      options.forgeSigned === true ? flipBit(signedSignature, 5) : signedSignature,
      this.identity.publicKey,
      kyberId,
      kyber.getPublicKey(),
      options.forgeKyber === true ? flipBit(kyberSignature, 77) : kyberSignature,
    );
  }

  async initiate(peer: Device, bundle?: PreKeyBundle, now?: Date): Promise<void> {
    await processPreKeyBundle(
      bundle ?? (await peer.bundle()),
      peer.address,
      this.address,
      this.sessions,
      this.identities,
      now,
    );
  }

  encrypt(peer: Device, text: string, now?: Date): Promise<CiphertextMessage> {
    return signalEncrypt(
      encoder.encode(text),
      peer.address,
      this.address,
      this.sessions,
      this.identities,
      now,
    );
  }

  async decrypt(
    peer: Device,
    message: CiphertextMessage | { type(): number; serialize(): Bytes },
  ): Promise<Bytes> {
    if (message.type() === CiphertextMessageType.PreKey) {
      return signalDecryptPreKey(
        PreKeySignalMessage.deserialize(message.serialize()),
        peer.address,
        this.address,
        this.sessions,
        this.identities,
        this.preKeys,
        this.signedPreKeys,
        this.kyberPreKeys,
      );
    }
    return signalDecrypt(
      SignalMessage.deserialize(message.serialize()),
      peer.address,
      this.address,
      this.sessions,
      this.identities,
    );
  }

  async expectDecrypts(peer: Device, message: CiphertextMessage, text: string): Promise<void> {
    expect(new TextDecoder().decode(await this.decrypt(peer, message))).toBe(text);
  }
}

function flipBit(bytes: Uint8Array, bit: number): Bytes {
  const out = new Uint8Array(bytes);
  out[bit >> 3]! ^= 1 << (bit & 7);
  return out;
}

function withBody(
  message: CiphertextMessage,
  body: Uint8Array,
): { type(): number; serialize(): Bytes } {
  return { type: () => message.type(), serialize: () => new Uint8Array(body) };
}

async function errorCode(
  action: Promise<unknown>,
): Promise<ErrorCode | 'no error' | 'not a libsignal error'> {
  try {
    await action;
    return 'no error';
  } catch (error) {
    return error instanceof LibSignalErrorBase ? error.code : 'not a libsignal error';
  }
}

/**
 * Advances `from`'s sending chain and SPQR as if `count` messages had been sent and lost, without
 * paying for encrypting them (the receiver still walks every step).
 */
async function dropSent(
  from: Device,
  to: Device,
  count: number,
  options: { withPq: boolean },
): Promise<void> {
  const record = await from.sessions.getSession(to.address);
  const fields = record!._current()!.fields;
  for (let i = 0; i < count; i++) {
    fields.ratchet.senderChain.chainKey = fields.ratchet.senderChain.chainKey.next();
    if (options.withPq) fields.pq.send();
  }
  await from.sessions.saveSession(to.address, record!);
}

async function established(): Promise<{ alice: Device; bob: Device }> {
  const alice = new Device();
  const bob = new Device();
  await alice.initiate(bob);
  await bob.expectDecrypts(alice, await alice.encrypt(bob, 'hello'), 'hello');
  await alice.expectDecrypts(bob, await bob.encrypt(alice, 'hi'), 'hi');
  return { alice, bob };
}

describe('session setup', () => {
  it('wraps messages as PreKey messages until the peer replies, then sends Whisper messages', async () => {
    const alice = new Device();
    const bob = new Device();
    const bundle = await bob.bundle();
    await alice.initiate(bob, bundle);
    const first = await alice.encrypt(bob, 'one');
    const second = await alice.encrypt(bob, 'two');
    expect([first.type(), second.type()]).toEqual([
      CiphertextMessageType.PreKey,
      CiphertextMessageType.PreKey,
    ]);
    await bob.expectDecrypts(alice, second, 'two');
    await bob.expectDecrypts(alice, first, 'one');
    // The one-time prekey is consumed once the first PreKey message decrypts.
    await expect(bob.preKeys.getPreKey(bundle.preKeyId()!)).rejects.toThrow();
    await alice.expectDecrypts(bob, await bob.encrypt(alice, 'reply'), 'reply');
    expect((await alice.encrypt(bob, 'three')).type()).toBe(CiphertextMessageType.Whisper);
  });

  it('works without a one-time prekey', async () => {
    const alice = new Device();
    const bob = new Device();
    await alice.initiate(bob, await bob.bundle({ oneTime: false }));
    await bob.expectDecrypts(alice, await alice.encrypt(bob, 'no opk'), 'no opk');
    await alice.expectDecrypts(bob, await bob.encrypt(alice, 'ok'), 'ok');
  });

  it('refuses a bundle whose signed-prekey or Kyber-prekey signature is forged', async () => {
    const alice = new Device();
    const bob = new Device();
    expect(await errorCode(alice.initiate(bob, await bob.bundle({ forgeSigned: true })))).toBe(
      ErrorCode.Generic,
    );
    expect(await errorCode(alice.initiate(bob, await bob.bundle({ forgeKyber: true })))).toBe(
      ErrorCode.Generic,
    );
    expect(await alice.sessions.getSession(bob.address)).toBeNull();
  });

  it('stops sending on a PreKey session left unanswered for 30 days', async () => {
    const alice = new Device();
    const bob = new Device();
    const start = new Date('2026-01-01T00:00:00Z');
    await alice.initiate(bob, undefined, start);
    const late = new Date(start.getTime() + MAX_UNACKNOWLEDGED_SESSION_AGE_MS + 1000);
    const record = await alice.sessions.getSession(bob.address);
    expect(record?.hasCurrentState(start)).toBe(true);
    expect(record?.hasCurrentState(late)).toBe(false);
    expect(await errorCode(alice.encrypt(bob, 'too late', late))).toBe(ErrorCode.Generic);
  });
});

describe('ordering and limits', () => {
  it('decrypts out-of-order and late messages across DH steps, and reports replays as duplicates', async () => {
    const { alice, bob } = await established();
    const early = [
      await alice.encrypt(bob, 'a0'),
      await alice.encrypt(bob, 'a1'),
      await alice.encrypt(bob, 'a2'),
    ];
    await bob.expectDecrypts(alice, early[2]!, 'a2');
    // A DH step in each direction, then messages from the old chain arrive.
    await alice.expectDecrypts(bob, await bob.encrypt(alice, 'b0'), 'b0');
    await bob.expectDecrypts(alice, await alice.encrypt(bob, 'a3'), 'a3');
    await bob.expectDecrypts(alice, early[0]!, 'a0');
    await bob.expectDecrypts(alice, early[1]!, 'a1');
    expect(await errorCode(bob.decrypt(alice, early[1]!))).toBe(ErrorCode.DuplicatedMessage);
    expect(await errorCode(bob.decrypt(alice, early[2]!))).toBe(ErrorCode.DuplicatedMessage);
  });

  it(`walks a long jump, and refuses a chain jump beyond ${MAX_FORWARD_JUMPS}`, async () => {
    const { alice, bob } = await established();
    await dropSent(alice, bob, 5_000, { withPq: true });
    await bob.expectDecrypts(alice, await alice.encrypt(bob, 'far but fine'), 'far but fine');
    // The chain counter alone jumps past the limit (the check that fires first, as in libsignal).
    await dropSent(alice, bob, MAX_FORWARD_JUMPS + 1, { withPq: false });
    expect(await errorCode(bob.decrypt(alice, await alice.encrypt(bob, 'too far')))).toBe(
      ErrorCode.Generic,
    );
  });

  it('lifts the jump limits between two devices of our own account (note to self)', async () => {
    const identity = IdentityKeyPair.generate();
    const name = crypto.randomUUID();
    const phone = new Device(identity, name, 1);
    const laptop = new Device(identity, name, 2);
    await phone.initiate(laptop);
    await laptop.expectDecrypts(phone, await phone.encrypt(laptop, 'hello me'), 'hello me');
    await dropSent(phone, laptop, MAX_FORWARD_JUMPS + 5, { withPq: true });
    await laptop.expectDecrypts(phone, await phone.encrypt(laptop, 'far ahead'), 'far ahead');
  });

  it('keeps at most 2000 skipped keys: older skipped messages become undecryptable', async () => {
    const { alice, bob } = await established();
    const oldest = await alice.encrypt(bob, 'oldest');
    const kept = [];
    for (let i = 0; i < 2000; i++) kept.push(await alice.encrypt(bob, `m${i}`));
    await bob.expectDecrypts(alice, await alice.encrypt(bob, 'newest'), 'newest');
    expect(await errorCode(bob.decrypt(alice, oldest))).toBe(ErrorCode.DuplicatedMessage);
    await bob.expectDecrypts(alice, kept[0]!, 'm0');
  }, 120_000);

  it('keeps five receiving chains: a message from a sixth-oldest chain fails', async () => {
    const { alice, bob } = await established();
    const stale = await alice.encrypt(bob, 'stale');
    for (let i = 0; i < 6; i++) {
      await bob.expectDecrypts(alice, await alice.encrypt(bob, `ping ${i}`), `ping ${i}`);
      await alice.expectDecrypts(bob, await bob.encrypt(alice, `pong ${i}`), `pong ${i}`);
    }
    expect(await errorCode(bob.decrypt(alice, stale))).toBe(ErrorCode.Generic);
  });
});

describe('tampering and trust', () => {
  it('rejects a flipped bit anywhere in PreKey and Whisper messages, then the original decrypts', async () => {
    const alice = new Device();
    const bob = new Device();
    await alice.initiate(bob);
    const preKey = await alice.encrypt(bob, 'prekey');
    const body = preKey.serialize();
    const original = PreKeySignalMessage.deserialize(body);
    // Every bit of the version byte, every 3rd bit of the other header fields (ids, base key,
    // identity key), every 7th of the inner SignalMessage (tampered exhaustively below as a Whisper
    // message) and every 61st of the 1569-byte Kyber ciphertext (the last field): each attempt costs
    // a decapsulation. test/interop flips every bit, against native too.
    const kyberStart = body.length - 1569;
    const stride = (bit: number): number =>
      bit < 8 ? 1 : bit < 80 * 8 ? 3 : bit < kyberStart * 8 ? 7 : 61;
    let toleratedFlips = 0;
    for (let bit = 0; bit < body.length * 8; bit += stride(bit)) {
      const tampered = flipBit(body, bit);
      const code = await errorCode(bob.decrypt(alice, withBody(preKey, tampered)));
      if (code === 'no error') {
        // Only the registration id and the low ("current version") nibble of the version byte are
        // outside every MAC and KDF input; native accepts those flips too.
        const parsed = PreKeySignalMessage.deserialize(tampered);
        const unauthenticated = bit < 4 || parsed.registrationId() !== original.registrationId();
        expect(unauthenticated, `PreKey bit ${bit} accepted`).toBe(true);
        toleratedFlips += 1;
        continue;
      }
      expect(code, `PreKey bit ${bit}`).not.toBe('not a libsignal error');
    }
    if (toleratedFlips === 0) await bob.expectDecrypts(alice, preKey, 'prekey');
    else expect(await errorCode(bob.decrypt(alice, preKey))).toBe(ErrorCode.DuplicatedMessage);

    const whisper = await bob.encrypt(alice, 'whisper');
    const wbody = whisper.serialize();
    for (let bit = 0; bit < wbody.length * 8; bit++) {
      const code = await errorCode(alice.decrypt(bob, withBody(whisper, flipBit(wbody, bit))));
      expect(code, `Whisper bit ${bit}`).toBe(ErrorCode.Generic);
    }
    await alice.expectDecrypts(bob, whisper, 'whisper');
  }, 300_000);

  it('refuses a changed identity as untrusted in both directions until approved', async () => {
    const { alice, bob } = await established();
    const newBob = new Device(IdentityKeyPair.generate(), bob.address.name());
    // newBob (same address, new identity key) starts a session with alice.
    await newBob.initiate(alice);
    const message = await newBob.encrypt(alice, 'new key');
    expect(await errorCode(alice.decrypt(newBob, message))).toBe(ErrorCode.UntrustedIdentity);
    expect(await errorCode(alice.initiate(newBob))).toBe(ErrorCode.UntrustedIdentity);
    // The user approves the new key: now both directions work.
    await alice.identities.saveIdentity(newBob.address, newBob.identity.publicKey);
    await alice.expectDecrypts(newBob, message, 'new key');
    await newBob.expectDecrypts(alice, await alice.encrypt(newBob, 'welcome'), 'welcome');
  });

  it('binds service-id addresses: delivered to another device of the right account, it fails', async () => {
    const alice = new Device();
    const bob = new Device();
    await alice.initiate(bob);
    const message = await alice.encrypt(bob, 'for device 1');
    const elsewhere = ProtocolAddress.new(bob.address.name(), 2);
    const sessions = bob.sessions;
    const code = await errorCode(
      signalDecryptPreKey(
        PreKeySignalMessage.deserialize(message.serialize()),
        alice.address,
        elsewhere,
        sessions,
        bob.identities,
        bob.preKeys,
        bob.signedPreKeys,
        bob.kyberPreKeys,
      ),
    );
    expect(code).toBe(ErrorCode.Generic);
    await bob.expectDecrypts(alice, message, 'for device 1');
  });
});

describe('session records', () => {
  it('a refused message leaves a record object kept by the store untouched', async () => {
    const alice = new Device();
    const bob = new Device();
    bob.sessions = new ObjectSessionStore();
    await alice.initiate(bob);
    const first = await alice.encrypt(bob, 'first');
    await bob.expectDecrypts(alice, first, 'first');
    await alice.expectDecrypts(bob, await bob.encrypt(alice, 'reply'), 'reply');
    // Alice starts over: Bob's first session is archived when the new PreKey message arrives.
    await alice.initiate(bob);
    await bob.expectDecrypts(alice, await alice.encrypt(bob, 'second session'), 'second session');
    const stored = async () => (await bob.sessions.getSession(alice.address))!.serialize();
    const before = await stored();
    // The first PreKey message again: it matches the archived session, where it is a duplicate.
    expect(await errorCode(bob.decrypt(alice, first))).toBe(ErrorCode.DuplicatedMessage);
    expect(await stored()).toEqual(before);
    // A message that decrypts but whose sender is no longer trusted changes nothing either.
    const whisper = await alice.encrypt(bob, 'while distrusted');
    const approved = await bob.identities.getIdentity(alice.address);
    await bob.identities.saveIdentity(alice.address, PrivateKey.generate().getPublicKey());
    expect(await errorCode(bob.decrypt(alice, whisper))).toBe(ErrorCode.UntrustedIdentity);
    expect(await stored()).toEqual(before);
    await bob.identities.saveIdentity(alice.address, approved!);
    await bob.expectDecrypts(alice, whisper, 'while distrusted');
  });

  it('archives on reset and promotes an archived state that decrypts a late message', async () => {
    const { alice, bob } = await established();
    const late = await alice.encrypt(bob, 'late from the old session');
    // Alice starts over (e.g. reinstall): a new PQXDH session supersedes the old one at both ends.
    const record = await alice.sessions.getSession(bob.address);
    record!.archiveCurrentState();
    expect(record!.hasCurrentState()).toBe(false);
    await alice.sessions.saveSession(bob.address, record!);
    await alice.initiate(bob);
    await bob.expectDecrypts(alice, await alice.encrypt(bob, 'new session'), 'new session');
    // The late message of the old session still decrypts, from bob's archive, which it promotes.
    await bob.expectDecrypts(alice, late, 'late from the old session');
    const bobRecord = await bob.sessions.getSession(alice.address);
    expect(bobRecord!.remoteRegistrationId()).toBe(await alice.identities.getLocalRegistrationId());
    expect(bobRecord!.localRegistrationId()).toBe(await bob.identities.getLocalRegistrationId());
  });

  it('rejects garbage as a session record with a libsignal error', () => {
    for (const bytes of [
      Uint8Array.of(0xff, 0xff),
      Uint8Array.of(10, 3, 1, 2, 3),
      Uint8Array.of(0x0a, 0x50),
    ]) {
      let caught: unknown;
      try {
        SessionRecord.deserialize(bytes);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(LibSignalErrorBase);
    }
  });

  it('matches the current ratchet key', async () => {
    const { alice, bob } = await established();
    const message = SignalMessage.deserialize((await alice.encrypt(bob, 'x')).serialize());
    const record = await alice.sessions.getSession(bob.address);
    const current = PublicKey.deserialize(message._fields().senderRatchetKey);
    expect(record!.currentRatchetKeyMatches(current)).toBe(true);
    expect(record!.currentRatchetKeyMatches(PrivateKey.generate().getPublicKey())).toBe(false);
  });
});
