import type { Messenger } from './api.js';
import { MESSENGER_MEMBERS } from '../remote/protocol.js';

/**
 * The messenger as an app sees it while the rest of open() runs after the first screen
 * (docs/decisions/0820): observables and synchronous reads answer at once (from the first
 * screen's models, then from everything), while every verb waits for `loaded` first, so nothing
 * changes a conversation whose projection is not loaded yet. The members are those of the remote
 * facade's table (remote/protocol.ts), so a verb added to Messenger is classified there once.
 */
export function afterLoad(messenger: Messenger, loaded: Promise<void>): Messenger {
  let done = false;
  loaded.then(
    () => (done = true),
    () => undefined,
  );
  const target = messenger as unknown as Record<string, unknown>;
  const gated: Record<string, unknown> = Object.create(messenger) as Record<string, unknown>;
  for (const [name, kind] of Object.entries(MESSENGER_MEMBERS)) {
    const member = target[name];
    if (typeof member !== 'function') continue;
    const call = (...args: unknown[]): unknown => member.apply(messenger, args);
    if (kind === 'call')
      gated[name] = async (...args: unknown[]) => {
        await loaded;
        return call(...args);
      };
    else if (kind === 'notify')
      gated[name] = (...args: unknown[]) => {
        if (done) call(...args);
        else void loaded.then(() => call(...args));
      };
    // Reads run on the messenger itself (its methods keep their `this`).
    else gated[name] = call;
  }
  return gated as unknown as Messenger;
}
