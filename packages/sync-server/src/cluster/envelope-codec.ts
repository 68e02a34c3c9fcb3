import type { StoredEnvelope } from '../store/records.js';

/**
 * Routed envelopes on the Redis channel as bytes, not JSON (decision 0164). Every routed message
 * cost the committing process a JSON.stringify with the content in base64, and the holding
 * process a JSON.parse and a base64 decode, per envelope: a large share of the relay's CPU
 * between the commit and the socket. Here the routing script only concatenates the records it
 * is given (Lua strings are bytes), and the holder reads fields in place; the content is a view
 * of the received buffer, copied once, into the frame for the socket.
 *
 * A message is ROUTED_ENVELOPES_TAG and then the records. Other cluster messages stay JSON,
 * which always starts with `{`, so the first byte tells them apart.
 * Record: u32 length of the rest | f64 serverId | f64 destination row | u32 destination device |
 * u32 source device | u32 type | f64 serverTimestamp | f64 expiresAt (NaN: none) |
 * f64 previousServerId (NaN: none) | three strings, each u32 length + UTF-8 (destination account,
 * source account, client id) | the content (the rest of the record). Little-endian.
 */
export const ROUTED_ENVELOPES_TAG = 0x01;

const FIXED = 8 + 8 + 4 + 4 + 4 + 8 + 8 + 8;

export function encodeRoutedEnvelope(e: StoredEnvelope): Buffer {
  const destinationAccount = Buffer.from(e.destination.accountId, 'utf8');
  const sourceAccount = Buffer.from(e.sourceAccountId, 'utf8');
  const clientId = Buffer.from(e.clientId, 'utf8');
  const rest =
    FIXED +
    12 +
    destinationAccount.length +
    sourceAccount.length +
    clientId.length +
    e.content.length;
  const out = Buffer.allocUnsafe(4 + rest);
  let at = out.writeUInt32LE(rest, 0);
  at = out.writeDoubleLE(e.serverId, at);
  at = out.writeDoubleLE(e.destination.rowId, at);
  at = out.writeUInt32LE(e.destination.deviceId, at);
  at = out.writeUInt32LE(e.sourceDeviceId, at);
  at = out.writeUInt32LE(e.type, at);
  at = out.writeDoubleLE(e.serverTimestamp, at);
  at = out.writeDoubleLE(e.expiresAt ?? Number.NaN, at);
  at = out.writeDoubleLE(e.previousServerId ?? Number.NaN, at);
  for (const text of [destinationAccount, sourceAccount, clientId]) {
    at = out.writeUInt32LE(text.length, at);
    at += text.copy(out, at);
  }
  out.set(e.content, at);
  return out;
}

/** The envelopes of a routed message (its first byte is the tag); throws if it is cut short. */
export function decodeRoutedEnvelopes(message: Buffer): StoredEnvelope[] {
  const envelopes: StoredEnvelope[] = [];
  let at = 1;
  while (at < message.length) {
    const end = at + 4 + message.readUInt32LE(at);
    if (end > message.length) throw new RangeError('routed envelope cut short');
    at += 4;
    const serverId = message.readDoubleLE(at);
    const rowId = message.readDoubleLE(at + 8);
    const deviceId = message.readUInt32LE(at + 16);
    const sourceDeviceId = message.readUInt32LE(at + 20);
    const type = message.readUInt32LE(at + 24);
    const serverTimestamp = message.readDoubleLE(at + 28);
    const expiresAt = message.readDoubleLE(at + 36);
    const previousServerId = message.readDoubleLE(at + 44);
    at += FIXED;
    const texts: string[] = [];
    for (let i = 0; i < 3; i++) {
      const length = message.readUInt32LE(at);
      if (at + 4 + length > end) throw new RangeError('routed envelope cut short');
      texts.push(message.toString('utf8', at + 4, at + 4 + length));
      at += 4 + length;
    }
    const envelope: StoredEnvelope = {
      serverId,
      destination: { rowId, accountId: texts[0]!, deviceId },
      sourceAccountId: texts[1]!,
      sourceDeviceId,
      clientId: texts[2]!,
      type,
      serverTimestamp,
      content: message.subarray(at, end),
    };
    if (!Number.isNaN(expiresAt)) envelope.expiresAt = expiresAt;
    if (!Number.isNaN(previousServerId)) envelope.previousServerId = previousServerId;
    envelopes.push(envelope);
    at = end;
  }
  return envelopes;
}
