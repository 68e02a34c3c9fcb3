import type { BackendMessage, RendererMessage } from '@parley/core/remote';
import { pipePort, type PipePort } from './pipe-port.js';
import { PIPE_READY, parseTabSignal, type TabNames } from './tab-names.js';

export type OwnerPort = PipePort<BackendMessage, RendererMessage>;

/**
 * Calls `onOwner` with every owner that announces itself on the control channel (a new one after
 * each handover), after asking once who the owner is now. Returns a function that stops.
 */
export function watchOwners(
  control: BroadcastChannel,
  tab: string,
  onOwner: (owner: string) => void,
): () => void {
  const listener = (event: MessageEvent) => {
    const signal = parseTabSignal(event.data);
    if (signal?.type === 'owner') onOwner(signal.owner);
  };
  control.addEventListener('message', listener);
  control.postMessage({ type: 'hello', tab });
  return () => control.removeEventListener('message', listener);
}

/**
 * Opens this tab's pipe to `owner` and resolves once the owner serves on it. Never resolves when
 * the owner went away meanwhile: the next owner's announcement (or this tab's own election)
 * supersedes it, and the caller closes the pipe through `abandon`.
 */
export function connectToOwner(
  names: TabNames,
  control: BroadcastChannel,
  tab: string,
  owner: string,
): { ready: Promise<OwnerPort>; abandon(): void } {
  const channel = new BroadcastChannel(names.pipe(owner, tab));
  const ready = new Promise<OwnerPort>((resolve) => {
    channel.onmessage = (event: MessageEvent) => {
      if (event.data === PIPE_READY) resolve(pipePort(channel));
    };
  });
  control.postMessage({ type: 'join', owner, tab });
  return { ready, abandon: () => channel.close() };
}
