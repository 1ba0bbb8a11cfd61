// The cse pass: before/after pairs in trace text (including what it must leave
// alone), and random traces keep their meaning.
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { DescrRegistry } from '../../jit/ir/descr.js';
import { OPS } from '../../jit/ir/ops.js';
import { BoxFactory } from '../../jit/ir/trace.js';
import type { Op, Trace, Value } from '../../jit/ir/trace.js';
import type { CallDescr, GuardDescr } from '../../jit/ir/descr.js';
import { parseTrace, TraceParseError } from '../../jit/ir/parse.js';
import { ConstRegistry, printTrace } from '../../jit/ir/print.js';
import { verifyTrace } from '../../jit/ir/verify.js';
import { csePass } from '../../jit/opt/cse.js';
import { contextFor, nextBoxId } from '../../jit/opt/pass.js';
import type { OptPass } from '../../jit/opt/pass.js';
import { expectSameBehaviour, snapshotsOf } from '../support/opt-equivalence.js';
import { CALLS, Point, POINT_CLASS, POINT_FIELDS, randomRun } from '../support/random-trace.js';
import { expectOptimized, loop, parse, registries } from '../support/opt-text.js';

// ---------------------------------------------------------------- helpers

const cse = (before: string, after: string) => expectOptimized(csePass, loop(before), loop(after));

// ---------------------------------------------------------------- before/after

describe('cse: before/after', () => {
  it('the header example', () => cse(`
i10 = int_add(i0, i1)
guard_nonnull(r4, descr=guard:1) []
i11 = int_add(i1, i0)
guard_nonnull(r4, descr=guard:2) [i11]
guard_true(i6, descr=guard:3) [i11]
finish(i11, descr=exit:done)`, `
i10 = int_add(i0, i1)
guard_nonnull(r4, descr=guard:1) []
guard_true(i6, descr=guard:3) [i10]
finish(i10, descr=exit:done)`));

  it('merges pure ops; only commutative ones in either order', () => cse(`
i10 = int_sub(i0, i1)
i11 = int_sub(i1, i0)
i12 = int_sub(i0, i1)
i13 = int_lt(i12, i11)
i14 = int_lt(i10, i11)
i15 = float_eq(f2, f3)
i16 = float_eq(f3, f2)
i17 = instanceof(r4, descr=class:Point)
i18 = instanceof(r4, descr=class:Point)
finish(i13, i14, i15, i16, i17, i18, descr=exit:done)`, `
i10 = int_sub(i0, i1)
i11 = int_sub(i1, i0)
i13 = int_lt(i10, i11)
i15 = float_eq(f2, f3)
i17 = instanceof(r4, descr=class:Point)
finish(i13, i13, i15, i15, i17, i17, descr=exit:done)`));

  it('tells constants apart like Object.is; a string cannot fake a key separator', () => cse(`
f10 = float_add(f2, 0.0)
f11 = float_add(f2, -0.0)
f12 = float_add(f2, nan)
f13 = float_add(nan, f2)
i14 = int_eq(i6, 1)
i15 = int_eq(i6, true)
r16 = str_concat("1", "a")
r17 = str_concat(ref(1.0), "a")
r18 = str_concat("a,r:string:b", r4)
r19 = str_concat("a", "b,#4")
finish(f10, f11, f12, f13, i14, i15, r16, r17, r18, r19, descr=exit:done)`, `
f10 = float_add(f2, 0.0)
f11 = float_add(f2, -0.0)
f12 = float_add(f2, nan)
i14 = int_eq(i6, 1)
i15 = int_eq(i6, true)
r16 = str_concat("1", "a")
r17 = str_concat(ref(1.0), "a")
r18 = str_concat("a,r:string:b", r4)
r19 = str_concat("a", "b,#4")
finish(f10, f11, f12, f12, i14, i15, r16, r17, r18, r19, descr=exit:done)`));

  it('merges elidable calls (with their guard_no_exception), not readonly or write calls, nor heap reads', () => cse(`
f10 = call_f(f2, f3, descr=call:fmix)
f11 = call_f(f2, f3, descr=call:fmix)
f12 = call_f(f2, descr=call:half)
guard_no_exception(descr=guard:1) [f12]
f13 = call_f(f2, descr=call:half)
guard_no_exception(descr=guard:2) [f13]
i14 = call_i(r4, descr=call:getN)
i15 = call_i(r4, descr=call:getN)
i16 = getfield_i(r4, descr=Point.n)
call_n(r4, i16, descr=call:bump)
i17 = getfield_i(r4, descr=Point.n)
r18 = new(f2, i0, i6, r4, descr=class:Point)
r19 = new(f2, i0, i6, r4, descr=class:Point)
finish(f11, f13, i15, i17, r18, r19, descr=exit:done)`, `
f10 = call_f(f2, f3, descr=call:fmix)
f12 = call_f(f2, descr=call:half)
guard_no_exception(descr=guard:1) [f12]
i14 = call_i(r4, descr=call:getN)
i15 = call_i(r4, descr=call:getN)
i16 = getfield_i(r4, descr=Point.n)
call_n(r4, i16, descr=call:bump)
i17 = getfield_i(r4, descr=Point.n)
r18 = new(f2, i0, i6, r4, descr=class:Point)
r19 = new(f2, i0, i6, r4, descr=class:Point)
finish(f10, f12, i15, i17, r18, r19, descr=exit:done)`));

  it('keeps a guard once per value and condition', () => cse(`
guard_true(i6, descr=guard:1) []
guard_true(i6, descr=guard:2) []
guard_false(i6, descr=guard:3) []
guard_value(i0, 3, descr=guard:4) []
guard_value(i0, 3, descr=guard:5) []
guard_value(i0, 4, descr=guard:6) []
guard_value(r5, null, descr=guard:7) []
guard_isnull(r5, descr=guard:8) []
guard_nonnull(r4, descr=guard:9) []
guard_class(r4, ConstPtr(Point), descr=guard:10) []
guard_nonnull(r4, descr=guard:11) []
guard_class(r4, ConstPtr(Point), descr=guard:12) []
guard_not_invalidated(descr=guard:13) []
guard_not_invalidated(descr=guard:14) []
finish(descr=exit:done)`, `
guard_true(i6, descr=guard:1) []
guard_false(i6, descr=guard:3) []
guard_value(i0, 3, descr=guard:4) []
guard_value(i0, 4, descr=guard:6) []
guard_value(r5, null, descr=guard:7) []
guard_nonnull(r4, descr=guard:9) []
guard_class(r4, ConstPtr(Point), descr=guard:10) []
guard_not_invalidated(descr=guard:13) []
guard_not_invalidated(descr=guard:14) []
finish(descr=exit:done)`));

  it('what the preamble of a peeled loop computed and guarded holds in the loop', () => expectOptimized(csePass, `
[i0, i1]
label(i0, i1, descr=target:L)
i2 = int_add(i0, 1)
i3 = int_mul(i1, 2)
guard_true(i1, descr=guard:1) [i3]
jump(i2, descr=target:L2)
label(i4, descr=target:L2)
i5 = int_mul(i1, 2)
i6 = int_add(i4, 1)
guard_true(i1, descr=guard:2) [i5]
i7 = int_add(i6, i5)
jump(i7, descr=target:L2)
`, `
[i0, i1]
label(i0, i1, descr=target:L)
i2 = int_add(i0, 1)
i3 = int_mul(i1, 2)
guard_true(i1, descr=guard:1) [i3]
jump(i2, descr=target:L2)
label(i4, descr=target:L2)
i6 = int_add(i4, 1)
i7 = int_add(i6, i3)
jump(i7, descr=target:L2)
`));

  it('substitutes failArgs in place and updates the resume snapshot', () => {
    const { descrs, consts } = registries();
    const t = parseTrace(loop(`
i10 = int_xor(i0, i1)
i11 = int_xor(i1, i0)
guard_true(i6, descr=guard:1) [f2, i11, i11]
finish(descr=exit:done)`), descrs, consts);
    const g = t.ops[3].descr as GuardDescr;
    g.resume = { frames: [], failArgs: t.ops[3].failArgs!, vable: null, virtuals: [] };
    const out = csePass.run(t, contextFor(t, 'loop'));
    const i10 = t.ops[1].result!;
    expect(out.ops[2].failArgs).toEqual([t.inputs[2], i10, i10]);
    expect(g.resume.failArgs).toEqual([t.inputs[2], i10, i10]);
  });

  it('returns the same trace when nothing repeats', () => {
    const { descrs, consts } = registries();
    const t = parseTrace(loop('i10 = int_add(i0, i1)\nfinish(i10, descr=exit:done)'), descrs, consts);
    expect(csePass.run(t, contextFor(t, 'loop'))).toBe(t);
  });
});

// ---------------------------------------------------------------- random traces

test.prop([randomRun(), fc.nat()], { numRuns: 300 })('cse: random traces keep their meaning (a guard forced to fail)', ({ rt, makeInputs }, k) => {
  const before = snapshotsOf(rt.trace);
  const out = csePass.run(rt.trace, contextFor(rt.trace, 'loop'));
  verifyTrace(out);
  const guards = out.ops.filter((o) => o.descr?.kind === 'guard').map((o) => o.descr as GuardDescr);
  const force = k % 3 === 0 || guards.length === 0 ? null : guards[k % guards.length];
  expectSameBehaviour(rt.trace, before, out, makeInputs, force);
});

/** Ops a copy of which CSE might (rightly or wrongly) merge: everything without effects, and guards. */
const copyable = (op: Op): boolean => {
  const info = OPS[op.opcode];
  return 'pure' in info || 'heapRead' in info || ('guard' in info && op.opcode !== 'guard_no_exception')
    || ('call' in info && !(op.descr as CallDescr).canRaise);
};

/**
 * Random traces rarely repeat an op, so this puts copies of earlier ops later in
 * the trace (after heap writes and calls, sometimes; some with their arguments
 * swapped): each copy's result becomes
 * a failArg of the loop's final guard, which every run leaves through.
 */
function withCopies(trace: Trace, picks: readonly (readonly [number, number])[]): Trace {
  const ops = trace.ops;
  const tail = ops.length - 4; // then: the counter's int_sub and int_gt, the final guard_true, the jump
  const boxes = new BoxFactory(nextBoxId(trace));
  const before = new Map<number, Op[]>();
  const extra: Value[] = [];
  let guardId = 10000;
  for (const [a, b] of picks) {
    if (tail < 2) break;
    const from = 1 + (a % (tail - 1));
    const at = from + 1 + (b % (tail - from));
    const prev = ops[at - 1];
    if (!copyable(ops[from]) || ('call' in OPS[prev.opcode] && (prev.descr as CallDescr).canRaise)) continue;
    const op = ops[from];
    const result = op.result === null ? null : boxes.box(op.result.kind);
    const failArgs = op.failArgs === null ? null : op.failArgs.slice();
    const descr: Op['descr'] = failArgs === null ? op.descr
      : { kind: 'guard', id: guardId++, resume: { frames: [], failArgs, vable: null, virtuals: [] }, failures: 0, bridge: null };
    // Sometimes the copy has its two arguments swapped (merged only for a commutative op).
    const swap = b % 3 === 0 && op.args.length === 2 && op.args[0].kind === op.args[1].kind && 'pure' in OPS[op.opcode];
    const args = swap ? [op.args[1], op.args[0]] : op.args;
    if (result !== null) extra.push(result);
    before.set(at, [...(before.get(at) ?? []), { ...op, args, result, descr, failArgs }]);
  }
  const out: Op[] = [];
  ops.forEach((op, k) => {
    out.push(...(before.get(k) ?? []));
    if (k !== ops.length - 2) return void out.push(op);
    const failArgs = [...op.failArgs!, ...extra];
    const d = op.descr as GuardDescr;
    d.resume = { ...d.resume!, failArgs };
    out.push({ ...op, failArgs });
  });
  return { ...trace, ops: out };
}

const PICKS = fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 20 });

test.prop([randomRun({ maxSteps: 40 }), PICKS, fc.nat()], { numRuns: 1000 })('cse: traces with repeated ops keep their meaning', ({ rt, makeInputs }, picks, k) => {
  const trace = withCopies(rt.trace, picks);
  verifyTrace(trace);
  const before = snapshotsOf(trace);
  const out = csePass.run(trace, contextFor(trace, 'loop'));
  verifyTrace(out);
  const guards = out.ops.filter((o) => o.descr?.kind === 'guard').map((o) => o.descr as GuardDescr);
  const force = k % 3 === 0 || guards.length === 0 ? null : guards[k % guards.length];
  expectSameBehaviour(trace, before, out, makeInputs, force);
});
