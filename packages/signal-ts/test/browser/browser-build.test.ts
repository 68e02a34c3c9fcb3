/**
 * The browser build of signal-ts, checked in Node (this file drives Vite; it is not itself a
 * browser test): bundling the package for the browser must pull in no Node built-in module,
 * and an app that imports one class must not get the whole engine (tree-shaking).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin, type Rolldown } from 'vite';
import { describe, expect, test } from 'vitest';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));
const entry = fileURLToPath(new URL('../../src/index.ts', import.meta.url));
const NODE_BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

/** Bundles `source` (an ES module importing signal-ts) for the browser; returns the code. */
async function bundleForBrowser(source: string): Promise<{ code: string; nodeImports: string[] }> {
  const nodeImports: string[] = [];
  const probe: Plugin = {
    name: 'signal-ts-browser-probe',
    enforce: 'pre',
    resolveId(id, importer) {
      if (NODE_BUILTINS.has(id)) nodeImports.push(`${id} (from ${importer ?? '?'})`);
      return null;
    },
  };
  const appDir = mkdtempSync(join(tmpdir(), 'signal-ts-browser-build-'));
  const app = join(appDir, 'app.js');
  writeFileSync(app, source);
  const output = (await build({
    root: packageDir,
    configFile: false,
    logLevel: 'silent',
    plugins: [probe],
    resolve: { conditions: ['source', 'module', 'browser', 'import', 'default'] },
    build: {
      write: false,
      minify: true,
      lib: { entry: app, formats: ['es'], fileName: 'app' },
    },
  }).finally(() => rmSync(appDir, { recursive: true, force: true }))) as Rolldown.RolldownOutput[];
  const code = output
    .flatMap((result) => result.output)
    .map((chunk) => (chunk.type === 'chunk' ? chunk.code : ''))
    .join('\n');
  return { code, nodeImports };
}

describe('browser build', () => {
  test('the whole engine bundles for the browser without any Node built-in', async () => {
    const { code, nodeImports } = await bundleForBrowser(`export * from ${JSON.stringify(entry)};`);
    expect(nodeImports).toEqual([]);
    expect(code).not.toMatch(/from\s*["']node:/);
    expect(code).not.toMatch(/require\(["'](node:)?(crypto|fs|buffer|path)["']\)/);
    expect(code.length).toBeGreaterThan(10_000);
  }, 120_000);

  test('importing one key class does not drag in the whole engine', async () => {
    const whole = await bundleForBrowser(`export * from ${JSON.stringify(entry)};`);
    const keysOnly = await bundleForBrowser(`export { PrivateKey } from ${JSON.stringify(entry)};`);
    expect(keysOnly.nodeImports).toEqual([]);
    // Curve keys need no Kyber, ratchet or sender-key code.
    expect(keysOnly.code.length).toBeLessThan(whole.code.length * 0.6);
  }, 120_000);
});
