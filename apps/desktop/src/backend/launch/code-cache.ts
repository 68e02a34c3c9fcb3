import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

/**
 * Runs a CommonJS bundle with V8's code cache (docs/decisions/0811): the bytecode of what the
 * last start compiled is read back instead of parsing and compiling the 1.7 MB bundle again.
 * Node 22's `module.enableCompileCache` does this for every module, but Node 20 (these machines,
 * and the Node stand-in for Electron's utility process) has no such API; `vm.Script`'s
 * `cachedData` works on both. A cache made by another bundle build or another V8 has another
 * name, and V8 itself rejects data that does not match (then the cache is written afresh).
 */
export interface CachedBundle {
  /** Whether V8 took the cached code (false: none yet, or it did not match). */
  readonly usedCache: boolean;
  /** Writes the code cache, with every function compiled so far; once per run. */
  saveCache(): void;
}

export function runCachedBundle(file: string, cacheDir: string): CachedBundle {
  const source = readFileSync(file, 'utf8');
  const cacheFile = join(cacheDir, cacheName(file));
  const cachedData = readIfPresent(cacheFile);
  const script = new Script(Module.wrap(source), {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
  });
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  const module = { exports: {} };
  run.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  const usedCache = cachedData !== undefined && !script.cachedDataRejected;
  let saved = usedCache;
  return {
    usedCache,
    saveCache() {
      if (saved) return;
      saved = true;
      writeAtomically(cacheFile, script.createCachedData());
    },
  };
}

/** The bundle's name, size and time and the V8 version: a rebuilt bundle gets a fresh cache. */
function cacheName(file: string): string {
  const { size, mtimeMs } = statSync(file);
  const v8 = process.versions.v8.replace(/[^0-9a-z.-]/gi, '_');
  return `${basename(file)}-${size}-${Math.trunc(mtimeMs)}-${v8}-${process.arch}.code-cache`;
}

function readIfPresent(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Another backend process may write the same cache: each writes its own file, then renames. */
function writeAtomically(file: string, data: Buffer): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}`;
    writeFileSync(temporary, data);
    renameSync(temporary, file);
  } catch {
    // Only speed depends on the cache: a read-only or full disk starts slower next time.
  }
}
