import { describe, expect, it } from 'vitest';
import { ParleyError } from '../../src/index.js';
import { useRelay } from '../support/fixture.js';
import { texts, waitFor } from '../support/wait.js';

/**
 * A caller-chosen message id makes sendText idempotent: the web app's tabs retry a send whose
 * owner tab closed before answering (docs/decisions/0710), and the retry must not duplicate it,
 * whether the first attempt is still committing, committed, or committed by an earlier opening of
 * the same database (the tab that closed).
 */
describe('sendText with a caller-chosen message id', () => {
  const fx = useRelay();

  it('sends once however often it is repeated, also after the database is reopened', async () => {
    const aliceDb = `alice-${crypto.randomUUID()}`;
    let alice = await fx.messenger(aliceDb);
    const bob = await fx.messenger();
    const conversation = await fx.meet(alice, bob);
    const messageId = crypto.randomUUID();
    const text = fx.text('once');

    // Concurrent repeats (still committing) and a later one (committed) all answer the same id.
    const ids = await Promise.all([
      alice.sendText(conversation, text, { messageId }),
      alice.sendText(conversation, text, { messageId }),
    ]);
    expect(ids).toEqual([messageId, messageId]);
    expect(await alice.sendText(conversation, text, { messageId })).toBe(messageId);

    // The "new owner": the same database opened again answers from what the first one committed.
    await alice.close();
    alice = await fx.messenger(aliceDb);
    expect(await alice.sendText(conversation, text, { messageId })).toBe(messageId);

    const after = fx.text('after');
    await alice.sendText(conversation, after);
    await waitFor(() => texts(bob, conversation).includes(after), 'bob receives the next one');
    expect(texts(bob, conversation)).toEqual([text, after]);
    expect(texts(alice, conversation)).toEqual([text, after]);
  });

  it('posts an attachment once, however often it is repeated', async () => {
    const alice = await fx.messenger();
    const bob = await fx.messenger();
    const conversation = await fx.meet(alice, bob);
    const messageId = crypto.randomUUID();
    const caption = fx.text('file');
    const file = { bytes: new Uint8Array(2048).fill(7), contentType: 'application/pdf' };
    const ids = await Promise.all([
      alice.sendAttachment(conversation, file, caption, { messageId }),
      alice.sendAttachment(conversation, file, caption, { messageId }),
    ]);
    expect(ids).toEqual([messageId, messageId]);
    expect(await alice.sendAttachment(conversation, file, caption, { messageId })).toBe(messageId);
    const after = fx.text('after');
    await alice.sendText(conversation, after);
    await waitFor(() => texts(bob, conversation).includes(after), 'bob receives the next one');
    expect(texts(bob, conversation)).toEqual([caption, after]);
  });

  it('refuses an id that is not a UUID or that names a message from someone else', async () => {
    const alice = await fx.messenger();
    const bob = await fx.messenger();
    const conversation = await fx.meet(alice, bob);
    await expect(
      alice.sendText(conversation, 'x', { messageId: 'not-a-uuid' }),
    ).rejects.toMatchObject({ code: 'INVALID_MESSAGE' });

    await fx.warmUp(alice, bob, conversation);
    const fromBob = await bob.sendText(conversation, fx.text('from bob'));
    await waitFor(() => texts(alice, conversation).length === 2, 'alice has it');
    const reuse = alice.sendText(conversation, 'x', { messageId: fromBob });
    await expect(reuse).rejects.toBeInstanceOf(ParleyError);
    await expect(reuse).rejects.toMatchObject({ code: 'INVALID_MESSAGE' });
  });
});
