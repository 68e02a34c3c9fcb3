import {
  BACKEND_PORT_MESSAGE,
  type BackendMessage,
  type DesktopBridge,
  type RemotePort,
  type RendererMessage,
} from '@parley/core/remote';

/**
 * Asks the desktop app for a port to its backend and waits for it. The preload forwards the port
 * as a window message from this window (a MessagePort cannot cross contextBridge); messages from
 * anywhere else are ignored.
 */
export function connectBackend(
  bridge: DesktopBridge,
): Promise<RemotePort<BackendMessage, RendererMessage>> {
  return new Promise((resolve) => {
    const onMessage = (event: MessageEvent) => {
      const port = event.ports[0];
      if (event.source !== window || event.data !== BACKEND_PORT_MESSAGE || !port) return;
      window.removeEventListener('message', onMessage);
      resolve({
        postMessage: (message) => port.postMessage(message),
        listen: (listener) => {
          port.onmessage = (e: MessageEvent<BackendMessage>) => listener(e.data);
        },
      });
    };
    window.addEventListener('message', onMessage);
    bridge.requestBackendPort();
  });
}
