/**
 * After this device signed out or its account was deleted (core has closed the messenger and
 * deleted its IndexedDB databases): forget what the app itself kept in this browser (drafts and
 * preferences in localStorage) and start again from sign-up. Reloading builds a fresh messenger
 * on an empty database, which is exactly a device that never had an account.
 * Called on core's 'signed-out' event (use-start-over.ts), so every tab that gets it starts over.
 */
export function startOver(): void {
  try {
    for (const key of Object.keys(localStorage))
      if (key.startsWith('parley')) localStorage.removeItem(key);
    sessionStorage.clear();
  } catch {
    // Storage disabled: nothing was kept there.
  }
  location.replace('/');
}
