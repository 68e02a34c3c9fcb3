import type { FastifyRequest } from 'fastify';
import { ErrorCode, MAX_DEVICE_ID } from '@parley/protocol';
import type { Authenticator } from '../auth/authenticator.js';
import { RelayError } from '../errors.js';
import type { DeviceRef } from '../store/records.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated device; set by the `authenticate` pre-handler on protected routes. */
    device: DeviceRef | undefined;
  }
}

/**
 * `Authorization: Basic base64("<accountId>.<deviceId>:<secret>")`. Returns a Fastify
 * pre-handler that rejects the request with UNAUTHENTICATED unless the credentials verify.
 */
export function basicAuth(authenticator: Authenticator) {
  return async (request: FastifyRequest): Promise<void> => {
    const credentials = parseBasic(request.headers.authorization);
    if (!credentials)
      throw new RelayError(ErrorCode.UNAUTHENTICATED, 'missing or malformed credentials');
    request.device = await authenticator.authenticate(
      credentials.accountId,
      credentials.deviceId,
      credentials.secret,
      request.ip,
    );
  };
}

function parseBasic(
  header: string | undefined,
): { accountId: string; deviceId: number; secret: string } | undefined {
  const match = header && /^Basic ([A-Za-z0-9+/=]{1,400})$/.exec(header);
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = decoded.slice(0, colon);
  const dot = user.lastIndexOf('.');
  const digits = user.slice(dot + 1);
  // Decimal only, no leading zero: "01", "1e0" or "0x1" are not device 1.
  if (colon < 0 || dot < 1 || !/^[1-9][0-9]{0,9}$/.test(digits)) return undefined;
  const deviceId = Number(digits);
  if (deviceId > MAX_DEVICE_ID) return undefined;
  return { accountId: user.slice(0, dot), deviceId, secret: decoded.slice(colon + 1) };
}

/** The authenticated device of a protected route (the pre-handler guarantees it is set). */
export function deviceOf(request: FastifyRequest): DeviceRef {
  if (!request.device) throw new RelayError(ErrorCode.UNAUTHENTICATED, 'not authenticated');
  return request.device;
}
