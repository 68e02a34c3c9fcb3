import type { FastifyInstance } from 'fastify';
import type { IceServersJson } from '@parley/protocol';
import * as http from '@parley/protocol/http';
import type { Authenticator } from '../auth/authenticator.js';
import { basicAuth, deviceOf } from '../http/basic-auth.js';
import type { IceConfig } from './ice-config.js';
import { turnCredential } from './turn-credentials.js';

/**
 * `/v1/calls` (docs/relay-api.md): ICE servers for WebRTC. Only authenticated devices get TURN
 * credentials, each naming its device, so an abused credential points at one device.
 */
export function callsRoutes(
  config: IceConfig,
  authenticator: Authenticator,
  now: () => number = Date.now,
) {
  return async (app: FastifyInstance): Promise<void> => {
    const authenticate = basicAuth(authenticator);
    app.get(
      '/v1/calls/ice-servers',
      { preHandler: authenticate, schema: { response: { 200: http.IceServers } } },
      async (request, reply): Promise<IceServersJson> => {
        // Credentials are personal and short-lived: no cache may keep or share them.
        reply.header('cache-control', 'no-store');
        const iceServers: IceServersJson['iceServers'] = [];
        const policy =
          config.iceTransportPolicy === 'relay' ? { iceTransportPolicy: 'relay' as const } : {};
        if (config.stunUrls.length > 0) iceServers.push({ urls: config.stunUrls });
        if (config.turnUrls.length === 0 || !config.turnSecret) return { iceServers, ...policy };
        const device = deviceOf(request);
        const turn = turnCredential(
          config.turnSecret,
          `${device.accountId}.${device.deviceId}`,
          config.turnTtlSeconds,
          now(),
        );
        iceServers.push({
          urls: config.turnUrls,
          username: turn.username,
          credential: turn.credential,
        });
        return { iceServers, expiresAt: turn.expiresAt, ...policy };
      },
    );
  };
}
