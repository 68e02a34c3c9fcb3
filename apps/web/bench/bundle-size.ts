/**
 * Gzipped JavaScript that a visit loads: what index.html references (its module script and every
 * modulepreload, which includes the messenger chunk with core and the Signal engine), and, from
 * Vite's build manifest, everything start-up needs before the chat list can show.
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
  const referenced = initialFiles(distDir);
  const entry = Object.keys(manifest).find((key) => manifest[key]!.isEntry);
  if (!entry) throw new Error('the build manifest has no entry chunk');
  if (!manifest[MESSENGER_MODULE])
    throw new Error(`the build manifest has no chunk for ${MESSENGER_MODULE}`);
  const startup = [...staticClosure(manifest, [entry, MESSENGER_MODULE])].map(
    (key) => manifest[key]!.file,
  );
  const gzipKb = (files: string[]) =>
    [...new Set(files)].reduce(
      (sum, file) => sum + gzipSync(readFileSync(join(distDir, file))).length,
      0,
    ) / 1024;
  return {
    initialKb: round(gzipKb(referenced)),
    startupKb: round(gzipKb([...referenced, ...startup])),
  };
}

/** The JavaScript files index.html references: its module script and every modulepreload. */
export function initialFiles(distDir: string): string[] {
  const html = readFileSync(join(distDir, 'index.html'), 'utf8');
  return [...html.matchAll(/(?:src|href)="\/([^"]+\.js)"/g)].map((match) => match[1]!);
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
