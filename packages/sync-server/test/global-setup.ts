import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * The crash tests run the relay as a child process from dist/, so build protocol and relay
 * first (the in-process tests use the TypeScript sources directly).
 */
export default function setup(): void {
  for (const pkg of ['../../protocol', '..']) {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], {
      cwd: fileURLToPath(new URL(pkg, import.meta.url)),
      stdio: 'inherit',
    });
  }
}
