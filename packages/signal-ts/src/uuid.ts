/**
 * UUIDs as libsignal handles them (its `uuid` shim over Rust's `uuid` crate): parsed from the
 * spellings that crate accepts, printed lowercase and hyphenated. Distribution ids and service ids
 * are UUIDs.
 */
import type { Bytes } from './bytes.js';

const HEX4 = '([0-9a-f]{4})';
const HYPHENATED = `([0-9a-f]{8})-${HEX4}-${HEX4}-${HEX4}-([0-9a-f]{12})`;
/** Hyphenated, simple (32 hex digits), braced and urn forms, any case. */
const FORMS = [
  new RegExp(`^${HYPHENATED}$`, 'i'),
  /^([0-9a-f]{32})$/i,
  new RegExp(`^\\{${HYPHENATED}\\}$`, 'i'),
  new RegExp(`^urn:uuid:${HYPHENATED}$`, 'i'),
];

/** The 16 bytes of `text`, or null when it is not a UUID. */
export function parseUuid(text: string): Bytes | null {
  for (const form of FORMS) {
    const match = form.exec(text);
    if (match === null) continue;
    const hex = match.slice(1).join('');
    const out = new Uint8Array(16);
    for (let i = 0; i < 16; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
    return out;
  }
  return null;
}

/** Like parseUuid but throws native's TypeError for a non-UUID (API arguments). */
export function parseUuidOrThrow(text: string): Bytes {
  const bytes = parseUuid(text);
  if (bytes === null) throw new TypeError(`invalid UUID: '${text}'`);
  return bytes;
}

/** Lowercase hyphenated form of 16 bytes. */
export function stringifyUuid(bytes: Uint8Array): string {
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
