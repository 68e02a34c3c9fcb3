import type { FastifyInstance } from 'fastify';
import { ErrorCode } from '@parley/protocol';
import { RelayError } from '../errors.js';
import type { RelayMetrics } from '../ops/metrics.js';

/** Liveness, readiness and Prometheus metrics. */
export function opsRoutes(metrics: RelayMetrics, isReady: () => boolean) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/healthz', async () => ({ status: 'ok' }));
    app.get('/readyz', async () => {
      if (!isReady()) throw new RelayError(ErrorCode.UNAVAILABLE, 'not ready');
      return { status: 'ready' };
    });
    app.get('/metrics', async (_request, reply) =>
      reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
    );
  };
}
