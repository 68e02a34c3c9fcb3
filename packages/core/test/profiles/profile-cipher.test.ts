import { describe, expect, it } from 'vitest';
import { ParleyError } from '../../src/errors.js';
import { openProfile, sealProfile } from '../../src/profiles/profile-cipher.js';
import { generateProfileKey } from '../../src/profiles/profile.js';
import { PROFILE_PADDING_BYTES } from '../../src/profiles/limits.js';
import { checkedProfile, validProfile } from '../../src/profiles/profile.js';

const ALICE = '6f1c2a8e-0d1b-4c55-9a53-1f0f3b7d2a10';
const BOB = '0b6c8f4e-2a77-4d1e-8f0a-5c9d7e3b1a22';
const AVATAR = `data:image/jpeg;base64,${Buffer.from('not really a jpeg').toString('base64')}`;
const profile = { name: 'Alice Liddell', about: 'down the rabbit hole', avatar: AVATAR };

const codeOf = (run: () => unknown) => {
  try {
    run();
    return 'opened';
  } catch (error) {
    return error instanceof ParleyError ? error.code : String(error);
  }
};

describe('profile cipher', () => {
  it('opens what it sealed, under the same key, account and version', () => {
    const key = generateProfileKey();
    const sealed = sealProfile(key, ALICE, 3, profile);
    expect(openProfile(key, ALICE, 3, sealed)).toEqual(profile);
    // A fresh nonce each time: two seals of one profile differ.
    expect(sealProfile(key, ALICE, 3, profile)).not.toEqual(sealed);
  });

  it('detects a flipped bit anywhere: format byte, nonce, ciphertext, tag', () => {
    const key = generateProfileKey();
    const sealed = sealProfile(key, ALICE, 1, profile);
    for (const at of [0, 1, 24, 25, sealed.length >> 1, sealed.length - 1]) {
      const tampered = sealed.slice();
      tampered[at]! ^= 0x01;
      expect(
        codeOf(() => openProfile(key, ALICE, 1, tampered)),
        `byte ${at}`,
      ).toBe('PROFILE_CORRUPT');
    }
    expect(codeOf(() => openProfile(key, ALICE, 1, sealed.subarray(0, sealed.length - 1)))).toBe(
      'PROFILE_CORRUPT',
    );
  });

  it('refuses another key, another account and another version (the relay cannot relabel)', () => {
    const key = generateProfileKey();
    const sealed = sealProfile(key, ALICE, 2, profile);
    expect(codeOf(() => openProfile(generateProfileKey(), ALICE, 2, sealed))).toBe(
      'PROFILE_CORRUPT',
    );
    expect(codeOf(() => openProfile(key, BOB, 2, sealed))).toBe('PROFILE_CORRUPT');
    expect(codeOf(() => openProfile(key, ALICE, 3, sealed))).toBe('PROFILE_CORRUPT');
    expect(codeOf(() => openProfile(key.subarray(1), ALICE, 2, sealed))).toBe('PROFILE_CORRUPT');
  });

  it('pads names to a bucket, so short names of different lengths seal to the same size', () => {
    const key = generateProfileKey();
    const short = sealProfile(key, ALICE, 1, { name: 'Al' });
    const longer = sealProfile(key, ALICE, 1, { name: 'Alexandra Montgomery-Smythe' });
    expect(short.length).toBe(longer.length);
    expect((short.length - 1 - 24 - 16) % PROFILE_PADDING_BYTES).toBe(0);
  });

  it('drops a well-sealed profile whose fields are malformed (a hostile contact)', () => {
    expect(checkedProfile({ name: 'x'.repeat(65) })).toBeUndefined();
    expect(checkedProfile({ name: 'ok', avatar: 'javascript:alert(1)' })).toBeUndefined();
    expect(checkedProfile({ name: 'ok', avatar: 'data:text/html;base64,PGI+' })).toBeUndefined();
    expect(checkedProfile({ name: 42 })).toBeUndefined();
    expect(checkedProfile({ name: ' Alice ', about: '  ' })).toEqual({ name: 'Alice' });
    expect(codeOf(() => validProfile({ name: 'n', about: 'a'.repeat(141) }))).toBe(
      'INVALID_PROFILE',
    );
  });
});
