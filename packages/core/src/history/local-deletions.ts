import * as Y from 'yjs';

/**
 * A state-vector diff (y-protocols sync step 2, decision 0303) that leaves out the deletions of
 * one type's items: the entries of a conversation's `messages` array are only ever deleted
 * locally (sealed into segments, purged by a disappearing timer or a view-once open, redacted
 * after a delete for everyone that every device applies on its own). Yjs writes a document's
 * whole delete set into every diff, so an unfiltered sync reply would delete a peer's copies of
 * messages this device merely sealed (docs/decisions/0820, "Sealed segments").
 *
 * A V1 update is its structs followed by its delete set. The delete set Yjs wrote is rebuilt here
 * byte for byte from the struct store (as Yjs's createDeleteSetFromStructStore and
 * writeDeleteSet do), checked against the update's tail, and replaced by the filtered one.
 */
export function diffWithoutDeletionsOf(
  doc: Y.Doc,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any root type
  local: Y.AbstractType<any>,
  stateVector: Uint8Array,
): Uint8Array {
  const update = structsAndDeletions(doc, stateVector);
  const whole = encodeDeleteSet(doc, () => true);
  if (!endsWith(update, whole))
    throw new Error('the update does not end with the delete set expected');
  const kept = encodeDeleteSet(
    doc,
    (struct) => !(struct instanceof Y.Item && struct.parent === local),
  );
  const out = new Uint8Array(update.length - whole.length + kept.length);
  out.set(update.subarray(0, update.length - whole.length));
  out.set(kept, update.length - whole.length);
  return out;
}

/**
 * Y.encodeStateAsUpdate without the pending updates it would merge in (updates whose
 * dependencies are missing here): merging rewrites the delete set, and what this device cannot
 * apply yet is not its to pass on.
 */
function structsAndDeletions(doc: Y.Doc, stateVector: Uint8Array): Uint8Array {
  const store = doc.store;
  const { pendingStructs, pendingDs } = store;
  store.pendingStructs = null;
  store.pendingDs = null;
  try {
    return Y.encodeStateAsUpdate(doc, stateVector);
  } finally {
    store.pendingStructs = pendingStructs;
    store.pendingDs = pendingDs;
  }
}

/** The V1 delete set of the structs `keep` accepts: clients by descending id, runs merged. */
function encodeDeleteSet(doc: Y.Doc, keep: (struct: Y.Item | Y.GC) => boolean): Uint8Array {
  const clients: Array<[number, number[]]> = [];
  for (const [client, structs] of doc.store.clients) {
    const runs: number[] = [];
    for (let i = 0; i < structs.length; i++) {
      const struct = structs[i]!;
      if (!struct.deleted || !keep(struct as Y.Item | Y.GC)) continue;
      let length = struct.length;
      while (i + 1 < structs.length && structs[i + 1]!.deleted && keep(structs[i + 1] as Y.Item))
        length += structs[++i]!.length;
      runs.push(struct.id.clock, length);
    }
    if (runs.length > 0) clients.push([client, runs]);
  }
  clients.sort((a, b) => b[0] - a[0]);
  const bytes: number[] = [];
  writeVarUint(bytes, clients.length);
  for (const [client, runs] of clients) {
    writeVarUint(bytes, client);
    writeVarUint(bytes, runs.length / 2);
    for (const value of runs) writeVarUint(bytes, value);
  }
  return Uint8Array.from(bytes);
}

/** lib0's variable-length unsigned integer: 7 bits a byte, low bits first. */
function writeVarUint(out: number[], value: number): void {
  while (value > 0x7f) {
    out.push(0x80 | (value & 0x7f));
    value = Math.floor(value / 128);
  }
  out.push(value);
}

function endsWith(bytes: Uint8Array, tail: Uint8Array): boolean {
  if (tail.length > bytes.length) return false;
  const offset = bytes.length - tail.length;
  return tail.every((byte, i) => bytes[offset + i] === byte);
}
