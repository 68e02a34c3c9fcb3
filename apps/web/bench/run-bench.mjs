/**
 * Runs bench/web-bench.ts (or the bench file named by the first argument, e.g. search-bench.ts)
 * through Vite's module runner, which compiles TypeScript and resolves
 * workspace packages to their sources (the same resolution as the tests), so no build is needed.
 */
import { runnerImport } from 'vite';

const conditions = ['source', 'module', 'node', 'import', 'default'];
const file = process.argv[2] ?? 'web-bench.ts';
const { module } = await runnerImport(new URL(`./${file}`, import.meta.url).pathname, {
  configFile: false,
  logLevel: 'warn',
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  // Core runs from its TypeScript sources (bench/seed-device.ts seeds with it), not its dist.
  environments: { inline: { resolve: { conditions, noExternal: ['@parley/core'] } } },
});
await module.main();
