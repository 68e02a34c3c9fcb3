/**
 * Entry of Electron's utility process (docs/decisions/0800). The main process sends one
 * StartBackend message, then, for each window, a message carrying a MessagePortMain whose other
 * end the renderer holds. Everything else is plain Node: no electron import is needed here.
 */
import type { BackendMessage } from '@parley/core/remote';
import { startBackend, type Backend } from './backend.js';
import { isStartBackend } from './child-protocol.js';

/** Electron's MessagePortMain, as far as this file uses it. */
interface PortMain {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  start(): void;
}

interface ParentPort {
  on(event: 'message', listener: (event: { data: unknown; ports: PortMain[] }) => void): void;
  postMessage(message: unknown): void;
}

const parentPort = (process as unknown as { parentPort: ParentPort }).parentPort;
let backend: Promise<Backend> | undefined;

parentPort.on('message', (event) => {
  if (isStartBackend(event.data) && !backend) {
    const options = event.data;
    backend = startBackend({
      dataDir: options.dataDir,
      relayUrl: options.relayUrl,
      databaseKey: Buffer.from(options.databaseKey, 'hex'),
    });
    backend.then(
      () => parentPort.postMessage({ type: 'ready', openedMs: performance.now() }),
      (error: unknown) => parentPort.postMessage({ type: 'failed', message: String(error) }),
    );
  }
  for (const port of event.ports) void serveWindow(port);
});

async function serveWindow(port: PortMain): Promise<void> {
  const opened = await backend;
  opened?.serve({
    postMessage: (message: BackendMessage) => port.postMessage(message),
    listen: (listener) => {
      port.on('message', (event) => listener(event.data));
      port.start();
    },
  });
}
