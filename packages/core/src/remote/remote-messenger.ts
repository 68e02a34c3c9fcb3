import type { Messenger, MessengerEvent, Observable } from '../facade/api.js';
import {
  BACKEND_CHANGED,
  EMPTY_LIST,
  MESSENGER_MEMBERS,
  RETRY_SAFE_CALLS,
  withIdempotencyKey,
  type BackendMessage,
  type MemberName,
  type RemoteError,
  type RemotePort,
  type RendererMessage,
} from './protocol.js';

/** An error raised in the backend, as the renderer sees it (name, code and message kept). */
export class BackendError extends Error {
  readonly code: string | undefined;
  constructor(error: RemoteError) {
    super(error.message);
    this.name = error.name;
    this.code = error.code;
  }
}

/** A mirror of one backend observable: subscribed there while someone listens here. */
class Mirror<T> implements Observable<T> {
  private readonly listeners = new Set<() => void>();
  constructor(
    private value: T,
    private readonly start: () => void,
    private readonly stop: () => void,
  ) {}

  subscribe(onChange: () => void): () => void {
    if (this.listeners.size === 0) this.start();
    this.listeners.add(onChange);
    return () => {
      if (this.listeners.delete(onChange) && this.listeners.size === 0) this.stop();
    };
  }

  getSnapshot(): T {
    return this.value;
  }

  update(value: T): void {
    this.value = value;
    for (const listener of [...this.listeners]) listener();
  }

  /** Same content, new identity: components reading queries during render re-render. */
  touch(): void {
    if (Array.isArray(this.value)) this.update([...this.value] as T);
    else if (typeof this.value === 'object' && this.value !== null) this.update({ ...this.value });
  }
}

/** A Messenger served from elsewhere, which can move to another backend (see reconnect). */
export interface RemoteMessenger extends Messenger {
  /**
   * Moves to a new backend on `port` (the old one is gone): mirrors being watched are watched
   * there, and calls the old one never answered are repeated there when RETRY_SAFE_CALLS lists
   * them, else fail with BACKEND_CHANGED. Messages still arriving from the old port are ignored.
   */
  reconnect(port: RemotePort<BackendMessage, RendererMessage>): void;
}

interface PendingCall {
  name: string;
  args: unknown[];
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * The renderer's Messenger (docs/decisions/0800): every member forwards over `port` to the
 * backend's serveMessenger. Resolves once the property observables (self, connection, chat list)
 * hold the backend's first snapshots, so the first render shows real state.
 */
export async function createRemoteMessenger(
  firstPort: RemotePort<BackendMessage, RendererMessage>,
): Promise<RemoteMessenger> {
  let nextId = 1;
  let port = firstPort;
  const pending = new Map<number, PendingCall>();
  const mirrors = new Map<number, Mirror<unknown>>();
  const watched = new Map<number, { name: string; args: unknown[] }>();
  const byKey = new Map<string, Mirror<unknown>>();
  const eventListeners = new Set<(event: MessengerEvent) => void>();
  const properties: Array<Mirror<unknown>> = [];
  const idOf = new Map<Mirror<unknown>, number>();
  const queryIds = new Set<number>();

  function receive(message: BackendMessage): void {
    switch (message.type) {
      case 'result':
      case 'failure': {
        const call = pending.get(message.id);
        pending.delete(message.id);
        if (message.type === 'result') call?.resolve(message.value);
        else call?.reject(new BackendError(message.error));
        return;
      }
      case 'snapshot':
        mirrors.get(message.id)?.update(message.value);
        if (queryIds.has(message.id)) for (const property of properties) property.touch();
        return;
      case 'event':
        for (const listener of [...eventListeners]) listener(message.event);
    }
  }

  /** Listens on `next`; whatever the previous port still delivers is dropped. */
  function use(next: RemotePort<BackendMessage, RendererMessage>): void {
    port = next;
    next.listen((message) => {
      if (port === next) receive(message);
    });
  }

  function reconnect(next: RemotePort<BackendMessage, RendererMessage>): void {
    use(next);
    for (const [id, { name, args }] of watched) next.postMessage({ type: 'watch', id, name, args });
    for (const [id, call] of pending) {
      if (RETRY_SAFE_CALLS.has(call.name as MemberName)) {
        next.postMessage({ type: 'call', id, name: call.name, args: call.args });
      } else {
        pending.delete(id);
        call.reject(
          new BackendError({
            name: 'RemoteError',
            code: BACKEND_CHANGED,
            message: `${call.name} was interrupted; it may or may not have been done`,
          }),
        );
      }
    }
  }

  function call(name: string, given: unknown[]): Promise<unknown> {
    const id = nextId++;
    const args = withIdempotencyKey(name, given);
    return new Promise((resolve, reject) => {
      pending.set(id, { name, args, resolve, reject });
      port.postMessage({ type: 'call', id, name, args });
    });
  }

  /** One mirror per member and arguments, watched while subscribed (queries: always). */
  function mirror(name: string, args: unknown[], initial: unknown): Mirror<unknown> {
    const key = `${name}:${JSON.stringify(args)}`;
    const known = byKey.get(key);
    if (known) return known;
    const id = nextId++;
    const m = new Mirror(
      initial,
      () => {
        watched.set(id, { name, args });
        port.postMessage({ type: 'watch', id, name, args });
      },
      () => {
        watched.delete(id);
        port.postMessage({ type: 'unwatch', id });
      },
    );
    mirrors.set(id, m);
    idOf.set(m, id);
    byKey.set(key, m);
    return m;
  }

  function query(name: string, args: unknown[]): unknown {
    const m = mirror(name, args, undefined);
    const id = idOf.get(m) as number;
    if (!queryIds.has(id)) {
      queryIds.add(id);
      m.subscribe(() => undefined);
    }
    return m.getSnapshot();
  }

  use(firstPort);
  const members: Record<string, unknown> = {};
  const firstSnapshots: Array<Promise<void>> = [];
  for (const [name, kind] of Object.entries(MESSENGER_MEMBERS) as Array<[MemberName, string]>) {
    switch (kind) {
      case 'observable': {
        const m = mirror(name, [], undefined);
        properties.push(m);
        firstSnapshots.push(
          new Promise((resolve) => {
            const stop = m.subscribe(() => {
              stop();
              resolve();
            });
          }),
        );
        // Kept subscribed for the app's lifetime: these three are always on screen.
        m.subscribe(() => undefined);
        members[name] = m;
        break;
      }
      case 'observable-call':
        members[name] = (...args: unknown[]) => mirror(name, args, EMPTY_LIST);
        break;
      case 'call':
        members[name] = (...args: unknown[]) => call(name, args);
        break;
      case 'query':
        members[name] = (...args: unknown[]) => query(name, args);
        break;
      case 'notify':
        // Not repeated after a reconnect: typing and cancelling are momentary.
        members[name] = (...args: unknown[]) => port.postMessage({ type: 'notify', name, args });
        break;
      case 'events':
        members[name] = (listener: (event: MessengerEvent) => void) => {
          eventListeners.add(listener);
          return () => eventListeners.delete(listener);
        };
    }
  }
  await Promise.all(firstSnapshots);
  members.reconnect = reconnect;
  return members as unknown as RemoteMessenger;
}
