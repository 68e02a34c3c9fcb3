import { describe, expect, it } from 'vitest';
import {
  decodeRoutedEnvelopes,
  encodeRoutedEnvelope,
  ROUTED_ENVELOPES_TAG,
} from '../../src/cluster/envelope-codec.js';
import type { StoredEnvelope } from '../../src/store/records.js';
import { storedEnvelope } from './stored-envelope.js';

/**
 * Decision 0164: routed envelopes cross Redis as bytes. Every field comes back as it went (the
 * optional ones absent when absent), the content travels verbatim (no base64: its bytes are in
 * the message as they are), and a message cut short is refused rather than misread.
 */
describe('routed envelope codec', () => {
  const message = (envelopes: StoredEnvelope[]) =>
    Buffer.concat([Buffer.of(ROUTED_ENVELOPES_TAG), ...envelopes.map(encodeRoutedEnvelope)]);
  const plain = ({ content, ...rest }: StoredEnvelope) => ({ ...rest, content: [...content] });

  it('round-trips every field, optional ones included or absent', () => {
    const withExpiry: StoredEnvelope = {
      ...storedEnvelope(7, 2 ** 40),
      destination: { rowId: 2 ** 35, accountId: 'ä-€-😀', deviceId: 4_000_000_000 },
      clientId: '0192f3c4-7a1b-7c2d-8e9f-0123456789ab',
      expiresAt: 1_765_000_000_123,
    };
    const bare: StoredEnvelope = { ...storedEnvelope(1, 5), content: new Uint8Array(0) };
    delete bare.previousServerId;
    const decoded = decodeRoutedEnvelopes(message([withExpiry, bare]));
    expect(decoded.map(plain)).toEqual([plain(withExpiry), plain(bare)]);
    expect('expiresAt' in decoded[1]!).toBe(false);
    expect('previousServerId' in decoded[1]!).toBe(false);
  });

  it('carries the content verbatim, not as text', () => {
    const content = Uint8Array.from({ length: 200 }, (_, i) => (i * 37) % 256);
    const bytes = message([{ ...storedEnvelope(3, 9), content }]);
    expect(bytes.length).toBeLessThan(200 + 120);
    expect(bytes.includes(Buffer.from(content))).toBe(true);
  });

  it('refuses a message cut short', () => {
    const bytes = message([storedEnvelope(3, 9)]);
    expect(() => decodeRoutedEnvelopes(bytes.subarray(0, bytes.length - 1))).toThrow(RangeError);
    expect(() => decodeRoutedEnvelopes(bytes.subarray(0, 20))).toThrow(RangeError);
  });
});
