/**
 * The acks waiting for the group commit that deletes them, all in one job (decision 0165):
 * two flat arrays, so an ack costs no set or closure of its own. Mailbox reads skip what is
 * queued here: a device that acks and reconnects before the next commit must not be sent
 * again what it acked. It holds every device's acks since the last commit began (a WAL sync's
 * worth), and a read scans it: reads are rare next to acks.
 */
export class AckQueue {
  private rowIds: number[] = [];
  private serverIds: number[] = [];

  /** Queues a device's acks. */
  add(rowId: number, serverIds: readonly number[]): void {
    for (const serverId of serverIds) {
      this.rowIds.push(rowId);
      this.serverIds.push(serverId);
    }
  }

  /** Empties the queue; returns its acks as parallel arrays. */
  take(): { rowIds: number[]; serverIds: number[] } {
    const taken = { rowIds: this.rowIds, serverIds: this.serverIds };
    this.rowIds = [];
    this.serverIds = [];
    return taken;
  }

  /** The ids `rowId` acked that are still queued; undefined when none (the usual case). */
  queuedFor(rowId: number): Set<number> | undefined {
    let ids: Set<number> | undefined;
    for (let i = 0; i < this.rowIds.length; i++) {
      if (this.rowIds[i] === rowId) (ids ??= new Set()).add(this.serverIds[i]!);
    }
    return ids;
  }
}
