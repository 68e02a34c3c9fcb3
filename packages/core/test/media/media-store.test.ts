import { afterEach, describe, expect, it } from 'vitest';
import { MediaStore } from '../../src/media/media-cache.js';

const KB = 1024;
const file = (size: number, fill: number) => new Uint8Array(size).fill(fill);

/** The media cache's byte bound and least-recently-used eviction (fake-indexeddb, clock injected). */
describe('media store', () => {
  let store: MediaStore;
  let clock = 0;
  afterEach(() => store.close());

  it('keeps the cache under its bound by evicting the least recently used files', async () => {
    store = new MediaStore(`media-${crypto.randomUUID()}`, undefined, 100 * KB, () => ++clock);
    await store.put('a'.repeat(32), file(40 * KB, 1));
    await store.put('b'.repeat(32), file(40 * KB, 2));
    // Reading a makes b the least recently used.
    expect(await store.get('a'.repeat(32))).toEqual(file(40 * KB, 1));
    await store.put('c'.repeat(32), file(40 * KB, 3));
    expect(await store.cachedBytes()).toBe(80 * KB);
    expect(await store.get('b'.repeat(32))).toBeUndefined();
    expect(await store.get('a'.repeat(32))).toBeDefined();
    expect(await store.get('c'.repeat(32))).toBeDefined();
    // A file larger than the whole bound is not cached at all (and evicts nothing).
    await store.put('d'.repeat(32), file(101 * KB, 4));
    expect(await store.get('d'.repeat(32))).toBeUndefined();
    expect(await store.cachedBytes()).toBe(80 * KB);
  });

  it('keeps pending uploads until they finish, oldest first', async () => {
    store = new MediaStore(`media-${crypto.randomUUID()}`);
    const pending = (id: string, createdAt: number) => ({
      id,
      conversationId: 'c',
      ciphertext: file(10, 0),
      pointer: {
        key: 'k',
        digest: 'd',
        size: 10,
        contentType: 'text/plain',
        kind: 'file' as const,
      },
      caption: '',
      createdAt,
    });
    await store.savePending(pending('second', 2));
    await store.savePending(pending('first', 1));
    await store.setUploadUrl('first', '/v1/blobs/uploads/x');
    expect((await store.pending()).map((p) => [p.id, p.uploadUrl])).toEqual([
      ['first', '/v1/blobs/uploads/x'],
      ['second', undefined],
    ]);
    await store.finishPending('first');
    expect((await store.pending()).map((p) => p.id)).toEqual(['second']);
  });
});
