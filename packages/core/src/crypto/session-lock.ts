/**
 * Serializes every operation that reads and writes Signal session state. Two concurrent
 * encryptions for one address would both load the same ratchet state and reuse a message key;
 * an encryption racing a decryption could overwrite the ratchet step the other saved.
 */
export class SessionLock {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.tail.then(operation, operation);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
