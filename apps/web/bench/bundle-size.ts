/**
 * Gzipped JavaScript that a visit loads, from Vite's build manifest: what index.html loads before
 * anything runs (the entry and its static imports), and what start-up adds before the chat list
 * can show (the messenger chunk: core and the Signal engine, loaded right after first paint).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
}

type Manifest = Record<string, ManifestChunk>;

export const MESSENGER_MODULE = 'src/messenger/create-real-messenger.ts';

export function bundleSizes(distDir: string): { initialKb: number; startupKb: number } {
  const manifest = JSON.parse(
    readFileSync(join(distDir, '.vite/manifest.json'), 'utf8'),
  ) as Manifest;
  const entry = Object.keys(manifest).find((key) => manifest[key]!.isEntry);
  if (!entry) throw new Error('the build manifest has no entry chunk');
  const initial = staticClosure(manifest, [entry]);
  if (!manifest[MESSENGER_MODULE])
    throw new Error(`the build manifest has no chunk for ${MESSENGER_MODULE}`);
  const startup = staticClosure(manifest, [entry, MESSENGER_MODULE]);
  const gzipKb = (keys: Set<string>) =>
    [...keys].reduce(
      (sum, key) => sum + gzipSync(readFileSync(join(distDir, manifest[key]!.file))).length,
      0,
    ) / 1024;
  return { initialKb: round(gzipKb(initial)), startupKb: round(gzipKb(startup)) };
}

function staticClosure(manifest: Manifest, roots: string[]): Set<string> {
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    for (const next of manifest[key]?.imports ?? []) visit(next);
  };
  roots.forEach(visit);
  return seen;
}

export function round(value: number): number {
  return Math.round(value * 10) / 10;
}
