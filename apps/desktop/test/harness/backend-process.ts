import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type {
  BackendReady,
  ChildToParent,
  ParentToChild,
} from '../../src/backend/child-protocol.js';

/** The bundled backend, as Electron's utility process starts it (src/backend/launch/launch.ts). */
const launcher = fileURLToPath(new URL('../../dist/backend/launch/launch.js', import.meta.url));

/**
 * The desktop backend in its own Node process, standing in for Electron's utility process: Node's
 * IPC channel (structured clone) stands in for Electron's MessagePortMain. Everything inside —
 * core, libsignal-client, the SQLCipher file — is the real thing.
 */
export interface BackendProcess {
  readonly ready: BackendReady;
  /** Sends one message to the backend's renderer port. */
  post(message: unknown): void;
  /** Receives every message the backend sends to its renderer port. */
  onMessage(listener: (message: unknown) => void): void;
  stop(): Promise<void>;
}

export async function startBackendProcess(options: {
  dataDir: string;
  relayUrl: string;
  databaseKey: Buffer;
}): Promise<BackendProcess> {
  // A plain Node process: none of Vitest's flags (its `source` condition would load .ts files).
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  // Beside the data folder, as in Electron (userData/data and userData/code-cache).
  const codeCache = join(dirname(options.dataDir), 'code-cache');
  const child: ChildProcess = fork(launcher, ['node-process-entry', codeCache], {
    serialization: 'advanced',
    stdio: 'inherit',
    execArgv: [],
    env,
  });
  const listeners: Array<(message: unknown) => void> = [];
  const send = (message: ParentToChild) => child.send(message);
  const ready = new Promise<BackendReady>((resolve, reject) => {
    child.on('message', (message: ChildToParent) => {
      if (message.type === 'port') for (const listener of listeners) listener(message.message);
      else if (message.type === 'ready') resolve(message);
      else reject(new Error(`backend failed: ${message.message}`));
    });
    child.once('exit', (code) => reject(new Error(`backend exited with ${code}`)));
  });
  send({
    type: 'start',
    dataDir: options.dataDir,
    relayUrl: options.relayUrl,
    databaseKey: options.databaseKey.toString('hex'),
  });
  return {
    ready: await ready,
    post: (message) => send({ type: 'port', message }),
    onMessage: (listener) => listeners.push(listener),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      send({ type: 'stop' });
      await exited;
    },
  };
}
