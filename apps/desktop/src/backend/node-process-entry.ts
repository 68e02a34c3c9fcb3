/**
 * The desktop backend as a plain Node child process: what tests and bench:desktop run in place of
 * Electron's utility process. Messages on Node's IPC channel (fork with advanced serialization:
 * structured clone, as a MessagePort) carry both the start/stop control and the renderer port's
 * traffic (`{type: 'port'}`), which the parent relays to and from the renderer.
 */
import { performance } from 'node:perf_hooks';
import type { BackendMessage } from '@parley/core/remote';
import { startBackend, type Backend } from './backend.js';
import {
  isStartBackend,
  type ChildToParent,
  type ParentToChild,
  type StartBackend,
} from './child-protocol.js';

// After `stop` the channel is gone: late events (e.g. an error while closing) are dropped.
const send = (message: ChildToParent) => {
  if (process.connected) process.send?.(message);
};
const portListeners: Array<(message: unknown) => void> = [];
let backend: Backend | undefined;

process.on('message', (raw: ParentToChild) => {
  if (raw.type === 'port') {
    for (const listener of portListeners) listener(raw.message);
  } else if (raw.type === 'stop') {
    void stop();
  } else if (isStartBackend(raw) && !backend) {
    void start(raw);
  }
});

async function start(options: StartBackend): Promise<void> {
  try {
    backend = await startBackend({
      dataDir: options.dataDir,
      relayUrl: options.relayUrl,
      databaseKey: Buffer.from(options.databaseKey, 'hex'),
    });
    backend.serve({
      postMessage: (message: BackendMessage) => send({ type: 'port', message }),
      listen: (listener) => portListeners.push(listener),
    });
    send({ type: 'ready', openedMs: performance.now() });
  } catch (error) {
    send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
}

async function stop(): Promise<void> {
  await backend?.close();
  process.disconnect();
}
