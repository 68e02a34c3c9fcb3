import { ParleyError } from '../errors.js';
import {
  MAX_PROFILE_ABOUT_LENGTH,
  MAX_PROFILE_AVATAR_CHARS,
  MAX_PROFILE_NAME_LENGTH,
  PROFILE_KEY_BYTES,
} from './limits.js';

/**
 * What a profile holds, as its owner wrote it and its contacts decrypt it. `avatar` is a data:
 * URL of a small square image (JPEG, WebP or PNG) the owner's device made; an image element
 * renders such a URL without running anything in it.
 */
export interface Profile {
  name: string;
  about?: string;
  avatar?: string;
}

/** What setProfile takes: `avatar: null` removes the picture, undefined keeps it. */
export interface ProfileInput {
  name: string;
  about?: string;
  avatar?: string | null;
}

const AVATAR_PREFIX = /^data:image\/(jpeg|webp|png);base64,[A-Za-z0-9+/]+={0,2}$/;

/** The profile with trimmed fields, or INVALID_PROFILE (the owner's own input). */
export function validProfile(input: Profile): Profile {
  const checked = checkedProfile(input);
  if (!checked)
    throw new ParleyError(
      'INVALID_PROFILE',
      `a profile has a name of at most ${MAX_PROFILE_NAME_LENGTH} characters, an about line of at ` +
        `most ${MAX_PROFILE_ABOUT_LENGTH} and a JPEG, WebP or PNG avatar of at most ` +
        `${MAX_PROFILE_AVATAR_CHARS} characters as a data: URL`,
    );
  return checked;
}

/**
 * The profile when every field is well formed, else undefined: a decrypted profile comes from
 * another account, and a malformed one is dropped rather than shown.
 */
export function checkedProfile(value: unknown): Profile | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { name, about, avatar } = value as Record<string, unknown>;
  if (typeof name !== 'string' || name.trim().length > MAX_PROFILE_NAME_LENGTH) return undefined;
  if (
    about !== undefined &&
    (typeof about !== 'string' || about.trim().length > MAX_PROFILE_ABOUT_LENGTH)
  )
    return undefined;
  if (
    avatar !== undefined &&
    (typeof avatar !== 'string' ||
      avatar.length > MAX_PROFILE_AVATAR_CHARS ||
      !AVATAR_PREFIX.test(avatar))
  )
    return undefined;
  const trimmedAbout = about?.trim();
  return {
    name: name.trim(),
    ...(trimmedAbout ? { about: trimmedAbout } : {}),
    ...(avatar ? { avatar } : {}),
  };
}

/** A new random profile key (here, not in profile-cipher.ts: start-up needs no cipher code). */
export function generateProfileKey(): Uint8Array<ArrayBuffer> {
  return globalThis.crypto.getRandomValues(new Uint8Array(PROFILE_KEY_BYTES));
}
