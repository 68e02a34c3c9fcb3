import { isIP } from 'node:net';
import { ErrorCode } from '@parley/protocol';
import { RelayError } from '../errors.js';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * The relay POSTs to whatever endpoint a device registers, so the endpoint is checked before it
 * is stored: https only (RFC 8030 §8 requires TLS), no credentials in it, and a host name rather
 * than an IP literal (every browser's push service is named; a literal is how one would aim the
 * relay at an internal address). `allowLoopbackHttp` admits http://127.0.0.1 and friends, for a
 * push service a test runs on this machine; no command-line flag sets it.
 */
export function checkPushEndpoint(endpoint: string, allowLoopbackHttp: boolean): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new RelayError(ErrorCode.MALFORMED, 'push endpoint is not a URL');
  }
  if (url.username || url.password) {
    throw new RelayError(ErrorCode.MALFORMED, 'push endpoint must not carry credentials');
  }
  if (allowLoopbackHttp && LOOPBACK_HOSTS.has(url.host.replace(/:\d+$/, ''))) return url;
  if (url.protocol !== 'https:') {
    throw new RelayError(ErrorCode.MALFORMED, 'push endpoint must be an https URL');
  }
  if (isIP(url.hostname.replace(/^\[|\]$/g, '')) !== 0) {
    throw new RelayError(ErrorCode.MALFORMED, 'push endpoint must name a host, not an address');
  }
  return url;
}
