import type { DeviceRef, StoredEnvelope } from './records.js';

/**
 * Row shapes as both stores read them: better-sqlite3 and pg (with the store's int8 parser)
 * return integers as numbers and blobs as Buffers.
 */

export interface DeviceRow {
  row_id: number;
  account_id: string;
  device_id: number;
  registration_id: number;
  name: string | null;
  secret_hash: string;
  signed_prekey_id: number;
  signed_prekey: Buffer;
  signed_prekey_signature: Buffer;
  last_resort_kyber_id: number;
  last_resort_kyber_key: Buffer;
  last_resort_kyber_signature: Buffer;
  created_at: number;
  last_active_at: number | null;
}

export interface EntryRow {
  server_id: number;
  source_account_id: string;
  source_device_id: number;
  client_id: string;
  type: number;
  server_timestamp: number;
  content: Buffer;
  expires_at: number | null;
}

/** A mailbox row of `device` as the relay hands it on. */
export function envelopeFromRow(row: EntryRow, device: DeviceRef): StoredEnvelope {
  return {
    serverId: row.server_id,
    destination: device,
    sourceAccountId: row.source_account_id,
    sourceDeviceId: row.source_device_id,
    clientId: row.client_id,
    type: row.type,
    serverTimestamp: row.server_timestamp,
    content: row.content,
    ...(row.expires_at !== null && { expiresAt: row.expires_at }),
  };
}
