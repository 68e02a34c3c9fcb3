import type { DetailedError } from 'tus-js-client';
import { BLOB_UPLOAD_PART_BYTES } from '@parley/protocol';
import { ParleyError } from '../errors.js';

/** Where uploads and downloads report their bytes. */
export type ProgressListener = (bytesDone: number, bytesTotal: number) => void;

export interface UploadRequest {
  ciphertext: Uint8Array<ArrayBuffer>;
  /** An upload URL from an earlier attempt (after a reload): resumed from the relay's offset. */
  resumeUrl?: string;
  onProgress: ProgressListener;
  /** Called once the relay assigned the upload its URL, so a reload can resume it. */
  onUploadUrl?: (url: string) => void;
  signal?: AbortSignal;
}

/** Retries of a dropped upload or download: quick first, then every few seconds for a while. */
const RETRY_DELAYS_MS = [0, 500, 1000, 2000, 3000, 5000, ...Array<number>(60).fill(5000)];

/**
 * Moves ciphertext to and from the relay's blob store: tus uploads (tus-js-client: resumable,
 * retried on dropped connections from the relay's offset) and ranged downloads that continue
 * from the bytes already received. Every request carries the device's credentials.
 */
export class BlobTransfer {
  constructor(
    private readonly baseUrl: string,
    private readonly authorization: () => string,
  ) {}

  /**
   * Uploads and resolves with the blob id. tus-js-client is imported here, on the first upload,
   * so the app's start-up bundle does not carry it (decision 0500).
   */
  async upload(request: UploadRequest): Promise<string> {
    const { ciphertext, signal } = request;
    const { Upload } = await import('tus-js-client');
    if (signal?.aborted) throw new ParleyError('TRANSFER_CANCELLED', 'upload cancelled');
    return new Promise<string>((resolve, reject) => {
      const upload = new Upload(platformBody(ciphertext), {
        endpoint: new URL('/v1/blobs/uploads', this.baseUrl).toString(),
        uploadUrl: request.resumeUrl ?? null,
        uploadSize: ciphertext.length,
        chunkSize: BLOB_UPLOAD_PART_BYTES,
        retryDelays: RETRY_DELAYS_MS,
        storeFingerprintForResuming: false,
        // Credentials are read per request: they exist only once the device is registered.
        onBeforeRequest: (http) => http.setHeader('authorization', this.authorization()),
        onProgress: request.onProgress,
        onUploadUrlAvailable: () => upload.url && request.onUploadUrl?.(upload.url),
        // Refusals (cap, quota, ownership) are final; dropped connections and 5xx are retried.
        onShouldRetry: (error) => {
          const status = error.originalResponse?.getStatus() ?? 0;
          return (
            !signal?.aborted && (status === 0 || status >= 500 || status === 409 || status === 423)
          );
        },
        onSuccess: () => {
          const id = upload.url?.split('/').pop();
          if (id) resolve(id);
          else reject(new ParleyError('RELAY_REJECTED', 'the relay gave the upload no id'));
        },
        onError: (error) => reject(uploadError(error)),
      });
      signal?.addEventListener('abort', () => {
        void upload.abort(false);
        reject(new ParleyError('TRANSFER_CANCELLED', 'upload cancelled'));
      });
      upload.start();
    });
  }

  /**
   * Downloads `size` bytes of blob `id`. A dropped connection resumes with `Range: bytes=N-`
   * from the bytes already here, after RETRY_DELAYS_MS.
   */
  async download(
    id: string,
    size: number,
    onProgress: ProgressListener,
    signal?: AbortSignal,
  ): Promise<Uint8Array<ArrayBuffer>> {
    const bytes = new Uint8Array(size);
    let received = 0;
    for (let attempt = 0; ; attempt++) {
      try {
        received = await this.downloadFrom(id, bytes, received, onProgress, signal);
        return bytes;
      } catch (error) {
        if (signal?.aborted) throw new ParleyError('TRANSFER_CANCELLED', 'download cancelled');
        if (error instanceof ParleyError || attempt >= RETRY_DELAYS_MS.length) throw error;
        received = (error as { received?: number }).received ?? received;
        await delay(RETRY_DELAYS_MS[attempt] ?? 5000, signal);
      }
    }
  }

  /** Deletes a blob this account uploaded; a blob already gone or not ours is fine. */
  async delete(id: string): Promise<void> {
    const response = await fetch(new URL(`/v1/blobs/${id}`, this.baseUrl), {
      method: 'DELETE',
      headers: { authorization: this.authorization() },
    });
    if (!response.ok && response.status !== 404 && response.status !== 403) {
      throw new ParleyError('RELAY_REJECTED', `blob delete failed: HTTP ${response.status}`);
    }
  }

  private async downloadFrom(
    id: string,
    into: Uint8Array,
    start: number,
    onProgress: ProgressListener,
    signal?: AbortSignal,
  ): Promise<number> {
    const headers: Record<string, string> = { authorization: this.authorization() };
    if (start > 0) headers.range = `bytes=${start}-`;
    const response = await fetch(new URL(`/v1/blobs/${id}`, this.baseUrl), { headers, signal });
    if (response.status === 404)
      throw new ParleyError('ATTACHMENT_GONE', 'the attachment expired or was deleted');
    if (!response.ok || !response.body) {
      if (response.status >= 400 && response.status < 500) {
        throw new ParleyError('RELAY_REJECTED', `blob download failed: HTTP ${response.status}`);
      }
      throw Object.assign(new Error(`HTTP ${response.status}`), { received: start });
    }
    let received = start;
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (received + value.length > into.length) {
          throw new ParleyError('ATTACHMENT_CORRUPT', 'the blob is longer than announced');
        }
        into.set(value, received);
        received += value.length;
        onProgress(received, into.length);
      }
    } catch (error) {
      if (error instanceof ParleyError) throw error;
      throw Object.assign(new Error('download interrupted', { cause: error }), { received });
    }
    if (received !== into.length) {
      throw Object.assign(new Error('download ended early'), { received });
    }
    return received;
  }
}

/** tus-js-client reads Buffers in Node and Blobs in browsers. */
function platformBody(bytes: Uint8Array<ArrayBuffer>): Blob | Buffer {
  const NodeBuffer = (globalThis as { Buffer?: typeof Buffer }).Buffer;
  if (NodeBuffer && !('document' in globalThis)) {
    return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  return new Blob([bytes]);
}

function uploadError(error: Error | DetailedError): ParleyError {
  const response = (error as DetailedError).originalResponse;
  const status = response?.getStatus() ?? 0;
  let code = '';
  try {
    code =
      (JSON.parse(response?.getBody() ?? '') as { error?: { code?: string } }).error?.code ?? '';
  } catch {
    // Not the relay's JSON (a proxy or the tus server itself answered).
  }
  if (code === 'QUOTA_EXCEEDED') {
    return new ParleyError('QUOTA_EXCEEDED', 'your storage for attachments is full', {
      cause: error,
    });
  }
  if (code === 'TOO_LARGE' || status === 413) {
    return new ParleyError('ATTACHMENT_TOO_LARGE', 'the file is too large to send', {
      cause: error,
    });
  }
  if (status === 0) return new ParleyError('RELAY_UNREACHABLE', error.message, { cause: error });
  return new ParleyError('RELAY_REJECTED', `upload refused: HTTP ${status} ${code}`, {
    cause: error,
  });
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
