import { createHmac } from 'node:crypto';

/**
 * coturn's REST credential scheme ("TURN REST API", draft-uberti-behave-turn-rest-00 §2.2):
 * username = `<unix expiry seconds>:<user>`, password = base64(HMAC-SHA1(secret, username)).
 * coturn recomputes the HMAC with the same secret and refuses the username once the expiry has
 * passed, so the relay never stores a credential and a leaked one dies by itself.
 */
export interface TurnCredential {
  username: string;
  credential: string;
  /** ms since epoch */
  expiresAt: number;
}

export function turnCredential(
  secret: string,
  user: string,
  ttlSeconds: number,
  nowMs: number,
): TurnCredential {
  const expirySeconds = Math.floor(nowMs / 1000) + ttlSeconds;
  const username = `${expirySeconds}:${user}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential, expiresAt: expirySeconds * 1000 };
}
