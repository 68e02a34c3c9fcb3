import type { FastifyInstance } from 'fastify';
import type { PushSubscriptionBodyJson, VapidPublicKeyJson } from '@parley/protocol';
import * as http from '@parley/protocol/http';
import type { Authenticator } from '../auth/authenticator.js';
import { basicAuth, deviceOf } from '../http/basic-auth.js';
import { checkPushEndpoint } from './endpoint-policy.js';
import type { PushSubscriptionStore } from './subscription-store.js';

export interface PushRouteContext {
  authenticator: Authenticator;
  subscriptions: PushSubscriptionStore;
  publicKey: string;
  /** See checkPushEndpoint: tests only. */
  allowLoopbackHttp: boolean;
}

/** `/v1/push` (docs/relay-api.md): the VAPID public key and the caller's own subscription. */
export function pushRoutes(context: PushRouteContext) {
  return async (app: FastifyInstance): Promise<void> => {
    const authenticate = basicAuth(context.authenticator);

    // Public: browsers need it to subscribe (applicationServerKey), and it is in every push anyway.
    app.get('/v1/push/vapid-public-key', async (): Promise<VapidPublicKeyJson> => ({
      publicKey: context.publicKey,
    }));

    app.put<{ Body: PushSubscriptionBodyJson }>(
      '/v1/push/subscription',
      { schema: { body: http.PushSubscriptionBody }, preHandler: authenticate },
      async (request, reply) => {
        const { endpoint, keys } = request.body;
        checkPushEndpoint(endpoint, context.allowLoopbackHttp);
        await context.subscriptions.put(deviceOf(request).rowId, { endpoint, keys }, Date.now());
        return reply.code(204).send();
      },
    );

    app.delete('/v1/push/subscription', { preHandler: authenticate }, async (request, reply) => {
      await context.subscriptions.remove(deviceOf(request).rowId);
      return reply.code(204).send();
    });
  };
}
