import type { Plugin } from 'vite';

/**
 * Adds `<link rel="modulepreload">` for the messenger chunk (core and the Signal engine) and its
 * imports to index.html. The app imports it dynamically, so without this the browser would only
 * start fetching it after the UI bundle has run: a waterfall on every start.
 */
export function preloadMessengerChunk(moduleSuffix: string): Plugin {
  return {
    name: 'parley:preload-messenger-chunk',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, { bundle }) {
        if (!bundle) return [];
        const chunks = Object.values(bundle).flatMap((output) =>
          output.type === 'chunk' ? [output] : [],
        );
        const root = chunks.find((chunk) => chunk.facadeModuleId?.endsWith(moduleSuffix));
        if (!root) throw new Error(`preload-messenger-chunk: no chunk for ${moduleSuffix}`);
        const files = new Set<string>();
        const visit = (fileName: string) => {
          if (files.has(fileName)) return;
          files.add(fileName);
          for (const next of chunks.find((chunk) => chunk.fileName === fileName)?.imports ?? [])
            visit(next);
        };
        visit(root.fileName);
        return [...files]
          .filter((file) => !html.includes(`/${file}"`))
          .map((file) => ({
            tag: 'link',
            attrs: { rel: 'modulepreload', crossorigin: true, href: `/${file}` },
            injectTo: 'head' as const,
          }));
      },
    },
  };
}
