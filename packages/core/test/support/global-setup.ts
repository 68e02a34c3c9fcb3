import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RELAY_BIN, REPO_ROOT as ROOT } from './relay-process.js';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds the relay (and the protocol package it runs on) when its bin is missing or older than its sources. */
export default function setup(): void {
  const sources = Math.max(
    newestMtime(join(ROOT, 'packages/sync-server/src')),
    newestMtime(join(ROOT, 'packages/protocol/src')),
  );
  if (existsSync(RELAY_BIN) && statSync(RELAY_BIN).mtimeMs >= sources) return;
  execFileSync('npm', ['run', 'build', '-w', '@parley/protocol', '-w', '@parley/sync-server'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}
