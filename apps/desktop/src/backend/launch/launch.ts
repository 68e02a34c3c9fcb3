/**
 * What Electron's utility process and the Node stand-in (tests, bench:desktop) start: it runs one
 * of the bundled backend entries (scripts/bundle-backend.mjs) through V8's code cache, kept in
 * the folder given as the second argument (the app's user-data folder has one). Imports only
 * Node's own modules, so a start loads three files: this, code-cache.js and the bundle.
 */
import { fileURLToPath } from 'node:url';
import { runCachedBundle } from './code-cache.js';

const ENTRIES = ['node-process-entry', 'utility-process-entry'] as const;
/** Long enough for the first screen's code to be compiled, so its bytecode is cached too. */
const SAVE_CACHE_AFTER_MS = 3_000;

// Found by value: Node's argv starts with its binary and this file, and Electron's utility
// process need not lay it out the same way.
const at = process.argv.findIndex((arg) => (ENTRIES as readonly string[]).includes(arg));
const [entry, cacheDir] = at < 0 ? [] : process.argv.slice(at, at + 2);
if (!entry || !cacheDir)
  throw new Error(`usage: launch.js <${ENTRIES.join('|')}> <code cache folder>`);

const bundle = fileURLToPath(new URL(`../../backend-bundle/${entry}.cjs`, import.meta.url));
const cached = runCachedBundle(bundle, cacheDir);
setTimeout(() => cached.saveCache(), SAVE_CACHE_AFTER_MS).unref();
// The Node stand-in exits when its parent stops it, possibly before the timer.
process.once('exit', () => cached.saveCache());
