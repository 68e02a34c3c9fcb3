import { readFile, realpath } from 'node:fs/promises';
import { extname, relative, resolve, sep, isAbsolute } from 'node:path';
import { CONTENT_SECURITY_POLICY } from './security/csp.js';

/** The renderer's origin: app://parley (never file:// or a remote URL). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'parley';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** Node's URL gives custom schemes an opaque origin, so scheme and host are compared. */
export function isAppOrigin(url: URL): boolean {
  return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST && url.port === '';
}

/**
 * protocol.registerSchemesAsPrivileged's entry: a standard, secure origin (so the app gets
 * IndexedDB-free storage rules, fetch and module scripts like https), nothing more.
 */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true },
} as const;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Referrer-Policy': 'no-referrer',
};

/**
 * The file under `root` a request names, or undefined when it names none: another host, a path
 * that leaves the root (`..`, encoded or not, backslashes, NUL) or a symlink pointing out of it.
 */
export async function resolveAppFile(
  root: string,
  requestUrl: string,
): Promise<string | undefined> {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return undefined;
  }
  if (!isAppOrigin(url)) return undefined;
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return undefined;
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return undefined;
  const wanted = pathname === '/' ? '/index.html' : pathname;
  const rootReal = await realpath(root);
  const candidate = resolve(rootReal, `.${wanted}`);
  if (!isInside(rootReal, candidate)) return undefined;
  try {
    const real = await realpath(candidate);
    return isInside(rootReal, real) ? real : undefined;
  } catch {
    return undefined;
  }
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}

/**
 * The app:// handler (protocol.handle's callback; a fetch Request in, a Response out): the built
 * web app's files with the CSP and security headers; 404 for anything else, 405 for non-GET.
 */
export function createAppProtocolHandler(root: string): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return new Response(null, { status: 405, headers: SECURITY_HEADERS });
    const file = await resolveAppFile(root, request.url);
    if (!file) return new Response('not found', { status: 404, headers: SECURITY_HEADERS });
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return new Response('not found', { status: 404, headers: SECURITY_HEADERS });
    }
    const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: { ...SECURITY_HEADERS, 'Content-Type': type },
    });
  };
}
