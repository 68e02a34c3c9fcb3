import { describe, expect, it } from 'vitest';
import type { CiphertextMessage, SignalEngine } from '../../src/crypto/engine.js';
import { engines } from './engines.js';
import { createParty, type Party } from './party.js';

const text = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array) => new TextDecoder().decode(b);

function errorCode(error: unknown): unknown {
  return (error as { code?: unknown }).code;
}

describe.each(engines)('SignalEngine contract: $name', ({ engine }) => {
  async function decrypt(
    engineUsed: SignalEngine,
    to: Party,
    from: Party,
    message: CiphertextMessage,
  ) {
    const bytes = message.serialize();
    if (message.type() === engineUsed.CiphertextMessageType.PreKey) {
      return engineUsed.signalDecryptPreKey(
        engineUsed.PreKeySignalMessage.deserialize(bytes),
        from.address,
        to.address,
        to.stores,
        to.stores,
        to.stores,
        to.stores,
        to.stores,
      );
    }
    return engineUsed.signalDecrypt(
      engineUsed.SignalMessage.deserialize(bytes),
      from.address,
      to.address,
      to.stores,
      to.stores,
    );
  }

  const encrypt = (from: Party, to: Party, plaintext: string) =>
    engine.signalEncrypt(text(plaintext), to.address, from.address, from.stores, from.stores);

  async function pair(withOneTimePreKey = true) {
    const alice = await createParty(engine, crypto.randomUUID());
    const bob = await createParty(engine, crypto.randomUUID());
    await engine.processPreKeyBundle(
      await bob.bundle(withOneTimePreKey),
      bob.address,
      alice.address,
      alice.stores,
      alice.stores,
    );
    return { alice, bob };
  }

  it('generates, serializes and restores keys; signatures verify and tampering is detected', () => {
    const identity = engine.IdentityKeyPair.generate();
    const restored = engine.IdentityKeyPair.deserialize(identity.serialize());
    expect(restored.publicKey.equals(identity.publicKey)).toBe(true);
    expect(identity.publicKey.serialize()).toHaveLength(33);

    const signature = identity.privateKey.sign(text('prekey'));
    expect(restored.publicKey.verify(text('prekey'), signature)).toBe(true);
    expect(restored.publicKey.verify(text('prekex'), signature)).toBe(false);
    const forged = signature.slice();
    forged[5] = (forged[5] ?? 0) ^ 1;
    expect(restored.publicKey.verify(text('prekey'), forged)).toBe(false);

    const a = engine.PrivateKey.generate();
    const b = engine.PrivateKey.generate();
    expect(a.agree(b.getPublicKey())).toEqual(b.agree(a.getPublicKey()));
    const kem = engine.KEMKeyPair.generate();
    expect(engine.KEMPublicKey.deserialize(kem.getPublicKey().serialize()).serialize()[0]).toBe(
      0x08,
    );
  });

  it.each([true, false])(
    'sets up a session from a bundle (one-time prekey: %s) and talks both ways',
    async (withOneTimePreKey) => {
      const { alice, bob } = await pair(withOneTimePreKey);
      const first = await encrypt(alice, bob, 'hello bob');
      expect(first.type()).toBe(engine.CiphertextMessageType.PreKey);
      const second = await encrypt(alice, bob, 'still there?');
      expect(str(await decrypt(engine, bob, alice, first))).toBe('hello bob');
      expect(str(await decrypt(engine, bob, alice, second))).toBe('still there?');
      if (withOneTimePreKey) expect(await bob.db.preKeys.count()).toBe(0);

      const reply = await encrypt(bob, alice, 'hi alice');
      expect(reply.type()).toBe(engine.CiphertextMessageType.Whisper);
      expect(str(await decrypt(engine, alice, bob, reply))).toBe('hi alice');
      const next = await encrypt(alice, bob, 'ratcheted');
      expect(next.type()).toBe(engine.CiphertextMessageType.Whisper);
      expect(str(await decrypt(engine, bob, alice, next))).toBe('ratcheted');
    },
  );

  it('rejects a tampered message and keeps the session working', async () => {
    const { alice, bob } = await pair();
    await decrypt(engine, bob, alice, await encrypt(alice, bob, 'setup'));
    await decrypt(engine, alice, bob, await encrypt(bob, alice, 'ack'));

    const message = await encrypt(alice, bob, 'secret');
    const bytes = message.serialize();
    bytes[bytes.length - 12] = (bytes[bytes.length - 12] ?? 0) ^ 0x40;
    await expect(
      engine.signalDecrypt(
        engine.SignalMessage.deserialize(bytes),
        alice.address,
        bob.address,
        bob.stores,
        bob.stores,
      ),
    ).rejects.toThrow();
    expect(str(await decrypt(engine, bob, alice, message))).toBe('secret');
    expect(str(await decrypt(engine, bob, alice, await encrypt(alice, bob, 'after')))).toBe(
      'after',
    );
  });

  it('reports a replayed message as DuplicatedMessage', async () => {
    const { alice, bob } = await pair();
    await decrypt(engine, bob, alice, await encrypt(alice, bob, 'setup'));
    await decrypt(engine, alice, bob, await encrypt(bob, alice, 'ack'));
    const message = await encrypt(alice, bob, 'once');
    await decrypt(engine, bob, alice, message);
    const replay = decrypt(engine, bob, alice, message);
    await expect(replay).rejects.toSatisfy(
      (e) => errorCode(e) === engine.ErrorCode.DuplicatedMessage,
    );
  });

  it('decrypts out-of-order messages', async () => {
    const { alice, bob } = await pair();
    await decrypt(engine, bob, alice, await encrypt(alice, bob, 'setup'));
    await decrypt(engine, alice, bob, await encrypt(bob, alice, 'ack'));
    const messages = [];
    for (let i = 0; i < 5; i++) messages.push(await encrypt(alice, bob, `m${i}`));
    const order = [3, 0, 4, 1, 2];
    const got = [];
    for (const i of order) got.push(str(await decrypt(engine, bob, alice, messages[i]!)));
    expect(got).toEqual(order.map((i) => `m${i}`));
  });

  it('refuses a changed identity key for sending until it is saved', async () => {
    const { alice, bob } = await pair();
    await decrypt(engine, bob, alice, await encrypt(alice, bob, 'setup'));
    const bobAgain = await createParty(engine, bob.address.name());
    const newBundle = await bobAgain.bundle();
    const attempt = engine.processPreKeyBundle(
      newBundle,
      bob.address,
      alice.address,
      alice.stores,
      alice.stores,
    );
    await expect(attempt).rejects.toSatisfy(
      (e) => errorCode(e) === engine.ErrorCode.UntrustedIdentity,
    );

    const change = await alice.stores.saveIdentity(bob.address, newBundle.identityKey());
    expect(change).toBe(engine.IdentityChange.ReplacedExisting);
    await engine.processPreKeyBundle(
      newBundle,
      bob.address,
      alice.address,
      alice.stores,
      alice.stores,
    );
    expect(
      str(await decrypt(engine, bobAgain, alice, await encrypt(alice, bobAgain, 'new key'))),
    ).toBe('new key');
  });

  it('sender keys: distribute, encrypt, decrypt out of order, detect tampering', async () => {
    const alice = await createParty(engine, crypto.randomUUID());
    const bob = await createParty(engine, crypto.randomUUID());
    const distributionId = crypto.randomUUID();
    const distribution = await engine.SenderKeyDistributionMessage.create(
      alice.address,
      distributionId,
      alice.stores,
    );
    expect(distribution.distributionId()).toBe(distributionId);
    await engine.processSenderKeyDistributionMessage(
      alice.address,
      engine.SenderKeyDistributionMessage.deserialize(distribution.serialize()),
      bob.stores,
    );
    const one = await engine.groupEncrypt(alice.address, distributionId, alice.stores, text('one'));
    const two = await engine.groupEncrypt(alice.address, distributionId, alice.stores, text('two'));
    expect(one.type()).toBe(engine.CiphertextMessageType.SenderKey);
    expect(engine.SenderKeyMessage.deserialize(two.serialize()).distributionId()).toBe(
      distributionId,
    );
    expect(str(await engine.groupDecrypt(alice.address, bob.stores, two.serialize()))).toBe('two');
    const forged = one.serialize();
    forged[forged.length - 70] = (forged[forged.length - 70] ?? 0) ^ 1;
    await expect(engine.groupDecrypt(alice.address, bob.stores, forged)).rejects.toThrow();
    expect(str(await engine.groupDecrypt(alice.address, bob.stores, one.serialize()))).toBe('one');
  });

  it('safety numbers agree on both sides and change with the key', () => {
    const alice = engine.IdentityKeyPair.generate();
    const bob = engine.IdentityKeyPair.generate();
    const [aliceId, bobId] = [text('alice-account'), text('bob-account')];
    const fromAlice = engine.Fingerprint.new(
      5200,
      2,
      aliceId,
      alice.publicKey,
      bobId,
      bob.publicKey,
    );
    const fromBob = engine.Fingerprint.new(5200, 2, bobId, bob.publicKey, aliceId, alice.publicKey);
    expect(fromAlice.displayableFingerprint().toString()).toMatch(/^\d{60}$/);
    expect(fromAlice.displayableFingerprint().toString()).toBe(
      fromBob.displayableFingerprint().toString(),
    );
    expect(fromAlice.scannableFingerprint().compare(fromBob.scannableFingerprint())).toBe(true);
    const other = engine.Fingerprint.new(
      5200,
      2,
      aliceId,
      alice.publicKey,
      bobId,
      engine.IdentityKeyPair.generate().publicKey,
    );
    expect(other.displayableFingerprint().toString()).not.toBe(
      fromAlice.displayableFingerprint().toString(),
    );
    expect(other.scannableFingerprint().compare(fromBob.scannableFingerprint())).toBe(false);
  });
});
