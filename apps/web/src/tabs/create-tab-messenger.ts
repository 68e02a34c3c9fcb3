import {
  createRemoteMessenger,
  serveMessenger,
  type BackendMessage,
  type RemoteMessenger,
  type RendererMessage,
} from '@parley/core/remote';
import type { Messenger } from '../messenger/types.js';
import { connectToOwner, watchOwners, type OwnerPort } from './follow-owner.js';
import { holdForLife, requestOwnership } from './ownership.js';
import { messagePortPort } from './pipe-port.js';
import { serveFollowers } from './serve-followers.js';
import { tabNames } from './tab-names.js';

/** Which role this tab plays, on <html data-tab-role> (for people debugging, and for tests). */
export type TabRole = 'owner' | 'follower';

/**
 * The messenger of one tab among the tabs of one device (docs/decisions/0710). The tab that wins
 * the owner lock opens the real messenger (`openDevice`: socket, outbox, sessions on IndexedDB)
 * and serves it to the others over BroadcastChannel pipes with core's remote facade; every other
 * tab is a full client of it. When the owner goes away, the next tab in the lock's queue opens
 * the device, its own UI moves over to it, and the other followers move to the new owner; calls
 * the old owner never answered are retried there (RETRY_SAFE_CALLS; sends keep their message id)
 * or fail with BACKEND_CHANGED.
 */
export async function createTabMessenger(
  database: string,
  openDevice: () => Promise<Messenger>,
): Promise<Messenger> {
  const names = tabNames(database);
  const tab = crypto.randomUUID();
  // Held before this tab says a word: the owner watches this lock to learn the tab is gone.
  await holdForLife(names.tabLock(tab));
  const control = new BroadcastChannel(names.control);
  const ownership = requestOwnership(names.ownerLock);
  const follower = new Follower(names, control, tab);

  const first = await Promise.race([ownership.won.then(() => undefined), follower.start()]);
  if (!first) {
    follower.stop();
    return becomeOwner(undefined);
  }
  void ownership.won
    .then(() => becomeOwner(first))
    .catch((error: unknown) => {
      console.error('Parley could not take over the device in this tab', error);
    });
  return first;

  /** Opens the device here; `remote` (this tab's UI so far) moves to it through a local port. */
  async function becomeOwner(remote: RemoteMessenger | undefined): Promise<Messenger> {
    let messenger: Messenger;
    try {
      messenger = await openDevice();
    } catch (error) {
      ownership.release(); // another tab may fare better
      throw error;
    }
    if (remote) {
      const local = new MessageChannel();
      serveMessenger(messenger, messagePortPort<unknown, BackendMessage>(local.port1));
      remote.reconnect(messagePortPort<BackendMessage, RendererMessage>(local.port2));
      follower.stop();
    }
    serveFollowers(messenger, names, tab, control);
    document.documentElement.dataset.tabRole = 'owner' satisfies TabRole;
    return remote ?? messenger;
  }
}

/**
 * A follower's link to the owner: connects to each owner that announces itself, and moves the
 * remote messenger to it. Until the first connection the remote messenger does not exist yet; a
 * new owner announced meanwhile simply starts it again on the new pipe.
 */
class Follower {
  private owner: string | undefined;
  private attempt: { abandon(): void } | undefined;
  private port: OwnerPort | undefined;
  private remote: RemoteMessenger | undefined;
  private stopWatching: (() => void) | undefined;
  private stopped = false;
  private started: (remote: RemoteMessenger) => void = () => undefined;

  constructor(
    private readonly names: ReturnType<typeof tabNames>,
    private readonly control: BroadcastChannel,
    private readonly tab: string,
  ) {}

  /** Resolves with a messenger served by the owner, once one answers. */
  start(): Promise<RemoteMessenger> {
    const started = new Promise<RemoteMessenger>((resolve) => (this.started = resolve));
    this.stopWatching = watchOwners(this.control, this.tab, (owner) => this.follow(owner));
    return started;
  }

  /** This tab became the owner: no more following; the last pipe closes. */
  stop(): void {
    this.stopped = true;
    this.stopWatching?.();
    this.attempt?.abandon();
    this.port?.close();
    this.owner = undefined;
  }

  private follow(owner: string): void {
    if (owner === this.owner) return;
    this.owner = owner;
    this.attempt?.abandon();
    const attempt = connectToOwner(this.names, this.control, this.tab, owner);
    this.attempt = attempt;
    void attempt.ready.then(async (port) => {
      if (this.attempt !== attempt || this.stopped) return port.close();
      this.attempt = undefined;
      const previous = this.port;
      this.port = port;
      if (this.remote) {
        this.remote.reconnect(port);
      } else {
        const remote = await createRemoteMessenger(port);
        if (this.port !== port || this.stopped) return; // superseded while starting
        this.remote = remote;
        document.documentElement.dataset.tabRole = 'follower' satisfies TabRole;
        this.started(remote);
      }
      previous?.close();
    });
  }
}
