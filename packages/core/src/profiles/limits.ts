/** Every limit of profiles, named once (docs/decisions/0345-profiles.md). */

/** Bytes of a profile key: an XChaCha20-Poly1305 key. */
export const PROFILE_KEY_BYTES = 32;
/** Longest display name, in characters (after trimming). */
export const MAX_PROFILE_NAME_LENGTH = 64;
/** Longest about line, in characters (after trimming). */
export const MAX_PROFILE_ABOUT_LENGTH = 140;
/**
 * Longest avatar, as a data: URL (a 256x256 JPEG or WebP made on the sender's device, about
 * 20 KB): small enough that the whole profile fits the relay's MAX_PROFILE_CIPHERTEXT_BYTES.
 */
export const MAX_PROFILE_AVATAR_CHARS = 56 * 1024;
/**
 * Plaintext is padded to a multiple of this many bytes before sealing, so the ciphertext's length
 * tells the relay little about the name and nothing about a short about line.
 */
export const PROFILE_PADDING_BYTES = 512;
/** Side of the square avatar the apps make before setProfile, in pixels. */
export const PROFILE_AVATAR_PIXELS = 256;
