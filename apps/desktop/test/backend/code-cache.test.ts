import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The backend's bundle runs through V8's code cache (docs/decisions/0811): the first run writes
 * it, later runs take it, and a cache that does not match its bundle is refused and replaced.
 * Each run is its own Node process, as each start is: within one process V8 would reuse the
 * script it compiled already and never read the cache.
 */
const work = mkdtempSync(join(tmpdir(), 'parley-code-cache-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// code-cache.ts, transpiled for a plain Node process (it imports only Node's modules).
const runner = join(work, 'code-cache.mjs');
const sourceFile = fileURLToPath(
  new URL('../../src/backend/launch/code-cache.ts', import.meta.url),
);
writeFileSync(
  runner,
  `${
    ts.transpileModule(readFileSync(sourceFile, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText
  }
const [bundle, cacheDir] = process.argv.slice(2);
const run = runCachedBundle(bundle, cacheDir);
run.saveCache();
console.log(JSON.stringify({ usedCache: run.usedCache, ran: globalThis.ran }));`,
);

let bundles = 0;
function bundleOf(tag: string): { bundle: string; cacheDir: string } {
  const dir = join(work, `bundle-${++bundles}`);
  const bundle = join(dir, 'entry.cjs');
  mkdirSync(dir);
  writeFileSync(bundle, source(tag));
  return { bundle, cacheDir: join(dir, 'cache') };
}

/** A CommonJS bundle (it uses require and module) that says it ran. */
const source = (tag: string) => `
const { join } = require('node:path');
globalThis.ran = join('${tag}', typeof module.exports);
function notRunHere() { return ${'1 + '.repeat(200)}1; }
`;

function start(bundle: string, cacheDir: string): { usedCache: boolean; ran: string } {
  return JSON.parse(
    execFileSync(process.execPath, [runner, bundle, cacheDir], { encoding: 'utf8' }),
  );
}

describe('the code cache of the bundled backend', () => {
  it('is written by the first start and taken by the next', () => {
    const { bundle, cacheDir } = bundleOf('a');
    expect(start(bundle, cacheDir)).toEqual({ usedCache: false, ran: join('a', 'object') });
    expect(readdirSync(cacheDir)).toHaveLength(1);
    expect(start(bundle, cacheDir)).toEqual({ usedCache: true, ran: join('a', 'object') });
  });

  it('refuses a cache that does not match, and writes a good one in its place', () => {
    const { bundle, cacheDir } = bundleOf('b');
    start(bundle, cacheDir);
    const [name] = readdirSync(cacheDir);
    writeFileSync(join(cacheDir, name!), Buffer.alloc(4096, 7));
    expect(start(bundle, cacheDir).usedCache).toBe(false);
    expect(start(bundle, cacheDir).usedCache).toBe(true);
  });

  it('gives a rebuilt bundle a cache of its own', () => {
    const { bundle, cacheDir } = bundleOf('c');
    start(bundle, cacheDir);
    writeFileSync(bundle, source('rebuilt'));
    expect(start(bundle, cacheDir)).toEqual({ usedCache: false, ran: join('rebuilt', 'object') });
    expect(readdirSync(cacheDir)).toHaveLength(2);
  });
});
