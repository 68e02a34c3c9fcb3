#!/usr/bin/env node
/**
 * Runs bench/engine-bench.ts through Vite's module runner (the TypeScript sources, resolved by
 * the `source` condition, as the tests see them) and prints its result as the last line.
 */
import { createServer, createServerModuleRunner } from 'vite';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const conditions = ['source', 'module', 'node', 'import', 'default'];
const server = await createServer({
  root,
  configFile: false,
  logLevel: 'error',
  server: { middlewareMode: true, hmr: false, ws: false },
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
});
let exitCode = 0;
try {
  const runner = createServerModuleRunner(server.environments.ssr, { hmr: false });
  const { runEngineBench } = await runner.import('/bench/engine-bench.ts');
  const result = await runEngineBench((line) => console.log(line));
  await runner.close();
  console.log(JSON.stringify(result));
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  await server.close();
}
process.exit(exitCode);
