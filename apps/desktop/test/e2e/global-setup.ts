import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * The end-to-end test and the benchmark run the built backend (a plain Node process) and the
 * production build of the web app (the renderer). Turbo builds the desktop package and everything
 * it depends on, from its cache when nothing changed. NODE_ENV is reset so Vitest's `test` cannot
 * leak into the web bundle (React's development build).
 */
export default async function buildDesktop(): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', NO_COLOR: '1' };
  delete env.VITE_PARLEY_DEV_FAKE;
  try {
    await promisify(execFile)(
      'npx',
      ['turbo', 'run', 'build', '--filter=@parley/desktop...', '--output-logs=errors-only'],
      { cwd: repoRoot, env, maxBuffer: 16 * 1024 * 1024 },
    );
  } catch (error) {
    const output = `${String((error as { stdout?: unknown }).stdout ?? '')}${String((error as { stderr?: unknown }).stderr ?? '')}`;
    throw new Error(`building the desktop app failed:\n${output.slice(-4000)}`);
  }
}
