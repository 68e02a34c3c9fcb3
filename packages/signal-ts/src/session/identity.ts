/**
 * Identity facts the session layer needs beyond the store: whether a session is with another
 * device of our own account using the same key (libsignal `identity_key.rs` is_same_account), which
 * lifts the forward-jump limits for note-to-self.
 */
import type { ProtocolAddress } from '../address.js';
import { serviceIdFixedWidthBinary } from '../address.js';
import { constantTimeEqual } from '../bytes.js';

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
