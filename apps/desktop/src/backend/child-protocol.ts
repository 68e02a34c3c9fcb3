/**
 * How a backend process is started and stopped by its parent, beside the renderer's port.
 * In Electron the parent is the main process (utility-process-entry.ts); in tests and the
 * benchmark a Node parent forks node-process-entry.ts (the stand-in for Electron's utility
 * process, with Node's IPC channel standing in for Electron's MessagePortMain).
 */
export interface StartBackend {
  type: 'start';
  dataDir: string;
  relayUrl: string;
  /** Hex; unsealed from the OS keychain by the parent. */
  databaseKey: string;
}

/** Sent by the backend once core is open; `openedMs` counts from the process's start. */
export interface BackendReady {
  type: 'ready';
  openedMs: number;
}

export interface BackendFailed {
  type: 'failed';
  message: string;
}

/** Node stand-in only: the parent multiplexes port messages and control on one IPC channel. */
export type ParentToChild = StartBackend | { type: 'stop' } | { type: 'port'; message: unknown };
export type ChildToParent = BackendReady | BackendFailed | { type: 'port'; message: unknown };

export function isStartBackend(value: unknown): value is StartBackend {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  return (
    m.type === 'start' &&
    typeof m.dataDir === 'string' &&
    typeof m.relayUrl === 'string' &&
    typeof m.databaseKey === 'string' &&
    /^[0-9a-f]{64}$/.test(m.databaseKey)
  );
}
