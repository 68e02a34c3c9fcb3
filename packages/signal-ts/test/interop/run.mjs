#!/usr/bin/env node
/**
 * `npm run test:interop`: runs the cross-engine suite (test/interop) with the full randomized
 * schedule, then prints, as its last line, the figures the issue asks for:
 *   {"suite":"interop","cases":N,"passed":N,"random_steps":N}
 * "cases" counts every interop test (each case once per engine pair); a ts case that is not
 * implemented yet fails, it is never skipped. random_steps counts only the steps between a
 * signal-ts party and a native party (not the native control run).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const reportDir = mkdtempSync(join(tmpdir(), 'signal-ts-interop-'));
const jsonReport = join(reportDir, 'vitest.json');

const vitest = spawnSync(
  'npx',
  [
    'vitest',
    'run',
    'test/interop',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${jsonReport}`,
  ],
  {
    cwd: packageDir,
    stdio: 'inherit',
    env: {
      ...process.env,
      INTEROP_REPORT_DIR: reportDir,
      INTEROP_FULL: '1',
      INTEROP_RANDOM_STEPS: process.env.INTEROP_RANDOM_STEPS ?? '5000',
    },
  },
);

let cases = 0;
let passed = 0;
try {
  const report = JSON.parse(readFileSync(jsonReport, 'utf8'));
  cases = report.numTotalTests;
  passed = report.numPassedTests;
  if (report.numPendingTests || report.numTodoTests) {
    console.log(
      `note: ${report.numPendingTests + report.numTodoTests} skipped/todo tests are not counted as passed`,
    );
  }
} catch (error) {
  console.log(`interop: no test report (${error.message}); vitest exit ${vitest.status}`);
}

let randomSteps = 0;
for (const file of readdirSync(reportDir)) {
  if (file.startsWith('random-') && file !== 'random-native-native.json') {
    randomSteps += JSON.parse(readFileSync(join(reportDir, file), 'utf8')).steps;
  }
}
rmSync(reportDir, { recursive: true, force: true });

console.log(JSON.stringify({ suite: 'interop', cases, passed, random_steps: randomSteps }));
process.exit(vitest.status ?? 1);
