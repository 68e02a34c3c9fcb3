import { describe, expect, it } from 'vitest';
import { ParleyError } from '../../src/errors.js';
import {
  decodeHistoryArchive,
  encodeHistoryArchive,
  type ArchivedConversation,
} from '../../src/linking/history-archive.js';

const conversations: ArchivedConversation[] = [
  {
    id: 'newest',
    kind: 'direct',
    peerAccountId: 'bob',
    updatedAt: 2,
    state: new Uint8Array([1, 2]),
  },
  { id: 'older', kind: 'group', request: true, updatedAt: 1, state: new Uint8Array(300) },
];

describe('history archive framing', () => {
  it('keeps the order (newest first) and every field', () => {
    expect([...decodeHistoryArchive(encodeHistoryArchive(conversations))]).toEqual(conversations);
  });

  it('refuses a cut, foreign or malformed archive with a clear error', () => {
    const archive = encodeHistoryArchive(conversations);
    const attempts = [
      archive.subarray(0, archive.length - 1),
      archive.subarray(0, 10),
      new TextEncoder().encode('PK\u0003\u0004 a zip file'),
      encodeHistoryArchive([{ ...conversations[0]!, kind: 'channel' as 'direct' }]),
    ];
    for (const bytes of attempts) {
      const error = (() => {
        try {
          return [...decodeHistoryArchive(bytes)];
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(ParleyError);
      expect((error as ParleyError).code).toBe('ATTACHMENT_CORRUPT');
    }
  });
});
