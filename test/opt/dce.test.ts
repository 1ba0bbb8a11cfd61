// The dce pass: before/after pairs in trace text (including everything it must
// keep), random traces keep their meaning, and so they do through fold, cse and
// dce in pipeline order.
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { DescrRegistry } from '../../jit/ir/descr.js';
import type { CallDescr, GuardDescr } from '../../jit/ir/descr.js';
import { parseTrace, TraceParseError } from '../../jit/ir/parse.js';
import { ConstRegistry, printTrace } from '../../jit/ir/print.js';
import type { Trace } from '../../jit/ir/trace.js';
import { verifyTrace } from '../../jit/ir/verify.js';
import { csePass } from '../../jit/opt/cse.js';
import { dcePass } from '../../jit/opt/dce.js';
import { foldPass } from '../../jit/opt/fold.js';
import { contextFor } from '../../jit/opt/pass.js';
import { PEELED_GUARD_ID_OFFSET, unrollPass } from '../../jit/opt/unroll.js';
import type { OptPass } from '../../jit/opt/pass.js';
import { RefBackend } from '../../jit/backend-ref/ref-backend.js';
import { expectDeepSame, expectSameBehaviour, snapshotsOf } from '../support/opt-equivalence.js';
import { CALLS, Point, POINT_CLASS, POINT_FIELDS, randomRun } from '../support/random-trace.js';
import { expectOptimized, loop, parse, registries } from '../support/opt-text.js';

// ---------------------------------------------------------------- helpers

const dce = (before: string, after: string) => expectOptimized(dcePass, loop(before), loop(after));

// ---------------------------------------------------------------- before/after

describe('dce: before/after', () => {
  it('the header example', () => dce(`
f10 = float_add(f2, 1.5)
r11 = new(f2, i0, true, r4, descr=class:Point)
i12 = getfield_i(r4, descr=Point.n)
guard_true(i6, descr=guard:1) [r11]
jump(i0, i1, f2, f3, r4, r5, i6, descr=target:L)`, `
r11 = new(f2, i0, true, r4, descr=class:Point)
guard_true(i6, descr=guard:1) [r11]
jump(i0, i1, f2, f3, r4, r5, i6, descr=target:L)`));

  it('removes chains of unused values, allocations, heap reads and elidable calls that cannot raise', () => dce(`
f10 = float_add(f2, f3)
f11 = float_mul(f10, 2.0)
r12 = getfield_r(r4, descr=Point.link)
f13 = getfield_f(r12, descr=Point.x)
r14 = new(f13, i0, i6, r12, descr=class:Point)
r15 = new_array(r14, r14)
f16 = arraylen(r15)
f17 = getarrayitem_f(r15, 0.0)
f18 = call_f(f11, f16, descr=call:fmix)
i19 = int_add(i0, 1)
finish(i19, descr=exit:done)`, `
i19 = int_add(i0, 1)
finish(i19, descr=exit:done)`));

  it('keeps guards, writes, calls with effects or that may raise, debug_merge_point, and what they use', () => dce(`
debug_merge_point(descr=loc:"pc=3")
i10 = int_lt(i0, i1)
guard_true(i10, descr=guard:1) []
f11 = float_add(f2, 1.0)
setfield(r4, f11, descr=Point.x)
f12 = float_neg(f3)
setarrayitem(r5, 0.0, f12)
i13 = call_i(r4, descr=call:getN)
call_n(r4, i0, descr=call:bump)
f14 = call_f(f2, descr=call:half)
guard_no_exception(descr=guard:2) []
i15 = call_i(i1, descr=call:checked)
guard_no_exception(descr=guard:3) []
finish(descr=exit:done)`, `
debug_merge_point(descr=loc:"pc=3")
i10 = int_lt(i0, i1)
guard_true(i10, descr=guard:1) []
f11 = float_add(f2, 1.0)
setfield(r4, f11, descr=Point.x)
f12 = float_neg(f3)
setarrayitem(r5, 0.0, f12)
i13 = call_i(r4, descr=call:getN)
call_n(r4, i0, descr=call:bump)
f14 = call_f(f2, descr=call:half)
guard_no_exception(descr=guard:2) []
i15 = call_i(i1, descr=call:checked)
guard_no_exception(descr=guard:3) []
finish(descr=exit:done)`));

  it('keeps values that failArgs and jumps use, across a peeled loop\'s label', () => expectOptimized(dcePass, `
[i0, r1]
label(i0, r1, descr=target:L)
r2 = new(1.0, i0, true, r1, descr=class:Point)
i3 = int_add(i0, 1)
i4 = int_mul(i0, 3)
i5 = int_sub(i0, 2)
jump(i3, descr=target:L2)
label(i6, descr=target:L2)
i7 = int_xor(i6, 1)
guard_true(i4, descr=guard:1) [r2]
i8 = int_add(i6, 1)
jump(i8, descr=target:L2)
`, `
[i0, r1]
label(i0, r1, descr=target:L)
r2 = new(1.0, i0, true, r1, descr=class:Point)
i3 = int_add(i0, 1)
i4 = int_mul(i0, 3)
jump(i3, descr=target:L2)
label(i6, descr=target:L2)
guard_true(i4, descr=guard:1) [r2]
i8 = int_add(i6, 1)
jump(i8, descr=target:L2)
`));

  it('returns the same trace when everything is used', () => {
    const { descrs, consts } = registries();
    const t = parseTrace(loop('i10 = int_add(i0, i1)\nfinish(i10, descr=exit:done)'), descrs, consts);
    expect(dcePass.run(t, contextFor(t, 'loop'))).toBe(t);
  });
});

// ---------------------------------------------------------------- random traces

function expectPassesKeepMeaning(passes: readonly OptPass[], trace: Trace, makeInputs: () => unknown[], k: number): void {
  const before = snapshotsOf(trace);
  let out = trace;
  for (const p of passes) {
    out = p.run(out, contextFor(out, 'loop'));
    verifyTrace(out);
  }
  // A guard to force: one of the original's that is still there (unroll adds copies the original lacks).
  const kept = new Set(out.ops.map((o) => o.descr));
  const guards = [...before.keys()].filter((g) => kept.has(g));
  const force = k % 3 === 0 || guards.length === 0 ? null : guards[k % guards.length];
  expectSameBehaviour(trace, before, out, makeInputs, force);
}

test.prop([randomRun(), fc.nat()], { numRuns: 300 })('dce: random traces keep their meaning (a guard forced to fail)', ({ rt, makeInputs }, k) => {
  expectPassesKeepMeaning([dcePass], rt.trace, makeInputs, k);
});

test.prop([randomRun({ maxSteps: 50 }), fc.nat()], { numRuns: 300 })('fold, cse, dce in order: random traces keep their meaning', ({ rt, makeInputs }, k) => {
  expectPassesKeepMeaning([foldPass, csePass, dcePass], rt.trace, makeInputs, k);
});

/**
 * After peeling, a loop that runs more than once leaves through the copy of the
 * guard it left through before (unroll.ts: the copy's id is the original's plus
 * PEELED_GUARD_ID_OFFSET), with the same failArg values.
 */
test.prop([randomRun({ maxSteps: 50 })], { numRuns: 300 })('unroll, fold, cse, dce in order: random traces keep their meaning', ({ rt, makeInputs }) => {
  let out = rt.trace;
  for (const p of [unrollPass, foldPass, csePass, dcePass]) {
    out = p.run(out, contextFor(out, 'loop'));
    verifyTrace(out);
  }
  const in1 = makeInputs();
  const e1 = new RefBackend().compileLoop(rt.trace).run(in1);
  const in2 = makeInputs();
  const e2 = new RefBackend().compileLoop(out).run(in2);
  if (e1.kind !== 'guard' || e2.kind !== 'guard') throw new Error('random loops leave through guards');
  expect(e2.descr.id % PEELED_GUARD_ID_OFFSET).toBe(e1.descr.id);
  expect(String(e2.exception?.value)).toBe(String(e1.exception?.value));
  expectDeepSame(e2.values, e1.values);
  expectDeepSame(in2, in1);
});
