import { isValidUsername } from '@parley/protocol';
import type { ParleyDatabase } from '../store/database.js';
import type { RelayHttp } from '../transport/relay-http.js';
import { ParleyError, relayCall } from '../errors.js';

/** Usernames <-> account ids this device knows: learned from the relay's directory and from documents. */
export class Contacts {
  private readonly usernames = new Map<string, string>();

  constructor(
    private readonly db: ParleyDatabase,
    private readonly http: RelayHttp,
    private readonly onError: (error: unknown) => void,
  ) {}

  async load(): Promise<void> {
    for (const contact of await this.db.contacts.toArray()) {
      this.usernames.set(contact.accountId, contact.username);
    }
  }

  usernameOf(accountId: string): string | undefined {
    return this.usernames.get(accountId);
  }

  /** The account id of `username`, from the local directory or the relay's. */
  async lookup(username: string): Promise<string> {
    const known = await this.db.contacts.where('username').equals(username).first();
    if (known) return known.accountId;
    checkUsername(username);
    const found = await relayCall(() => this.http.lookupUsername(username));
    this.learn(found.accountId, found.username);
    return found.accountId;
  }

  /** Forgets a deleted account's username, so a later lookup asks the relay who holds it now. */
  forget(accountId: string): void {
    if (!this.usernames.delete(accountId)) return;
    void this.db.contacts.delete(accountId).catch(this.onError);
  }

  learn(accountId: string, username: string): void {
    if (this.usernames.get(accountId) === username) return;
    this.usernames.set(accountId, username);
    void this.db.contacts.put({ accountId, username }).catch(this.onError);
  }
}

export function checkUsername(username: string): void {
  if (!isValidUsername(username)) {
    throw new ParleyError(
      'INVALID_USERNAME',
      'usernames have 3 to 32 characters a-z 0-9 _ . and start with a letter',
    );
  }
}
