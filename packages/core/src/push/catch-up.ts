/**
 * Waits for the relay's MailboxDrained marker (docs/relay-api.md): once it arrives, every envelope
 * that waited in this device's mailbox when the socket authenticated has been pushed. A service
 * worker woken by a push needs exactly that moment to know it has seen what the push was about.
 */
export class CatchUp {
  private waiters: (() => void)[] = [];

  constructor(private readonly isDrained: () => boolean) {}

  /** The socket received its MailboxDrained marker. */
  drained(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Resolves at once when the current socket is drained, else at the next drain marker. */
  wait(): Promise<void> {
    if (this.isDrained()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
