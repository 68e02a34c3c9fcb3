/**
 * PQXDH key agreement (Signal PQXDH spec §3.3; libsignal `pqxdh.rs`), both roles. The secret is
 * 0xFF*32 || DH(IKa, SPKb) || DH(EKa, IKb) || DH(EKa, SPKb) || [DH(EKa, OPKb)] || KEM secret,
 * expanded by HKDF-SHA256 (no salt) into root key || chain key || SPQR auth key.
 *
 * The KEM step (Kyber-1024 encapsulate / decapsulate) is done by the caller and only its shared
 * secret enters here, which keeps this module free of KEM key handling. Agreements go through
 * WebCrypto where available (`_agreeAsync`), several times faster than bigint arithmetic.
 */
import { concatBytes, type Bytes } from '../bytes.js';
import type { PrivateKey, PublicKey } from '../curve/keys.js';
import { montgomeryToEdwards } from '../curve/xeddsa.js';
import { protocolError } from '../error.js';
import { ChainKey } from '../ratchet/chain-key.js';
import { hkdfSha256, label } from '../ratchet/kdf.js';
import { RootKey } from '../ratchet/root-key.js';

const PQXDH_INFO = label('WhisperText_X25519_SHA-256_CRYSTALS-KYBER-1024');
/** Domain separation from XEdDSA signatures, per the X3DH/PQXDH specs. */
const DISCONTINUITY = new Uint8Array(32).fill(0xff);

export interface HandshakeKeys {
  readonly rootKey: RootKey;
  readonly chainKey: ChainKey;
  /** Seeds the SPQR chains (docs/protocol-notes.md, Key schedule: PQXDH, the SPQR authentication key). */
  readonly pqAuthKey: Bytes;
}

export interface InitiatorInputs {
  readonly ourIdentityKey: PrivateKey;
  readonly ourBaseKey: PrivateKey;
  readonly theirIdentityKey: PublicKey;
  readonly theirSignedPreKey: PublicKey;
  readonly theirOneTimePreKey: PublicKey | null;
  readonly kemSharedSecret: Uint8Array;
}

export interface ResponderInputs {
  readonly ourIdentityKey: PrivateKey;
  readonly ourSignedPreKey: PrivateKey;
  readonly ourOneTimePreKey: PrivateKey | null;
  readonly theirIdentityKey: PublicKey;
  readonly theirBaseKey: PublicKey;
  readonly kemSharedSecret: Uint8Array;
}

export async function pqxdhInitiate(inputs: InitiatorInputs): Promise<HandshakeKeys> {
  const { ourBaseKey, theirSignedPreKey, theirOneTimePreKey } = inputs;
  const agreements = await Promise.all([
    inputs.ourIdentityKey._agreeAsync(theirSignedPreKey),
    ourBaseKey._agreeAsync(inputs.theirIdentityKey),
    ourBaseKey._agreeAsync(theirSignedPreKey),
    ...(theirOneTimePreKey === null ? [] : [ourBaseKey._agreeAsync(theirOneTimePreKey)]),
  ]);
  return deriveHandshakeKeys([...agreements, inputs.kemSharedSecret]);
}

/**
 * @throws InvalidMessage when the initiator's base key is not canonical (libsignal `pqxdh.rs`
 *   checks this before any computation): a non-canonical encoding of a valid key would give the
 *   same secret under different base-key bytes, and base-key bytes identify a PreKey session.
 */
export async function pqxdhRespond(inputs: ResponderInputs): Promise<HandshakeKeys> {
  const { ourSignedPreKey, theirBaseKey, ourOneTimePreKey } = inputs;
  if (!isCanonical(theirBaseKey)) {
    throw protocolError(
      'InvalidMessage',
      'SessionCipher_DecryptPreKeySignalMessage',
      'incoming base key is invalid',
    );
  }
  const agreements = await Promise.all([
    ourSignedPreKey._agreeAsync(inputs.theirIdentityKey),
    inputs.ourIdentityKey._agreeAsync(theirBaseKey),
    ourSignedPreKey._agreeAsync(theirBaseKey),
    ...(ourOneTimePreKey === null ? [] : [ourOneTimePreKey._agreeAsync(theirBaseKey)]),
  ]);
  return deriveHandshakeKeys([...agreements, inputs.kemSharedSecret]);
}

/**
 * libsignal `core/curve.rs` is_canonical: u is reduced (below 2^255 - 19) and the point lies in the
 * prime-order subgroup (its Edwards form exists and is torsion-free).
 */
function isCanonical(key: PublicKey): boolean {
  const u = key.getPublicKeyBytes();
  const top = u[31] as number;
  if ((top & 0x80) !== 0) return false;
  const atLeastP =
    top === 0x7f && (u[0] as number) >= 0xed && u.subarray(1, 31).every((b) => b === 0xff);
  if (atLeastP) return false;
  return montgomeryToEdwards(u, 0)?.isTorsionFree() ?? false;
}

function deriveHandshakeKeys(secrets: readonly Uint8Array[]): HandshakeKeys {
  const okm = hkdfSha256(concatBytes(DISCONTINUITY, ...secrets), undefined, PQXDH_INFO, 96);
  return {
    rootKey: new RootKey(okm.slice(0, 32)),
    chainKey: new ChainKey(okm.slice(32, 64), 0),
    pqAuthKey: okm.slice(64, 96),
  };
}
