// Guard strengthening and removal (jit/opt/guards.ts): before/after pairs, then property tests.
import { describe, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import type { ClassDescr } from '../../jit/ir/descr.js';
import { guardsPass } from '../../jit/opt/guards.js';
import { randomRun } from '../support/random-trace.js';
import { expectOptimized, expectPassKeepsBehaviour, heapRegistries, peel, randomHeapRun, unrolled } from '../support/opt-support.js';

const { descrs, consts } = heapRegistries();
const NUMBER_CLASS: ClassDescr = { kind: 'class', name: 'Number', cls: Number, ctorFields: [], construct: () => 0 };
descrs.add(NUMBER_CLASS);
consts.add('Number', Number);
consts.add('Function', Function);
const opt = (before: string, after: string) => expectOptimized(guardsPass, descrs, consts, before, after);
const same = (trace: string) => opt(trace, trace);

describe('guards: class and null', () => {
  it('a class guard implies the same class guard, non-null, and decides null tests', () => opt(`
[r0]
label(r0, descr=target:L)
guard_class(r0, ConstPtr(Cell), descr=guard:1) [r0]
guard_nonnull(r0, descr=guard:2) [r0]
guard_class(r0, ConstPtr(Cell), descr=guard:3) [r0]
i1 = ptr_eq(r0, null)
guard_false(i1, descr=guard:4) [r0]
i2 = ptr_ne(undefined, r0)
i3 = ref_is_true(r0)
jump(r0, descr=target:L)
`, `
[r0]
label(r0, descr=target:L)
guard_class(r0, ConstPtr(Cell), descr=guard:1) [r0]
jump(r0, descr=target:L)
`));

  it('guard_nonnull rules out null only (undefined passes it)', () => opt(`
[r0]
label(r0, descr=target:L)
guard_nonnull(r0, descr=guard:1) []
i1 = ptr_eq(r0, null)
i2 = ptr_eq(r0, undefined)
i3 = ref_is_true(r0)
guard_nonnull(r0, descr=guard:2) []
jump(r0, descr=target:L)
`, `
[r0]
label(r0, descr=target:L)
guard_nonnull(r0, descr=guard:1) []
i2 = ptr_eq(r0, undefined)
i3 = ref_is_true(r0)
jump(r0, descr=target:L)
`));

  it('a different class guard or guard_isnull after a class guard stays (it always fails)', () => same(`
[r0]
label(r0, descr=target:L)
guard_class(r0, ConstPtr(Cell), descr=guard:1) []
guard_class(r0, ConstPtr(SubCell), descr=guard:2) []
guard_isnull(r0, descr=guard:3) []
jump(null, descr=target:L)
`));

  it('an allocation has its class and is not null', () => opt(`
[f0, r1]
label(f0, r1, descr=target:L)
r2 = new(f0, f0, r1, descr=class:SubCell)
guard_class(r2, ConstPtr(SubCell), descr=guard:1) []
guard_nonnull(r2, descr=guard:2) []
i3 = instanceof(r2, descr=class:Cell)
r4 = new_array(f0)
guard_class(r4, ConstPtr(Array), descr=guard:3) []
jump(f0, r2, descr=target:L)
`, `
[f0, r1]
label(f0, r1, descr=target:L)
r2 = new(f0, f0, r1, descr=class:SubCell)
r4 = new_array(f0)
jump(f0, r2, descr=target:L)
`));

  it('guard_isnull makes the value null', () => opt(`
[r0]
label(r0, descr=target:L)
guard_isnull(r0, descr=guard:1) [r0]
i1 = ptr_eq(r0, null)
guard_true(i1, descr=guard:2) [r0]
jump(r0, descr=target:L)
`, `
[r0]
label(r0, descr=target:L)
guard_isnull(r0, descr=guard:1) [r0]
i1 = ptr_eq(null, null)
guard_true(i1, descr=guard:2) [null]
jump(null, descr=target:L)
`));
});

describe('guards: instanceof', () => {
  it('a known exact class decides instanceof, subclasses included', () => opt(`
[r0, r1]
label(r0, r1, descr=target:L)
guard_class(r0, ConstPtr(Cell), descr=guard:1) []
guard_class(r1, ConstPtr(SubCell), descr=guard:2) []
i2 = instanceof(r0, descr=class:Cell)
i3 = instanceof(r0, descr=class:SubCell)
i4 = instanceof(r1, descr=class:Cell)
i5 = instanceof(r1, descr=class:Other)
jump(i2, i3, i4, i5, descr=target:L2)
`, `
[r0, r1]
label(r0, r1, descr=target:L)
guard_class(r0, ConstPtr(Cell), descr=guard:1) []
guard_class(r1, ConstPtr(SubCell), descr=guard:2) []
jump(true, false, true, false, descr=target:L2)
`));

  it('guard_true(instanceof) stays (subclasses may exist) but decides later tests', () => opt(`
[r0, r1]
label(r0, r1, descr=target:L)
i2 = instanceof(r0, descr=class:SubCell)
guard_true(i2, descr=guard:1) [i2]
i3 = instanceof(r0, descr=class:Cell)
i4 = instanceof(r0, descr=class:SubCell)
guard_nonnull(r0, descr=guard:2) []
i5 = instanceof(r1, descr=class:Cell)
guard_false(i5, descr=guard:3) []
i6 = instanceof(r1, descr=class:SubCell)
i7 = ptr_eq(r1, null)
jump(i3, i4, i6, i7, descr=target:L2)
`, `
[r0, r1]
label(r0, r1, descr=target:L)
i2 = instanceof(r0, descr=class:SubCell)
guard_true(i2, descr=guard:1) [i2]
i5 = instanceof(r1, descr=class:Cell)
guard_false(i5, descr=guard:3) []
i7 = ptr_eq(r1, null)
jump(true, true, false, i7, descr=target:L2)
`));

  it('a class guard with a primitive wrapper decides no instanceof (1.5 passes it)', () => opt(`
[r0]
label(r0, descr=target:L)
guard_class(r0, ConstPtr(Number), descr=guard:1) []
i1 = instanceof(r0, descr=class:Number)
i2 = ref_is_true(r0)
i3 = ptr_eq(r0, undefined)
jump(i1, i2, i3, descr=target:L2)
`, `
[r0]
label(r0, descr=target:L)
guard_class(r0, ConstPtr(Number), descr=guard:1) []
i1 = instanceof(r0, descr=class:Number)
i2 = ref_is_true(r0)
jump(i1, i2, false, descr=target:L2)
`));
});

describe('guards: values and booleans', () => {
  it('guard_value makes later uses the constant, failArgs included (positions kept)', () => opt(`
[i0, r1]
label(i0, r1, descr=target:L)
guard_value(i0, 5, descr=guard:1) [i0, r1]
i2 = int_add(i0, 1)
guard_value(r1, "s", descr=guard:2) [i0, r1, i2]
guard_value(i0, 5, descr=guard:3) []
guard_value(i0, 6, descr=guard:4) []
jump(i2, r1, descr=target:L)
`, `
[i0, r1]
label(i0, r1, descr=target:L)
guard_value(i0, 5, descr=guard:1) [i0, r1]
i2 = int_add(5, 1)
guard_value(r1, "s", descr=guard:2) [5, r1, i2]
guard_value(5, 6, descr=guard:4) []
jump(i2, "s", descr=target:L)
`));

  it('a passed boolean test is a constant; a repeated guard goes, the opposite one stays', () => opt(`
[i0, i1]
label(i0, i1, descr=target:L)
i2 = int_lt(i0, i1)
guard_true(i2, descr=guard:1) [i2]
guard_true(i2, descr=guard:2) [i2]
i3 = bool_not(i2)
guard_false(i2, descr=guard:3) []
i4 = int_add(i0, i1)
guard_true(i4, descr=guard:4) []
guard_true(i4, descr=guard:5) []
jump(i2, i3, descr=target:L)
`, `
[i0, i1]
label(i0, i1, descr=target:L)
i2 = int_lt(i0, i1)
guard_true(i2, descr=guard:1) [i2]
i3 = bool_not(true)
guard_false(true, descr=guard:3) []
i4 = int_add(i0, i1)
guard_true(i4, descr=guard:4) []
jump(true, i3, descr=target:L)
`));

  it('guard_true(x == c) becomes guard_value(x, c), for int, float and reference equality', () => opt(`
[i0, f1, r2, i3]
label(i0, f1, r2, i3, descr=target:L)
i4 = int_eq(7, i0)
guard_true(i4, descr=guard:1) [i0, i4]
i5 = float_ne(f1, 2.5)
guard_false(i5, descr=guard:2) [f1]
i6 = ptr_eq(r2, "abc")
guard_true(i6, descr=guard:3) [r2]
i7 = int_add(i0, i3)
jump(i7, f1, r2, i3, descr=target:L)
`, `
[i0, f1, r2, i3]
label(i0, f1, r2, i3, descr=target:L)
i4 = int_eq(7, i0)
guard_value(i0, 7, descr=guard:1) [i0, i4]
i5 = float_ne(f1, 2.5)
guard_value(f1, 2.5, descr=guard:2) [f1]
i6 = ptr_eq(r2, "abc")
guard_value(r2, "abc", descr=guard:3) [r2]
i7 = int_add(7, i3)
jump(i7, 2.5, "abc", i3, descr=target:L)
`));

  it('equality with 0 or NaN is not guard_value (-0 == 0, NaN != NaN), nor a test the guard does not check', () => opt(`
[f0, r1, i2]
label(f0, r1, i2, descr=target:L)
i3 = float_eq(f0, 0.0)
guard_true(i3, descr=guard:1) []
i4 = float_eq(f0, nan)
guard_false(i4, descr=guard:2) []
i5 = ptr_eq(r1, ref(0.0))
guard_true(i5, descr=guard:3) []
i6 = int_eq(i2, 3)
guard_false(i6, descr=guard:4) []
jump(f0, r1, i2, descr=target:L)
`, `
[f0, r1, i2]
label(f0, r1, i2, descr=target:L)
i3 = float_eq(f0, 0.0)
guard_true(i3, descr=guard:1) []
i4 = float_eq(f0, nan)
guard_false(i4, descr=guard:2) []
i5 = ptr_eq(r1, ref(0.0))
guard_true(i5, descr=guard:3) []
i6 = int_eq(i2, 3)
guard_false(i6, descr=guard:4) []
jump(f0, r1, i2, descr=target:L)
`));

  it('guards on constants: dropped when they hold, kept when they fail', () => opt(`
[i0]
label(i0, descr=target:L)
guard_true(true, descr=guard:1) []
guard_false(0, descr=guard:2) []
guard_value(3, 3, descr=guard:3) []
guard_value(0.0, -0.0, descr=guard:4) []
guard_nonnull("x", descr=guard:5) []
guard_class(ConstPtr(Cell), ConstPtr(Function), descr=guard:6) []
guard_true(false, descr=guard:7) []
jump(i0, descr=target:L)
`, `
[i0]
label(i0, descr=target:L)
guard_value(0.0, -0.0, descr=guard:4) []
guard_true(false, descr=guard:7) []
jump(i0, descr=target:L)
`));
});

describe('guards: labels', () => {
  it("the preamble's guards remove the loop's copies; the label's args are new values", () => opt(`
[r0, i1]
label(r0, i1, descr=target:L)
guard_class(r0, ConstPtr(Cell), descr=guard:1) []
guard_value(i1, 4, descr=guard:2) []
r2 = getfield_r(r0, descr=Cell.next)
jump(r2, i1, descr=target:P)
label(r3, i4, descr=target:P)
guard_class(r0, ConstPtr(Cell), descr=guard:3) []
guard_class(r3, ConstPtr(Cell), descr=guard:4) []
guard_value(i4, 4, descr=guard:5) []
i5 = int_add(i1, i4)
r6 = getfield_r(r3, descr=Cell.next)
jump(r6, i5, descr=target:P)
`, `
[r0, i1]
label(r0, i1, descr=target:L)
guard_class(r0, ConstPtr(Cell), descr=guard:1) []
guard_value(i1, 4, descr=guard:2) []
r2 = getfield_r(r0, descr=Cell.next)
jump(r2, 4, descr=target:P)
label(r3, i4, descr=target:P)
guard_class(r3, ConstPtr(Cell), descr=guard:4) []
guard_value(i4, 4, descr=guard:5) []
i5 = int_add(4, 4)
r6 = getfield_r(r3, descr=Cell.next)
jump(r6, i5, descr=target:P)
`));
});

describe('guards: property', () => {
  test.prop([randomRun(), fc.nat()], { numRuns: 300 })('random traces keep their behaviour', ({ rt, makeInputs }, k) => {
    expectPassKeepsBehaviour(guardsPass, rt.trace, makeInputs, k);
  });

  test.prop([randomRun(), fc.nat(), fc.nat()], { numRuns: 300 })('peeled random traces keep their behaviour', ({ rt, makeInputs }, bits, k) => {
    expectPassKeepsBehaviour(guardsPass, peel(rt.trace, bits), makeInputs, k);
  });

  test.prop([randomHeapRun(), fc.nat(), fc.nat()], { numRuns: 300 })('peeled random heap traces keep their behaviour', ({ trace, makeInputs }, bits, k) => {
    expectPassKeepsBehaviour(guardsPass, peel(trace, bits), makeInputs, k);
  });

  test.prop([randomRun(), fc.nat()], { numRuns: 200 })('random traces after unroll keep their behaviour', ({ rt, makeInputs }, k) => {
    expectPassKeepsBehaviour(guardsPass, unrolled(rt.trace), makeInputs, k);
  });
});
