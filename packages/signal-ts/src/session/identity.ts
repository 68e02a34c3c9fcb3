/**
 * Identity facts the session layer needs beyond the store: the trust check every operation makes
 * before it uses a peer's key, our own public key, and whether a session is with another device of
 * our own account using the same key (libsignal `identity_key.rs` is_same_account), which lifts
 * the forward-jump limits for note-to-self.
 */
import type { ProtocolAddress } from '../address.js';
import { serviceIdFixedWidthBinary } from '../address.js';
import { constantTimeEqual, type Bytes } from '../bytes.js';
import type { PrivateKey, PublicKey } from '../curve/keys.js';
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

/** The serialized public key of our identity private key (stores hand out only the private key). */
export async function identityPublicKey(privateKey: PrivateKey): Promise<Bytes> {
  return (await privateKey._getPublicKeyAsync()).serialize();
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
