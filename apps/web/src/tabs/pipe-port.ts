import type { RemotePort } from '@parley/core/remote';

/**
 * One end of a pipe: a BroadcastChannel that only two tabs open, carrying core's remote facade
 * protocol (packages/core/src/remote). A BroadcastChannel drops what arrives while nobody
 * listens, so messages are kept until `listen` is called. `close` ends this tab's end.
 */
export interface PipePort<In, Out> extends RemotePort<In, Out> {
  close(): void;
}

export function pipePort<In, Out>(channel: BroadcastChannel): PipePort<In, Out> {
  let listener: ((message: In) => void) | undefined;
  const early: In[] = [];
  channel.onmessage = (event: MessageEvent<In>) => {
    if (listener) listener(event.data);
    else early.push(event.data);
  };
  return {
    postMessage: (message) => channel.postMessage(message),
    listen(next) {
      listener = next;
      for (const message of early.splice(0)) next(message);
    },
    close: () => channel.close(),
  };
}

/** A RemotePort over an in-page MessagePort (the owner tab's own UI after a handover). */
export function messagePortPort<In, Out>(port: MessagePort): RemotePort<In, Out> {
  return {
    postMessage: (message) => port.postMessage(message),
    listen: (listener) => {
      port.onmessage = (event: MessageEvent<In>) => listener(event.data);
    },
  };
}
