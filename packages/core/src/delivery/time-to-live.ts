import type { OutboxRow } from '../store/database.js';

/**
 * Whole seconds left of an outbox row's time to live (OutboxRow.ttlSeconds), as the row's send
 * asks the relay for (SendRequest.ttl_seconds): rounded up, so the relay never drops it before
 * its time; 0 once it ran out (the row is dropped unsent); undefined for rows without one.
 */
export function remainingTtl(
  row: Pick<OutboxRow, 'createdAt' | 'ttlSeconds'>,
  now: number,
): number | undefined {
  if (row.ttlSeconds === undefined) return undefined;
  const leftMs = row.createdAt + row.ttlSeconds * 1000 - now;
  return leftMs <= 0 ? 0 : Math.min(row.ttlSeconds, Math.ceil(leftMs / 1000));
}
