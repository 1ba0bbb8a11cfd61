// Loop peeling (jit/opt/unroll.ts): before/after pairs in trace text, resume
// data of the copied guards, the value of peeling shown with a small CSE run
// after it, and property tests on random loops (also with guards forced to fail
// in the preamble, in the peeled loop, and after CSE).
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { RefBackend } from '../../jit/backend-ref/ref-backend.js';
import type { TraceExit } from '../../jit/backend.js';
import { DescrRegistry, descrName } from '../../jit/ir/descr.js';
import type { GuardDescr } from '../../jit/ir/descr.js';
import { OPS } from '../../jit/ir/ops.js';
import { parseTrace } from '../../jit/ir/parse.js';
import { ConstRegistry, printTrace, printValue } from '../../jit/ir/print.js';
import type { Op, Trace, Value } from '../../jit/ir/trace.js';
import { verifyTrace } from '../../jit/ir/verify.js';
import { contextFor } from '../../jit/opt/pass.js';
import { PEELED_GUARD_ID_OFFSET, peeledGuardOf, unrollPass } from '../../jit/opt/unroll.js';
import { CALLS, POINT_CLASS, POINT_FIELDS, Point, randomRun } from '../support/random-trace.js';
import { expectDeepSame, expectSameBehaviour, snapshotsOf } from '../support/opt-equivalence.js';

type Run = (t: Trace) => Trace;
const unroll: Run = (t) => unrollPass.run(t, contextFor(t, 'loop'));

function registries(): { descrs: DescrRegistry; consts: ConstRegistry } {
  const descrs = new DescrRegistry();
  for (const d of [...Object.values(POINT_FIELDS), POINT_CLASS, ...Object.values(CALLS)]) descrs.add(d);
  const consts = new ConstRegistry();
  consts.add('Point', Point);
  return { descrs, consts };
}

/** Parses both texts with the same registries; the optimized `before` must print as `after` and verify. */
function expectOptimized(run: Run, before: string, after: string): Trace {
  const { descrs, consts } = registries();
  const input = parseTrace(before, descrs, consts);
  const out = run(input);
  verifyTrace(out);
  expect(printTrace(out, consts)).toBe(printTrace(parseTrace(after, descrs, consts), consts));
  return out;
}

/** The pass returns this trace unchanged (the same object). */
function expectUnchanged(text: string, kind: 'loop' | 'bridge' = 'loop'): void {
  const { descrs, consts } = registries();
  const t = parseTrace(text, descrs, consts);
  expect(unrollPass.run(t, contextFor(t, kind))).toBe(t);
}

describe('unroll: before/after', () => {
  it('peels a counting loop; the copy gets fresh boxes, a new target and new guard descriptors', () => {
    expectOptimized(unroll, `
      [i0, i1]
      label(i0, i1, descr=target:L0)
      i2 = int_mul(i1, 3)
      i3 = int_sub(i0, i2)
      i4 = int_gt(i3, 0)
      guard_true(i4, descr=guard:1) [i3]
      jump(i3, i1, descr=target:L0)
    `, `
      [i0, i1]
      label(i0, i1, descr=target:L0)
      i2 = int_mul(i1, 3)
      i3 = int_sub(i0, i2)
      i4 = int_gt(i3, 0)
      guard_true(i4, descr=guard:1) [i3]
      label(i3, descr=target:L0.loop)
      i5 = int_mul(i1, 3)
      i6 = int_sub(i3, i5)
      i7 = int_gt(i6, 0)
      guard_true(i7, descr=guard:1000001) [i6]
      jump(i6, descr=target:L0.loop)
    `);
  });

  it('invariant and variant inputs: constants and invariant inputs passed back are fixed too', () => {
    // i0: counter (variant); r1: invariant; f2: variant; i3: gets the constant 7;
    // r4: gets r1, which is invariant, so r4 is r1 from the second iteration on.
    expectOptimized(unroll, `
      [i0, r1, f2, i3, r4]
      label(i0, r1, f2, i3, r4, descr=target:L0)
      debug_merge_point(descr=loc:"top")
      f5 = getfield_f(r1, descr=Point.x)
      f6 = float_add(f2, f5)
      i7 = int_add(i3, 1)
      i8 = getfield_i(r4, descr=Point.n)
      i9 = int_sub(i0, 1)
      i10 = int_gt(i9, 0)
      guard_true(i10, descr=guard:4) [i9, f6, i7, i8, r4]
      jump(i9, r1, f6, 7, r1, descr=target:L0)
    `, `
      [i0, r1, f2, i3, r4]
      label(i0, r1, f2, i3, r4, descr=target:L0)
      debug_merge_point(descr=loc:"top")
      f5 = getfield_f(r1, descr=Point.x)
      f6 = float_add(f2, f5)
      i7 = int_add(i3, 1)
      i8 = getfield_i(r4, descr=Point.n)
      i9 = int_sub(i0, 1)
      i10 = int_gt(i9, 0)
      guard_true(i10, descr=guard:4) [i9, f6, i7, i8, r4]
      label(i9, f6, descr=target:L0.loop)
      debug_merge_point(descr=loc:"top")
      f11 = getfield_f(r1, descr=Point.x)
      f12 = float_add(f6, f11)
      i13 = int_add(7, 1)
      i14 = getfield_i(r1, descr=Point.n)
      i15 = int_sub(i9, 1)
      i16 = int_gt(i15, 0)
      guard_true(i16, descr=guard:1000004) [i15, f12, i13, i14, r1]
      jump(i15, f12, descr=target:L0.loop)
    `);
  });

  it('positions that get the same box share one label arg; a swap stays a parallel move', () => {
    // f1 and f2 both get f3 (and then always hold equal values); f4 and f5 swap.
    expectOptimized(unroll, `
      [i0, f1, f2, f4, f5]
      label(i0, f1, f2, f4, f5, descr=target:L0)
      f3 = float_add(f1, f2)
      i6 = int_sub(i0, 1)
      i7 = int_gt(i6, 0)
      guard_true(i7, descr=guard:2) [f3]
      jump(i6, f3, f3, f5, f4, descr=target:L0)
    `, `
      [i0, f1, f2, f4, f5]
      label(i0, f1, f2, f4, f5, descr=target:L0)
      f3 = float_add(f1, f2)
      i6 = int_sub(i0, 1)
      i7 = int_gt(i6, 0)
      guard_true(i7, descr=guard:2) [f3]
      label(i6, f3, f5, f4, descr=target:L0.loop)
      f8 = float_add(f3, f3)
      i9 = int_sub(i6, 1)
      i10 = int_gt(i9, 0)
      guard_true(i10, descr=guard:1000002) [f8]
      jump(i9, f8, f4, f5, descr=target:L0.loop)
    `);
  });

  it('copies calls with their guard_no_exception', () => {
    expectOptimized(unroll, `
      [i0]
      label(i0, descr=target:L0)
      i1 = call_i(i0, descr=call:checked)
      guard_no_exception(descr=guard:3) [i0]
      i2 = int_sub(i1, 1)
      jump(i2, descr=target:L0)
    `, `
      [i0]
      label(i0, descr=target:L0)
      i1 = call_i(i0, descr=call:checked)
      guard_no_exception(descr=guard:3) [i0]
      i2 = int_sub(i1, 1)
      label(i2, descr=target:L0.loop)
      i3 = call_i(i2, descr=call:checked)
      guard_no_exception(descr=guard:1000003) [i2]
      i4 = int_sub(i3, 1)
      jump(i4, descr=target:L0.loop)
    `);
  });

  it('leaves a bridge alone', () => {
    expectUnchanged(`
      [i0]
      i1 = int_sub(i0, 1)
      jump(i1, descr=target:L0)
    `, 'bridge');
  });

  it('leaves alone a loop that jumps to another loop, or ends with finish', () => {
    expectUnchanged(`
      [i0]
      label(i0, descr=target:L1)
      i1 = int_sub(i0, 1)
      jump(i1, descr=target:L0)
    `);
    const { descrs } = registries();
    descrs.add({ kind: 'exit', name: 'out', greens: [] });
    const t = parseTrace(`
      [i0]
      label(i0, descr=target:L1)
      i1 = int_sub(i0, 1)
      finish(i1, descr=exit:out)
    `, descrs);
    expect(unroll(t)).toBe(t);
  });

  it('leaves alone a loop that is already peeled', () => {
    expectUnchanged(`
      [i0]
      label(i0, descr=target:L0)
      i1 = int_sub(i0, 1)
      label(i1, descr=target:L0.loop)
      i2 = int_sub(i1, 1)
      jump(i2, descr=target:L0.loop)
    `);
  });
});

describe('unroll: resume data of the copies', () => {
  it('a copied guard has a new descriptor whose snapshot differs only in the renamed failArgs', () => {
    const { descrs, consts } = registries();
    const t = parseTrace(`
      [i0, r1]
      label(i0, r1, descr=target:L0)
      i2 = int_sub(i0, 1)
      i3 = int_gt(i2, 0)
      guard_true(i3, descr=guard:7) [r1, i2, 1.5]
      jump(i2, r1, descr=target:L0)
    `, descrs, consts);
    const g = t.ops[3].descr as GuardDescr;
    const failArgs = t.ops[3].failArgs!;
    const frames = [{ code: null as never, pc: 3, regs: [0, 1], values: [1, 2] }];
    const virtuals = [{ kind: 'object', at: 2, cls: POINT_CLASS, fields: [{ field: POINT_FIELDS.x, value: 2 }] }] as const;
    const vable = { obj: 0, layout: null as never, values: [1] };
    g.resume = { frames, failArgs, vable, virtuals };
    const original = g.resume;
    const out = unroll(t);
    verifyTrace(out);
    const copy = peeledGuardOf(out, g)!;
    expect(copy).not.toBe(g);
    expect(copy.id).toBe(7 + PEELED_GUARD_ID_OFFSET);
    expect(copy.failures).toBe(0);
    expect(copy.bridge).toBeNull();
    const op = out.ops.find((o) => o.descr === copy)!;
    expect(copy.resume!.failArgs).toBe(op.failArgs);
    expect(op.failArgs!.map((v) => printValue(v, consts))).toEqual(['r1', 'i4', '1.5']);
    expect(copy.resume!.frames).toBe(frames);
    expect(copy.resume!.vable).toBe(vable);
    expect(copy.resume!.virtuals).toBe(virtuals);
    expect(g.resume).toBe(original); // the preamble keeps the original descriptor untouched
    expect(out.ops[3].descr).toBe(g);
  });
});

// ---- the value of peeling: a small CSE of pure ops, for this test only ----

/**
 * CSE of pure ops (same opcode, descr and args give the same result). It
 * follows unroll's contract for the second label: the label's args are
 * redefined there, so their defining ops are kept, the label itself is not
 * rewritten, and entries and substitutions involving them are dropped at it.
 */
function cse(t: Trace): Trace {
  const consts = new ConstRegistry();
  const laterLabelArgs = new Set<number>();
  t.ops.forEach((op, i) => { if (i > 0 && op.opcode === 'label') for (const a of op.args) if (a.tag === 'box') laterLabelArgs.add(a.id); });
  const replace = new Map<number, Value>();
  const table = new Map<string, { value: Value; uses: number[] }>();
  const sub = (v: Value): Value => (v.tag === 'box' ? replace.get(v.id) ?? v : v);
  const ops: Op[] = [];
  for (const [i, op] of t.ops.entries()) {
    if (i > 0 && op.opcode === 'label') {
      const args = new Set(op.args.map((a) => (a as { id: number }).id));
      for (const [k, e] of table) if (e.uses.some((id) => args.has(id))) table.delete(k);
      for (const id of args) replace.delete(id);
      ops.push(op);
      continue;
    }
    const args = op.args.map(sub);
    const rewritten: Op = { ...op, args, failArgs: op.failArgs?.map(sub) ?? null };
    if (OPS[op.opcode].pure && op.result !== null) {
      const key = `${op.opcode}(${args.map((a) => printValue(a, consts)).join(',')})${op.descr ? descrName(op.descr) : ''}`;
      const old = table.get(key);
      if (old !== undefined && !laterLabelArgs.has(op.result.id)) {
        replace.set(op.result.id, old.value);
        continue;
      }
      if (old === undefined) {
        const uses = [op.result.id, ...args.flatMap((a) => (a.tag === 'box' ? [a.id] : []))];
        table.set(key, { value: op.result, uses });
      }
    }
    ops.push(rewritten);
  }
  return { ...t, ops };
}

describe('unroll: later passes see the preamble', () => {
  it('an invariant pure computation disappears from the peeled loop', () => {
    expectOptimized((t) => cse(unroll(t)), `
      [i0, i1]
      label(i0, i1, descr=target:L0)
      i2 = int_mul(i1, 3)
      i3 = int_sub(i0, i2)
      i4 = int_gt(i3, 0)
      guard_true(i4, descr=guard:1) [i3]
      jump(i3, i1, descr=target:L0)
    `, `
      [i0, i1]
      label(i0, i1, descr=target:L0)
      i2 = int_mul(i1, 3)
      i3 = int_sub(i0, i2)
      i4 = int_gt(i3, 0)
      guard_true(i4, descr=guard:1) [i3]
      label(i3, descr=target:L0.loop)
      i6 = int_sub(i3, i2)
      i7 = int_gt(i6, 0)
      guard_true(i7, descr=guard:1000001) [i6]
      jump(i6, descr=target:L0.loop)
    `);
  });

  it('facts about the second label\'s args do not survive it', () => {
    // In the preamble i3 = i2 - 1; in the loop i5 = i2 - 1 again, but i2 is
    // now the loop-carried value: i5 must stay (replacing it by i3 would stop
    // the counter).
    expectOptimized((t) => cse(unroll(t)), `
      [i0]
      label(i0, descr=target:L0)
      i2 = int_sub(i0, 1)
      i3 = int_sub(i2, 1)
      i4 = int_gt(i3, 0)
      guard_true(i4, descr=guard:1) []
      jump(i2, descr=target:L0)
    `, `
      [i0]
      label(i0, descr=target:L0)
      i2 = int_sub(i0, 1)
      i3 = int_sub(i2, 1)
      i4 = int_gt(i3, 0)
      guard_true(i4, descr=guard:1) []
      label(i2, descr=target:L0.loop)
      i5 = int_sub(i2, 1)
      i6 = int_sub(i5, 1)
      i7 = int_gt(i6, 0)
      guard_true(i7, descr=guard:1000001) []
      jump(i5, descr=target:L0.loop)
    `);
  });
});

// ---- property tests ----

const guardsOf = (t: Trace): GuardDescr[] => t.ops.filter((o) => o.descr?.kind === 'guard').map((o) => o.descr as GuardDescr);

/**
 * The harness (expectSameBehaviour) compares exits by GuardDescr identity, so it
 * applies to peeled traces only when the exit is in the preamble: when an
 * original guard is forced, which makes the first iteration exit.
 */
test.prop([randomRun(), fc.nat()], { numRuns: 500 })('random loops behave the same after peeling (an original guard forced to fail)', ({ rt, makeInputs }, k) => {
  const before = snapshotsOf(rt.trace);
  const out = unroll(rt.trace);
  verifyTrace(out);
  const guards = guardsOf(rt.trace);
  expectSameBehaviour(rt.trace, before, out, makeInputs, guards[k % guards.length]);
});

function runForced(trace: Trace, inputs: unknown[], force: (g: GuardDescr) => boolean): TraceExit {
  return new RefBackend({ forceGuardFailure: force }).compileLoop(trace).run(inputs);
}

/**
 * Runs both traces from equal inputs and compares their exits and the heap
 * after them. With `force`, guard G fails the n-th time it is reached (with its
 * condition holding) in the original loop; in the peeled trace that is G itself
 * for n = 1 and its copy reached for the (n-1)-th time otherwise. The exit must
 * be the same guard in the same iteration: the original's exit in iteration m
 * (counted by the loop's last guard, which every completed iteration passes) is
 * G itself for m = 1 and its copy otherwise.
 */
function expectSameExit(original: Trace, peeled: Trace, makeInputs: () => unknown[], force: { g: GuardDescr; n: number } | null): void {
  const copy = force && peeledGuardOf(peeled, force.g);
  if (force) expect(copy).not.toBeNull();
  let seenCopy = 0;
  const in2 = makeInputs();
  const e2 = runForced(peeled, in2, (d) => force !== null && (force.n === 1 ? d === force.g : d === copy && ++seenCopy === force.n - 1));
  const last = guardsOf(original).at(-1)!;
  let seen = 0;
  let passedLast = 0;
  const in1 = makeInputs();
  const e1 = runForced(original, in1, (d) => {
    const forced = force !== null && d === force.g && ++seen === force.n;
    if (d === last && !forced) passedLast++;
    return forced;
  });
  expect(e2.kind).toBe(e1.kind);
  if (e1.kind !== 'guard' || e2.kind !== 'guard') throw new Error('random loops leave through guards');
  expect(e2.descr).toBe(passedLast === 0 ? e1.descr : peeledGuardOf(peeled, e1.descr));
  expect(e2.exception === null).toBe(e1.exception === null);
  if (e1.exception && e2.exception) expect(String(e2.exception.value)).toBe(String(e1.exception.value));
  expectDeepSame(e2.values, e1.values);
  expectDeepSame(in2, in1);
}

test.prop([randomRun(), fc.nat(), fc.integer({ min: 0, max: 4 })], { numRuns: 500 })(
  'random loops behave the same after peeling (no guard forced, or one forced in a later iteration: its copy)',
  ({ rt, makeInputs }, k, n) => {
    const out = unroll(rt.trace);
    verifyTrace(out);
    const guards = guardsOf(rt.trace);
    expectSameExit(rt.trace, out, makeInputs, n === 0 ? null : { g: guards[k % guards.length], n });
  },
);

test.prop([randomRun(), fc.nat(), fc.integer({ min: 0, max: 4 })], { numRuns: 300 })(
  'random loops behave the same after peeling and CSE',
  ({ rt, makeInputs }, k, n) => {
    const out = cse(unroll(rt.trace));
    verifyTrace(out);
    const guards = guardsOf(rt.trace);
    expectSameExit(rt.trace, out, makeInputs, n === 0 ? null : { g: guards[k % guards.length], n });
  },
);
