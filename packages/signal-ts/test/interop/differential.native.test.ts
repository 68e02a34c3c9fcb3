/**
 * Randomized differential test: signal-ts against the native engine, with native<->native as
 * the reference for every outcome. SEED=<n> replays a run; INTEROP_RANDOM_STEPS sets the steps
 * per direction (npm test runs a short schedule on a fixed seed, `npm run test:interop` the full
 * one on a fresh seed).
 * (Node-only: imports libsignal-client.)
 */
import { expect, test } from 'vitest';
import { FULL_RUN, native, ts } from './harness/engines.js';
import { runDifferential } from './random/differential.js';
import { seedFromEnvironment } from './random/prng.js';
import { recordRandomSteps } from './harness/report.js';

const STEPS = Number(process.env.INTEROP_RANDOM_STEPS ?? 500);
/** The seed of the short run inside `npm test` (the full run draws a fresh one). */
const NPM_TEST_SEED = 20261127;
const SEED = seedFromEnvironment(FULL_RUN ? undefined : NPM_TEST_SEED);

const directions = [
  // Control: native under test must always agree with its own reference (proves the schedule
  // is deterministic and the comparison sound).
  { initiator: native, responder: native },
  { initiator: ts, responder: native },
  { initiator: native, responder: ts },
];

for (const { initiator, responder } of directions) {
  const label = `${initiator.name} initiator, ${responder.name} responder`;
  test(`randomized differential vs native reference: ${label}, ${STEPS} steps`, async () => {
    console.log(`differential ${label}: SEED=${SEED} steps=${STEPS}`);
    const stats = await runDifferential({ seed: SEED, steps: STEPS, initiator, responder });
    recordRandomSteps(`${initiator.name}-${responder.name}`, stats.steps);
    console.log(`differential ${label}: ${JSON.stringify(stats)}`);
    expect(stats.steps).toBe(STEPS);
    expect(stats.delivered).toBeGreaterThan(0);
  }, 600_000);
}
