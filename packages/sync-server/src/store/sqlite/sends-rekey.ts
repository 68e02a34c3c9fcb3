import type { Database } from 'better-sqlite3';

/**
 * Rebuilds an older database's `sends` table, keyed by (source device, client id), under the
 * key of 0156 (client id first), keeping every record and its insertion order (the rowid the
 * retention sweep walks). One transaction at startup: a crash leaves the old table whole.
 * `createRekeyed` creates the new table as `sends_rekeyed`.
 */
export function rekeySends(db: Database, createRekeyed: string): void {
  if (firstKeyColumn(db) !== 'source_device_row_id') return;
  const columns = 'rowid, source_device_row_id, client_id, created_at, result';
  db.transaction(() => {
    db.exec(createRekeyed);
    db.exec(`INSERT INTO sends_rekeyed (${columns}) SELECT ${columns} FROM sends ORDER BY rowid`);
    db.exec('DROP TABLE sends');
    db.exec('ALTER TABLE sends_rekeyed RENAME TO sends');
  })();
}

/** The first column of `sends`'s primary key. */
function firstKeyColumn(db: Database): string | undefined {
  const indexes = db.pragma('index_list(sends)') as { name: string; origin: string }[];
  const primary = indexes.find((index) => index.origin === 'pk');
  if (!primary) return undefined;
  const columns = db.pragma(`index_info(${primary.name})`) as { seqno: number; name: string }[];
  return columns.find((column) => column.seqno === 0)?.name;
}
