import * as SignalTs from '@parley/signal-ts';
import { EDIT_WINDOW_MS, MAX_EDITS_PER_MESSAGE } from '@parley/protocol';
import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { ConversationDoc } from '../../src/conversations/conversation-doc.js';
import { foldRichOps, type FoldedMessage } from '../../src/rich/rich-fold.js';
import {
  encodeRichOp,
  parseRichOp,
  signRichOp,
  type RichOp,
  type RichOpBody,
} from '../../src/rich/rich-op.js';
import { Directory, Random } from '../groups/support.js';

/** Pure fold tests with real identity keys (signal-ts) and real Yjs documents. */
const dir = new Directory(SignalTs, ['alice', 'bob', 'carol']);
const CONVERSATION = 'conv-1';
const SENT_AT = 1_700_000_000_000;
const message: FoldedMessage = { id: 'm1', senderId: 'alice', sentAt: SENT_AT };
const messages = new Map([[message.id, message]]);

let serial = 0;
function op(author: string, body: RichOpBody, at = SENT_AT + ++serial, signer = author): RichOp {
  return signRichOp(
    CONVERSATION,
    { id: `op-${++serial}`, messageId: 'm1', author, authorDevice: 1, at, ...body },
    dir.sign(signer),
  );
}

function fold(ops: RichOp[], conversationId = CONVERSATION) {
  return foldRichOps(conversationId, ops, (id) => messages.get(id), dir.verify).byMessage.get('m1');
}

describe('rich op fold', () => {
  test("the author's edits count in time order and keep the history; reactions are one per person", () => {
    const ops = [
      op('alice', { kind: 'edit', body: 'first fix' }),
      op('bob', { kind: 'react', emoji: '👍' }),
      op('alice', { kind: 'edit', body: 'second fix' }),
      op('bob', { kind: 'react', emoji: '❤️' }),
      op('carol', { kind: 'react', emoji: '👍' }),
      op('carol', { kind: 'react', emoji: '' }),
    ];
    const state = fold(ops)!;
    expect(state.edits.map((edit) => edit.body)).toEqual(['first fix', 'second fix']);
    expect([...state.reactions].map(([who, r]) => [who, r.emoji])).toEqual([['bob', '❤️']]);
    expect(state.deletedAt).toBeUndefined();
  });

  test('an edit or delete by anyone but the author is ignored, signed or forged', () => {
    const byBob = op('bob', { kind: 'edit', body: 'bob rewrites alice' });
    const deleteByBob = op('bob', { kind: 'delete' });
    // Bob claims to be alice but can only sign with his own key.
    const forged = op('alice', { kind: 'edit', body: 'forged' }, SENT_AT + 5, 'bob');
    const forgedDelete = op('alice', { kind: 'delete' }, SENT_AT + 6, 'bob');
    expect(fold([byBob, deleteByBob, forged, forgedDelete])).toBeUndefined();
    // A real signature over other bytes: the body changed after signing.
    const signed = op('alice', { kind: 'edit', body: 'genuine' });
    const tampered = { ...signed, body: 'tampered' };
    expect(fold([tampered])).toBeUndefined();
    expect(fold([signed])!.edits.map((edit) => edit.body)).toEqual(['genuine']);
    // The same op replayed into another conversation does not verify there.
    expect(fold([signed], 'conv-2')).toBeUndefined();
  });

  test('edits and deletes past the window are ignored; a delete wins over edits', () => {
    const late = op('alice', { kind: 'edit', body: 'too late' }, SENT_AT + EDIT_WINDOW_MS + 1);
    const lastMinute = op(
      'alice',
      { kind: 'edit', body: 'just in time' },
      SENT_AT + EDIT_WINDOW_MS,
    );
    expect(fold([late, lastMinute])!.edits.map((edit) => edit.body)).toEqual(['just in time']);
    const lateDelete = op('alice', { kind: 'delete' }, SENT_AT + EDIT_WINDOW_MS + 5);
    expect(fold([lateDelete])).toBeUndefined();
    expect(fold([lastMinute, op('alice', { kind: 'delete' })])!.deletedAt).toBeDefined();
  });

  test(`at most ${MAX_EDITS_PER_MESSAGE} edits count`, () => {
    const edits = Array.from({ length: MAX_EDITS_PER_MESSAGE + 2 }, (_, i) =>
      op('alice', { kind: 'edit', body: `v${i}` }),
    );
    expect(fold(edits)!.edits.at(-1)!.body).toBe(`v${MAX_EDITS_PER_MESSAGE - 1}`);
  });

  test('malformed side-map values are ignored', () => {
    const good = op('alice', { kind: 'edit', body: 'ok' });
    expect(parseRichOp(good)).toEqual(good);
    for (const bad of [
      null,
      3,
      { ...good, kind: 'rename' },
      { ...good, at: -1 },
      { ...good, sig: 'x' },
      { ...good, body: '' },
    ])
      expect(parseRichOp(bad)).toBeUndefined();
    expect(encodeRichOp(CONVERSATION, good)).not.toEqual(encodeRichOp('other', good));
  });

  test('documents that received the ops in any order, through Yjs, fold alike', () => {
    const random = new Random(16);
    const ops = [
      op('alice', { kind: 'edit', body: 'one' }),
      op('bob', { kind: 'react', emoji: '😂' }),
      op('carol', { kind: 'react', emoji: '😮' }),
      op('bob', { kind: 'react', emoji: '' }),
      op('alice', { kind: 'edit', body: 'two' }),
      op('bob', { kind: 'edit', body: 'forged' }),
      op('carol', { kind: 'react', emoji: '🙏' }),
    ];
    const results = new Set<string>();
    for (let round = 0; round < 8; round++) {
      // Each op written on its own document, the updates merged in a random order.
      const updates = ops.map((value) => {
        const doc = new ConversationDoc(CONVERSATION);
        doc.writeRichOp(value);
        return Y.encodeStateAsUpdate(doc.doc);
      });
      const target = new ConversationDoc(CONVERSATION);
      for (const index of random.shuffle(updates.map((_, i) => i)))
        target.applyRemoteUpdate(updates[index]!);
      const parsed = target
        .richOpValues()
        .map(parseRichOp)
        .filter((v): v is RichOp => !!v);
      const state = foldRichOps(
        CONVERSATION,
        parsed,
        (id) => messages.get(id),
        dir.verify,
      ).byMessage.get('m1')!;
      results.add(
        JSON.stringify({
          edits: state.edits,
          reactions: [...state.reactions].sort(([a], [b]) => (a < b ? -1 : 1)),
        }),
      );
    }
    expect(results.size).toBe(1);
    expect(JSON.parse([...results][0]!)).toMatchObject({
      edits: [{ body: 'one' }, { body: 'two' }],
      reactions: [['carol', { emoji: '🙏' }]],
    });
  });
});
