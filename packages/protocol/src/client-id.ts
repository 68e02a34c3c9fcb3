import { v7 } from 'uuid';

/**
 * A new `client_id` for a SendRequest: a UUIDv7 (RFC 9562), whose first 48 bits are the time in
 * milliseconds. The relay keys its idempotency records by client id first, so ids that grow
 * with time are written at the end of that index instead of on a random page of it: one page
 * per group commit instead of one per send (docs/decisions/0156-time-ordered-client-ids.md).
 * Any unique string of 1 to 64 characters is accepted; a random one only costs the relay more.
 */
export function newClientId(): string {
  return v7();
}
