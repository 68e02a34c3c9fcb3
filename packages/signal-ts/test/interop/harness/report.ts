/**
 * Lets tests hand figures to the test:interop wrapper (bin/run-interop.mjs), which sets
 * INTEROP_REPORT_DIR; outside that wrapper nothing is written.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function recordRandomSteps(name: string, steps: number): void {
  const directory = process.env.INTEROP_REPORT_DIR;
  if (!directory) return;
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, `random-${name}.json`), JSON.stringify({ steps }));
}
