import type { Socket } from 'node:net';

/**
 * Corks a socket at its first write of an event-loop turn and uncorks every corked socket once
 * the turn's callbacks are done (setImmediate runs right after the I/O phase). The frames one
 * turn writes to a socket, such as the answers and pushes released by one group commit, then
 * leave in one writev instead of one system call each: measured as the largest single cost of
 * the relay at load before (docs/decisions/0152-one-write-per-socket-per-turn.md).
 */
export class WriteBatcher {
  private corked = new Set<Socket>();
  private scheduled = false;

  /** Call before writing to `socket`; its writes go out together at the end of this turn. */
  hold(socket: Socket): void {
    if (this.corked.has(socket)) return;
    socket.cork();
    this.corked.add(socket);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.release);
    }
  }

  private readonly release = (): void => {
    const sockets = this.corked;
    this.corked = new Set();
    this.scheduled = false;
    for (const socket of sockets) socket.uncork();
  };
}
