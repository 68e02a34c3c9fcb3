import type { StoredEnvelope } from '../../src/store/records.js';

/** A stored envelope for device `a<rowId>`, with content bytes that survive only a byte-exact trip. */
export const storedEnvelope = (rowId: number, serverId: number): StoredEnvelope => ({
  serverId,
  previousServerId: serverId - 1,
  destination: { rowId, accountId: `a${rowId}`, deviceId: 1 },
  sourceAccountId: 'sender',
  sourceDeviceId: 1,
  clientId: `c${serverId}`,
  type: 1,
  serverTimestamp: 1000 + serverId,
  content: new Uint8Array([serverId, 0, 255]),
});
