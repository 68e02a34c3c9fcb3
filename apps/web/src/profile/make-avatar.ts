import { MAX_PROFILE_AVATAR_CHARS, PROFILE_AVATAR_PIXELS } from '@parley/core';

/** JPEG qualities tried in turn until the picture fits the profile's limit. */
const QUALITIES = [0.86, 0.75, 0.62, 0.5, 0.38];

/**
 * A profile picture from an image file chosen by the person: the centre square, scaled to
 * PROFILE_AVATAR_PIXELS, as a JPEG data: URL small enough for the encrypted profile
 * (MAX_PROFILE_AVATAR_CHARS). Made here, in the browser, before anything is encrypted; the
 * original file never leaves the device. Throws when the file is not an image the browser reads.
 */
export async function makeAvatar(file: Blob): Promise<string> {
  const bitmap = await createImageBitmap(file);
  try {
    const side = Math.min(bitmap.width, bitmap.height);
    const canvas = document.createElement('canvas');
    canvas.width = PROFILE_AVATAR_PIXELS;
    canvas.height = PROFILE_AVATAR_PIXELS;
    const context = canvas.getContext('2d');
    if (!context) throw new Error('this browser cannot draw images');
    // JPEG has no transparency: a transparent PNG gets a white background, not black.
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, PROFILE_AVATAR_PIXELS, PROFILE_AVATAR_PIXELS);
    context.drawImage(
      bitmap,
      (bitmap.width - side) / 2,
      (bitmap.height - side) / 2,
      side,
      side,
      0,
      0,
      PROFILE_AVATAR_PIXELS,
      PROFILE_AVATAR_PIXELS,
    );
    for (const quality of QUALITIES) {
      const url = canvas.toDataURL('image/jpeg', quality);
      if (url.length <= MAX_PROFILE_AVATAR_CHARS) return url;
    }
    throw new Error('this picture is too detailed to use as a profile photo');
  } finally {
    bitmap.close();
  }
}
