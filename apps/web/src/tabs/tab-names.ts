/**
 * The names one device's tabs meet under (docs/decisions/0710). Everything is keyed by the
 * device's IndexedDB database: tabs of one browser profile share it, and so share one device.
 */
export interface TabNames {
  /** The Web Lock whose holder owns the device: its socket, outbox and session state. */
  ownerLock: string;
  /** The BroadcastChannel on which tabs find the owner (TabSignal messages). */
  control: string;
  /** The Web Lock a tab holds for its whole life, so the owner learns when it is gone. */
  tabLock(tab: string): string;
  /** The BroadcastChannel only `owner` and `tab` open: the facade between them. */
  pipe(owner: string, tab: string): string;
}

export function tabNames(database: string): TabNames {
  const prefix = `parley:${database}`;
  return {
    ownerLock: `${prefix}:owner`,
    control: `${prefix}:tabs`,
    tabLock: (tab) => `${prefix}:tab:${tab}`,
    pipe: (owner, tab) => `${prefix}:pipe:${owner}:${tab}`,
  };
}

/** What tabs say on the control channel. */
export type TabSignal =
  /** A tab looking for the owner; the owner answers with 'owner'. */
  | { type: 'hello'; tab: string }
  /** The owner is ready to serve: said when it became owner and in answer to 'hello'. */
  | { type: 'owner'; owner: string }
  /** A follower opened pipe(owner, tab) and waits for the owner's 'ready' on it. */
  | { type: 'join'; owner: string; tab: string }
  /** The account was signed out on this device: every tab resets (session-signal.ts). */
  | { type: 'session-ended' };

/** The owner's first message on a pipe: it is listening and serving. */
export const PIPE_READY = 'parley:pipe-ready';

/** The signal if `raw` is a well-formed one, else undefined (other tabs may run older code). */
export function parseTabSignal(raw: unknown): TabSignal | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const m = raw as Record<string, unknown>;
  const id = (value: unknown) => typeof value === 'string' && value.length > 0;
  switch (m.type) {
    case 'hello':
      return id(m.tab) ? (m as TabSignal) : undefined;
    case 'owner':
      return id(m.owner) ? (m as TabSignal) : undefined;
    case 'join':
      return id(m.owner) && id(m.tab) ? (m as TabSignal) : undefined;
    case 'session-ended':
      return { type: 'session-ended' };
    default:
      return undefined;
  }
}
