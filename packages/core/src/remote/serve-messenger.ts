import type { Messenger, Observable } from '../facade/api.js';
import {
  MESSENGER_MEMBERS,
  isMember,
  type BackendMessage,
  type MemberKind,
  type RemoteError,
  type RemotePort,
  type RendererMessage,
} from './protocol.js';

/** A mirror the renderer asked for: an observable's subscription or a query's last answer. */
interface Watch {
  stop(): void;
}

/**
 * Serves `messenger` to one renderer over `port` (the backend's half of docs/decisions/0800).
 * Every message is checked before it reaches core: an unknown member, a member used as the wrong
 * kind or arguments that are not a list are answered with an error (or dropped when there is no
 * one to answer), never executed. Returns a function that stops serving.
 */
export function serveMessenger(
  messenger: Messenger,
  port: RemotePort<unknown, BackendMessage>,
): () => void {
  const watches = new Map<number, Watch>();
  const queries = new Map<number, () => void>();
  let refreshScheduled = false;

  /** Queries are re-read once per burst of changes, after the observables' own snapshots. */
  function changed(): void {
    if (refreshScheduled || queries.size === 0) return;
    refreshScheduled = true;
    queueMicrotask(() => {
      refreshScheduled = false;
      for (const refresh of queries.values()) refresh();
    });
  }

  function watchObservable(id: number, observable: Observable<unknown>): Watch {
    const push = () => port.postMessage({ type: 'snapshot', id, value: observable.getSnapshot() });
    const unsubscribe = observable.subscribe(() => {
      push();
      changed();
    });
    push();
    return { stop: unsubscribe };
  }

  function watchQuery(id: number, read: () => unknown): Watch {
    let last: string | undefined;
    const refresh = () => {
      const value = read();
      const serialized = JSON.stringify(value) ?? 'undefined';
      if (serialized === last) return;
      last = serialized;
      port.postMessage({ type: 'snapshot', id, value });
    };
    queries.set(id, refresh);
    refresh();
    return { stop: () => queries.delete(id) };
  }

  function member(name: string, kind: MemberKind): (...args: unknown[]) => unknown {
    const value = (messenger as unknown as Record<string, unknown>)[name];
    if (MESSENGER_MEMBERS[name as keyof typeof MESSENGER_MEMBERS] !== kind)
      throw new RemoteRequestError(`${name} is not a ${kind}`);
    if (typeof value !== 'function') throw new RemoteRequestError(`${name} is not a function`);
    return (value as (...args: unknown[]) => unknown).bind(messenger);
  }

  function watch(id: number, name: string, args: unknown[]): Watch {
    const kind = MESSENGER_MEMBERS[name as keyof typeof MESSENGER_MEMBERS];
    if (kind === 'observable')
      return watchObservable(
        id,
        (messenger as unknown as Record<string, Observable<unknown>>)[name]!,
      );
    if (kind === 'observable-call')
      return watchObservable(id, member(name, kind)(...args) as Observable<unknown>);
    if (kind === 'query') return watchQuery(id, () => member(name, kind)(...args));
    throw new RemoteRequestError(`${name} cannot be watched`);
  }

  async function call(id: number, name: string, args: unknown[]): Promise<void> {
    try {
      const value = await member(name, 'call')(...args);
      port.postMessage({ type: 'result', id, value });
    } catch (error) {
      port.postMessage({ type: 'failure', id, error: toRemoteError(error) });
    }
  }

  function handle(raw: unknown): void {
    const message = parseRendererMessage(raw);
    if (!message) return;
    switch (message.type) {
      case 'call':
        void call(message.id, message.name, message.args);
        return;
      case 'notify':
        try {
          member(message.name, 'notify')(...message.args);
        } catch {
          // A notification has no one to answer; a bad one is dropped.
        }
        return;
      case 'watch':
        try {
          watches.get(message.id)?.stop();
          watches.set(message.id, watch(message.id, message.name, message.args));
        } catch (error) {
          port.postMessage({ type: 'failure', id: message.id, error: toRemoteError(error) });
        }
        return;
      case 'unwatch':
        watches.get(message.id)?.stop();
        watches.delete(message.id);
    }
  }

  const stopEvents = messenger.on((event) => port.postMessage({ type: 'event', event }));
  port.listen(handle);
  return () => {
    stopEvents();
    for (const w of watches.values()) w.stop();
    watches.clear();
  };
}

/** A request that breaks the protocol (wrong member, kind or shape). */
export class RemoteRequestError extends Error {
  override readonly name = 'RemoteRequestError';
}

/** The message if it is well-formed, else undefined (a renderer is not trusted to be). */
export function parseRendererMessage(raw: unknown): RendererMessage | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const m = raw as Record<string, unknown>;
  const validId = Number.isSafeInteger(m.id);
  const validCall = isMember(m.name) && Array.isArray(m.args);
  switch (m.type) {
    case 'call':
    case 'watch':
      return validId && validCall ? (m as RendererMessage) : undefined;
    case 'notify':
      return validCall ? (m as RendererMessage) : undefined;
    case 'unwatch':
      return validId ? (m as RendererMessage) : undefined;
    default:
      return undefined;
  }
}

export function toRemoteError(error: unknown): RemoteError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      name: error.name,
      message: error.message,
      ...(typeof code === 'string' ? { code } : {}),
    };
  }
  return { name: 'Error', message: String(error) };
}
