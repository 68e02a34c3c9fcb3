/**
 * The relay's call configuration (docs/decisions/0900-calls.md): which STUN and TURN servers
 * devices are told about, and the secret TURN shares with the relay for coturn's REST
 * credentials (`use-auth-secret` / `static-auth-secret` in turnserver.conf).
 */
export interface IceConfig {
  /** e.g. `stun:turn.example.org:3478`; empty = no STUN. */
  stunUrls: string[];
  /** e.g. `turn:turn.example.org:3478?transport=udp`; empty = no TURN. */
  turnUrls: string[];
  /** coturn's static-auth-secret; required when turnUrls is not empty. */
  turnSecret?: string;
  /** How long handed-out TURN credentials work. */
  turnTtlSeconds: number;
  /** 'relay' forces every call through TURN (clients gather relay candidates only). */
  iceTransportPolicy?: 'all' | 'relay';
}

/** Long enough for a long call to re-gather candidates with the same credentials. */
export const DEFAULT_TURN_TTL_SECONDS = 6 * 60 * 60;
/** Shorter secrets are guessable offline from one credential. */
export const MIN_TURN_SECRET_LENGTH = 16;

export const noIceServers: IceConfig = {
  stunUrls: [],
  turnUrls: [],
  turnTtlSeconds: DEFAULT_TURN_TTL_SECONDS,
};

const ICE_URL = /^(stun|stuns|turn|turns):[^\s,]{1,500}$/;

/** Parses a comma-separated URL list, refusing anything that is not a STUN/TURN URI (RFC 7064/7065). */
export function parseIceUrls(
  raw: string | undefined,
  scheme: 'stun' | 'turn',
  fail: (message: string) => never,
): string[] {
  if (raw === undefined) return [];
  const urls = raw
    .split(',')
    .map((url) => url.trim())
    .filter(Boolean);
  for (const url of urls) {
    if (!ICE_URL.test(url) || !url.startsWith(scheme))
      fail(`${scheme} URL must look like ${scheme}:host:port, got "${url}"`);
  }
  if (urls.length > 8) fail(`at most 8 ${scheme} URLs`);
  return urls;
}
