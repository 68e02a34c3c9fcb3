import { describe, expect, it } from 'vitest';
import { ParleyError } from '../../src/index.js';
import { deferredSearchBackend } from '../../src/search/deferred-index.js';
import { MAX_QUERY_LENGTH } from '../../src/search/message-search.js';
import { useRelay } from '../support/fixture.js';
import { texts, waitFor } from '../support/wait.js';

describe('search through the facade (real relay, real messengers)', () => {
  const fx = useRelay();

  it('finds received and sent messages by chat, highlighted; after a reopen from the saved index', async () => {
    const alice = await fx.messenger();
    const bobDb = `bob-search-${crypto.randomUUID()}`;
    let bob = await fx.messenger(bobDb);
    const conversation = await fx.meet(alice, bob);
    const text = "Un Café sous l'arbre, https://exemple.fr/rendezvous";
    await alice.sendText(conversation, text);
    await waitFor(() => texts(bob, conversation).includes(text), 'bob receives');
    await bob.sendText(conversation, 'Merci pour le café');

    const results = await bob.search('cafe arb');
    expect(results.groups).toHaveLength(1);
    const [group] = results.groups;
    expect(group).toMatchObject({ conversationId: conversation, kind: 'direct' });
    expect(group!.messages.map((m) => m.text)).toEqual([text]);
    const [found] = group!.messages;
    expect(found!.highlights.map(([start, end]) => text.slice(start, end))).toEqual([
      'Café',
      'arbre',
    ]);
    expect((await bob.search('rendezv')).groups[0]?.messages[0]?.text).toBe(text);
    // Chat names: the peer's username.
    const peerName = group!.title;
    const byName = await bob.search(peerName.slice(0, 4).toUpperCase());
    expect(byName.chats.map((chat) => chat.conversationId)).toEqual([conversation]);

    // The sender as the chat names them: the name Bob gave Alice wins over her username.
    expect(found!.senderName).toBe(found!.senderUsername);
    const aliceId = alice.self.getSnapshot()!.accountId;
    await bob.updateAccountSettings({ kind: 'rename-contact', accountId: aliceId, name: 'Ally' });
    const renamed = (await bob.search('arbre')).groups[0]?.messages[0];
    expect([renamed?.senderName, renamed?.senderUsername]).toEqual(['Ally', found!.senderUsername]);
    expect(
      (await bob.search('CAFÉ', { conversationId: conversation })).groups[0]?.messages,
    ).toHaveLength(2);
    expect((await bob.search('café', { conversationId: 'elsewhere' })).groups).toEqual([]);

    await bob.close(); // close() saves the index
    bob = await fx.messenger(bobDb);
    expect((await bob.search('arbre')).groups[0]?.messages[0]?.text).toBe(text);
  });

  it('finds a file by its name, and forgets it when the message is deleted for everyone', async () => {
    const alice = await fx.messenger();
    const bob = await fx.messenger();
    const conversation = await fx.meet(alice, bob);
    const caption = 'slides for Monday';
    const messageId = await alice.sendAttachment(
      conversation,
      {
        bytes: new TextEncoder().encode('%PDF-1.7 quarterly figures'),
        contentType: 'application/pdf',
        fileName: 'Quarterly-Résumé_2026.pdf',
      },
      caption,
    );
    await waitFor(() => texts(bob, conversation).includes(caption), 'bob receives the file');

    // The view may show the message a moment before its commit reaches the index.
    const byName = await waitFor(
      async () => (await bob.search('quarterly resume')).groups[0]?.messages[0],
      'found by file name',
    );
    expect(byName).toMatchObject({
      messageId,
      inFileName: true,
      text: 'Quarterly-Résumé_2026.pdf',
    });
    expect(byName!.highlights.map(([start, end]) => byName!.text.slice(start, end))).toEqual([
      'Quarterly',
      'Résumé',
    ]);
    expect((await bob.search('monday')).groups[0]?.messages).toMatchObject([
      { messageId, inFileName: false, text: caption },
    ]);

    await alice.deleteForEveryone(conversation, messageId);
    await waitFor(async () => (await bob.search('quarterly')).groups.length === 0, 'forgotten');
    expect((await bob.search('monday')).groups).toEqual([]);
  });

  it('indexes at the next start what a service worker received without an index', async () => {
    const alice = await fx.messenger();
    const bobDb = `bob-deferred-${crypto.randomUUID()}`;
    let bob = await fx.messenger(bobDb);
    const conversation = await fx.meet(alice, bob);
    const messageId = await alice.sendText(conversation, 'see you at the station');
    await waitFor(() => texts(bob, conversation).includes('see you at the station'), 'received');
    await bob.close();

    // Bob's service worker, woken by a push: the edit and a new message arrive there.
    const worker = await fx.messenger(bobDb, undefined, undefined, {
      searchBackend: deferredSearchBackend,
    });
    await alice.editMessage(conversation, messageId, 'see you at the airport');
    await alice.sendText(conversation, 'bring the tickets');
    await waitFor(() => texts(worker, conversation).includes('bring the tickets'), 'worker');
    await waitFor(
      () => texts(worker, conversation).includes('see you at the airport'),
      'worker applies the edit',
    );
    await expect(worker.search('airport')).rejects.toMatchObject({ code: 'SEARCH_UNAVAILABLE' });
    await worker.close();

    bob = await fx.messenger(bobDb);
    const found = async (query: string) =>
      (await bob.search(query)).groups.flatMap((group) => group.messages.map((m) => m.text));
    expect(await found('airport')).toEqual(['see you at the airport']);
    expect(await found('station')).toEqual([]);
    expect(await found('tickets')).toEqual(['bring the tickets']);
  });

  it('answers nothing for a query without words and refuses an overlong one', async () => {
    const device = await fx.messenger();
    expect(await device.search(' ?! ')).toEqual({ query: ' ?! ', chats: [], groups: [] });
    await expect(device.search('a'.repeat(MAX_QUERY_LENGTH + 1))).rejects.toMatchObject({
      code: 'INVALID_QUERY',
    });
    await expect(device.search('a'.repeat(MAX_QUERY_LENGTH + 1))).rejects.toBeInstanceOf(
      ParleyError,
    );
  });
});
