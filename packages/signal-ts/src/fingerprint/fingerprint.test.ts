/** Safety numbers (Node and Chromium). */
import { describe, expect, it } from 'vitest';
import { expectGenericError } from '../../test/unit/expect-error.js';
import { PrivateKey, PublicKey } from '../curve/index.js';
import { Fingerprint, ScannableFingerprint } from './index.js';
import { KNOWN_ANSWER } from '../../test/unit/fixtures/fingerprint-known-answer.js';

const utf8 = (s: string) => new TextEncoder().encode(s);
const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((b) => parseInt(b, 16)));

function pair(iterations = 1024, version = 2) {
  const a = PrivateKey.generate().getPublicKey();
  const b = PrivateKey.generate().getPublicKey();
  const alice = Fingerprint.new(iterations, version, utf8('+1415222'), a, utf8('+1415333'), b);
  const bob = Fingerprint.new(iterations, version, utf8('+1415333'), b, utf8('+1415222'), a);
  return { a, b, alice, bob };
}

describe('Fingerprint', () => {
  it('reproduces the libsignal known answer', () => {
    const k = KNOWN_ANSWER;
    const f = Fingerprint.new(
      k.iterations,
      k.version,
      utf8(k.localId),
      PublicKey.deserialize(hex(k.localKey)),
      utf8(k.remoteId),
      PublicKey.deserialize(hex(k.remoteKey)),
    );
    expect(f.displayableFingerprint().toString()).toBe(k.display);
    expect(f.scannableFingerprint().toBuffer()).toEqual(hex(k.scannable));
  });

  it('shows both sides the same 60 digits and their scans match each other', () => {
    const { alice, bob } = pair();
    const display = alice.displayableFingerprint().toString();
    expect(display).toMatch(/^\d{60}$/);
    expect(bob.displayableFingerprint().toString()).toBe(display);
    expect(alice.scannableFingerprint().compare(bob.scannableFingerprint())).toBe(true);
    expect(bob.scannableFingerprint().compare(alice.scannableFingerprint())).toBe(true);
    expect(alice.scannableFingerprint().compare(alice.scannableFingerprint())).toBe(false);
  });

  it('differs when a key is replaced (man in the middle) or an identifier differs', () => {
    const { a, b, alice } = pair();
    const mitm = PrivateKey.generate().getPublicKey();
    const fooled = Fingerprint.new(1024, 2, utf8('+1415333'), b, utf8('+1415222'), mitm);
    expect(fooled.displayableFingerprint().toString()).not.toBe(
      alice.displayableFingerprint().toString(),
    );
    expect(alice.scannableFingerprint().compare(fooled.scannableFingerprint())).toBe(false);
    const otherId = Fingerprint.new(1024, 2, utf8('+1415334'), b, utf8('+1415222'), a);
    expect(alice.scannableFingerprint().compare(otherId.scannableFingerprint())).toBe(false);
  });

  it('refuses to compare across versions and rejects garbage scans', () => {
    const { alice } = pair(1024, 2);
    const v1 = pair(1024, 1).bob;
    expect(() => alice.scannableFingerprint().compare(v1.scannableFingerprint())).toThrow(
      /version number mismatch/,
    );
    const garbage = ScannableFingerprint._fromBuffer(Uint8Array.of(0x08, 0x02, 0x12, 0x05));
    expectGenericError(
      () => alice.scannableFingerprint().compare(garbage),
      /^fingerprint parsing error$/,
    );
  });

  it('rejects iteration counts outside 2..1,000,000', () => {
    const k = PrivateKey.generate().getPublicKey();
    for (const n of [0, 1, 1_000_001]) {
      expect(() => Fingerprint.new(n, 2, utf8('a'), k, utf8('b'), k)).toThrow(
        /Invalid fingerprint iterations/,
      );
    }
  });
});
