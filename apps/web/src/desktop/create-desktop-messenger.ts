import { createRemoteMessenger, type DesktopBridge } from '@parley/core/remote';
import type { Messenger } from '../messenger/types.js';
import { connectBackend } from './connect-backend.js';
import { connectDesktopShell } from './desktop-shell.js';

/**
 * The messenger of the desktop app's renderer: core runs in the desktop backend (libsignal,
 * encrypted SQLite; docs/decisions/0800) and this window talks to it over a MessagePort. The
 * renderer never holds keys or the database.
 */
export async function createDesktopMessenger(bridge: DesktopBridge): Promise<Messenger> {
  const messenger = await createRemoteMessenger(await connectBackend(bridge));
  connectDesktopShell(bridge, messenger);
  return messenger;
}
