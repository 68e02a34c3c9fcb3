/**
 * Safety numbers (libsignal fingerprint.rs). Each side's fingerprint is SHA-512 iterated over
 * (0x0000 || identity key || stable id || identity key), then (digest || identity key) again
 * `iterations - 1` times. The displayable form is 30 digits per side, lower string first; the
 * scannable form is the CombinedFingerprints protobuf of both sides' first 32 bytes.
 */
import { sha512 } from '@noble/hashes/sha2.js';
import { concatBytes, constantTimeEqual, copyBytes, type Bytes } from '../bytes.js';
import type { PublicKey } from '../curve/index.js';
import { protocolError } from '../error.js';
import { BinaryWriter, ProtoFields, WireType } from '../protobuf/reader.js';

const FINGERPRINT_VERSION_PREFIX = Uint8Array.of(0x00, 0x00);
const MAX_ITERATIONS = 1_000_000;
/** Bytes of each side's digest shown: six 5-byte chunks, each printed as 5 digits. */
const DISPLAY_CHUNKS = 6;
const DISPLAY_CHUNK_BYTES = 5;
const SCANNABLE_BYTES = 32;
// CombinedFingerprints / LogicalFingerprint fields (fingerprint.proto).
const VERSION = 1;
const LOCAL = 2;
const REMOTE = 3;
const CONTENT = 1;

function iteratedDigest(iterations: number, stableId: Uint8Array, key: PublicKey): Uint8Array {
  if (!Number.isInteger(iterations) || iterations <= 1 || iterations > MAX_ITERATIONS) {
    throw protocolError(
      'InvalidArgument',
      'Fingerprint_New',
      `invalid argument: Invalid fingerprint iterations ${iterations}`,
    );
  }
  const keyBytes = key.serialize();
  let digest = sha512(concatBytes(FINGERPRINT_VERSION_PREFIX, keyBytes, stableId, keyBytes));
  const buffer = new Uint8Array(digest.length + keyBytes.length);
  buffer.set(keyBytes, digest.length);
  for (let i = 1; i < iterations; i++) {
    buffer.set(digest, 0);
    digest = sha512(buffer);
  }
  return digest;
}

function displayDigits(digest: Uint8Array): string {
  let out = '';
  for (let chunk = 0; chunk < DISPLAY_CHUNKS; chunk++) {
    let value = 0n;
    for (let i = 0; i < DISPLAY_CHUNK_BYTES; i++) {
      value = (value << 8n) | BigInt(digest[chunk * DISPLAY_CHUNK_BYTES + i] as number);
    }
    out += (value % 100_000n).toString().padStart(5, '0');
  }
  return out;
}

function logicalFingerprint(content: Uint8Array): Bytes {
  return new BinaryWriter().tag(CONTENT, WireType.LengthDelimited).bytes(content).finish();
}

export class DisplayableFingerprint {
  readonly #display: string;

  private constructor(display: string) {
    this.#display = display;
  }

  static _fromString(display: string): DisplayableFingerprint {
    return new DisplayableFingerprint(display);
  }

  /** 60 digits, identical on both sides. */
  toString(): string {
    return this.#display;
  }
}

export class ScannableFingerprint {
  readonly #scannable: Bytes;

  private constructor(scannable: Uint8Array) {
    this.#scannable = copyBytes(scannable);
  }

  static _fromBuffer(scannable: Uint8Array): ScannableFingerprint {
    return new ScannableFingerprint(scannable);
  }

  /**
   * True when `other` (the peer's scan) holds our local fingerprint as its remote one and vice
   * versa. Throws for another fingerprint version or an unparsable encoding, as native does.
   */
  compare(other: ScannableFingerprint): boolean {
    const ours = parseCombined(this.#scannable);
    const theirs = parseCombined(other.#scannable);
    if (theirs.version !== ours.version) {
      throw protocolError(
        'FingerprintVersionMismatch',
        'ScannableFingerprint_Compare',
        `fingerprint version number mismatch them ${theirs.version} us ${ours.version}`,
      );
    }
    const same1 = constantTimeEqual(theirs.local, ours.remote);
    const same2 = constantTimeEqual(theirs.remote, ours.local);
    return same1 && same2;
  }

  toBuffer(): Bytes {
    return copyBytes(this.#scannable);
  }
}

function parseCombined(bytes: Uint8Array): { version: number; local: Bytes; remote: Bytes } {
  const operation = 'ScannableFingerprint_Compare';
  const parsingError = () =>
    protocolError('FingerprintParsingError', operation, 'fingerprint parsing error');
  let fields: ProtoFields;
  try {
    fields = ProtoFields.parse(bytes, operation);
    const content = (field: number) => {
      const inner = fields.bytes(field);
      return inner === undefined ? undefined : ProtoFields.parse(inner, operation).bytes(CONTENT);
    };
    const local = content(LOCAL);
    const remote = content(REMOTE);
    if (local === undefined || remote === undefined) throw parsingError();
    return { version: fields.uint32(VERSION) ?? 0, local, remote };
  } catch {
    throw parsingError();
  }
}

export class Fingerprint {
  readonly #display: string;
  readonly #scannable: Bytes;

  private constructor(display: string, scannable: Bytes) {
    this.#display = display;
    this.#scannable = scannable;
  }

  static new(
    iterations: number,
    version: number,
    localIdentifier: Uint8Array,
    localKey: PublicKey,
    remoteIdentifier: Uint8Array,
    remoteKey: PublicKey,
  ): Fingerprint {
    const local = iteratedDigest(iterations, localIdentifier, localKey);
    const remote = iteratedDigest(iterations, remoteIdentifier, remoteKey);
    const localDigits = displayDigits(local);
    const remoteDigits = displayDigits(remote);
    const display =
      localDigits < remoteDigits ? localDigits + remoteDigits : remoteDigits + localDigits;
    const scannable = new BinaryWriter()
      .tag(VERSION, WireType.Varint)
      .uint32(version)
      .tag(LOCAL, WireType.LengthDelimited)
      .bytes(logicalFingerprint(local.subarray(0, SCANNABLE_BYTES)))
      .tag(REMOTE, WireType.LengthDelimited)
      .bytes(logicalFingerprint(remote.subarray(0, SCANNABLE_BYTES)))
      .finish();
    return new Fingerprint(display, scannable);
  }

  displayableFingerprint(): DisplayableFingerprint {
    return DisplayableFingerprint._fromString(this.#display);
  }

  scannableFingerprint(): ScannableFingerprint {
    return ScannableFingerprint._fromBuffer(this.#scannable);
  }
}
