/**
 * Address binding, SignalMessage field 6 (libsignal `protocol.rs` serialize_addresses): sender
 * service id (17) || sender device (1) || recipient service id (17) || recipient device (1). Bound
 * under the MAC so a PreKey message cannot be replayed to another device or account. Present only
 * when both names are service ids; absent is accepted (older senders), present-but-wrong is refused.
 */
import type { ProtocolAddress } from '../address.js';
import { serviceIdFixedWidthBinary } from '../address.js';
import type { Bytes } from '../bytes.js';

export function encodeAddressBinding(
  sender: ProtocolAddress,
  recipient: ProtocolAddress,
): Bytes | undefined {
  const senderId = serviceIdFixedWidthBinary(sender);
  const recipientId = serviceIdFixedWidthBinary(recipient);
  if (senderId === null || recipientId === null) return undefined;
  const out = new Uint8Array(36);
  out.set(senderId, 0);
  out[17] = sender.deviceId();
  out.set(recipientId, 18);
  out[35] = recipient.deviceId();
  return out;
}
