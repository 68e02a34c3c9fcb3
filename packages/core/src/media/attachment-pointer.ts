import { BLOB_ID_PATTERN, MAX_BLOB_BYTES } from '@parley/protocol';

/**
 * What a message carries about one attachment, inside the conversation's end-to-end encrypted
 * Yjs document (never seen by the relay): where the ciphertext is, how to open and check it, and
 * what to show before it is downloaded (thumbnail and placeholder made on the sender's device).
 * Bytes are standard base64.
 */
export interface AttachmentPointer extends AttachmentPreview {
  blobId: string;
  /** AES-256 key of the file (base64). */
  key: string;
  /** SHA-256 of the ciphertext (base64). */
  digest: string;
  /** Plaintext bytes. */
  size: number;
  contentType: string;
  kind: AttachmentKind;
  fileName?: string;
  /** View-once media: the recipient may open it once, then it is gone (disappearing/view-once.ts). */
  viewOnce?: boolean;
}

/** What the sender's device prepares for showing a file before it is downloaded. */
export interface AttachmentPreview {
  width?: number;
  height?: number;
  durationMs?: number;
  /** A small JPEG (data: URL) shown at once; images and videos only. */
  thumbnail?: string;
  /** ThumbHash of the image (base64): a blurred placeholder of ~25 bytes. */
  placeholder?: string;
  /** Voice messages: loudness samples 0..255 for the waveform. */
  waveform?: number[];
}

export type AttachmentKind = 'image' | 'video' | 'audio' | 'voice' | 'file';

/** Files one message may carry (more are ignored on receipt). */
export const MAX_ATTACHMENTS_PER_MESSAGE = 10;

const KINDS: readonly string[] = ['image', 'video', 'audio', 'voice', 'file'];
const MAX_THUMBNAIL_CHARS = 64 * 1024;
const MAX_WAVEFORM_SAMPLES = 128;

/**
 * The pointer when every field is well formed, else undefined: pointers come from other devices,
 * and a malformed one is dropped rather than rendered.
 */
export function checkedPointer(value: unknown): AttachmentPointer | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const p = value as Record<string, unknown>;
  const text = (v: unknown, max: number) => typeof v === 'string' && v.length <= max;
  const count = (v: unknown, max: number) =>
    typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= max;
  const optional = (v: unknown, ok: (v: unknown) => boolean) => v === undefined || ok(v);
  const valid =
    typeof p.blobId === 'string' &&
    BLOB_ID_PATTERN.test(p.blobId) &&
    text(p.key, 64) &&
    text(p.digest, 64) &&
    count(p.size, MAX_BLOB_BYTES) &&
    text(p.contentType, 128) &&
    typeof p.kind === 'string' &&
    KINDS.includes(p.kind) &&
    optional(p.fileName, (v) => text(v, 255)) &&
    optional(p.viewOnce, (v) => typeof v === 'boolean') &&
    optional(p.width, (v) => count(v, 100_000)) &&
    optional(p.height, (v) => count(v, 100_000)) &&
    optional(p.durationMs, (v) => count(v, 24 * 3600 * 1000)) &&
    optional(
      p.thumbnail,
      (v) => text(v, MAX_THUMBNAIL_CHARS) && (v as string).startsWith('data:image/'),
    ) &&
    optional(p.placeholder, (v) => text(v, 200)) &&
    optional(
      p.waveform,
      (v) => Array.isArray(v) && v.length <= MAX_WAVEFORM_SAMPLES && v.every((s) => count(s, 255)),
    );
  return valid ? (value as AttachmentPointer) : undefined;
}

/** Content types sent as what they are; anything else goes as a document, unless refused. */
export function attachmentKind(contentType: string, voice = false): AttachmentKind {
  if (voice) return 'voice';
  if (/^image\/(jpeg|png|gif|webp|avif)$/.test(contentType)) return 'image';
  if (/^video\/(mp4|webm|ogg|quicktime)$/.test(contentType)) return 'video';
  if (/^audio\//.test(contentType)) return 'audio';
  return 'file';
}

/** Executables and scripts are refused (UNSUPPORTED_TYPE): nobody should receive them unasked. */
export function isRefusedType(contentType: string, fileName = ''): boolean {
  return (
    /^application\/(x-msdownload|x-msdos-program|x-sh|x-executable)$/.test(contentType) ||
    /\.(exe|msi|bat|cmd|scr|com|ps1|vbs|jar)$/i.test(fileName)
  );
}
