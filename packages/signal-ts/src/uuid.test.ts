import { describe, expect, it } from 'vitest';
import { parseUuid, parseUuidOrThrow, stringifyUuid } from './uuid.js';

const CANONICAL = '9d0652a3-dcc3-4d11-975f-74d61598733f';

describe('UUIDs', () => {
  it.each([
    CANONICAL,
    CANONICAL.toUpperCase(),
    CANONICAL.replaceAll('-', ''),
    `{${CANONICAL}}`,
    `urn:uuid:${CANONICAL}`,
  ])('parses %s to the same 16 bytes and prints it lowercase hyphenated', (text) => {
    const bytes = parseUuid(text);
    expect(bytes?.length).toBe(16);
    expect(bytes?.[0]).toBe(0x9d);
    expect(stringifyUuid(bytes!)).toBe(CANONICAL);
  });

  it.each([
    '',
    'not-a-uuid',
    CANONICAL.slice(1),
    `${CANONICAL}0`,
    CANONICAL.replace('9', 'g'),
    `PNI:${CANONICAL}`,
  ])('refuses %j', (text) => {
    expect(parseUuid(text)).toBeNull();
    expect(() => parseUuidOrThrow(text)).toThrow(TypeError);
  });
});
