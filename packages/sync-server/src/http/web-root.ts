import { stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * Optional (`--web-root` / PARLEY_WEB_ROOT): serves the built web app (apps/web/dist) on the
 * relay's own origin, which is where the app finds its relay. Client-side routes get index.html;
 * index.html, the service worker and the manifest are revalidated on every load so a new version
 * is picked up; content-hashed assets are cached for good. The relay's own paths never fall back
 * to the app: an unknown /v1/ route stays a JSON 404.
 */
const relayPath = /^\/(v\d+\/|healthz$|readyz$|metrics$)/;

export function webRootRoutes(webRoot: string) {
  const root = resolve(webRoot);
  return async (app: FastifyInstance): Promise<void> => {
    await app.register(fastifyStatic, { root, serve: false });
    app.get('/*', async (request, reply) => {
      const path = pathOf(request.url);
      if (path === undefined || relayPath.test(path)) return reply.callNotFound();
      // No dotfile or dot-directory is ever served (.env, .git/, %2e-encoded or not): the
      // path is decoded above, so one check covers every spelling.
      if (path.split('/').some((segment) => segment.startsWith('.'))) {
        return reply.callNotFound();
      }
      const file = resolve(root, `.${path}`);
      if (file.startsWith(root + sep) && (await isFile(file))) {
        return send(reply, file.slice(root.length + 1));
      }
      // The site's root is the app whatever the client accepts (`curl /`); a navigation to a
      // client-side route gets the app shell too, which routes it.
      if (path === '/' || request.headers.accept?.includes('text/html')) {
        return send(reply, 'index.html');
      }
      return reply.callNotFound();
    });
  };
}

function pathOf(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url, 'http://relay').pathname);
  } catch {
    return undefined;
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

function cacheControl(file: string): string {
  if (file.startsWith('assets/')) return 'public, max-age=31536000, immutable';
  if (file === 'index.html' || file === 'sw.js' || file.endsWith('.webmanifest')) return 'no-cache';
  return 'public, max-age=3600';
}

function send(reply: FastifyReply, file: string) {
  return reply.header('cache-control', cacheControl(file)).sendFile(file, { cacheControl: false });
}
