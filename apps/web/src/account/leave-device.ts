/**
 * After this device signed out or its account was deleted (core has closed the messenger and
 * deleted its IndexedDB databases): forget what the app itself kept in this browser (drafts and
 * preferences in localStorage) and start again from sign-up. Reloading builds a fresh messenger
 * on an empty database, which is exactly a device that never had an account.
 * Called on core's 'signed-out' event (use-start-over.ts), so every tab that gets it starts over.
 */
export function startOver(reason?: string): void {
  try {
    for (const key of Object.keys(localStorage))
      if (key.startsWith('parley')) localStorage.removeItem(key);
    sessionStorage.clear();
    if (reason === 'unlinked') sessionStorage.setItem(UNLINKED_KEY, '1');
  } catch {
    // Storage disabled: nothing was kept there.
  }
  location.replace('/');
}

const UNLINKED_KEY = 'parley-unlinked';

/** Why sign-up shows again, once, when another device unlinked this one. */
export function unlinkedNotice(): string | null {
  try {
    if (!sessionStorage.getItem(UNLINKED_KEY)) return null;
    sessionStorage.removeItem(UNLINKED_KEY);
  } catch {
    return null;
  }
  return 'This device was unlinked from your account on another device, so its keys and messages were deleted here.';
}
