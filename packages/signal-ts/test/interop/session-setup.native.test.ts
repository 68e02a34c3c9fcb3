/**
 * PQXDH session setup across engines: with and without a one-time prekey, PreKey wrapping until
 * the peer replies, forged bundles, address binding, tampering and identity changes.
 * (Node-only: imports libsignal-client.)
 */
import { describe, expect } from 'vitest';
import {
  conversation,
  establish,
  expectDecrypted,
  expectFailure,
  interopCase,
} from './harness/cases.js';
import { Party, text, type BundleData } from './harness/party.js';
import { fieldRanges } from './harness/wire.js';
import { FULL_RUN } from './harness/engines.js';

const PREKEY = 3;
/** Bytes of a long message that get a flipped bit: more in the full interop run. */
const SAMPLED_BYTES = FULL_RUN ? 300 : 80;
const WHISPER = 2;

function forgeSignature(signature: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  const forged = new Uint8Array(signature);
  forged[10]! ^= 0x01;
  return forged;
}

describe('session setup', () => {
  interopCase(
    'with a one-time prekey: bob consumes it and marks the Kyber prekey used',
    async (pair) => {
      const c = conversation(pair);
      const bundle = c.bob.publishBundle({ oneTimePreKey: true });
      await c.alice.initiate(c.bob.id, bundle);
      const first = await c.send(c.alice, c.bob, 'first');
      expect(first.type).toBe(PREKEY);
      await c.deliver(c.bob, c.alice, first, 'first');
      expect(c.bob.stores.preKeys.has(bundle.preKey!.id)).toBe(false);
      expect(c.bob.stores.kyberUsed).toEqual([
        `${bundle.kyberPreKey.id}/${bundle.signedPreKey.id}`,
      ]);
      await c.deliver(c.alice, c.bob, await c.send(c.bob, c.alice, 'reply'), 'reply');
      expect((await c.send(c.alice, c.bob, 'after reply')).type).toBe(WHISPER);
    },
  );

  interopCase('without a one-time prekey', async (pair) => {
    const c = conversation(pair);
    await c.alice.initiate(c.bob.id, c.bob.publishBundle({ oneTimePreKey: false }));
    const first = await c.send(c.alice, c.bob, 'no opk');
    expect(first.type).toBe(PREKEY);
    await c.deliver(c.bob, c.alice, first, 'no opk');
    await c.deliver(c.alice, c.bob, await c.send(c.bob, c.alice, 'reply'), 'reply');
    await c.deliver(c.bob, c.alice, await c.send(c.alice, c.bob, 'again'), 'again');
  });

  interopCase('repeated PreKey messages before a reply all decrypt, in any order', async (pair) => {
    const c = conversation(pair);
    await c.alice.initiate(c.bob.id, c.bob.publishBundle());
    const sent = [];
    for (let i = 0; i < 4; i++) sent.push(await c.send(c.alice, c.bob, `unanswered ${i}`));
    expect(sent.map((m) => m.type)).toEqual([PREKEY, PREKEY, PREKEY, PREKEY]);
    for (const i of [2, 0, 3, 1]) await c.deliver(c.bob, c.alice, sent[i]!, `unanswered ${i}`);
    expectFailure(await c.bob.tryDecrypt(c.alice.id, sent[0]!), 'duplicate');
    await c.deliver(c.alice, c.bob, await c.send(c.bob, c.alice, 'finally'), 'finally');
    expect((await c.send(c.alice, c.bob, 'now confirmed')).type).toBe(WHISPER);
  });

  interopCase('an unacknowledged session expires after 30 days', async (pair) => {
    const c = conversation(pair);
    const day = 24 * 60 * 60 * 1000;
    const start = new Date();
    await c.alice.initiate(c.bob.id, c.bob.publishBundle(), start);
    const at29 = await c.alice.encrypt(
      c.bob.id,
      text('day 29'),
      new Date(start.getTime() + 29 * day),
    );
    await expect(
      c.alice.encrypt(c.bob.id, text('day 31'), new Date(start.getTime() + 31 * day)),
    ).rejects.toMatchObject({ code: pair.sender.api.ErrorCode.Generic });
    await c.deliver(c.bob, c.alice, at29, 'day 29');
  });

  interopCase(
    'a bundle with a forged signed-prekey or Kyber-prekey signature is refused',
    async (pair) => {
      const alice = Party.create(pair.sender);
      const bob = Party.create(pair.receiver);
      const bundle = bob.publishBundle();
      const forgedSigned: BundleData = {
        ...bundle,
        signedPreKey: {
          ...bundle.signedPreKey,
          signature: forgeSignature(bundle.signedPreKey.signature),
        },
      };
      const forgedKyber: BundleData = {
        ...bundle,
        kyberPreKey: {
          ...bundle.kyberPreKey,
          signature: forgeSignature(bundle.kyberPreKey.signature),
        },
      };
      await expect(alice.initiate(bob.id, forgedSigned)).rejects.toMatchObject({ code: 0 });
      await expect(alice.initiate(bob.id, forgedKyber)).rejects.toMatchObject({ code: 0 });
      expect(await alice.hasSessionWith(bob.id)).toBe(false);
      await alice.initiate(bob.id, bundle);
      expect(await alice.hasSessionWith(bob.id)).toBe(true);
    },
  );
});

describe('tampering', () => {
  /** One bit in every byte of a short message, in SAMPLED_BYTES bytes spread over a long one. */
  function positions(length: number): number[] {
    const step = Math.max(1, Math.floor(length / SAMPLED_BYTES));
    const bits: number[] = [];
    for (let byte = 0; byte < length; byte += step) bits.push(byte * 8 + (byte % 8));
    bits.push((length - 1) * 8 + 7);
    return bits;
  }

  function flipped(body: Uint8Array<ArrayBuffer>, bit: number): Uint8Array<ArrayBuffer> {
    const copy = new Uint8Array(body);
    copy[bit >> 3]! ^= 1 << (bit & 7);
    return copy;
  }

  /**
   * libsignal authenticates everything in a PreKey message except two things, by design: the
   * low nibble of its version byte (the sender's "current version") and registration_id
   * (field 5). A flip there may be accepted (native accepts it); anywhere else it must not be.
   */
  function unauthenticatedPreKeyBits(body: Uint8Array): Set<number> {
    const bits = new Set([0, 1, 2, 3]);
    const registrationId = fieldRanges(body.subarray(1)).get(5);
    if (registrationId) {
      for (let byte = registrationId.start + 1; byte < registrationId.end + 1; byte++) {
        for (let bit = 0; bit < 8; bit++) bits.add(byte * 8 + bit);
      }
    }
    return bits;
  }

  interopCase(
    'a flipped bit anywhere in a PreKey or Whisper message is rejected, then the original decrypts',
    async (pair) => {
      const c = conversation(pair);
      await c.alice.initiate(c.bob.id, c.bob.publishBundle());
      const first = await c.send(c.alice, c.bob, 'prekey original');
      const tolerated = unauthenticatedPreKeyBits(first.body);
      // A refused message must leave Bob's state untouched; an accepted one (tolerated bits)
      // consumes the prekey, so Bob is restored from before it.
      const bobBefore = c.bob.snapshot();
      let bob = c.bob;
      for (const bit of positions(first.body.length)) {
        const outcome = await bob.tryDecrypt(c.alice.id, {
          ...first,
          body: flipped(first.body, bit),
        });
        if (!outcome.ok) {
          expect(outcome.kind, `bit ${bit}: ${outcome.message}`).not.toBe('crash');
        } else {
          expect(tolerated.has(bit), `bit ${bit} of the PreKey message was accepted`).toBe(true);
          bob = Party.restore(pair.receiver, bobBefore);
        }
      }
      c.bob = bob;
      await c.deliver(c.bob, c.alice, first, 'prekey original');

      const reply = await c.send(c.bob, c.alice, 'whisper original');
      expect(reply.type).toBe(WHISPER);
      for (const bit of positions(reply.body.length)) {
        const outcome = await c.alice.tryDecrypt(c.bob.id, {
          ...reply,
          body: flipped(reply.body, bit),
        });
        expect(outcome.ok, `bit ${bit} of the Whisper message was accepted`).toBe(false);
        if (!outcome.ok) expect(outcome.kind, `bit ${bit}: ${outcome.message}`).not.toBe('crash');
      }
      await c.deliver(c.alice, c.bob, reply, 'whisper original');
    },
    { timeout: 600_000 },
  );

  interopCase('a PreKey message stripped of its Kyber fields is refused', async (pair) => {
    const c = conversation(pair);
    await c.alice.initiate(c.bob.id, c.bob.publishBundle());
    const first = await c.send(c.alice, c.bob, 'post-quantum');
    const fields = fieldRanges(first.body.subarray(1));
    const kept = [...fields].filter(([field]) => field !== 7 && field !== 8);
    const stripped = new Uint8Array(
      first.body.length -
        (fields.get(7)!.end - fields.get(7)!.start) -
        (fields.get(8)!.end - fields.get(8)!.start),
    );
    let offset = 1;
    stripped[0] = first.body[0]!;
    for (const [, range] of kept) {
      stripped.set(first.body.subarray(1 + range.start, 1 + range.end), offset);
      offset += range.end - range.start;
    }
    expectFailure(await c.bob.tryDecrypt(c.alice.id, { ...first, body: stripped }), 'invalid');
    await c.deliver(c.bob, c.alice, first, 'post-quantum');
  });

  interopCase('truncated and garbage messages are rejected without a crash', async (pair) => {
    const c = await establish(pair);
    const message = await c.send(c.alice, c.bob, 'intact');
    const garbage = [
      message.body.slice(0, 10),
      message.body.slice(0, message.body.length - 1),
      new Uint8Array(0),
      new Uint8Array(64).fill(0x44),
    ];
    for (const body of garbage) {
      const outcome = await c.bob.tryDecrypt(c.alice.id, { type: WHISPER, body });
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) expect(outcome.kind, outcome.message).toBe('invalid');
    }
    await c.deliver(c.bob, c.alice, message, 'intact');
  });

  interopCase('a replayed message is reported as a duplicate', async (pair) => {
    const c = await establish(pair);
    const message = await c.send(c.alice, c.bob, 'once');
    await c.deliver(c.bob, c.alice, message, 'once');
    expectFailure(await c.bob.tryDecrypt(c.alice.id, message), 'duplicate');
  });
});

describe('address binding', () => {
  interopCase(
    'service-id addresses are bound: a wrong sender or recipient address is rejected',
    async (pair) => {
      const c = conversation(pair);
      const stranger = Party.create(pair.receiver);
      await c.alice.initiate(c.bob.id, c.bob.publishBundle());
      const first = await c.send(c.alice, c.bob, 'bound');
      expectFailure(await c.bob.tryDecrypt(c.alice.id, first, stranger.id), 'invalid');
      expectFailure(await c.bob.tryDecrypt(stranger.id, first), 'invalid');
      await c.deliver(c.bob, c.alice, first, 'bound');
    },
  );

  interopCase(
    'addresses that are not service ids carry no binding, and that is accepted',
    async (pair) => {
      const alice = Party.create(pair.sender, { name: '+14155550100' });
      const bob = Party.create(pair.receiver, { name: '+14155550111' });
      const bound = conversation(pair);
      await alice.initiate(bob.id, bob.publishBundle());
      await bound.alice.initiate(bound.bob.id, bound.bob.publishBundle());
      const unbound = await alice.encrypt(bob.id, text('unbound'));
      const withBinding = await bound.send(bound.alice, bound.bob, 'unbound');
      // Field 6 (two 18-byte addresses) is absent, so the message is shorter by its 38 bytes + tag.
      expect(withBinding.body.length - unbound.body.length).toBeGreaterThanOrEqual(38);
      const otherDevice = { name: '+14155550122', deviceId: 1 };
      expectDecrypted(await bob.tryDecrypt(alice.id, unbound, otherDevice), 'unbound');
    },
  );
});

describe('identity change', () => {
  interopCase('a new identity is untrusted until approved, in both directions', async (pair) => {
    const c = await establish(pair);
    // Bob reinstalls: same address, new identity and prekeys, on the same engine.
    const newBob = Party.create(pair.receiver, {
      name: c.bob.id.name,
      deviceId: c.bob.id.deviceId,
    });
    const newBundle = newBob.publishBundle();
    await expect(c.alice.initiate(newBob.id, newBundle)).rejects.toMatchObject({
      code: pair.sender.api.ErrorCode.UntrustedIdentity,
    });

    // The reinstalled Bob writes first: Alice refuses, keeps the message, and reads it once she approves.
    await newBob.initiate(c.alice.id, c.alice.publishBundle());
    const fromNewBob = await newBob.encrypt(c.alice.id, text('it is me, new phone'));
    expectFailure(await c.alice.tryDecrypt(newBob.id, fromNewBob), 'untrusted-identity');
    c.alice.approveIdentity(newBob.id, newBob.identityKeyBytes());
    expectDecrypted(await c.alice.tryDecrypt(newBob.id, fromNewBob), 'it is me, new phone');

    await c.alice.initiate(newBob.id, newBob.publishBundle());
    const toNewBob = await c.alice.encrypt(newBob.id, text('welcome back'));
    expectDecrypted(await newBob.tryDecrypt(c.alice.id, toNewBob), 'welcome back');
  });
});
