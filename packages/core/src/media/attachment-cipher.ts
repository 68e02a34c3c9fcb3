import { ATTACHMENT_CHUNK_BYTES } from '@parley/protocol';
import { ParleyError } from '../errors.js';

/**
 * The attachment format (decision 0630): the file is cut into ATTACHMENT_CHUNK_BYTES plaintext
 * chunks, each sealed with AES-256-GCM under a fresh random per-file key. A chunk's nonce is its
 * index (big-endian, bytes 4..11) with byte 0 set to 1 on the final chunk only, so every chunk
 * is authenticated together with its position and with whether it ends the file: a flipped
 * byte, swapped chunks, or a file cut at any point (even between chunks) fail to decrypt. The
 * key never repeats, so deterministic nonces never repeat under one key. The SHA-256 of the whole
 * ciphertext travels beside the key and is checked before any chunk is opened.
 */

export const KEY_BYTES = 32;
const TAG_BYTES = 16;
/** Ciphertext bytes of one full chunk. */
export const SEALED_CHUNK_BYTES = ATTACHMENT_CHUNK_BYTES + TAG_BYTES;

export interface EncryptedAttachment {
  key: Uint8Array<ArrayBuffer>;
  ciphertext: Uint8Array<ArrayBuffer>;
  /** SHA-256 of `ciphertext`. */
  digest: Uint8Array<ArrayBuffer>;
}

const subtle = () => globalThis.crypto.subtle;

function nonceOf(index: number, final: boolean): Uint8Array<ArrayBuffer> {
  const nonce = new Uint8Array(12);
  nonce[0] = final ? 1 : 0;
  new DataView(nonce.buffer).setUint32(8, index);
  return nonce;
}

const importKey = (key: Uint8Array<ArrayBuffer>, usage: 'encrypt' | 'decrypt') =>
  subtle().importKey('raw', key, 'AES-GCM', false, [usage]);

/** Ciphertext length of a plaintext of `size` bytes (one tag per chunk; an empty file is one chunk). */
export function ciphertextLength(size: number): number {
  const chunks = Math.max(1, Math.ceil(size / ATTACHMENT_CHUNK_BYTES));
  return size + chunks * TAG_BYTES;
}

export async function encryptAttachment(
  plaintext: Uint8Array<ArrayBuffer>,
): Promise<EncryptedAttachment> {
  const key = globalThis.crypto.getRandomValues(new Uint8Array(KEY_BYTES));
  const aes = await importKey(key, 'encrypt');
  const ciphertext = new Uint8Array(ciphertextLength(plaintext.length));
  const chunks = Math.max(1, Math.ceil(plaintext.length / ATTACHMENT_CHUNK_BYTES));
  for (let index = 0; index < chunks; index++) {
    const chunk = plaintext.subarray(
      index * ATTACHMENT_CHUNK_BYTES,
      (index + 1) * ATTACHMENT_CHUNK_BYTES,
    );
    const iv = nonceOf(index, index === chunks - 1);
    const sealed = await subtle().encrypt({ name: 'AES-GCM', iv }, aes, chunk);
    ciphertext.set(new Uint8Array(sealed), index * SEALED_CHUNK_BYTES);
  }
  const digest = new Uint8Array(await subtle().digest('SHA-256', ciphertext));
  return { key, ciphertext, digest };
}

const corrupt = (why: string) =>
  new ParleyError('ATTACHMENT_CORRUPT', `attachment rejected: ${why}`);

/**
 * Checks the digest, then opens every chunk; throws ATTACHMENT_CORRUPT on any mismatch (wrong
 * length, digest, tag, order or a missing end).
 */
export async function decryptAttachment(
  ciphertext: Uint8Array<ArrayBuffer>,
  key: Uint8Array<ArrayBuffer>,
  digest: Uint8Array<ArrayBuffer>,
): Promise<Uint8Array<ArrayBuffer>> {
  const actual = new Uint8Array(await subtle().digest('SHA-256', ciphertext));
  if (!equalBytes(actual, digest)) throw corrupt('digest mismatch');
  return openChunks(ciphertext, key);
}

/** Opens the chunks without the digest (the tag check alone), e.g. for a locally cached copy. */
export async function openChunks(
  ciphertext: Uint8Array<ArrayBuffer>,
  key: Uint8Array<ArrayBuffer>,
): Promise<Uint8Array<ArrayBuffer>> {
  const chunks = Math.ceil(ciphertext.length / SEALED_CHUNK_BYTES);
  const lastLength = ciphertext.length - (chunks - 1) * SEALED_CHUNK_BYTES;
  if (chunks === 0 || lastLength < TAG_BYTES) throw corrupt('truncated');
  const aes = await importKey(key, 'decrypt');
  const plaintext = new Uint8Array(ciphertext.length - chunks * TAG_BYTES);
  for (let index = 0; index < chunks; index++) {
    const sealed = ciphertext.subarray(
      index * SEALED_CHUNK_BYTES,
      (index + 1) * SEALED_CHUNK_BYTES,
    );
    let opened: ArrayBuffer;
    try {
      opened = await subtle().decrypt(
        { name: 'AES-GCM', iv: nonceOf(index, index === chunks - 1) },
        aes,
        sealed,
      );
    } catch {
      throw corrupt(`chunk ${index} failed authentication`);
    }
    plaintext.set(new Uint8Array(opened), index * ATTACHMENT_CHUNK_BYTES);
  }
  return plaintext;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return difference === 0;
}
