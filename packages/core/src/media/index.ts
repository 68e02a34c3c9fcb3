/** Attachments: the chunked cipher, the relay blob client, pointers and their limits. */
export {
  ciphertextLength,
  decryptAttachment,
  encryptAttachment,
  openChunks,
  type EncryptedAttachment,
} from './attachment-cipher.js';
export {
  attachmentKind,
  isRefusedType,
  MAX_ATTACHMENTS_PER_MESSAGE,
} from './attachment-pointer.js';
export { BlobTransfer, type ProgressListener } from './blob-transfer.js';
export { DEFAULT_MEDIA_CACHE_BYTES } from './media-cache.js';
