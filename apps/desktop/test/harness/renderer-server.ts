import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { APP_ORIGIN, createAppProtocolHandler } from '../../src/main/app-protocol.js';
import type { BackendProcess } from './backend-process.js';

/**
 * Stands in for what Electron's main process does for the renderer: app:// becomes an HTTP
 * origin on 127.0.0.1 answered by the SAME protocol handler (files, CSP and security headers),
 * and the MessagePort main hands the renderer becomes a WebSocket at /backend-port, relayed to
 * the backend process (JSON here; structured clone in Electron).
 */
export interface RendererServer {
  readonly origin: string;
  attach(backend: BackendProcess): void;
  close(): Promise<void>;
}

export async function startRendererServer(webRoot: string): Promise<RendererServer> {
  const handler = createAppProtocolHandler(webRoot);
  let backend: BackendProcess | undefined;
  const server: Server = createServer((req, res) => {
    void respond(req).then(async (response) => {
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    });
  });
  const respond = (req: IncomingMessage) =>
    handler(new Request(`${APP_ORIGIN}${req.url ?? '/'}`, { method: req.method ?? 'GET' }));

  const sockets = new WebSocketServer({ server, path: '/backend-port' });
  sockets.on('connection', (socket) => {
    const current = backend;
    if (!current) return socket.close();
    current.onMessage((message) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
    });
    socket.on('message', (data) => current.post(JSON.parse(String(data)) as unknown));
  });

  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    attach: (next) => (backend = next),
    async close() {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * The preload bridge as the page sees it, for Chromium without Electron: the same
 * window.parleyDesktop API and the same window message carrying a MessagePort, whose far end is
 * the WebSocket above instead of Electron's IPC. Calls to the shell are recorded for assertions.
 */
export const bridgeStub = `
(() => {
  const calls = (window.__desktopCalls = { unread: [], notifications: [] });
  window.parleyDesktop = {
    platform: 'linux',
    requestBackendPort() {
      const channel = new MessageChannel();
      const socket = new WebSocket('ws://' + location.host + '/backend-port');
      channel.port2.onmessage = (event) => socket.send(JSON.stringify(event.data));
      socket.onmessage = (event) => channel.port2.postMessage(JSON.parse(event.data));
      socket.onopen = () => window.postMessage('parley:backend-port', location.origin, [channel.port1]);
    },
    setUnreadCount: (count) => calls.unread.push(count),
    notify: (notification) => calls.notifications.push(notification),
    onNotificationAction: () => () => {},
    onDeepLink: () => () => {},
    getOpenAtLogin: async () => false,
    setOpenAtLogin: async () => {},
  };
})();
`;
