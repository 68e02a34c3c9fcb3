import type { FastifyHelmetOptions } from '@fastify/helmet';

/**
 * Security headers on every answer, the app's and the API's (@fastify/helmet): a strict
 * Content-Security-Policy (scripts and styles from the relay's own origin only, no inline script;
 * network only to this origin over http(s) and ws(s)), no framing, no MIME sniffing, no referrer
 * across origins, and a cross-origin opener policy. The app is served from the relay's origin and
 * talks to nothing else, so `'self'` is the whole allow list; the WebSocket URL is listed
 * explicitly because CSP Level 2 browsers do not let `'self'` match ws: and wss:.
 */
export const securityHeaders: FastifyHelmetOptions = {
  global: true,
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      // WebAssembly compiles (the account document's Automerge, docs/decisions/0340); no JS eval.
      scriptSrc: ["'self'", "'wasm-unsafe-eval'"],
      // React sets style attributes; no style element is inline.
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:', 'blob:'],
      mediaSrc: ["'self'", 'blob:'],
      fontSrc: ["'self'"],
      connectSrc: ["'self'", (request) => webSocketOrigin(request.headers.host)],
      workerSrc: ["'self'"],
      manifestSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
  frameguard: { action: 'deny' },
  noSniff: true,
  referrerPolicy: { policy: 'no-referrer' },
  crossOriginOpenerPolicy: { policy: 'same-origin' },
  crossOriginResourcePolicy: { policy: 'same-origin' },
  // The relay does not know whether TLS terminates in front of it: HSTS belongs to the proxy.
  strictTransportSecurity: false,
};

/** ws: and wss: on the origin the page was served from (the Host header it was requested with). */
function webSocketOrigin(host: string | undefined): string {
  if (!host || !/^[A-Za-z0-9.[\]:-]+$/.test(host)) return "'self'";
  return `ws://${host} wss://${host}`;
}
