import { Type, type Static } from '@sinclair/typebox';

/**
 * Calls (docs/relay-api.md, `/v1/calls`): the ICE servers a device uses for WebRTC. STUN is
 * public; TURN credentials follow coturn's REST scheme (username `<expiry>:<accountId.deviceId>`,
 * credential = base64(HMAC-SHA1(secret, username))) and are handed only to authenticated devices.
 */

export const IceServer = Type.Object(
  {
    urls: Type.Array(Type.String({ minLength: 1, maxLength: 512 }), { minItems: 1, maxItems: 8 }),
    username: Type.Optional(Type.String({ maxLength: 256 })),
    credential: Type.Optional(Type.String({ maxLength: 256 })),
  },
  { additionalProperties: false },
);
export type IceServerJson = Static<typeof IceServer>;

/** `GET /v1/calls/ice-servers`: what RTCPeerConnection's `iceServers` takes, plus the expiry. */
export const IceServers = Type.Object(
  {
    iceServers: Type.Array(IceServer, { maxItems: 8 }),
    /**
     * 'relay': the deployment wants every call through TURN (peers never see each other's
     * addresses); absent means 'all'.
     */
    iceTransportPolicy: Type.Optional(Type.Union([Type.Literal('all'), Type.Literal('relay')])),
    /** When the TURN credentials stop working (ms since epoch); absent without TURN. */
    expiresAt: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);
export type IceServersJson = Static<typeof IceServers>;
