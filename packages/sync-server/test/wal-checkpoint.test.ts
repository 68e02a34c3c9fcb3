import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { address, bytes, registerAccount } from './support/accounts.js';
import { startTestRelay, tempDataDir, type TestRelay } from './support/relay-harness.js';

/**
 * The relay's own connection never checkpoints (decision 0150): a worker thread does. Proof that
 * it runs: committed entries reach the database file itself, which is copied here WITHOUT its
 * WAL and opened on its own.
 */
describe('WAL checkpoints', () => {
  let t: TestRelay;
  const copy = tempDataDir();

  beforeAll(async () => {
    t = await startTestRelay();
  });
  afterAll(async () => {
    await t.stop();
    copy.remove();
  });

  it('moves committed entries into the database file in the background', async () => {
    const [sender, receiver] = [await registerAccount(t.client), await registerAccount(t.client)];
    const socket = await t.client.connect(sender.devices[0]!);
    for (let i = 0; i < 20; i++) {
      await socket.send(`checkpointed-${i}`, [
        { destination: address(receiver.devices[0]!), content: bytes(`m${i}`) },
      ]);
    }
    socket.close();
    const entriesInDatabaseFile = () => {
      const path = join(copy.dir, 'main-file-only.sqlite');
      copyFileSync(join(t.dataDir, 'relay.sqlite'), path);
      const db = new Database(path, { readonly: true });
      try {
        return db
          .prepare("SELECT count(*) AS n FROM mailbox WHERE client_id LIKE 'checkpointed-%'")
          .get() as { n: number };
      } finally {
        db.close();
      }
    };
    await expect.poll(() => entriesInDatabaseFile().n, { timeout: 30_000 }).toBe(20);
  });
});
