// Value ranges (jit/opt/intbounds.ts): before/after pairs, the bound helpers, then property tests.
import { describe, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import type { ExitDescr, GuardDescr } from '../../jit/ir/descr.js';
import { OPS, type Opcode } from '../../jit/ir/ops.js';
import { BoxFactory, constOf, type Box, type Op, type Trace, type Value } from '../../jit/ir/trace.js';
import { intboundsPass } from '../../jit/opt/intbounds.js';
import { randomRun } from '../support/random-trace.js';
import { expectOptimized, expectPassKeepsBehaviour, heapRegistries, peel, randomHeapRun, unrolled } from '../support/opt-support.js';

const { descrs, consts } = heapRegistries();
const opt = (before: string, after: string) => expectOptimized(intboundsPass, descrs, consts, before, after);

describe('intbounds: deciding comparisons', () => {
  it('a masked int seen as a float is below 256; a float guard bounds it afterwards', () => opt(`
[i0, f9]
label(i0, f9, descr=target:L)
i1 = int_and(i0, 255)
f2 = int_to_float(i1)
i3 = float_lt(f2, 256.0)
guard_true(i3, descr=guard:1) [f2, i3]
i4 = float_lt(f9, 10.0)
guard_true(i4, descr=guard:2) [i4]
i5 = float_ge(f9, 10.0)
i6 = float_lt(f9, 10.0)
guard_true(i6, descr=guard:3) []
i7 = float_le(f9, 9.5)
jump(i5, f9, descr=target:L)
`, `
[i0, f9]
label(i0, f9, descr=target:L)
i1 = int_and(i0, 255)
f2 = int_to_float(i1)
i4 = float_lt(f9, 10.0)
guard_true(i4, descr=guard:2) [i4]
i7 = float_le(f9, 9.5)
jump(false, f9, descr=target:L)
`));

  it('a false float comparison bounds only the non-NaN values; an integral value is never NaN', () => opt(`
[f0, i1]
label(f0, i1, descr=target:L)
i2 = float_lt(f0, 10.0)
guard_false(i2, descr=guard:1) []
i3 = float_ge(f0, 10.0)
i4 = float_lt(f0, 5.0)
i5 = float_ge(f0, 100.0)
guard_false(i5, descr=guard:2) []
f6 = float_add(f0, 1.0)
i7 = float_lt(f6, 11.0)
i8 = float_le(f6, 101.0)
f9 = int_to_float(i1)
i10 = float_lt(f9, 10.0)
guard_false(i10, descr=guard:3) []
i11 = float_ge(f9, 10.0)
jump(i3, i4, i7, i8, i11, descr=target:L2)
`, `
[f0, i1]
label(f0, i1, descr=target:L)
i2 = float_lt(f0, 10.0)
guard_false(i2, descr=guard:1) []
i3 = float_ge(f0, 10.0)
i5 = float_ge(f0, 100.0)
guard_false(i5, descr=guard:2) []
f6 = float_add(f0, 1.0)
i8 = float_le(f6, 101.0)
f9 = int_to_float(i1)
i10 = float_lt(f9, 10.0)
guard_false(i10, descr=guard:3) []
jump(i3, false, false, i8, true, descr=target:L2)
`));

  it('int guards bound ints, to whole numbers; guard_value pins them', () => opt(`
[i0, i1]
label(i0, i1, descr=target:L)
i2 = int_lt(i0, 10)
guard_true(i2, descr=guard:1) []
i3 = int_lt(i0, 11)
i4 = int_le(i0, 9)
i5 = int_gt(i0, 9)
i6 = int_gt(i0, 0)
guard_value(i1, 3, descr=guard:2) []
i7 = int_ne(i1, 4)
i8 = bool_not(i6)
guard_false(i8, descr=guard:3) []
i9 = int_ge(i0, 1)
jump(i3, i4, i5, i6, i7, i9, descr=target:L2)
`, `
[i0, i1]
label(i0, i1, descr=target:L)
i2 = int_lt(i0, 10)
guard_true(i2, descr=guard:1) []
i6 = int_gt(i0, 0)
guard_value(i1, 3, descr=guard:2) []
i8 = bool_not(i6)
guard_false(i8, descr=guard:3) []
jump(true, true, false, i6, true, true, descr=target:L2)
`));

  it('int and float arithmetic: exact bounds, int32 wrap-around gives up', () => opt(`
[i0, i1]
label(i0, i1, descr=target:L)
i2 = int_and(i0, 255)
i3 = int_add(i2, 1)
i4 = int_gt(i3, 0)
i5 = int_add(i1, 1)
i6 = int_gt(i5, -2147483648)
i7 = int_and(i0, 15)
f8 = int_to_float(i7)
f9 = float_mul(f8, f8)
i10 = float_lt(f9, 226.0)
i11 = float_eq(f9, 0.5)
i12 = int_ushr(i1, 28)
i13 = int_lt(i12, 16)
i14 = int_shr(i2, 4)
i15 = int_le(i14, 15)
i16 = float_to_int32(f9)
i17 = int_lt(i16, 226)
jump(i4, i6, i10, i11, i13, i15, i17, descr=target:L2)
`, `
[i0, i1]
label(i0, i1, descr=target:L)
i2 = int_and(i0, 255)
i3 = int_add(i2, 1)
i5 = int_add(i1, 1)
i6 = int_gt(i5, -2147483648)
i7 = int_and(i0, 15)
f8 = int_to_float(i7)
i18 = int_mul(i7, i7)
f9 = int_to_float(i18)
i12 = int_ushr(i1, 28)
i14 = int_shr(i2, 4)
i16 = float_to_int32(f9)
jump(true, i6, true, false, true, true, true, descr=target:L2)
`));

  it('a guard on a test made before the bounds were known is decided at the guard', () => opt(`
[i0]
label(i0, descr=target:L)
i1 = int_lt(i0, 10)
i2 = int_lt(i0, 5)
guard_true(i2, descr=guard:1) []
guard_true(i1, descr=guard:2) [i1]
jump(i1, descr=target:L2)
`, `
[i0]
label(i0, descr=target:L)
i1 = int_lt(i0, 10)
i2 = int_lt(i0, 5)
guard_true(i2, descr=guard:1) []
jump(true, descr=target:L2)
`));

  it('booleans are 0 or 1 to <, but never === 1', () => opt(`
[i0, i1]
label(i0, i1, descr=target:L)
i2 = int_lt(i0, i1)
i3 = int_eq(i2, 1)
i4 = int_eq(i2, 2)
i5 = int_lt(i2, 2)
jump(i3, i4, i5, descr=target:L2)
`, `
[i0, i1]
label(i0, i1, descr=target:L)
i2 = int_lt(i0, i1)
i3 = int_eq(i2, 1)
jump(i3, false, true, descr=target:L2)
`));

  it('lengths, char codes (NaN past the end) and unsigned conversions', () => opt(`
[r0, r1, i2]
label(r0, r1, i2, descr=target:L)
f3 = str_charcode(r0, 1.0)
i4 = float_lt(f3, 65536.0)
i5 = float_ge(f3, 65536.0)
f6 = arraylen(r1)
i7 = float_ge(f6, 0.0)
f8 = uint_to_float(i2)
i9 = float_lt(f8, 0.0)
i10 = float_is_true(f6)
f11 = float_add(f6, 1.0)
i12 = float_is_true(f11)
jump(i4, i5, i7, i9, i10, i12, descr=target:L2)
`, `
[r0, r1, i2]
label(r0, r1, i2, descr=target:L)
f3 = str_charcode(r0, 1.0)
i4 = float_lt(f3, 65536.0)
f6 = arraylen(r1)
f8 = uint_to_float(i2)
i10 = float_is_true(f6)
f11 = float_add(f6, 1.0)
jump(i4, false, true, false, i10, true, descr=target:L2)
`));

  it('floats that may be infinite or NaN get no arithmetic bound', () => opt(`
[f0, i1]
label(f0, i1, descr=target:L)
i2 = float_lt(f0, 10.0)
guard_true(i2, descr=guard:1) []
f3 = float_add(f0, 1.0)
i4 = float_lt(f3, 11.0)
f5 = int_to_float(i1)
f6 = float_mul(f5, f5)
f7 = float_mul(f6, f6)
i8 = float_eq(f7, 0.5)
jump(i4, i8, descr=target:L2)
`, `
[f0, i1]
label(f0, i1, descr=target:L)
i2 = float_lt(f0, 10.0)
guard_true(i2, descr=guard:1) []
f3 = float_add(f0, 1.0)
i4 = float_lt(f3, 11.0)
f5 = int_to_float(i1)
f6 = float_mul(f5, f5)
f7 = float_mul(f6, f6)
i8 = float_eq(f7, 0.5)
jump(i4, i8, descr=target:L2)
`));
});

describe('intbounds: exact integer arithmetic in floats', () => {
  it('(y + C1) + C2 is y + (C1 + C2) for an integral y; y + 0 is y only when y cannot be -0', () => opt(`
[r0, f1, i2]
label(r0, f1, i2, descr=target:L)
i3 = typed_index_ok(r0, f1, descr=array:Uint8Array)
guard_true(i3, descr=guard:1) []
f4 = float_add(f1, 1.0)
f5 = float_sub(f4, 1.0)
f6 = float_add(2.0, f4)
f7 = int_to_float(i2)
f8 = float_add(f7, 1.0)
f9 = float_sub(f8, 1.0)
f10 = float_add(f1, 0.5)
f11 = float_add(f10, 1.0)
jump(f5, f6, f9, f11, descr=target:L2)
`, `
[r0, f1, i2]
label(r0, f1, i2, descr=target:L)
i3 = typed_index_ok(r0, f1, descr=array:Uint8Array)
guard_true(i3, descr=guard:1) []
f4 = float_add(f1, 1.0)
f5 = float_add(f1, 0.0)
f6 = float_add(f1, 3.0)
f7 = int_to_float(i2)
f8 = float_add(f7, 1.0)
f10 = float_add(f1, 0.5)
f11 = float_add(f10, 1.0)
jump(f5, f6, f7, f11, descr=target:L2)
`));

  it('+ - * of int32 values with an int32 result become int ops; a product that may be -0 stays', () => opt(`
[i0, i1]
label(i0, i1, descr=target:L)
i2 = int_and(i0, 255)
f3 = int_to_float(i2)
f4 = float_add(f3, 1.0)
f5 = float_sub(f4, f3)
f6 = float_mul(f3, -1.0)
f7 = int_to_float(i1)
f8 = float_add(f7, 1.0)
jump(f5, f6, f8, descr=target:L2)
`, `
[i0, i1]
label(i0, i1, descr=target:L)
i2 = int_and(i0, 255)
f3 = int_to_float(i2)
i9 = int_add(i2, 1)
f4 = int_to_float(i9)
i10 = int_sub(i9, i2)
f5 = int_to_float(i10)
f6 = float_mul(f3, -1.0)
f7 = int_to_float(i1)
f8 = float_add(f7, 1.0)
jump(f5, f6, f8, descr=target:L2)
`));

  it('(x + C1) + C2 is x + (C1 + C2) in int32, and x for 0', () => opt(`
[i0]
label(i0, descr=target:L)
i1 = int_add(i0, 1)
i2 = int_add(i1, 1)
i3 = int_sub(i2, 2)
i4 = int_sub(i0, 5)
i5 = int_add(7, i4)
jump(i3, i5, descr=target:L2)
`, `
[i0]
label(i0, descr=target:L)
i1 = int_add(i0, 1)
i2 = int_add(i0, 2)
i4 = int_add(i0, -5)
i5 = int_add(i0, 2)
jump(i0, i5, descr=target:L2)
`));

  it('a float sum of int32s that a guard shows to be an int32 is the int op after that guard', () => opt(`
[i0]
label(i0, descr=target:L)
f1 = int_to_float(i0)
f2 = float_add(f1, 1.0)
i3 = float_lt(f2, 100.0)
guard_true(i3, descr=guard:1) [f2]
i4 = float_ge(f2, 0.0)
guard_true(i4, descr=guard:2) [f2]
f5 = float_mul(f2, 2.0)
jump(f5, descr=target:L2)
`, `
[i0]
label(i0, descr=target:L)
f1 = int_to_float(i0)
f2 = float_add(f1, 1.0)
i3 = float_lt(f2, 100.0)
guard_true(i3, descr=guard:1) [f2]
i6 = int_add(i0, 1)
f7 = int_to_float(i6)
i4 = float_ge(f7, 0.0)
guard_true(i4, descr=guard:2) [f7]
i8 = int_mul(i6, 2)
f5 = int_to_float(i8)
jump(f5, descr=target:L2)
`));

  it('a float phi that is an int32 on both jumps into the loop is carried as an int', () => opt(`
[f0]
label(f0, descr=target:L)
i1 = float_lt(f0, 100.0)
guard_true(i1, descr=guard:1) []
i2 = float_ge(f0, 0.0)
guard_true(i2, descr=guard:2) []
f3 = float_add(f0, 0.0)
i4 = float_is_integer(f3)
guard_true(i4, descr=guard:3) []
jump(0.0, descr=target:L.loop)
label(f5, descr=target:L.loop)
f6 = float_add(f5, 1.0)
i7 = float_lt(f6, 100.0)
guard_true(i7, descr=guard:4) []
i8 = float_ge(f6, 1.0)
guard_true(i8, descr=guard:5) []
i9 = float_is_integer(f6)
guard_true(i9, descr=guard:6) []
jump(f6, descr=target:L.loop)
`, `
[f0]
label(f0, descr=target:L)
i1 = float_lt(f0, 100.0)
guard_true(i1, descr=guard:1) []
i2 = float_ge(f0, 0.0)
guard_true(i2, descr=guard:2) []
f3 = float_add(f0, 0.0)
i4 = float_is_integer(f3)
guard_true(i4, descr=guard:3) []
jump(0, descr=target:L.loop)
label(i10, descr=target:L.loop)
f5 = int_to_float(i10)
f6 = float_add(f5, 1.0)
i7 = float_lt(f6, 100.0)
guard_true(i7, descr=guard:4) []
i8 = float_ge(f6, 1.0)
guard_true(i8, descr=guard:5) []
i9 = float_is_integer(f6)
guard_true(i9, descr=guard:6) []
i11 = float_to_int32(f6)
jump(i11, descr=target:L.loop)
`));
});

describe('intbounds: labels', () => {
  it("the preamble's bounds hold in the loop; the label's args are new values", () => opt(`
[i0, f1]
label(i0, f1, descr=target:L)
i2 = int_and(i0, 7)
i3 = int_lt(i0, 100)
guard_true(i3, descr=guard:1) []
jump(i0, f1, descr=target:P)
label(i4, f5, descr=target:P)
i6 = int_lt(i0, 100)
guard_true(i6, descr=guard:2) []
i7 = int_lt(i4, 100)
guard_true(i7, descr=guard:3) []
i8 = int_lt(i2, 8)
guard_true(i8, descr=guard:4) []
jump(i2, f5, descr=target:P)
`, `
[i0, f1]
label(i0, f1, descr=target:L)
i2 = int_and(i0, 7)
i3 = int_lt(i0, 100)
guard_true(i3, descr=guard:1) []
jump(i0, f1, descr=target:P)
label(i4, f5, descr=target:P)
i7 = int_lt(i4, 100)
guard_true(i7, descr=guard:3) []
jump(i2, f5, descr=target:P)
`));
});

describe('intbounds: property', () => {
  test.prop([randomRun(), fc.nat()], { numRuns: 300 })('random traces keep their behaviour', ({ rt, makeInputs }, k) => {
    expectPassKeepsBehaviour(intboundsPass, rt.trace, makeInputs, k);
  });

  test.prop([randomRun(), fc.nat(), fc.nat()], { numRuns: 300 })('peeled random traces keep their behaviour', ({ rt, makeInputs }, bits, k) => {
    expectPassKeepsBehaviour(intboundsPass, peel(rt.trace, bits), makeInputs, k);
  });

  test.prop([randomHeapRun(), fc.nat(), fc.nat()], { numRuns: 300 })('peeled random heap traces keep their behaviour', ({ trace, makeInputs }, bits, k) => {
    expectPassKeepsBehaviour(intboundsPass, peel(trace, bits), makeInputs, k);
  });

  test.prop([randomRun(), fc.nat()], { numRuns: 200 })('random traces after unroll keep their behaviour', ({ rt, makeInputs }, k) => {
    expectPassKeepsBehaviour(intboundsPass, unrolled(rt.trace), makeInputs, k);
  });
});

// ---- bounds soundness: comparisons near the actual values ------------------------

const INT_BIN = ['int_add', 'int_sub', 'int_mul', 'int_and', 'int_or', 'int_xor', 'int_shl', 'int_shr', 'int_ushr'] as const;
const INT_UN = ['int_not', 'int_neg'] as const;
const FLOAT_BIN = ['float_add', 'float_sub', 'float_mul', 'float_min', 'float_max'] as const;
const FLOAT_UN = ['float_neg', 'float_abs', 'float_floor', 'float_ceil', 'float_trunc', 'float_sqrt'] as const;
const CONVERT = ['int_to_float', 'uint_to_float', 'float_to_int32'] as const;
const CMP = ['lt', 'le', 'gt', 'ge', 'eq', 'ne'] as const;
const DONE: ExitDescr = { kind: 'exit', name: 'done', greens: [] };

const interesting = (x: number): number[] => [x, x + 1, x - 1, x + 0.5, -x, 0, -0, NaN, Infinity, -Infinity, 2 ** 31, -(2 ** 31), 2 ** 53, nextUp(x), nextDown(x)];

function nextUp(x: number): number {
  if (!Number.isFinite(x)) return x;
  if (x === 0) return Number.MIN_VALUE;
  const f = new Float64Array([x]);
  const b = new BigInt64Array(f.buffer);
  b[0] += x > 0 ? 1n : -1n;
  return f[0];
}
const nextDown = (x: number): number => -nextUp(-x);

interface Plan {
  readonly ints: number[];
  readonly floats: number[];
  readonly steps: { pick: number; a: number; b: number; c: number }[];
}

const INT_VALUE = fc.oneof(fc.integer({ min: -300, max: 300 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.constantFrom(0, -1, 2 ** 31 - 1, -(2 ** 31)));
const FLOAT_VALUE = fc.oneof(fc.double(), fc.integer({ min: -300, max: 300 }), fc.constantFrom(0, -0, 0.5, NaN, Infinity, -Infinity, 2 ** 53));
const PLAN: fc.Arbitrary<Plan> = fc.record({
  ints: fc.array(INT_VALUE, { minLength: 2, maxLength: 2 }),
  floats: fc.array(FLOAT_VALUE, { minLength: 2, maxLength: 2 }),
  steps: fc.array(fc.record({ pick: fc.nat(), a: fc.nat(), b: fc.nat(), c: fc.nat() }), { minLength: 1, maxLength: 12, size: 'max' }),
});

/**
 * A trace over two ints and two floats that bounds values with guards around
 * their actual values, computes with them, and finishes with the outcome of
 * comparisons against constants near the values (from `plan`, evaluated while
 * building, so guards mostly pass and comparisons sit at the bounds' edges).
 */
function boundsTrace(plan: Plan): { trace: Trace; inputs: unknown[] } {
  const boxes = new BoxFactory();
  const ops: Op[] = [];
  const vals: { box: Box; value: number }[] = [];
  const inputs: Box[] = [];
  const input = (kind: 'i' | 'f', value: number) => { const b = boxes.box(kind); inputs.push(b); vals.push({ box: b, value }); };
  plan.ints.forEach((v) => input('i', v));
  plan.floats.forEach((v) => input('f', v));
  ops.push({ opcode: 'label', args: [...inputs], result: null, descr: { kind: 'target', name: 'L' }, failArgs: null });
  const of = (kind: 'i' | 'f', n: number) => { const vs = vals.filter((v) => v.box.kind === kind); return vs[n % vs.length]; };
  const emit = (opcode: Opcode, args: Value[], kind: 'i' | 'f'): Box => {
    const result = boxes.box(kind);
    const value = (OPS[opcode] as { readonly run?: (a: unknown[], d: unknown) => unknown }).run!(args.map((a) => (a.tag === 'box' ? vals.find((v) => v.box === a)!.value : a.value)), null) as number;
    ops.push({ opcode, args, result, descr: null, failArgs: null });
    vals.push({ box: result, value: Number(value) });
    return result;
  };
  let guardId = 1;
  const guard = (opcode: Opcode, b: Box) => {
    const descr: GuardDescr = { kind: 'guard', id: guardId++, resume: { frames: [], failArgs: [], vable: null, virtuals: [] }, failures: 0, bridge: null };
    ops.push({ opcode, args: [b], result: null, descr, failArgs: [] });
  };
  const compare = (x: { box: Box; value: number }, cmp: (typeof CMP)[number], c: number): Box => {
    const kind = x.box.kind as 'i' | 'f';
    const k = kind === 'i' ? constOf('i', Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, Math.trunc(c) || 0))) : constOf('f', c);
    return emit(`${kind === 'i' ? 'int' : 'float'}_${cmp}` as Opcode, [x.box, k], 'i');
  };
  const results: Box[] = [];
  for (const s of plan.steps) {
    switch (s.pick % 5) {
      case 0: { // bound a value with a guard that (usually) passes
        const x = of(s.a % 2 ? 'i' : 'f', s.b);
        const c = interesting(x.value)[s.c % 15];
        const b = compare(x, CMP[s.c % 6], c);
        const real = vals[vals.length - 1].value;
        guard(real ? 'guard_true' : 'guard_false', b);
        break;
      }
      case 1: {
        const bin = s.a % 3 !== 0;
        if (bin) emit(INT_BIN[s.a % INT_BIN.length], [of('i', s.b).box, s.c % 3 ? of('i', s.c).box : constOf('i', (s.c % 40) - 8)], 'i');
        else emit(INT_UN[s.b % 2], [of('i', s.b).box], 'i');
        break;
      }
      case 2: {
        const bin = s.a % 3 !== 0;
        if (bin) emit(FLOAT_BIN[s.a % FLOAT_BIN.length], [of('f', s.b).box, s.c % 3 ? of('f', s.c).box : constOf('f', (s.c % 40) - 8.5)], 'f');
        else emit(FLOAT_UN[s.b % FLOAT_UN.length], [of('f', s.b).box], 'f');
        break;
      }
      case 3: {
        const conv = CONVERT[s.a % 3];
        emit(conv, [of(conv === 'float_to_int32' ? 'f' : 'i', s.b).box], conv === 'float_to_int32' ? 'i' : 'f');
        break;
      }
      case 4: { // observe: compare a value with a constant near it
        const x = of(s.a % 2 ? 'i' : 'f', s.b);
        results.push(s.c % 7 === 6 && x.box.kind === 'f' ? emit('float_is_true', [x.box], 'i') : compare(x, CMP[s.c % 6], interesting(x.value)[s.a % 15]));
        break;
      }
    }
  }
  ops.push({ opcode: 'finish', args: results, result: null, descr: DONE, failArgs: null });
  return { trace: { name: 'bounds', inputs, ops }, inputs: [...plan.ints, ...plan.floats] };
}

describe('intbounds: soundness', () => {
  test.prop([PLAN, fc.nat()], { numRuns: 1000 })('comparisons at the edges of the bounds keep their outcome', (plan, k) => {
    const { trace, inputs } = boundsTrace(plan);
    expectPassKeepsBehaviour(intboundsPass, trace, () => inputs.slice(), k);
  });
});
