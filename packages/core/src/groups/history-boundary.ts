/**
 * A member added to a group sees its history from the point it was added, not before, unless the
 * adder shares it (docs/decisions/0610-group-messaging.md, "History from the join").
 *
 * A Yjs document cannot be handed over in part: every client's structs form one contiguous clock
 * sequence, and later appends name earlier items as their origins. So the new member gets EVERY
 * struct, but those of the message types (messages and their side maps) that precede its join
 * point carry `null` instead of their content: ids, lengths and origins survive (later updates
 * integrate), the bytes of earlier messages never leave the adder. `null` entries are not
 * messages (ConversationDoc skips them).
 *
 * The join point is the adder's state vector just before the add, kept in the document's `joins`
 * map (account id -> encoded state vector) so that every member answers the newcomer's state
 * repair the same way. A device that itself holds redacted history never passes it on: it leaves
 * out of its answers the clients whose redacted range the asker lacks (they ask somebody else).
 */
import * as Y from 'yjs';

/** Root types whose content is history (ConversationDoc's messages and side maps). */
const HISTORY_TYPES = ['messages', 'reactions', 'edits', 'deletions'] as const;
/** The document map holding join points. */
export const JOINS_MAP = 'joins';

export type StateVector = Map<number, number>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Yjs types its roots so
type AnyType = Y.AbstractType<any>;

function joins(doc: Y.Doc): Y.Map<Uint8Array> {
  return doc.getMap<Uint8Array>(JOINS_MAP);
}

/** Records (or, when the adder shares history, clears) the join point of `accountIds`. */
export function recordJoins(
  doc: Y.Doc,
  accountIds: readonly string[],
  joinVector: Uint8Array | undefined,
): void {
  const map = joins(doc);
  for (const id of accountIds) {
    if (joinVector) map.set(id, joinVector.slice());
    else if (map.has(id)) map.delete(id);
  }
}

/** The join point of `accountId`, when it was added without the history before it. */
export function joinPointOf(doc: Y.Doc, accountId: string): StateVector | undefined {
  const encoded = joins(doc).get(accountId);
  if (!(encoded instanceof Uint8Array)) return undefined;
  try {
    return Y.decodeStateVector(encoded);
  } catch {
    return undefined; // a malformed entry hides nothing (any member could share history anyway)
  }
}

/**
 * What a peer with `since` (an encoded state vector; everything when absent) misses of `doc`,
 * with history before `join` redacted to `null`s.
 */
export function redactedDiff(doc: Y.Doc, join: StateVector, since?: Uint8Array): Uint8Array {
  const scratch = new Y.Doc({ gc: false });
  Y.applyUpdate(scratch, Y.encodeStateAsUpdate(doc));
  const roots = new Set<AnyType | undefined>();
  for (const name of HISTORY_TYPES) {
    const type = scratch.share.get(name);
    if (type) roots.add(type);
  }
  for (const [client, structs] of scratch.store.clients) {
    const bound = join.get(client) ?? 0;
    for (const struct of structs) {
      if (struct.id.clock >= bound) break;
      if (struct instanceof Y.Item && roots.has(rootOf(struct))) redact(struct, bound);
    }
  }
  return Y.encodeStateAsUpdate(scratch, since);
}

/**
 * The state vector to answer `asker` from when this device holds redacted history (`ownJoin`):
 * clients whose redacted range `asker` lacks count as complete, so they are left out.
 */
export function withholdRedacted(
  doc: Y.Doc,
  ownJoin: StateVector | undefined,
  asker: Uint8Array,
): Uint8Array {
  if (!ownJoin) return asker;
  const vector = Y.decodeStateVector(asker);
  const mine = Y.decodeStateVector(Y.encodeStateVector(doc));
  for (const [client, bound] of ownJoin) {
    if ((vector.get(client) ?? 0) < bound) vector.set(client, mine.get(client) ?? bound);
  }
  return Y.encodeStateVector(vector);
}

function rootOf(item: Y.Item): AnyType | undefined {
  let parent = item.parent;
  while (parent instanceof Y.AbstractType && parent._item) parent = parent._item.parent;
  return parent instanceof Y.AbstractType ? parent : undefined;
}

/** Replaces the content of `item` below clock `bound` with nulls (deleted items carry none). */
function redact(item: Y.Item, bound: number): void {
  const content = item.content;
  if (content instanceof Y.ContentDeleted || content instanceof Y.ContentType) return;
  const values = content.getContent();
  const kept = values.map((value, i) => (item.id.clock + i < bound ? null : value));
  item.content = new Y.ContentAny(kept);
}
