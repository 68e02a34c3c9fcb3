/** The part of IndexedDB's DatabaseFactory used here (core builds without the DOM types). */
export interface DatabaseFactory {
  deleteDatabase(name: string): {
    onsuccess: ((event: unknown) => void) | null;
    onerror: ((event: unknown) => void) | null;
    onblocked: ((event: unknown) => void) | null;
    readonly error: unknown;
  };
}

/**
 * Deletes IndexedDB databases by name. A database another connection still holds (another tab)
 * is deleted as soon as that connection closes: Dexie closes its connections on the
 * `versionchange` event a deletion sends, so "blocked" is treated as done rather than waited on.
 */
export async function deleteDatabases(
  factory: DatabaseFactory,
  names: readonly string[],
): Promise<void> {
  await Promise.all(names.map((name) => deleteDatabase(factory, name)));
}

function deleteDatabase(factory: DatabaseFactory, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = factory.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onblocked = () => resolve();
    request.onerror = () => reject(request.error ?? new Error(`could not delete database ${name}`));
  });
}
