import type { HistoryArchive } from '@parley/protocol';
import type { Sender } from '../delivery/inbox.js';
import type { HistoryImportRow, ParleyDatabase } from '../store/database.js';

export type PendingArchive = NonNullable<HistoryImportRow['archive']>;

/**
 * The new device's history import, kept in its database until it finishes (docs/decisions/0351):
 * which device may send the archive, then the archive's pointer and key, then how many
 * conversations are committed. A reload or a closed tab at any point loses nothing: the next
 * start reads this and downloads the archive again, skipping what was already imported.
 * (Importing a conversation twice would be harmless too: Yjs updates are idempotent.)
 */
export class PendingHistory {
  constructor(private readonly db: Pick<ParleyDatabase, 'historyImport'>) {}

  get(): Promise<HistoryImportRow | undefined> {
    return this.db.historyImport.get('pending');
  }

  /** Just linked: the archive will come from `deviceId`. */
  async expect(deviceId: number): Promise<void> {
    await this.db.historyImport.put({ key: 'pending', expectedFrom: deviceId });
  }

  /** The pointer arrived: kept before its envelope is acknowledged (the relay then forgets it). */
  async arrived(row: HistoryImportRow, archive: HistoryArchive, sender: Sender) {
    const pending: PendingArchive = {
      blobId: archive.blobId,
      key: archive.key.slice(),
      digest: archive.digest.slice(),
      size: Number(archive.size),
      conversations: archive.conversations,
      senderAccountId: sender.accountId,
      senderDeviceId: sender.deviceId,
      imported: 0,
    };
    await this.db.historyImport.put({ ...row, archive: pending });
    return pending;
  }

  /** `imported` conversations (from the archive's start) are committed. */
  async progressed(imported: number): Promise<void> {
    await this.db.historyImport
      .where('key')
      .equals('pending')
      .modify((row) => {
        if (row.archive) row.archive.imported = imported;
      });
  }

  /** Done, or the archive can never be imported (gone from the relay, or corrupt). */
  async clear(): Promise<void> {
    await this.db.historyImport.delete('pending');
  }
}
