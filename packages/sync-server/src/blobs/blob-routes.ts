import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Server as TusServer, EVENTS } from '@tus/server';
import { BLOB_ID_PATTERN, ErrorCode } from '@parley/protocol';
import type { Authenticator } from '../auth/authenticator.js';
import { RelayError } from '../errors.js';
import { basicAuth, deviceOf } from '../http/basic-auth.js';
import type { DeviceRef } from '../store/records.js';
import { BlobService } from './blob-service.js';

export const UPLOADS_PATH = '/v1/blobs/uploads';

/**
 * Blob routes (docs/relay-api.md, "Blobs"):
 * - tus 1.0 resumable uploads under /v1/blobs/uploads (POST creates, HEAD reads the offset,
 *   PATCH appends, DELETE abandons), owner only;
 * - GET /v1/blobs/:id downloads a finished blob (Range: bytes=N- resumes), any authenticated
 *   device; DELETE /v1/blobs/:id deletes it, owner only.
 * Every request is authenticated before the tus server sees it; the relay's own checks (cap,
 * quota, ownership) answer with the relay's JSON errors.
 */
export function blobRoutes(blobs: BlobService, authenticator: Authenticator) {
  return async (app: FastifyInstance): Promise<void> => {
    const authenticate = basicAuth(authenticator);
    // The device behind each request the tus server is handling (its hooks get only the request).
    const uploaders = new WeakMap<object, DeviceRef>();
    const uploaderOf = (request: { runtime?: { node?: { req: object } } }) => {
      const device = request.runtime?.node && uploaders.get(request.runtime.node.req);
      if (!device) throw { status_code: 401, body: 'not authenticated\n' };
      return device;
    };
    const tus = new TusServer({
      path: UPLOADS_PATH,
      datastore: blobs.storage.dataStore,
      relativeLocation: true,
      maxSize: blobs.limits.maxBytes,
      namingFunction: () => BlobService.newId(),
      async onUploadCreate(request, upload) {
        await blobs.recordUpload(upload.id, uploaderOf(request), upload.size ?? 0);
        // Client metadata (names, types) never reaches the disk: the message carries them.
        return { metadata: {} };
      },
      async onUploadFinish(_request, upload) {
        await blobs.index.markComplete(upload.id);
        return {};
      },
    });
    tus.on(EVENTS.POST_TERMINATE, (_request, _response, id) => {
      void blobs.index.remove([id]).catch(() => undefined);
    });

    // tus reads PATCH bodies from the raw request itself.
    app.addContentTypeParser('application/offset+octet-stream', (_request, _payload, done) =>
      done(null),
    );

    // Uploads stream for as long as the client sends: shutdown cuts them (the client resumes
    // from the stored offset later) instead of waiting for them to finish.
    const streaming = new Set<FastifyRequest>();
    app.addHook('preClose', (done) => {
      for (const request of streaming) request.raw.socket.destroy();
      done();
    });

    const handOver = async (request: FastifyRequest, reply: FastifyReply) => {
      reply.hijack();
      uploaders.set(request.raw, deviceOf(request));
      streaming.add(request);
      try {
        await tus.handle(request.raw, reply.raw);
      } finally {
        streaming.delete(request);
      }
    };

    app.post(UPLOADS_PATH, { preHandler: authenticate }, async (request, reply) => {
      const size = uploadLength(request.headers['upload-length']);
      await blobs.checkNewUpload(deviceOf(request).accountId, size);
      await handOver(request, reply);
    });

    app.route<{ Params: { id: string } }>({
      method: ['HEAD', 'PATCH', 'DELETE'],
      url: `${UPLOADS_PATH}/:id`,
      exposeHeadRoute: false,
      preHandler: authenticate,
      async handler(request, reply) {
        await blobs.ownedBy(blobId(request.params.id), deviceOf(request));
        await handOver(request, reply);
      },
    });

    app.get<{ Params: { id: string } }>(
      '/v1/blobs/:id',
      { preHandler: authenticate, exposeHeadRoute: false },
      async (request, reply) => {
        const blob = await blobs.readable(blobId(request.params.id));
        const start = rangeStart(request.headers.range, blob.size);
        reply
          .header('content-type', 'application/octet-stream')
          .header('cache-control', 'no-store')
          .header('accept-ranges', 'bytes')
          .header('content-length', String(blob.size - start));
        if (start > 0) {
          reply.code(206).header('content-range', `bytes ${start}-${blob.size - 1}/${blob.size}`);
        }
        return reply.send(blobs.storage.read(blob.id, start));
      },
    );

    app.delete<{ Params: { id: string } }>(
      '/v1/blobs/:id',
      { preHandler: authenticate },
      async (request, reply) => {
        const blob = await blobs.ownedBy(blobId(request.params.id), deviceOf(request));
        await blobs.delete(blob.id);
        return reply.code(204).send();
      },
    );
  };
}

function blobId(raw: string): string {
  if (!BLOB_ID_PATTERN.test(raw)) throw new RelayError(ErrorCode.NOT_FOUND, 'no such blob');
  return raw;
}

/** Upload-Length as a whole number; deferred lengths are not accepted (the cap needs it). */
function uploadLength(header: string | string[] | undefined): number {
  if (typeof header !== 'string' || !/^(0|[1-9][0-9]{0,15})$/.test(header)) {
    throw new RelayError(ErrorCode.MALFORMED, 'Upload-Length must be a whole number of bytes');
  }
  return Number(header);
}

/** The N of `Range: bytes=N-` (the only form clients send to resume); 0 without a range. */
function rangeStart(header: string | undefined, size: number): number {
  if (header === undefined) return 0;
  const match = /^bytes=(\d{1,16})-$/.exec(header);
  const start = match ? Number(match[1]) : NaN;
  if (!(start >= 0 && start < size)) {
    throw new RelayError(ErrorCode.MALFORMED, 'only Range: bytes=N- within the blob is served');
  }
  return start;
}
