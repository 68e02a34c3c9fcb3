import { serveMessenger, type BackendMessage } from '@parley/core/remote';
import type { Messenger } from '../messenger/types.js';
import { pipePort } from './pipe-port.js';
import { PIPE_READY, parseTabSignal, type TabNames, type TabSignal } from './tab-names.js';

/**
 * The owner's side (docs/decisions/0710): announces itself on the control channel, and serves the
 * device's messenger to every tab that joins, each over its own pipe, until that tab is gone (its
 * tab lock becomes free). Followers get the whole facade except close(): a tab closing its view
 * must not close the device for the others.
 */
export function serveFollowers(
  messenger: Messenger,
  names: TabNames,
  owner: string,
  control: BroadcastChannel,
): void {
  const shared = sharedMessenger(messenger);
  const say = (signal: TabSignal) => control.postMessage(signal);
  const serving = new Set<string>();

  control.addEventListener('message', (event: MessageEvent) => {
    const signal = parseTabSignal(event.data);
    if (signal?.type === 'hello') say({ type: 'owner', owner });
    if (signal?.type !== 'join' || signal.owner !== owner || serving.has(signal.tab)) return;
    const { tab } = signal;
    serving.add(tab);
    const pipe = pipePort<unknown, BackendMessage | typeof PIPE_READY>(
      new BroadcastChannel(names.pipe(owner, tab)),
    );
    const stop = serveMessenger(shared, pipe);
    pipe.postMessage(PIPE_READY);
    // Granted once the follower's tab is gone (closed, crashed or navigated away).
    void navigator.locks.request(names.tabLock(tab), () => {
      stop();
      pipe.close();
      serving.delete(tab);
    });
  });
  say({ type: 'owner', owner });
}

/** The messenger as followers see it: close() only closes the caller's view, not the device. */
function sharedMessenger(messenger: Messenger): Messenger {
  return new Proxy(messenger, {
    get: (target, key, receiver) =>
      key === 'close' ? () => Promise.resolve() : Reflect.get(target, key, receiver),
  });
}
