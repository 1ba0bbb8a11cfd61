// The equivalence harness itself: an unchanged trace behaves like itself, also
// with each guard forced to fail. (Each pass has its own property test.)
import { fc, test } from '@fast-check/vitest';
import { randomRun } from '../support/random-trace.js';
import { expectSameBehaviour, snapshotsOf } from '../support/opt-equivalence.js';
import type { GuardDescr } from '../../jit/ir/descr.js';

test.prop([randomRun(), fc.nat()], { numRuns: 100 })('a trace behaves like itself', ({ rt, makeInputs }, k) => {
  const guards = rt.trace.ops.filter((o) => o.descr?.kind === 'guard').map((o) => o.descr as GuardDescr);
  const force = guards.length > 0 ? guards[k % guards.length] : null;
  expectSameBehaviour(rt.trace, snapshotsOf(rt.trace), rt.trace, makeInputs, force);
});
