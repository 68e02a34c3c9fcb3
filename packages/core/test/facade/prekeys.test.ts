import { describe, expect, it } from 'vitest';
import { PREKEY_BATCH, PREKEY_REFILL_THRESHOLD } from '../../src/crypto/prekeys.js';
import { ParleyDatabase } from '../../src/store/database.js';
import { RelayHttp } from '../../src/transport/relay-http.js';
import { uniqueUsername, useRelay } from '../support/fixture.js';
import { texts, waitFor } from '../support/wait.js';

/** The relay HTTP client with a device's own credentials, read from its database. */
async function httpAs(relayUrl: string, databaseName: string): Promise<RelayHttp> {
  const db = new ParleyDatabase(databaseName);
  try {
    const account = await db.account.get('self');
    if (!account) throw new Error(`${databaseName} is not registered`);
    return new RelayHttp(relayUrl, {
      accountId: account.accountId,
      deviceId: account.deviceId,
      secret: account.password,
    });
  } finally {
    db.close();
  }
}

describe('one-time prekeys', () => {
  // One test account stands in for the many requesters that drain a device's keys in life.
  const fx = useRelay([], { prekeyFetchesPerAccount: { burst: 1_000_000, perSecond: 1_000_000 } });

  it('are refilled when the relay runs low, and refilled keys set up working sessions', async () => {
    const aliceDb = `alice-${crypto.randomUUID()}`;
    const bobDb = `bob-${crypto.randomUUID()}`;
    const alice = await fx.messenger(aliceDb);
    const bob = await fx.messenger(bobDb);
    const aliceName = uniqueUsername('alice');
    await alice.register(aliceName);
    await bob.register(uniqueUsername('bob'));
    const aliceId = alice.self.getSnapshot()!.accountId;
    const asAlice = await httpAs(fx.relay.url, aliceDb);
    const asBob = await httpAs(fx.relay.url, bobDb);
    await waitFor(
      async () => (await asAlice.preKeyCounts()).oneTimePreKeys === PREKEY_BATCH,
      'initial stock',
    );

    // Other devices fetch Alice's bundle until she is below the threshold.
    const fetches = PREKEY_BATCH - PREKEY_REFILL_THRESHOLD + 5;
    for (let i = 0; i < fetches; i++) await asBob.preKeys(aliceId);
    expect((await asAlice.preKeyCounts()).oneTimePreKeys).toBe(PREKEY_BATCH - fetches);

    await alice.close();
    const back = await fx.messenger(aliceDb); // refills on connect
    const refilled = await waitFor(async () => {
      const counts = await asAlice.preKeyCounts();
      return counts.oneTimePreKeys > PREKEY_BATCH - fetches && counts;
    }, 'refill');
    expect(refilled).toEqual({
      oneTimePreKeys: 2 * PREKEY_BATCH - fetches,
      kyberOneTimePreKeys: 2 * PREKEY_BATCH - fetches,
    });

    // Use up the old keys, so Bob's session is set up with a refilled one.
    for (let i = 0; i < PREKEY_BATCH - fetches; i++) await asBob.preKeys(aliceId);
    const conversation = await bob.openDirectConversation(aliceName);
    const hello = fx.text('on a refilled prekey');
    await bob.sendText(conversation, hello);
    await waitFor(
      () => texts(back, conversation).includes(hello),
      'decrypted with a refilled prekey',
    );
  });
});
