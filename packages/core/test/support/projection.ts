import { ParleyDatabase } from '../../src/store/database.js';

/**
 * Reads a device's message projection straight from its IndexedDB database (a second
 * connection), to check what is durably stored rather than what is in memory.
 */
export async function projectedBodies(
  databaseName: string,
  conversationId: string,
): Promise<string[]> {
  const db = new ParleyDatabase(databaseName);
  try {
    const rows = await db.messages.where('conversationId').equals(conversationId).toArray();
    return rows.filter((row) => row.kind === 'text').map((row) => row.body);
  } finally {
    db.close();
  }
}

/** Rows waiting in a device's durable outbox. */
export async function outboxSize(databaseName: string): Promise<number> {
  const db = new ParleyDatabase(databaseName);
  try {
    return await db.outbox.count();
  } finally {
    db.close();
  }
}

/** Idempotency keys of the rows waiting in a device's outbox, oldest first. */
export async function outboxKeys(databaseName: string): Promise<string[]> {
  const db = new ParleyDatabase(databaseName);
  try {
    return (await db.outbox.orderBy('seq').toArray()).map((row) => row.idempotencyKey);
  } finally {
    db.close();
  }
}

/** Values that occur more than once. */
export function duplicates(values: string[]): string[] {
  const seen = new Set<string>();
  return values.filter((value) => (seen.has(value) ? true : (seen.add(value), false)));
}

/** Document updates logged (not yet compacted) for one conversation on a device. */
export async function loggedUpdates(databaseName: string, conversationId: string): Promise<number> {
  const db = new ParleyDatabase(databaseName);
  try {
    return await db.docUpdates.where('conversationId').equals(conversationId).count();
  } finally {
    db.close();
  }
}
