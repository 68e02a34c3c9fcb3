/**
 * What relay processes tell each other through Redis (decision 0161). Addressed messages go to
 * one process's channel; the others go to every process. Redis carries only live pushes and
 * cache invalidations, never the only copy of anything. These are JSON; envelopes routed to the
 * process holding their device's socket are bytes (envelope-codec.ts, decision 0164).
 */
export type ClusterMessage =
  /** A newer socket of this device was claimed elsewhere: close ours if it is `token`. */
  | { kind: 'replaced'; rowId: number; token: string }
  /** An account's device set changed: forget it (and the device's cached credentials). */
  | { kind: 'devices-changed'; accountId: string }
  /** A device was removed: close its socket, if held here. */
  | { kind: 'device-removed'; accountId: string; deviceId: number }
  /** A sealed provisioning message for the new device whose socket the receiver holds. */
  | { kind: 'provisioning'; address: string; message: string };

const kinds = new Set<ClusterMessage['kind']>([
  'replaced',
  'devices-changed',
  'device-removed',
  'provisioning',
]);

/** Parses a message from another process; undefined for anything unrecognised (logged by the caller). */
export function parseClusterMessage(text: string): ClusterMessage | undefined {
  try {
    const value = JSON.parse(text) as { kind?: unknown };
    return typeof value === 'object' && value !== null && kinds.has(value.kind as never)
      ? (value as ClusterMessage)
      : undefined;
  } catch {
    return undefined;
  }
}
