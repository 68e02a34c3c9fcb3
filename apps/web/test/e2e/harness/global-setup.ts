import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const webRoot = fileURLToPath(new URL('../../../', import.meta.url));
const viteBin = join(
  dirname(createRequire(import.meta.url).resolve('vite/package.json')),
  'bin/vite.js',
);

/**
 * The end-to-end tests run against the production build, exactly what the relay serves. Built in a
 * child process so Vitest's NODE_ENV=test cannot leak into the bundle (React's development build).
 */
export default async function buildWebApp(): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production' };
  delete env.VITE_PARLEY_DEV_FAKE;
  try {
    await promisify(execFile)(process.execPath, [viteBin, 'build', '--logLevel', 'warn'], {
      cwd: webRoot,
      env: { ...env, NO_COLOR: '1' },
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '');
    throw new Error(`building the web app failed:\n${stderr.slice(-4000)}`);
  }
}
