/** Safety numbers against libsignal-client: identical display strings and scannable encodings. */
import * as native from '@signalapp/libsignal-client';
import { describe, expect, it } from 'vitest';
import { randomBytes } from '../bytes.js';
import { PublicKey } from '../curve/index.js';
import { Fingerprint, ScannableFingerprint } from './index.js';
import { KNOWN_ANSWER } from '../../test/unit/fixtures/fingerprint-known-answer.js';

const utf8 = (s: string) => new TextEncoder().encode(s);
const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((b) => parseInt(b, 16)));

describe('fingerprints against native', () => {
  it('native still produces the known answer the browser tests use', () => {
    const k = KNOWN_ANSWER;
    const f = native.Fingerprint.new(
      k.iterations,
      k.version,
      utf8(k.localId),
      native.PublicKey.deserialize(hex(k.localKey)),
      utf8(k.remoteId),
      native.PublicKey.deserialize(hex(k.remoteKey)),
    );
    expect(f.displayableFingerprint().toString()).toBe(k.display);
    expect(f.scannableFingerprint().toBuffer()).toEqual(hex(k.scannable));
  });

  it('computes identical fingerprints for random keys and identifiers', () => {
    for (let i = 0; i < 10; i++) {
      const localKey = native.PrivateKey.generate().getPublicKey();
      const remoteKey = native.PrivateKey.generate().getPublicKey();
      const localId = randomBytes(i * 7);
      const remoteId = randomBytes(16);
      const iterations = 2 + i * 500;
      const version = 1 + (i % 2);
      const theirs = native.Fingerprint.new(
        iterations,
        version,
        localId,
        localKey,
        remoteId,
        remoteKey,
      );
      const ours = Fingerprint.new(
        iterations,
        version,
        localId,
        PublicKey.deserialize(localKey.serialize()),
        remoteId,
        PublicKey.deserialize(remoteKey.serialize()),
      );
      expect(ours.displayableFingerprint().toString()).toBe(
        theirs.displayableFingerprint().toString(),
      );
      expect(ours.scannableFingerprint().toBuffer()).toEqual(
        theirs.scannableFingerprint().toBuffer(),
      );
    }
  });

  it('compares scans across engines', () => {
    const a = native.PrivateKey.generate().getPublicKey();
    const b = native.PrivateKey.generate().getPublicKey();
    const nativeAlice = native.Fingerprint.new(5200, 2, utf8('alice'), a, utf8('bob'), b);
    const ourBob = Fingerprint.new(
      5200,
      2,
      utf8('bob'),
      PublicKey.deserialize(b.serialize()),
      utf8('alice'),
      PublicKey.deserialize(a.serialize()),
    );
    const aliceScan = ScannableFingerprint._fromBuffer(
      nativeAlice.scannableFingerprint().toBuffer(),
    );
    expect(ourBob.scannableFingerprint().compare(aliceScan)).toBe(true);
    const bobScanForNative = native.ScannableFingerprint._fromBuffer(
      ourBob.scannableFingerprint().toBuffer(),
    );
    expect(nativeAlice.scannableFingerprint().compare(bobScanForNative)).toBe(true);
  });
});
