import { afterEach, describe, expect, it } from 'vitest';
import { uniqueUsername, useRelay } from '../support/fixture.js';
import { find, openChat, waitFor } from '../support/wait.js';
import { recordWholeReads } from '../support/whole-reads.js';

/**
 * What a device keeps per chat beyond its rows — group members' receipts, group messages waiting
 * for their sender's key, disappearing-message times — is read per chat, or a window at a time,
 * never whole at start (docs/decisions/0821): a 1,000-member group with years of receipts costs
 * nothing until it is opened. What was kept still shows once its chat is opened.
 */
describe('group state read per chat (real relay)', () => {
  const fx = useRelay();
  let recording: ReturnType<typeof recordWholeReads> | undefined;
  afterEach(() => recording?.stop());

  it('reads no receipt, kept group message or expiry time whole at start; a receipt shows when its chat is opened', async () => {
    const aliceDb = `alice-${crypto.randomUUID()}`;
    let alice = await fx.messenger(aliceDb);
    await alice.register(uniqueUsername('alice'));
    const bob = await fx.messenger();
    const bobName = uniqueUsername('bob');
    await bob.register(bobName);
    const group = await alice.createGroup('Receipts', [bobName]);
    const hello = await alice.sendText(group, fx.text('hello'));
    await waitFor(() => find(bob, group, hello), 'bob has it');
    await bob.acceptMessageRequest(group);
    await bob.markRead(group, hello);
    await waitFor(() => alice.messageInfo(group, hello).read.length === 1, 'bob read it');
    await alice.settled();
    await alice.close();

    recording = recordWholeReads();
    alice = await fx.messenger(aliceDb);
    await alice.settled();
    const whole = recording.reads.filter((name) => name.startsWith(aliceDb));
    expect(whole).not.toContain(`${aliceDb}/receipts`);
    expect(whole).not.toContain(`${aliceDb}/pendingGroupMessages`);
    expect(whole).not.toContain(`${aliceDb}-disappearing/expiries`);
    // The start-up did read the whole of some small tables: the recording sees reads.
    expect(whole).toContain(`${aliceDb}/conversations`);

    await openChat(alice, group);
    expect(alice.messageInfo(group, hello).read.map((r) => r.username)).toEqual([bobName]);
    expect(find(alice, group, hello)?.status).toBe('read');
  });
});
