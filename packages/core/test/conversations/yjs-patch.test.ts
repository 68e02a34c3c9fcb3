import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';

/**
 * The installed Yjs carries patches/yjs+13.6.33.patch: one author's consecutive appends merge
 * into one item by appending in place, not by copying the whole run (O(n) per message). These
 * tests fail if the patch is missing (e.g. after a Yjs upgrade) or if in-place appends leak into
 * a copy or a converged replica.
 */

/** The content of the single item that one author's run of appends merged into. */
function runContent(doc: Y.Doc): Y.ContentAny {
  const structs = doc.store.clients.get(doc.clientID) ?? [];
  const items = structs.filter(
    (s): s is Y.Item => s instanceof Y.Item && s.content instanceof Y.ContentAny,
  );
  expect(items).toHaveLength(1);
  return (items[0] as Y.Item).content as Y.ContentAny;
}

describe('Yjs with the in-place merge patch', () => {
  it('merges an appended value into the run without copying the run', () => {
    const doc = new Y.Doc();
    const list = doc.getArray<number>('messages');
    list.insert(0, [1]);
    list.insert(1, [2]);
    const run = runContent(doc).arr;
    list.insert(2, [3]);
    expect(runContent(doc).arr).toBe(run);
    expect(list.toArray()).toEqual([1, 2, 3]);
  });

  it('gives a copy of merged content its own array', () => {
    const doc = new Y.Doc();
    const list = doc.getArray<number>('messages');
    list.insert(0, [1]);
    const copy = runContent(doc).copy();
    list.insert(1, [2]);
    expect(copy.getContent()).toEqual([1]);
    expect(runContent(doc).getContent()).toEqual([1, 2]);
  });

  it('converges on another replica applying the appends one update at a time', () => {
    const writer = new Y.Doc();
    const reader = new Y.Doc();
    writer.on('update', (update: Uint8Array) => Y.applyUpdate(reader, update));
    const list = writer.getArray<number>('messages');
    for (let i = 0; i < 500; i++) list.insert(list.length, [i]);
    // A split in the middle of the merged run, then more appends.
    list.delete(100, 1);
    for (let i = 500; i < 600; i++) list.insert(list.length, [i]);
    const expected = [...Array(600).keys()].filter((i) => i !== 100);
    expect(list.toArray()).toEqual(expected);
    expect(reader.getArray<number>('messages').toArray()).toEqual(expected);
    const restored = new Y.Doc();
    Y.applyUpdate(restored, Y.encodeStateAsUpdate(reader));
    expect(restored.getArray<number>('messages').toArray()).toEqual(expected);
  });
});
