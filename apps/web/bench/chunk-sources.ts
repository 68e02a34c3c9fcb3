/**
 * What the first paint's JavaScript is made of: each chunk index.html loads (bundle-size.ts's
 * `initialFiles`), split by its source map into the packages and app folders its bytes come from,
 * largest first. Run after a build: `node bench/run-bench.mjs chunk-sources.ts [distDir]`
 * (default apps/web/dist); `PARLEY_CHUNK_SOURCES_MODULES=1` lists single modules instead.
 *
 * A minified byte belongs to the source its mapping segment names (a segment runs to the next
 * one on its line). Gzip shares are the chunk's gzip size split in proportion to those bytes, so
 * they add up to bundleSizes()'s figure; a group that compresses unusually well or badly is off
 * by that much, which is fine for deciding what to move.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { decode } from '@jridgewell/sourcemap-codec';
import { initialFiles, round } from './bundle-size.js';

const TOP = Number(process.env.PARLEY_CHUNK_SOURCES_TOP ?? 25);

interface SourceMap {
  sources: string[];
  mappings: string;
}

export interface Contribution {
  group: string;
  bytes: number;
  gzipKb: number;
}

export interface ChunkSources {
  file: string;
  bytes: number;
  gzipKb: number;
  groups: Contribution[];
}

/** Minified bytes of `code` per source file of its map (null: bytes no segment maps). */
export function bytesPerSource(code: string, map: SourceMap): Map<string | null, number> {
  const totals = new Map<string | null, number>();
  const add = (source: string | null, bytes: number) =>
    bytes > 0 && totals.set(source, (totals.get(source) ?? 0) + bytes);
  const lines = code.split('\n');
  decode(map.mappings).forEach((segments, index) => {
    const line = lines[index] ?? '';
    // Columns count UTF-16 units; the chunks are ASCII apart from a few string literals.
    const ends = [...segments.slice(1).map((segment) => segment[0]), line.length];
    add(null, (segments[0]?.[0] ?? line.length) + 1); // the line's unmapped start and its newline
    segments.forEach((segment, at) => {
      const source = segment.length > 1 ? map.sources[segment[1]!]! : null;
      add(source, ends[at]! - segment[0]);
    });
  });
  return totals;
}

/** A source path as the package or app folder it belongs to (or the module itself). */
export function groupOf(source: string | null, modules: boolean): string {
  if (source === null) return '(unmapped: glue, runtime)';
  const path = source.replace(/^(\.\.\/)+/, '').replace(/\?.*$/, '');
  const inModules = path.lastIndexOf('node_modules/');
  if (inModules >= 0) {
    const rest = path.slice(inModules + 'node_modules/'.length).split('/');
    const name = rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
    return modules ? `${name}/${rest.slice(name.split('/').length).join('/')}` : name;
  }
  if (modules) return path;
  // Workspace sources: packages/core/src/calls/x.ts -> packages/core/src/calls.
  const workspace = /^((?:packages|apps)\/[^/]+\/src\/[^/]+)\//.exec(path);
  return workspace ? workspace[1]! : path;
}

export function chunkSources(distDir: string, file: string, modules: boolean): ChunkSources {
  const code = readFileSync(join(distDir, file), 'utf8');
  const mapFile = join(distDir, `${file}.map`);
  // The bundler's own runtime chunk has no source map: all of it is glue.
  const map: SourceMap = existsSync(mapFile)
    ? (JSON.parse(readFileSync(mapFile, 'utf8')) as SourceMap)
    : { sources: [], mappings: '' };
  const gzipKb = gzipSync(code).length / 1024;
  const groups = new Map<string, number>();
  for (const [source, bytes] of bytesPerSource(code, map)) {
    const group = groupOf(source, modules);
    groups.set(group, (groups.get(group) ?? 0) + bytes);
  }
  return {
    file,
    bytes: code.length,
    gzipKb,
    groups: [...groups]
      .map(([group, bytes]) => ({ group, bytes, gzipKb: (gzipKb * bytes) / code.length }))
      .sort((a, b) => b.bytes - a.bytes),
  };
}

function print(chunks: ChunkSources[]): void {
  const total = chunks.reduce((sum, chunk) => sum + chunk.gzipKb, 0);
  console.log(`first paint: ${round(total)} KB gzip in ${chunks.length} files`);
  const overall = new Map<string, number>();
  for (const chunk of chunks) {
    console.log(`\n${chunk.file}: ${round(chunk.bytes / 1024)} KB, ${round(chunk.gzipKb)} KB gzip`);
    for (const { group, gzipKb } of chunk.groups.slice(0, TOP))
      console.log(`  ${round(gzipKb).toFixed(1).padStart(6)} KB  ${group}`);
    for (const { group, gzipKb } of chunk.groups)
      overall.set(group, (overall.get(group) ?? 0) + gzipKb);
  }
  console.log('\nlargest contributors over all first-paint files (KB gzip, estimated):');
  const largest = [...overall].sort((a, b) => b[1] - a[1]).slice(0, TOP);
  for (const [group, gzipKb] of largest)
    console.log(`  ${round(gzipKb).toFixed(1).padStart(6)} KB  ${group}`);
  console.log(
    JSON.stringify({
      initial_js_kb_gzip: round(total),
      largest: Object.fromEntries(largest.slice(0, 10).map(([group, kb]) => [group, round(kb)])),
    }),
  );
}

export async function main(): Promise<void> {
  const distDir = process.argv[3] ?? fileURLToPath(new URL('../dist/', import.meta.url));
  const modules = process.env.PARLEY_CHUNK_SOURCES_MODULES === '1';
  print(initialFiles(distDir).map((file) => chunkSources(distDir, file, modules)));
}
