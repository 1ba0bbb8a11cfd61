// Property tests of the whole JIT on the small interpreters: random programs give
// the same output with the JIT off, on, and with every guard forced to fail.
import { expect, test } from 'vitest';
import { checkTraces, configurations, eagerParams, type GuestRun, type RunConfig } from '../../framework/testing/index.js';
import { programArbitrary as bfPrograms } from '../../interpreters/bf/arbitrary.js';
import { programArbitrary as regvmPrograms } from '../../interpreters/regvm/arbitrary.js';

function tally() {
  const t = { loops: 0, bridges: 0, guardFailures: 0, forcedRuns: 0 };
  const onRun = (config: RunConfig, run: GuestRun) => {
    t.loops += run.stats.loops;
    t.bridges += run.stats.bridges;
    t.guardFailures += run.stats.guardFailures;
    if (config.jit?.forceGuardFailure) t.forcedRuns++;
  };
  return { t, onRun };
}

test('bf: random programs agree with the JIT off, on, and with guards forced to fail', async () => {
  const { t, onRun } = tally();
  await checkTraces({ interpreter: 'interpreters/bf/main.ts', programs: bfPrograms(), fileName: 'prog.b', numRuns: 150, onRun, configurations: configurations(eagerParams({ threshold: 2 })) });
  // The property means something only if the programs really ran compiled code.
  expect(t.loops).toBeGreaterThan(50);
  expect(t.bridges).toBeGreaterThan(20);
  expect(t.guardFailures).toBeGreaterThan(100);
});

test('regvm: random programs agree with the JIT off, on, and with guards forced to fail', async () => {
  const { t, onRun } = tally();
  await checkTraces({ interpreter: 'interpreters/regvm/main.ts', programs: regvmPrograms(), fileName: 'prog.rvm', numRuns: 150, onRun, configurations: configurations(eagerParams({ threshold: 2 })) });
  expect(t.loops).toBeGreaterThan(50);
  expect(t.bridges).toBeGreaterThan(20);
  expect(t.guardFailures).toBeGreaterThan(100);
});
