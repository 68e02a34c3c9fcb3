/**
 * Kyber1024 (round 3), the KEM of libsignal 0.103's PQXDH (key type 0x08), built on
 * @noble/post-quantum's ML-KEM-1024.
 *
 * The two share key and ciphertext layouts and the same decryption, so a round-3 ciphertext
 * decapsulates under ML-KEM to the same pre-key K. Only the final shared-secret derivation
 * differs: round 3 returns SHAKE256(K || SHA3-256(ciphertext), 32) where ML-KEM returns K. Applying
 * that wrapper on both sides makes secrets agree with native in both directions (docs/protocol-notes.md, Kyber shared secret).
 * (Key generation differs in its seed expansion, which only matters for deterministic test vectors.)
 */
import { ml_kem1024 } from '@noble/post-quantum/ml-kem.js';
import { sha3_256, shake256 } from '@noble/hashes/sha3.js';
import { concatBytes, randomBytes, type Bytes } from '../bytes.js';
import { KYBER_SHARED_SECRET_LENGTH } from '../consts.js';

/** Seed length ML-KEM key generation takes (d || z). */
const KEYGEN_SEED_LENGTH = 64;
/** Encapsulation randomness (the message m). */
const ENCAPSULATION_RANDOM_LENGTH = 32;

function roundThreeSecret(k: Uint8Array, ciphertext: Uint8Array): Bytes {
  return new Uint8Array(
    shake256(concatBytes(k, sha3_256(ciphertext)), { dkLen: KYBER_SHARED_SECRET_LENGTH }),
  );
}

export function generateKeyMaterial(): { publicKey: Bytes; secretKey: Bytes } {
  const { publicKey, secretKey } = ml_kem1024.keygen(randomBytes(KEYGEN_SEED_LENGTH));
  return { publicKey: new Uint8Array(publicKey), secretKey: new Uint8Array(secretKey) };
}

/** Encapsulates to a raw (untyped) public key; throws if noble rejects the key's encoding. */
export function encapsulate(publicKey: Uint8Array): { sharedSecret: Bytes; ciphertext: Bytes } {
  const { cipherText, sharedSecret } = ml_kem1024.encapsulate(
    publicKey,
    randomBytes(ENCAPSULATION_RANDOM_LENGTH),
  );
  return {
    sharedSecret: roundThreeSecret(sharedSecret, cipherText),
    ciphertext: new Uint8Array(cipherText),
  };
}

/**
 * Decapsulates a raw (untyped) ciphertext. A ciphertext not made for this key yields an unrelated
 * secret (implicit rejection), never an error: the caller's MAC check fails later.
 */
export function decapsulate(secretKey: Uint8Array, ciphertext: Uint8Array): Bytes {
  return roundThreeSecret(ml_kem1024.decapsulate(ciphertext, secretKey), ciphertext);
}
