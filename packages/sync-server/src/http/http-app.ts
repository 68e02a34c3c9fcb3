import helmet from '@fastify/helmet';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
} from 'fastify';
import type { Logger } from 'pino';
import { ErrorCode, MAX_HTTP_BODY_BYTES } from '@parley/protocol';
import { blobRoutes } from '../blobs/blob-routes.js';
import { callsRoutes } from '../calls/calls-routes.js';
import { noIceServers, type IceConfig } from '../calls/ice-config.js';
import { RelayError } from '../errors.js';
import { profileRoutes } from '../profiles/profile-routes.js';
import { pushRoutes, type PushRouteContext } from '../push/push-routes.js';
import type { RelayMetrics } from '../ops/metrics.js';
import { accountLifecycleRoutes } from './account-lifecycle-routes.js';
import { accountsRoutes } from './accounts-routes.js';
import type { RouteContext } from './context.js';
import { devicesRoutes } from './devices-routes.js';
import { keysRoutes } from './keys-routes.js';
import { opsRoutes } from './ops-routes.js';
import { provisioningRoutes } from '../provisioning/provisioning-routes.js';
import { securityHeaders } from './security-headers.js';
import { webRootRoutes } from './web-root.js';

/**
 * The HTTP side of the relay: one Fastify plugin per route group. Every error leaves as
 * `{"error": {"code", "message"}}` with the status of its code (docs/relay-api.md).
 */
export function createHttpApp(
  context: RouteContext,
  metrics: RelayMetrics,
  isReady: () => boolean,
  logger: Logger,
  options: {
    /** When set, the built web app is served from this directory (--web-root). */
    webRoot?: string;
    /** When set, /metrics needs it as a bearer token (--metrics-token). */
    metricsToken?: string;
    /** Web Push (src/push/); absent, the /v1/push routes are not served. */
    push?: Omit<PushRouteContext, 'authenticator'>;
    /** STUN/TURN for calls (src/calls/); none when absent. */
    ice?: IceConfig;
  } = {},
): FastifyInstance {
  const app: FastifyInstance = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // Request lines would carry nothing useful at volume; errors are logged below.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: MAX_HTTP_BODY_BYTES,
    return503OnClosing: true,
    // Bodies are refused, never repaired: no type coercion ("1234" is not 1234), no silently
    // dropped unknown properties (additionalProperties: false then means 400), no defaults.
    // Path parameters are checked as text by their schemas (protocol's DeviceIdParam).
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false } },
  });
  app.register(helmet, securityHeaders);
  app.decorateRequest('device', undefined);
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const relayError = toRelayError(error);
    if (relayError.code === ErrorCode.INTERNAL) {
      request.log.error({ err: error, route: request.routeOptions.url }, 'request failed');
    }
    metrics.frameErrors.inc({ code: relayError.codeName });
    const retryAfterMs = relayError.details.retryAfterMs;
    if (retryAfterMs !== undefined) {
      reply.header('retry-after', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
    }
    return reply
      .code(relayError.httpStatus)
      .send({ error: { code: relayError.codeName, message: relayError.message } });
  });
  app.setNotFoundHandler((_request, reply) =>
    reply.code(404).send({ error: { code: 'NOT_FOUND', message: 'no such route' } }),
  );
  app.register(opsRoutes(metrics, isReady, options.metricsToken));
  app.register(accountsRoutes(context));
  app.register(accountLifecycleRoutes(context));
  app.register(devicesRoutes(context));
  app.register(keysRoutes(context));
  app.register(callsRoutes(options.ice ?? noIceServers, context.authenticator));
  app.register(provisioningRoutes(context.provisioning, context.authenticator));
  if (context.blobs) app.register(blobRoutes(context.blobs, context.authenticator));
  if (context.profiles)
    app.register(profileRoutes(context.profiles, context.authenticator, context.limits));
  if (options.push) {
    app.register(pushRoutes({ ...options.push, authenticator: context.authenticator }));
  }
  if (options.webRoot) app.register(webRootRoutes(options.webRoot));
  return app;
}

function toRelayError(error: FastifyError): RelayError {
  if (error instanceof RelayError) return error;
  if (error.validation) return new RelayError(ErrorCode.MALFORMED, error.message);
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new RelayError(ErrorCode.TOO_LARGE, 'request body too large');
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    // Fastify's own client errors: bad JSON, wrong content type, empty body, ...
    return new RelayError(ErrorCode.MALFORMED, error.message);
  }
  return new RelayError(ErrorCode.INTERNAL, 'internal error');
}
