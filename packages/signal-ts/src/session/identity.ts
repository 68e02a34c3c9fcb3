/**
 * Identity facts the session layer needs beyond the store: the trust check every operation makes
 * before it uses a peer's key, our own public key, and whether a session is with another device of
 * our own account using the same key (libsignal `identity_key.rs` is_same_account), which lifts
 * the forward-jump limits for note-to-self.
 */
import type { ProtocolAddress } from '../address.js';
import { serviceIdFixedWidthBinary } from '../address.js';
import { constantTimeEqual, type Bytes } from '../bytes.js';
import { PublicKey, type PrivateKey } from '../curve/keys.js';
import { untrustedIdentityError } from '../error.js';
import type { Direction, IdentityKeyStore } from '../storage/index.js';
import { callStore } from './store-call.js';

/** @throws UntrustedIdentity when the store does not trust `identity` for `address`. */
export async function requireTrustedIdentity(
  operation: string,
  identityStore: IdentityKeyStore,
  address: ProtocolAddress,
  identity: PublicKey,
  direction: Direction,
): Promise<void> {
  const trusted = await callStore(operation, 'isTrustedIdentity', () =>
    identityStore.isTrustedIdentity(address, identity, direction),
  );
  if (!trusted) throw untrustedIdentityError(operation, address);
}

/** The Curve25519 base point (u = 9): X25519(k, base) is k's public key. */
const BASE_POINT = PublicKey.deserialize(Uint8Array.of(0x05, 9, ...new Uint8Array(31)));

/**
 * The serialized public key of our identity private key (stores hand out only the private key),
 * derived through WebCrypto where available: several times faster than PrivateKey.getPublicKey.
 */
export async function identityPublicKey(privateKey: PrivateKey): Promise<Bytes> {
  return PublicKey._fromPublicKeyBytes(await privateKey._agreeAsync(BASE_POINT)).serialize();
}

export function isSameAccount(
  localIdentityKey: Uint8Array,
  localAddress: ProtocolAddress,
  remoteIdentityKey: Uint8Array,
  remoteAddress: ProtocolAddress,
): boolean {
  if (!constantTimeEqual(localIdentityKey, remoteIdentityKey)) return false;
  const local = serviceIdFixedWidthBinary(localAddress);
  const remote = serviceIdFixedWidthBinary(remoteAddress);
  return local !== null && remote !== null && constantTimeEqual(local, remote);
}
