import type { Messenger } from './api.js';
import { wrapMembers } from './member-wrappers.js';

/**
 * The messenger as an app sees it while the rest of open() runs after the first screen
 * (docs/decisions/0820): observables and synchronous reads answer at once (from the first
 * screen's models, then from everything), while every verb waits for `loaded` first, so nothing
 * changes a conversation whose projection is not loaded yet.
 */
export function afterLoad(messenger: Messenger, loaded: Promise<void>): Messenger {
  let done = false;
  loaded.then(
    () => (done = true),
    () => undefined,
  );
  return wrapMembers(messenger, (kind, member) => {
    if (kind === 'call')
      return async (...args: unknown[]) => {
        await loaded;
        return member(...args);
      };
    if (kind === 'notify')
      return (...args: unknown[]) => {
        if (done) member(...args);
        else void loaded.then(() => member(...args));
      };
    return member;
  });
}
