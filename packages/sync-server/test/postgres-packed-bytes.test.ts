import { afterEach, describe, expect, it, vi } from 'vitest';
import { packBytes } from '../src/store/postgres/packed-bytes.js';
import type { SendOutcome } from '../src/store/records.js';
import { storeRecordingParameters } from './support/pg-parameters.js';
import { ignore } from './support/store.js';

/**
 * Decision 0164: the contents and results of a send batch go to PostgreSQL as one binary bytea
 * each (with starts and lengths), never as bytea[] (which `pg` sends as hex text, escaped).
 * Every parameter the store's connections are given is recorded; the server is real.
 */
describe('packed bytes in the send statement (postgres)', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    vi.restoreAllMocks();
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('packs byte strings with 1-based starts, empty ones included', () => {
    const packed = packBytes([Uint8Array.of(1, 2), new Uint8Array(0), Uint8Array.of(3)]);
    expect([...packed.bytes]).toEqual([1, 2, 3]);
    expect(packed.starts).toEqual([1, 3, 3]);
    expect(packed.lengths).toEqual([2, 0, 1]);
  });

  it('stores every content byte for byte, and no parameter is an array of bytes', async () => {
    const { store, alice, bob, params } = await storeRecordingParameters(cleanups);

    // Bytes that text escaping treats specially, an empty content, and different lengths.
    const contents = [
      Uint8Array.of(0, 0x5c, 0x22, 0x7b, 0x2c, 0x7d, 0xff),
      new Uint8Array(0),
      Uint8Array.from({ length: 300 }, (_, i) => i % 256),
    ];
    const results = [Uint8Array.of(9), Uint8Array.of(0x5c, 0), Uint8Array.of(7, 7, 7)];
    const outcomes: SendOutcome[] = await Promise.all(
      contents.map((content, i) =>
        store.commitSend(
          { source: alice, clientId: `p${i}`, entries: [{ destination: bob, type: 1, content }] },
          () => results[i]!,
          ignore,
        ),
      ),
    );
    const page = await store.readMailbox(bob, 0, 10);
    expect(page.map((e) => [...e.content])).toEqual(contents.map((c) => [...c]));
    // The stored results answer retries: read back through a retry of each send.
    const retried = await Promise.all(
      contents.map((_, i) =>
        store.commitSend(
          {
            source: alice,
            clientId: `p${i}`,
            entries: [{ destination: bob, type: 1, content: new Uint8Array(1) }],
          },
          () => new Uint8Array(0),
          ignore,
        ),
      ),
    );
    expect(retried.map((o) => [...o.result])).toEqual(results.map((r) => [...r]));
    expect(outcomes.every((o) => !o.duplicate)).toBe(true);

    const byteArrays = params.filter(
      (p) => Array.isArray(p) && p.some((v) => ArrayBuffer.isView(v)),
    );
    expect(byteArrays).toEqual([]);
    expect(params.some((p) => Buffer.isBuffer(p) && p.length === 307)).toBe(true);
  });
});
