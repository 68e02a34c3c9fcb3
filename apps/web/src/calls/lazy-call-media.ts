import type { CallMedia, CallNetwork, CallPeers, PeerLink, PeerLinkHandlers } from '@parley/core';
import type { BrowserCallMedia } from './browser-call-media.js';

let loaded: BrowserCallMedia | undefined;
let loading: Promise<BrowserCallMedia> | undefined;

/** The page's media side, fetched with the call screen's chunk (retried after a failed fetch). */
export function loadCallMedia(): Promise<BrowserCallMedia> {
  return (loading ??= import('./call-media.js').then(
    (module) => (loaded = module.callMedia),
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  ));
}

/**
 * What the shell attaches to core at start-up, so this device rings from the first moment (core
 * records an invite that finds no media side as missed). The browser's media code (getUserMedia,
 * simple-peer, quality sampling) loads on the first ring or call, not with the first paint.
 */
export const lazyCallMedia: CallPeers = {
  prepare(): void {
    void loadCallMedia()
      .then((media) => media.prepare())
      .catch(() => {});
  },
  async start(callId: string, media: CallMedia, network: CallNetwork): Promise<void> {
    return (await loadCallMedia()).start(callId, media, network);
  },
  link(callId: string, device: string, initiator: boolean, handlers: PeerLinkHandlers): PeerLink {
    // Core links peers only after start() resolved, which loaded the media side.
    if (!loaded) throw new Error('no media for this call');
    return loaded.link(callId, device, initiator, handlers);
  },
  stop(callId: string): void {
    if (loaded) loaded.stop(callId);
    // A stop while the code still loads is passed on once it has loaded, as it was before.
    else if (loading) void loading.then((media) => media.stop(callId)).catch(() => {});
  },
};
