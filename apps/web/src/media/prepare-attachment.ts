import { rgbaToThumbHash } from 'thumbhash';
import type { AttachmentInput } from '../messenger/types.js';

/** Longest side of the thumbnail carried in the message (a small JPEG). */
const THUMBNAIL_SIDE = 160;
/** ThumbHash encodes images of at most 100x100 pixels. */
const THUMBHASH_SIDE = 100;

/**
 * Reads a picked, pasted or dropped file and prepares what the message carries besides the
 * encrypted bytes: for images their size, a thumbnail and a ThumbHash placeholder; for videos
 * their size and duration. Everything is computed here, on the sender's device.
 */
export async function prepareAttachment(file: File): Promise<AttachmentInput> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const input: AttachmentInput = {
    bytes,
    contentType: file.type || 'application/octet-stream',
    ...(file.name ? { fileName: file.name } : {}),
  };
  if (file.type.startsWith('image/')) return { ...input, ...(await imagePreview(file)) };
  if (file.type.startsWith('video/')) return { ...input, ...(await videoInfo(file)) };
  return input;
}

async function imagePreview(file: Blob): Promise<Partial<AttachmentInput>> {
  try {
    const bitmap = await createImageBitmap(file);
    const { width, height } = bitmap;
    const thumbnail = draw(bitmap, THUMBNAIL_SIDE).toDataURL('image/jpeg', 0.6);
    const small = draw(bitmap, THUMBHASH_SIDE);
    const pixels = small.getContext('2d')!.getImageData(0, 0, small.width, small.height);
    const placeholder = btoa(
      String.fromCharCode(...rgbaToThumbHash(small.width, small.height, pixels.data)),
    );
    bitmap.close();
    return { width, height, thumbnail, placeholder };
  } catch {
    // Not decodable here (e.g. an unsupported format): it goes without a preview.
    return {};
  }
}

function draw(bitmap: ImageBitmap, side: number): HTMLCanvasElement {
  const scale = Math.min(1, side / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  return canvas;
}

function videoInfo(file: Blob): Promise<Partial<AttachmentInput>> {
  const url = URL.createObjectURL(file);
  const video = document.createElement('video');
  video.preload = 'metadata';
  return new Promise<Partial<AttachmentInput>>((resolve) => {
    video.onloadedmetadata = () =>
      resolve({
        width: video.videoWidth,
        height: video.videoHeight,
        ...(Number.isFinite(video.duration)
          ? { durationMs: Math.round(video.duration * 1000) }
          : {}),
      });
    video.onerror = () => resolve({});
    video.src = url;
  }).finally(() => URL.revokeObjectURL(url));
}
