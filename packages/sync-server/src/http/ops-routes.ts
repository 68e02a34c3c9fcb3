import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ErrorCode } from '@parley/protocol';
import { RelayError } from '../errors.js';
import type { RelayMetrics } from '../ops/metrics.js';

/**
 * Liveness, readiness and Prometheus metrics. /metrics tells traffic, mailbox depths and
 * versions: with a configured token it needs `Authorization: Bearer <token>`; without one it
 * answers only clients connected over loopback (a scraper on the same host), and 404 to others.
 */
export function opsRoutes(metrics: RelayMetrics, isReady: () => boolean, token?: string) {
  const expected = token === undefined ? undefined : Buffer.from(`Bearer ${token}`);
  const mayScrape = (request: FastifyRequest): boolean => {
    if (expected === undefined) return isLoopback(request.socket.remoteAddress);
    const given = Buffer.from(request.headers.authorization ?? '');
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/healthz', async () => ({ status: 'ok' }));
    app.get('/readyz', async () => {
      if (!isReady()) throw new RelayError(ErrorCode.UNAVAILABLE, 'not ready');
      return { status: 'ready' };
    });
    app.get('/metrics', async (request, reply) => {
      if (!mayScrape(request)) {
        if (expected === undefined) throw new RelayError(ErrorCode.NOT_FOUND, 'no such route');
        throw new RelayError(ErrorCode.UNAUTHENTICATED, 'metrics need the bearer token');
      }
      return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    });
  };
}

function isLoopback(address: string | undefined): boolean {
  return (
    address !== undefined &&
    (address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.'))
  );
}
