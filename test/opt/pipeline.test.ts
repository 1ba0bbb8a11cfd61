// The whole optimizer pipeline on random traces: the verifier passes after every
// pass, and the optimized trace behaves like the recorded one (same exit, same
// resume state with virtuals materialized, same heap effects), also with a guard
// forced to fail.
import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import type { GuardDescr } from '../../jit/ir/descr.js';
import { PASS_NAMES, optimizeTrace, parseOptFlag } from '../../jit/opt/pipeline.js';
import { expectSameBehaviour, snapshotsOf } from '../support/opt-equivalence.js';
import { randomRun } from '../support/random-trace.js';

test.prop([randomRun(), fc.nat()], { numRuns: 400 })('the pipeline keeps the meaning of random traces', ({ rt, makeInputs }, k) => {
  const guards = rt.trace.ops.filter((o) => o.descr?.kind === 'guard').map((o) => o.descr as GuardDescr);
  const force = k % 3 === 0 || guards.length === 0 ? null : guards[k % guards.length];
  const before = snapshotsOf(rt.trace);
  const optimized = optimizeTrace(rt.trace, 'loop', { verify: true });
  expectSameBehaviour(rt.trace, before, optimized, makeInputs, force);
});

test.prop([randomRun(), fc.subarray([...PASS_NAMES]), fc.nat()], { numRuns: 200 })('any subset of passes keeps the meaning too', ({ rt, makeInputs }, off, k) => {
  const guards = rt.trace.ops.filter((o) => o.descr?.kind === 'guard').map((o) => o.descr as GuardDescr);
  const force = guards.length === 0 ? null : guards[k % guards.length];
  const before = snapshotsOf(rt.trace);
  const optimized = optimizeTrace(rt.trace, 'loop', { verify: true, disabled: new Set(off) });
  expectSameBehaviour(rt.trace, before, optimized, makeInputs, force);
});

test('--jit-opt parses pass lists', () => {
  expect([...parseOptFlag('-unroll,-dce')]).toEqual(['unroll', 'dce']);
  expect(parseOptFlag('-all').size).toBe(PASS_NAMES.length);
  expect(() => parseOptFlag('-nosuchpass')).toThrow(/unknown optimizer pass 'nosuchpass'/);
});
