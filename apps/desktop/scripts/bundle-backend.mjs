/**
 * Bundles each backend entry (Electron's utility process, and the Node stand-in that tests and
 * bench:desktop run) into one CommonJS file, so a cold start reads and compiles one file instead
 * of resolving and loading some 900, and V8's code cache covers all of it (src/backend/launch/,
 * docs/decisions/0811). Native addons and files a package
 * reads beside its own code stay external: better-sqlite3 and libsignal-client load a `.node`
 * file, Automerge reads its wasm, ws probes optional native helpers.
 */
import { rm } from 'node:fs/promises';
import { build } from 'rolldown';

const entries = ['node-process-entry', 'utility-process-entry'];
const external = [
  'better-sqlite3-multiple-ciphers',
  '@signalapp/libsignal-client',
  '@automerge/automerge',
  'bufferutil',
  'utf-8-validate',
];

await rm('dist/backend-bundle', { recursive: true, force: true });
for (const entry of entries) {
  await build({
    input: `dist/backend/${entry}.js`,
    platform: 'node',
    external: (id) => external.some((name) => id === name || id.startsWith(`${name}/`)),
    logLevel: 'warn',
    output: {
      file: `dist/backend-bundle/${entry}.cjs`,
      format: 'cjs',
      codeSplitting: false,
      sourcemap: true,
    },
  });
}
