/** Row shapes as better-sqlite3 returns them (integers as numbers, blobs as Buffers). */

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
}

export interface EntryRow {
  server_id: number;
  source_account_id: string;
  source_device_id: number;
  client_id: string;
  type: number;
  server_timestamp: number;
  content: Buffer;
}
