/**
 * Sender-key distribution ids that name their group to its members only.
 *
 * A group message travels as a libsignal SenderKeyMessage whose only clear field a receiver can
 * use is its distribution id (a UUID); the group is inside the ciphertext. A device that cannot
 * decrypt (it missed the key) still has to know which conversation the message belongs to, to
 * show a placeholder there. So the id is 8 random bytes followed by the first 8 bytes of
 * SHA-256(tag, group id, those random bytes): a member tests it against its groups' ids; the
 * relay, which never sees a group id, sees 16 random-looking bytes, and a fresh id per chain
 * links nothing across rotations.
 */
import { digest } from 'lib0/hash/sha256';

const TAG = new TextEncoder().encode('parley-sender-key-group-hint-v1');
const NONCE_BYTES = 8;

function hint(groupId: string, nonce: Uint8Array): Uint8Array {
  const id = new TextEncoder().encode(groupId);
  const input = new Uint8Array(TAG.length + 1 + id.length + nonce.length);
  input.set(TAG, 0);
  input.set(id, TAG.length + 1); // a zero byte separates the tag from the id
  input.set(nonce, TAG.length + 1 + id.length);
  return digest(input).subarray(0, 16 - NONCE_BYTES);
}

/** A new distribution id for `groupId` (lowercase hyphenated UUID form). */
export function newDistributionId(groupId: string): string {
  const bytes = new Uint8Array(16);
  const nonce = crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
  bytes.set(nonce, 0);
  bytes.set(hint(groupId, nonce), NONCE_BYTES);
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The group among `groupIds` that `distributionId` was made for, if any. */
export function groupOfDistributionId(
  distributionId: string,
  groupIds: Iterable<string>,
): string | undefined {
  const hex = distributionId.replace(/-/g, '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) return undefined;
  const bytes = Uint8Array.from({ length: 16 }, (_, i) =>
    parseInt(hex.slice(2 * i, 2 * i + 2), 16),
  );
  const nonce = bytes.subarray(0, NONCE_BYTES);
  const tag = bytes.subarray(NONCE_BYTES);
  for (const groupId of groupIds) {
    const expected = hint(groupId, nonce);
    if (expected.every((b, i) => b === tag[i])) return groupId;
  }
  return undefined;
}
