/** What the search worker saved in IndexedDB (core's IndexStore: `parley-search`, row 'index'). */
export interface SavedIndexInfo {
  /** Documents the saved index holds (0 when nothing is saved yet). */
  count: number;
  /** Size of its JSON. */
  bytes: number;
  /** Whether it holds the document `messageId` (when one is asked about). */
  holds: boolean;
}

/** Runs in the page (page.evaluate): reads the saved index's row. */
export function savedIndexInfo(messageId?: string): Promise<SavedIndexInfo> {
  const none = { count: 0, bytes: 0, holds: false };
  return new Promise((resolve) => {
    const open = indexedDB.open('parley-search');
    open.onerror = () => resolve(none);
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains('snapshots')) return resolve(none);
      const get = db.transaction('snapshots').objectStore('snapshots').get('index');
      get.onerror = () => resolve(none);
      get.onsuccess = () => {
        db.close();
        const row = get.result as { json: string; ids: string[] } | undefined;
        if (!row) return resolve(none);
        resolve({
          count: row.ids.length,
          bytes: new Blob([row.json]).size,
          holds: messageId !== undefined && row.ids.includes(messageId),
        });
      };
    };
  });
}
