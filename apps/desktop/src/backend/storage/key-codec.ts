/**
 * IndexedDB keys as SQLite TEXT primary keys: an injective, decodable JSON form. Order is not
 * kept (and not needed): every read is served by the in-memory IndexedDB, SQLite only finds a
 * record again by equality (docs/decisions/0801).
 */
type Key = number | string | Date | ArrayBuffer | ArrayBufferView | Key[];

type Encoded = number | string | { d: number } | { b: string } | { inf: 1 | -1 } | Encoded[];

export function encodeKey(key: unknown): string {
  return JSON.stringify(encode(key as Key));
}

export function decodeKey(text: string): unknown {
  return decode(JSON.parse(text) as Encoded);
}

function encode(key: Key): Encoded {
  if (typeof key === 'number') return Number.isFinite(key) ? key : { inf: key > 0 ? 1 : -1 };
  if (typeof key === 'string') return key;
  if (key instanceof Date) return { d: key.getTime() };
  if (Array.isArray(key)) return key.map(encode);
  if (key instanceof ArrayBuffer) return { b: Buffer.from(key).toString('base64') };
  if (ArrayBuffer.isView(key))
    return { b: Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('base64') };
  throw new TypeError(`not an IndexedDB key: ${String(key)}`);
}

function decode(value: Encoded): unknown {
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(decode);
  if ('d' in value) return new Date(value.d);
  if ('inf' in value) return value.inf * Infinity;
  const bytes = Buffer.from(value.b, 'base64');
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}
