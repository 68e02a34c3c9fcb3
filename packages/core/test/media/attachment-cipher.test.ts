import { describe, expect, it } from 'vitest';
import { ATTACHMENT_CHUNK_BYTES } from '@parley/protocol';
import {
  ciphertextLength,
  decryptAttachment,
  encryptAttachment,
  openChunks,
  SEALED_CHUNK_BYTES,
} from '../../src/media/attachment-cipher.js';
import { ParleyError } from '../../src/errors.js';

const random = (length: number) => {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i += 65_536) crypto.getRandomValues(bytes.subarray(i, i + 65_536));
  return bytes;
};

async function expectCorrupt(promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ParleyError);
  expect((error as ParleyError).code).toBe('ATTACHMENT_CORRUPT');
}

/** The chunked AES-GCM attachment format (media/attachment-cipher.ts, decision 0630). */
describe('attachment cipher', () => {
  it.each([
    0,
    1,
    ATTACHMENT_CHUNK_BYTES,
    ATTACHMENT_CHUNK_BYTES + 1,
    3 * ATTACHMENT_CHUNK_BYTES + 5,
  ])('round-trips %i bytes with one tag per chunk', async (size) => {
    const plaintext = random(size);
    const { key, ciphertext, digest } = await encryptAttachment(plaintext);
    expect(ciphertext.length).toBe(ciphertextLength(size));
    expect(await decryptAttachment(ciphertext, key, digest)).toEqual(plaintext);
  });

  it('uses a fresh key per file: the same bytes never give the same ciphertext', async () => {
    const plaintext = random(1000);
    const a = await encryptAttachment(plaintext);
    const b = await encryptAttachment(plaintext);
    expect(a.key).not.toEqual(b.key);
    expect(a.ciphertext).not.toEqual(b.ciphertext);
  });

  const size = 3 * ATTACHMENT_CHUNK_BYTES + 100;

  it('detects a flipped byte in every chunk, by digest and by the chunk tag alone', async () => {
    const { key, ciphertext, digest } = await encryptAttachment(random(size));
    for (let chunk = 0; chunk < 4; chunk++) {
      for (const offset of [0, 777, SEALED_CHUNK_BYTES - 1]) {
        const position = Math.min(chunk * SEALED_CHUNK_BYTES + offset, ciphertext.length - 1);
        const tampered = ciphertext.slice();
        tampered[position]! ^= 0x01;
        await expectCorrupt(decryptAttachment(tampered, key, digest));
        await expectCorrupt(openChunks(tampered, key));
      }
    }
  });

  it('detects truncation mid-chunk and exactly at a chunk boundary', async () => {
    const { key, ciphertext, digest } = await encryptAttachment(random(size));
    for (const length of [
      ciphertext.length - 1,
      3 * SEALED_CHUNK_BYTES,
      2 * SEALED_CHUNK_BYTES,
      SEALED_CHUNK_BYTES,
      10,
      0,
    ]) {
      const cut = ciphertext.slice(0, length);
      await expectCorrupt(decryptAttachment(cut, key, digest));
      // Without the digest, the final-chunk flag in the nonce still catches a cut at a boundary.
      await expectCorrupt(openChunks(cut, key));
    }
  });

  it('detects reordered chunks and a wrong key', async () => {
    const { key, ciphertext } = await encryptAttachment(random(size));
    const swapped = ciphertext.slice();
    swapped.set(ciphertext.subarray(SEALED_CHUNK_BYTES, 2 * SEALED_CHUNK_BYTES), 0);
    swapped.set(ciphertext.subarray(0, SEALED_CHUNK_BYTES), SEALED_CHUNK_BYTES);
    await expectCorrupt(openChunks(swapped, key));
    const otherKey = key.slice();
    otherKey[0]! ^= 0xff;
    await expectCorrupt(openChunks(ciphertext, otherKey));
  });
});
