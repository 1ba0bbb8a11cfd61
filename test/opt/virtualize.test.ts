// Allocation removal (jit/opt/virtualize.ts): before/after pairs in trace text,
// the resume data guards get for virtuals (printed as text too), guards forced
// to fail materializing equal objects, loop-carried virtuals in a hand-peeled
// loop, and property tests on random traces, alone and after loop peeling.
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { DescrRegistry, descrName } from '../../jit/ir/descr.js';
import type { CallDescr, ClassDescr, ExitDescr, FieldDescr, GuardDescr, TargetDescr } from '../../jit/ir/descr.js';
import { parseTrace } from '../../jit/ir/parse.js';
import { ConstRegistry, printTrace } from '../../jit/ir/print.js';
import { BoxFactory, constOf } from '../../jit/ir/trace.js';
import type { Box, Op, Trace, Value } from '../../jit/ir/trace.js';
import { verifyTrace } from '../../jit/ir/verify.js';
import { contextFor } from '../../jit/opt/pass.js';
import { unrollPass } from '../../jit/opt/unroll.js';
import { virtualizePass } from '../../jit/opt/virtualize.js';
import type { VirtualInfo } from '../../jit/resume/snapshot.js';
import { CALLS, POINT_CLASS, POINT_FIELDS, Point, randomRun } from '../support/random-trace.js';
import { expectSameBehaviour, snapshotsOf } from '../support/opt-equivalence.js';

/** PyPy's W_IntObject: one immutable-by-convention number. */
class W_Int {
  constructor(public intval: number) {}
}

/** A class with a field its constructor sets to a default the trace does not see. */
class Cell {
  cache: unknown = 'default';
  constructor(public value: number) {}
}

const field = (owner: string, name: string, valueKind: 'i' | 'f' | 'r'): FieldDescr =>
  ({ kind: 'field', owner, name, valueKind, immutable: false, quasiImmutable: false });
const INTVAL = field('W_Int', 'intval', 'f');
const W_INT: ClassDescr = { kind: 'class', name: 'W_Int', cls: W_Int, ctorFields: [INTVAL], construct: (a) => new W_Int(a[0] as number) };
const CELL_VALUE = field('Cell', 'value', 'f');
const CELL_CACHE = field('Cell', 'cache', 'r');
const CELL: ClassDescr = { kind: 'class', name: 'Cell', cls: Cell, ctorFields: [CELL_VALUE], construct: (a) => new Cell(a[0] as number) };
const DONE: ExitDescr = { kind: 'exit', name: 'done', greens: [] };
const KEEP: CallDescr = { kind: 'call', name: 'keep', fn: (() => undefined) as never, effect: 'write', canRaise: false, resultKind: 'v' };

type Run = (t: Trace) => Trace;
const virtualize: Run = (t) => virtualizePass.run(t, contextFor(t, 'loop'));

function registries(): { descrs: DescrRegistry; consts: ConstRegistry } {
  const descrs = new DescrRegistry();
  for (const d of [...Object.values(POINT_FIELDS), POINT_CLASS, ...Object.values(CALLS), INTVAL, W_INT, CELL_VALUE, CELL_CACHE, CELL, KEEP, DONE]) descrs.add(d);
  const consts = new ConstRegistry();
  consts.add('Point', Point);
  consts.add('W_Int', W_Int);
  return { descrs, consts };
}

/** Gives every guard a frameless resume snapshot (parsed guards have none). */
function withResume(t: Trace): Trace {
  for (const op of t.ops) {
    const d = op.descr;
    if (d?.kind === 'guard' && d.resume === null) d.resume = { frames: [], failArgs: op.failArgs!, vable: null, virtuals: [] };
  }
  return t;
}

/** The guards' virtuals as text: `guard:1 [1] = W_Int{intval: [2]}`. */
function virtualsText(t: Trace): string {
  const lines: string[] = [];
  for (const op of t.ops) {
    const d = op.descr;
    if (d?.kind !== 'guard' || d.resume === null) continue;
    for (const v of d.resume.virtuals) lines.push(`${descrName(d)} ${describeVirtual(v)}`);
  }
  return lines.join('\n');
}

function describeVirtual(v: VirtualInfo): string {
  if (v.kind === 'array') return `[${v.at}] = array[${v.items.map((k) => `[${k}]`).join(', ')}]`;
  return `[${v.at}] = ${v.cls.name}{${v.fields.map((f) => `${f.field.name}: [${f.value}]`).join(', ')}}`;
}

/**
 * parseTrace reads every label's args as uses, but a peeled loop's second label
 * DEFINES its args (verify.ts [scope]). So its args are parsed as extra trace
 * inputs in place of the label, which is put back afterwards.
 */
function parse(text: string, descrs: DescrRegistry, consts: ConstRegistry): Trace {
  const lines = text.split('\n');
  const labels = lines.map((l, k) => (/^\s*label\(/.test(l) ? k : -1)).filter((k) => k >= 0);
  if (labels.length < 2) return parseTrace(text, descrs, consts);
  const at = labels[1];
  const m = /^\s*label\((.*?),?\s*descr=(\S+)\)\s*$/.exec(lines[at])!;
  const extra = m[1].split(',').map((x) => x.trim()).filter(Boolean);
  const inputsLine = lines.findIndex((l) => /^\s*\[/.test(l));
  lines[inputsLine] = lines[inputsLine].replace(/\]\s*$/, `${lines[inputsLine].includes('[]') || extra.length === 0 ? '' : ', '}${extra.join(', ')}]`).replace('[, ', '[');
  lines[at] = 'debug_merge_point(descr=loc:"the second label")';
  const t = parseTrace(lines.join('\n'), descrs, consts);
  const n = t.inputs.length - extra.length;
  const marker = t.ops.findIndex((o) => o.opcode === 'debug_merge_point' && o.descr?.kind === 'loc' && o.descr.text === 'the second label');
  const ops = t.ops.slice();
  ops[marker] = { opcode: 'label', args: t.inputs.slice(n), result: null, descr: descrs.get(m[2])!, failArgs: null };
  return { ...t, inputs: t.inputs.slice(0, n), ops };
}

/**
 * Parses both texts with the same registries (guards of `before` get resume
 * snapshots unless `resume` is false); the optimized `before` must print as
 * `after`, verify, and its guards must describe exactly `virtuals`.
 */
function expectOptimized(before: string, after: string, virtuals = '', resume = true): Trace {
  const { descrs, consts } = registries();
  const input = parse(before, descrs, consts);
  if (resume) withResume(input);
  verifyTrace(input);
  const out = virtualize(input);
  verifyTrace(out);
  expect(printTrace(out, consts)).toBe(printTrace(parse(after, descrs, consts), consts));
  expect(virtualsText(out)).toBe(virtuals.trim().split('\n').map((l) => l.trim()).join('\n'));
  return out;
}

/** Runs `text` before and after the pass from the same inputs, normally and with each guard forced to fail. */
function expectSameRuns(text: string, makeInputs: () => unknown[]): void {
  const { descrs, consts } = registries();
  const original = withResume(parse(text, descrs, consts));
  const guards = original.ops.filter((o) => o.descr?.kind === 'guard').map((o) => o.descr as GuardDescr);
  for (const force of [null, ...guards]) {
    const before = snapshotsOf(original);
    const optimized = virtualize(original);
    verifyTrace(optimized);
    expectSameBehaviour(original, before, optimized, makeInputs, force);
    for (const [g, s] of before) g.resume = s;
  }
}

describe('virtualize: allocations that do not escape', () => {
  it('a W_Int box allocated, read and dropped leaves no new', () => {
    expectOptimized(`
      [i0, r1]
      label(i0, r1, descr=target:L0)
      f2 = getfield_f(r1, descr=W_Int.intval)
      f3 = float_add(f2, 1.0)
      r4 = new(f3, descr=class:W_Int)
      f5 = getfield_f(r4, descr=W_Int.intval)
      f6 = float_mul(f5, 2.0)
      r7 = new(f6, descr=class:W_Int)
      i8 = int_sub(i0, 1)
      jump(i8, r1, descr=target:L0)
    `, `
      [i0, r1]
      label(i0, r1, descr=target:L0)
      f2 = getfield_f(r1, descr=W_Int.intval)
      f3 = float_add(f2, 1.0)
      f6 = float_mul(f3, 2.0)
      i8 = int_sub(i0, 1)
      jump(i8, r1, descr=target:L0)
    `);
  });

  it('fields written after the allocation are read back; identity, class and null tests fold', () => {
    expectOptimized(`
      [r0]
      label(r0, descr=target:L0)
      r1 = new(1.5, 2, true, r0, descr=class:Point)
      setfield(r1, 7, descr=Point.n)
      i2 = getfield_i(r1, descr=Point.n)
      i3 = instanceof(r1, descr=class:Point)
      guard_true(i3, descr=guard:1) []
      guard_class(r1, ConstPtr(Point), descr=guard:2) []
      guard_nonnull(r1, descr=guard:3) []
      i4 = ptr_eq(r1, null)
      guard_false(i4, descr=guard:4) []
      i5 = ptr_eq(r1, r0)
      i6 = ptr_ne(r1, r1)
      i7 = ref_is_true(r1)
      r8 = ref_typeof(r1)
      call_n(i2, i5, i6, i7, r8, descr=call:keep)
      jump(r0, descr=target:L0)
    `, `
      [r0]
      label(r0, descr=target:L0)
      call_n(7, false, false, true, "object", descr=call:keep)
      jump(r0, descr=target:L0)
    `);
  });

  it('a virtual stored into a virtual: nested reads, and one guard describes both', () => {
    expectOptimized(`
      [i0, r1]
      label(i0, r1, descr=target:L0)
      r2 = new(0.5, i0, false, r1, descr=class:Point)
      r3 = new(1.5, 3, true, r2, descr=class:Point)
      r4 = getfield_r(r3, descr=Point.link)
      i5 = getfield_i(r4, descr=Point.n)
      i6 = int_gt(i5, 0)
      guard_true(i6, descr=guard:1) [r3, i0]
      r7 = getfield_r(r4, descr=Point.link)
      jump(i5, r7, descr=target:L0)
    `, `
      [i0, r1]
      label(i0, r1, descr=target:L0)
      i6 = int_gt(i0, 0)
      guard_true(i6, descr=guard:1) [null, i0, 1.5, 3, true, null, 0.5, false, r1]
      jump(i0, r1, descr=target:L0)
    `, `
      guard:1 [0] = Point{x: [2], n: [3], b: [4], link: [5]}
      guard:1 [5] = Point{x: [6], n: [1], b: [7], link: [8]}
    `);
  });

  it('virtual arrays: constant indices, their length, and a non-constant index forces', () => {
    expectOptimized(`
      [f0, r1]
      label(f0, r1, descr=target:L0)
      r2 = new_array(1, f0, r1)
      setarrayitem(r2, 0.0, 5)
      i3 = getarrayitem_i(r2, 0.0)
      f4 = getarrayitem_f(r2, 1.0)
      f5 = arraylen(r2)
      guard_true(true, descr=guard:1) [r2]
      r6 = new_array(f4, f5)
      f7 = getarrayitem_f(r6, f0)
      call_n(i3, f7, descr=call:keep)
      jump(f4, r1, descr=target:L0)
    `, `
      [f0, r1]
      label(f0, r1, descr=target:L0)
      r6 = new_array(f0, 3.0)
      f7 = getarrayitem_f(r6, f0)
      call_n(5, f7, descr=call:keep)
      jump(f0, r1, descr=target:L0)
    `);
  });

  it('a guard between the allocation and its use carries the virtual; forced to fail it builds an equal object', () => {
    const text = `
      [i0, r1]
      label(i0, r1, descr=target:L0)
      f2 = getfield_f(r1, descr=Point.x)
      f3 = float_add(f2, 1.0)
      r4 = new(f3, i0, true, r1, descr=class:Point)
      r5 = new_array(r4, i0, 2.5)
      i6 = int_sub(i0, 1)
      i7 = int_gt(i6, 0)
      guard_true(i7, descr=guard:1) [i6, r5, r4]
      i8 = getfield_i(r4, descr=Point.n)
      i9 = int_add(i8, 1)
      setfield(r4, i9, descr=Point.n)
      guard_true(i7, descr=guard:2) [r4, i6]
      jump(i6, r1, descr=target:L0)
    `;
    expectOptimized(text, `
      [i0, r1]
      label(i0, r1, descr=target:L0)
      f2 = getfield_f(r1, descr=Point.x)
      f3 = float_add(f2, 1.0)
      i6 = int_sub(i0, 1)
      i7 = int_gt(i6, 0)
      guard_true(i7, descr=guard:1) [i6, null, null, i0, 2.5, f3, true, r1]
      i9 = int_add(i0, 1)
      guard_true(i7, descr=guard:2) [null, i6, f3, i9, true, r1]
      jump(i6, r1, descr=target:L0)
    `, `
      guard:1 [1] = array[[2], [3], [4]]
      guard:1 [2] = Point{x: [5], n: [3], b: [6], link: [7]}
      guard:2 [0] = Point{x: [2], n: [3], b: [4], link: [5]}
    `);
    const makeInputs = () => { const p = new Point(0.25, 1, false, null); p.link = p; return [3, p]; };
    expectSameRuns(text, makeInputs);
  });

  it('virtuals that reach each other (a cycle) are described and forced with a patch-up setfield', () => {
    const text = `
      [r0]
      label(r0, descr=target:L0)
      r1 = new(1.0, 1, true, r0, descr=class:Point)
      r2 = new(2.0, 2, false, r1, descr=class:Point)
      setfield(r1, r2, descr=Point.link)
      guard_true(true, descr=guard:1) [r1]
      call_n(r1, descr=call:keep)
      jump(r0, descr=target:L0)
    `;
    expectOptimized(text, `
      [r0]
      label(r0, descr=target:L0)
      r2 = new(2.0, 2, false, null, descr=class:Point)
      r1 = new(1.0, 1, true, r2, descr=class:Point)
      setfield(r2, r1, descr=Point.link)
      call_n(r1, descr=call:keep)
      jump(r0, descr=target:L0)
    `);
  });
});

describe('virtualize: where a virtual escapes', () => {
  it('into a call, allocated just before it (also before a call that can raise and its guard)', () => {
    expectOptimized(`
      [i0, r1]
      label(i0, r1, descr=target:L0)
      r2 = new(1.0, i0, true, r1, descr=class:Point)
      r3 = new(2.0, i0, false, r2, descr=class:Point)
      i4 = int_add(i0, 1)
      i5 = call_i(r3, descr=call:getN)
      i6 = call_i(i5, descr=call:checked)
      guard_no_exception(descr=guard:1) [r2, r2]
      jump(i6, r1, descr=target:L0)
    `, `
      [i0, r1]
      label(i0, r1, descr=target:L0)
      i4 = int_add(i0, 1)
      r2 = new(1.0, i0, true, r1, descr=class:Point)
      r3 = new(2.0, i0, false, r2, descr=class:Point)
      i5 = call_i(r3, descr=call:getN)
      i6 = call_i(i5, descr=call:checked)
      guard_no_exception(descr=guard:1) [r2, r2]
      jump(i6, r1, descr=target:L0)
    `);
  });

  it('a virtual twice among one guard\'s failArgs is allocated before the guard (there is no way to say "same object")', () => {
    expectOptimized(`
      [i0, r1]
      label(i0, r1, descr=target:L0)
      r2 = new(1.0, i0, true, r1, descr=class:Point)
      r3 = new(2.0, i0, false, r2, descr=class:Point)
      i4 = call_i(i0, descr=call:checked)
      guard_no_exception(descr=guard:1) [r2, r3]
      r5 = getfield_r(r3, descr=Point.link)
      guard_true(true, descr=guard:2) []
      guard_false(false, descr=guard:3) [r3]
      guard_true(false, descr=guard:4) [r5, r2]
      jump(i4, r1, descr=target:L0)
    `, `
      [i0, r1]
      label(i0, r1, descr=target:L0)
      i4 = call_i(i0, descr=call:checked)
      guard_no_exception(descr=guard:1) [null, null, 1.0, i0, true, r1, 2.0, false]
      r2 = new(1.0, i0, true, r1, descr=class:Point)
      guard_true(false, descr=guard:4) [r2, r2]
      jump(i4, r1, descr=target:L0)
    `, `
      guard:1 [0] = Point{x: [2], n: [3], b: [4], link: [5]}
      guard:1 [1] = Point{x: [6], n: [3], b: [7], link: [0]}
    `);
  });

  it('stored into a real object (the input), with its own fields set first', () => {
    expectOptimized(`
      [r0]
      label(r0, descr=target:L0)
      r1 = new(1.0, 1, true, r0, descr=class:Point)
      r2 = new(2.0, 2, false, r1, descr=class:Point)
      setfield(r1, 9, descr=Point.n)
      setfield(r0, r2, descr=Point.link)
      setfield(r2, 3, descr=Point.n)
      jump(r0, descr=target:L0)
    `, `
      [r0]
      label(r0, descr=target:L0)
      r1 = new(1.0, 9, true, r0, descr=class:Point)
      r2 = new(2.0, 2, false, r1, descr=class:Point)
      setfield(r0, r2, descr=Point.link)
      setfield(r2, 3, descr=Point.n)
      jump(r0, descr=target:L0)
    `);
  });

  it('through a jump to the trace\'s own first label, to another trace\'s label, and through finish', () => {
    expectOptimized(`
      [f0]
      label(f0, descr=target:L0)
      r1 = new(f0, descr=class:W_Int)
      jump(r1, descr=target:Other)
    `, `
      [f0]
      label(f0, descr=target:L0)
      r1 = new(f0, descr=class:W_Int)
      jump(r1, descr=target:Other)
    `);
    expectOptimized(`
      [r0]
      label(r0, descr=target:L0)
      f1 = getfield_f(r0, descr=W_Int.intval)
      f2 = float_add(f1, 1.0)
      r3 = new(f2, descr=class:W_Int)
      jump(r3, descr=target:L0)
    `, `
      [r0]
      label(r0, descr=target:L0)
      f1 = getfield_f(r0, descr=W_Int.intval)
      f2 = float_add(f1, 1.0)
      r3 = new(f2, descr=class:W_Int)
      jump(r3, descr=target:L0)
    `);
    expectOptimized(`
      [f0]
      label(f0, descr=target:L0)
      r1 = new(f0, descr=class:W_Int)
      r2 = new_array(r1)
      finish(r2, descr=exit:done)
    `, `
      [f0]
      label(f0, descr=target:L0)
      r1 = new(f0, descr=class:W_Int)
      r2 = new_array(r1)
      finish(r2, descr=exit:done)
    `);
  });

  it('reading a field the trace never set forces (the constructor default is unknown); so does any op it does not model', () => {
    expectOptimized(`
      [f0, r1]
      label(f0, r1, descr=target:L0)
      r2 = new(f0, descr=class:Cell)
      setfield(r2, r1, descr=Cell.cache)
      r3 = getfield_r(r2, descr=Cell.cache)
      r4 = new(f0, descr=class:Cell)
      r5 = getfield_r(r4, descr=Cell.cache)
      r6 = new(f0, descr=class:W_Int)
      f7 = unbox_float(r6)
      call_n(r3, r5, f7, descr=call:keep)
      jump(f0, r1, descr=target:L0)
    `, `
      [f0, r1]
      label(f0, r1, descr=target:L0)
      r4 = new(f0, descr=class:Cell)
      r5 = getfield_r(r4, descr=Cell.cache)
      r6 = new(f0, descr=class:W_Int)
      f7 = unbox_float(r6)
      call_n(r1, r5, f7, descr=call:keep)
      jump(f0, r1, descr=target:L0)
    `);
  });

  it('a guard that always fails on a virtual (wrong class, isnull) keeps it, forced', () => {
    expectOptimized(`
      [f0]
      label(f0, descr=target:L0)
      r1 = new(f0, descr=class:W_Int)
      guard_class(r1, ConstPtr(Point), descr=guard:1) []
      jump(f0, descr=target:L0)
    `, `
      [f0]
      label(f0, descr=target:L0)
      r1 = new(f0, descr=class:W_Int)
      guard_class(r1, ConstPtr(Point), descr=guard:1) []
      jump(f0, descr=target:L0)
    `);
  });

  it('a guard without resume data cannot describe a virtual: it is allocated before the guard', () => {
    expectOptimized(`
      [f0]
      label(f0, descr=target:L0)
      r1 = new(f0, descr=class:W_Int)
      i2 = float_gt(f0, 0.0)
      guard_true(i2, descr=guard:1) [r1]
      jump(f0, descr=target:L0)
    `, `
      [f0]
      label(f0, descr=target:L0)
      i2 = float_gt(f0, 0.0)
      r1 = new(f0, descr=class:W_Int)
      guard_true(i2, descr=guard:1) [r1]
      jump(f0, descr=target:L0)
    `, '', false);
  });
});

describe('virtualize: loop-carried virtuals in a peeled loop', () => {
  // What unroll.ts makes of a loop that boxes a number in a W_Int (by hand).
  const peeled = (jumpArg: string, extra = '') => `
    [i0, r1]
    label(i0, r1, descr=target:L0)
    f2 = getfield_f(r1, descr=W_Int.intval)
    f3 = float_add(f2, 1.0)
    r4 = new(f3, descr=class:W_Int)
    i5 = int_sub(i0, 1)
    i6 = int_gt(i5, 0)
    guard_true(i6, descr=guard:1) [i5, r4]
    jump(i5, r4, descr=target:L0.loop)
    label(i7, r8, descr=target:L0.loop)
    f9 = getfield_f(r8, descr=W_Int.intval)
    f10 = float_add(f9, 1.0)
    r11 = new(f10, descr=class:W_Int)
    i12 = int_sub(i7, 1)
    i13 = int_gt(i12, 0)
    guard_true(i13, descr=guard:2) [i12, r11, r8]${extra}
    jump(i12, ${jumpArg}, descr=target:L0.loop)
  `;
  const inputs = () => [4, new W_Int(0.5)];

  it('both jumps and the label carry the field instead of the object: no allocation is left', () => {
    expectOptimized(peeled('r11'), `
      [i0, r1]
      label(i0, r1, descr=target:L0)
      f2 = getfield_f(r1, descr=W_Int.intval)
      f3 = float_add(f2, 1.0)
      i5 = int_sub(i0, 1)
      i6 = int_gt(i5, 0)
      guard_true(i6, descr=guard:1) [i5, null, f3]
      jump(i5, f3, descr=target:L0.loop)
      label(i7, f14, descr=target:L0.loop)
      f10 = float_add(f14, 1.0)
      i12 = int_sub(i7, 1)
      i13 = int_gt(i12, 0)
      guard_true(i13, descr=guard:2) [i12, null, null, f10, f14]
      jump(i12, f10, descr=target:L0.loop)
    `, `
      guard:1 [1] = W_Int{intval: [2]}
      guard:2 [1] = W_Int{intval: [3]}
      guard:2 [2] = W_Int{intval: [4]}
    `);
    expectSameRuns(peeled('r11'), inputs);
  });

  it('when the loop passes something else (here the input object) the object is allocated before the loop', () => {
    expectOptimized(peeled('r1'), `
      [i0, r1]
      label(i0, r1, descr=target:L0)
      f2 = getfield_f(r1, descr=W_Int.intval)
      f3 = float_add(f2, 1.0)
      i5 = int_sub(i0, 1)
      i6 = int_gt(i5, 0)
      guard_true(i6, descr=guard:1) [i5, null, f3]
      r4 = new(f3, descr=class:W_Int)
      jump(i5, r4, descr=target:L0.loop)
      label(i7, r8, descr=target:L0.loop)
      f9 = getfield_f(r8, descr=W_Int.intval)
      f10 = float_add(f9, 1.0)
      i12 = int_sub(i7, 1)
      i13 = int_gt(i12, 0)
      guard_true(i13, descr=guard:2) [i12, null, r8, f10]
      jump(i12, r1, descr=target:L0.loop)
    `, `
      guard:1 [1] = W_Int{intval: [2]}
      guard:2 [1] = W_Int{intval: [3]}
    `);
    expectSameRuns(peeled('r1'), inputs);
  });

  it('a carried object that escapes inside the loop is allocated there, and still carried in', () => {
    const text = peeled('r11', '\n    call_n(r8, descr=call:keep)');
    expectOptimized(text, `
      [i0, r1]
      label(i0, r1, descr=target:L0)
      f2 = getfield_f(r1, descr=W_Int.intval)
      f3 = float_add(f2, 1.0)
      i5 = int_sub(i0, 1)
      i6 = int_gt(i5, 0)
      guard_true(i6, descr=guard:1) [i5, null, f3]
      jump(i5, f3, descr=target:L0.loop)
      label(i7, f14, descr=target:L0.loop)
      f10 = float_add(f14, 1.0)
      i12 = int_sub(i7, 1)
      i13 = int_gt(i12, 0)
      guard_true(i13, descr=guard:2) [i12, null, null, f10, f14]
      r15 = new(f14, descr=class:W_Int)
      call_n(r15, descr=call:keep)
      jump(i12, f10, descr=target:L0.loop)
    `, `
      guard:1 [1] = W_Int{intval: [2]}
      guard:2 [1] = W_Int{intval: [3]}
      guard:2 [2] = W_Int{intval: [4]}
    `);
    expectSameRuns(text, inputs);
  });

  it('a field both jumps pass the same value for (a constant, a value from before the loop) needs no label arg', () => {
    const text = `
      [i0, f1]
      label(i0, f1, descr=target:L0)
      f2 = float_mul(f1, 2.0)
      r3 = new(1.0, descr=class:W_Int)
      r4 = new(f2, descr=class:W_Int)
      i5 = int_sub(i0, 1)
      i6 = int_gt(i5, 0)
      guard_true(i6, descr=guard:1) [i5, r3, r4]
      jump(i5, r3, r4, descr=target:L0.loop)
      label(i7, r8, r9, descr=target:L0.loop)
      f10 = getfield_f(r9, descr=W_Int.intval)
      r11 = new(1.0, descr=class:W_Int)
      r12 = new(f2, descr=class:W_Int)
      i13 = int_sub(i7, 1)
      i14 = int_gt(i13, 0)
      guard_true(i14, descr=guard:2) [i13, r8, f10]
      jump(i13, r11, r12, descr=target:L0.loop)
    `;
    expectOptimized(text, `
      [i0, f1]
      label(i0, f1, descr=target:L0)
      f2 = float_mul(f1, 2.0)
      i5 = int_sub(i0, 1)
      i6 = int_gt(i5, 0)
      guard_true(i6, descr=guard:1) [i5, null, null, 1.0, f2]
      jump(i5, descr=target:L0.loop)
      label(i7, descr=target:L0.loop)
      i13 = int_sub(i7, 1)
      i14 = int_gt(i13, 0)
      guard_true(i14, descr=guard:2) [i13, null, f2, 1.0]
      jump(i13, descr=target:L0.loop)
    `, `
      guard:1 [1] = W_Int{intval: [3]}
      guard:1 [2] = W_Int{intval: [4]}
      guard:2 [1] = W_Int{intval: [3]}
    `);
    expectSameRuns(text, () => [3, 0.75]);
  });

  it('a field the loop passes another constant for becomes a label arg after all (second attempt)', () => {
    const text = `
      [i0]
      label(i0, descr=target:L0)
      r1 = new(1.0, descr=class:W_Int)
      i2 = int_sub(i0, 1)
      jump(i2, r1, descr=target:L0.loop)
      label(i3, r4, descr=target:L0.loop)
      f5 = getfield_f(r4, descr=W_Int.intval)
      r6 = new(2.0, descr=class:W_Int)
      i7 = int_sub(i3, 1)
      i8 = int_gt(i7, 0)
      guard_true(i8, descr=guard:1) [i7, f5]
      jump(i7, r6, descr=target:L0.loop)
    `;
    expectOptimized(text, `
      [i0]
      label(i0, descr=target:L0)
      i2 = int_sub(i0, 1)
      jump(i2, 1.0, descr=target:L0.loop)
      label(i3, f9, descr=target:L0.loop)
      i7 = int_sub(i3, 1)
      i8 = int_gt(i7, 0)
      guard_true(i8, descr=guard:1) [i7, f9]
      jump(i7, 2.0, descr=target:L0.loop)
    `);
    expectSameRuns(text, () => [4]);
  });

  it('an object from before the loop that the loop uses is allocated before it (its fields change per iteration)', () => {
    const text = `
      [i0, f1]
      label(i0, f1, descr=target:L0)
      r2 = new(f1, descr=class:W_Int)
      i3 = int_sub(i0, 1)
      jump(i3, descr=target:L0.loop)
      label(i4, descr=target:L0.loop)
      f5 = getfield_f(r2, descr=W_Int.intval)
      f6 = float_add(f5, 1.0)
      setfield(r2, f6, descr=W_Int.intval)
      i7 = int_sub(i4, 1)
      i8 = int_gt(i7, 0)
      guard_true(i8, descr=guard:1) [i7, f6]
      jump(i7, descr=target:L0.loop)
    `;
    expectOptimized(text, `
      [i0, f1]
      label(i0, f1, descr=target:L0)
      i3 = int_sub(i0, 1)
      r2 = new(f1, descr=class:W_Int)
      jump(i3, descr=target:L0.loop)
      label(i4, descr=target:L0.loop)
      f5 = getfield_f(r2, descr=W_Int.intval)
      f6 = float_add(f5, 1.0)
      setfield(r2, f6, descr=W_Int.intval)
      i7 = int_sub(i4, 1)
      i8 = int_gt(i7, 0)
      guard_true(i8, descr=guard:1) [i7, f6]
      jump(i7, descr=target:L0.loop)
    `);
    expectSameRuns(text, () => [4, 0.5]);
  });

  it('nested carried virtuals: a Point whose link is a Point allocated in the same iteration', () => {
    const text = `
      [i0, r1]
      label(i0, r1, descr=target:L0)
      r2 = new(1.0, i0, true, r1, descr=class:Point)
      r3 = new(2.0, i0, false, r2, descr=class:Point)
      i4 = int_sub(i0, 1)
      i5 = int_gt(i4, 0)
      guard_true(i5, descr=guard:1) [i4, r3]
      jump(i4, r3, descr=target:L0.loop)
      label(i6, r7, descr=target:L0.loop)
      r8 = getfield_r(r7, descr=Point.link)
      i9 = getfield_i(r8, descr=Point.n)
      r10 = new(1.0, i9, true, r1, descr=class:Point)
      r11 = new(2.0, i6, false, r10, descr=class:Point)
      i12 = int_sub(i6, 1)
      i13 = int_gt(i12, 0)
      guard_true(i13, descr=guard:2) [i12, r11]
      jump(i12, r11, descr=target:L0.loop)
    `;
    expectOptimized(text, `
      [i0, r1]
      label(i0, r1, descr=target:L0)
      i4 = int_sub(i0, 1)
      i5 = int_gt(i4, 0)
      guard_true(i5, descr=guard:1) [i4, null, 2.0, i0, false, null, 1.0, true, r1]
      jump(i4, i0, i0, descr=target:L0.loop)
      label(i6, i14, i15, descr=target:L0.loop)
      i12 = int_sub(i6, 1)
      i13 = int_gt(i12, 0)
      guard_true(i13, descr=guard:2) [i12, null, 2.0, i6, false, null, 1.0, i15, true, r1]
      jump(i12, i6, i15, descr=target:L0.loop)
    `, `
      guard:1 [1] = Point{x: [2], n: [3], b: [4], link: [5]}
      guard:1 [5] = Point{x: [6], n: [3], b: [7], link: [8]}
      guard:2 [1] = Point{x: [2], n: [3], b: [4], link: [5]}
      guard:2 [5] = Point{x: [6], n: [7], b: [8], link: [9]}
    `);
    const makeInputs = () => { const p = new Point(0.5, 9, true, null); p.link = p; return [3, p]; };
    expectSameRuns(text, makeInputs);
  });
});

// ---- random traces heavy in allocations: points, arrays, nesting, escapes ----

type Pool = { readonly f: Box[]; readonly i: Box[]; readonly p: Box[]; readonly fa: Box[]; readonly pa: Box[] };
const STEP = fc.record({ pick: fc.nat(), a: fc.nat(), b: fc.nat(), c: fc.nat(), mask: fc.nat(), x: fc.double({ noNaN: false }) });

/**
 * Loops over (counter, index, point) whose body allocates Points and two-item
 * arrays (of numbers, of Points), links them, reads and writes them with
 * constant and variable indices, compares them, guards on them and lets some
 * escape (calls, stores into the input, the jump). Every step keeps the run
 * defined: point-typed values always hold Points.
 */
type Step = typeof STEP extends fc.Arbitrary<infer T> ? T : never;

function allocationTrace(steps: readonly Step[]): Trace {
  const boxes = new BoxFactory();
  const ops: Op[] = [];
  const inputs = [boxes.box('i'), boxes.box('f'), boxes.box('r')];
  const pool: Pool = { f: [inputs[1]], i: [], p: [inputs[2]], fa: [], pa: [] };
  let guardId = 1;
  const at = <T>(xs: readonly T[], n: number): T => xs[n % xs.length];
  const emit = (opcode: Op['opcode'], args: Value[], kind: Box['kind'] | null, descr: Op['descr'] = null, failArgs: Value[] | null = null): Box | null => {
    const result = kind === null ? null : boxes.box(kind);
    ops.push({ opcode, args, result, descr, failArgs });
    return result;
  };
  const failArgs = (mask: number): Value[] => {
    const all = [...pool.p, ...pool.fa, ...pool.pa, ...pool.f, ...pool.i];
    return all.filter((_, k) => (mask >> (k % 30)) & 1);
  };
  const guard = (opcode: Op['opcode'], args: Value[], mask: number) => {
    const fa = failArgs(mask);
    const d: GuardDescr = { kind: 'guard', id: guardId++, resume: { frames: [], failArgs: fa, vable: null, virtuals: [] }, failures: 0, bridge: null };
    emit(opcode, args, null, d, fa);
  };
  const f = (n: number, x: number): Value => (n % 5 === 0 ? constOf('f', x) : at(pool.f, n));
  ops.push({ opcode: 'label', args: [...inputs], result: null, descr: LOOP, failArgs: null });
  for (const s of steps) {
    const p = at(pool.p, s.a);
    switch (s.pick % 15) {
      case 0: pool.p.push(emit('new', [f(s.b, s.x), constOf('i', s.c % 7), constOf('i', s.c % 2 === 0), at(pool.p, s.c)], 'r', POINT_CLASS)!); break;
      case 1: pool.fa.push(emit('new_array', [f(s.b, s.x), f(s.c, 1.5)], 'r')!); break;
      case 2: pool.pa.push(emit('new_array', [p, at(pool.p, s.b)], 'r')!); break;
      case 3: {
        const which = s.b % 3;
        if (which === 0) pool.f.push(emit('getfield_f', [p], 'f', POINT_FIELDS.x)!);
        else if (which === 1) pool.i.push(emit('getfield_i', [p], 'i', POINT_FIELDS.n)!);
        else pool.p.push(emit('getfield_r', [p], 'r', POINT_FIELDS.link)!);
        break;
      }
      case 4: {
        const which = s.b % 3;
        if (which === 0) emit('setfield', [p, f(s.c, s.x)], null, POINT_FIELDS.x);
        else if (which === 1) emit('setfield', [p, constOf('i', s.c % 9)], null, POINT_FIELDS.n);
        else emit('setfield', [p, at(pool.p, s.c)], null, POINT_FIELDS.link);
        break;
      }
      case 5: if (pool.fa.length > 0) pool.f.push(emit('getarrayitem_f', [at(pool.fa, s.b), s.c % 3 === 0 ? inputs[1] : constOf('f', s.c % 2)], 'f')!); break;
      case 6:
        if (s.c % 2 === 0 && pool.fa.length > 0) emit('setarrayitem', [at(pool.fa, s.b), constOf('f', s.c % 4 === 0 ? 0 : 1), f(s.a, s.x)], null);
        else if (pool.pa.length > 0) emit('setarrayitem', [at(pool.pa, s.b), constOf('f', s.c % 4 === 1 ? 0 : 1), p], null);
        break;
      case 7: if (pool.pa.length > 0) pool.p.push(emit('getarrayitem_r', [at(pool.pa, s.b), constOf('f', s.c % 2)], 'r')!); break;
      case 8: if (pool.fa.length > 0) pool.f.push(emit('arraylen', [at(pool.fa, s.b)], 'f')!); break;
      case 9: pool.i.push(emit(s.c % 2 === 0 ? 'ptr_eq' : 'ptr_ne', [p, at(pool.p, s.b)], 'i')!); break;
      case 10: if (pool.i.length > 0) guard(s.c % 2 === 0 ? 'guard_true' : 'guard_false', [at(pool.i, s.b)], s.mask); break;
      case 11: guard(s.c % 2 === 0 ? 'guard_nonnull' : 'guard_class', s.c % 2 === 0 ? [p] : [p, constOf('r', Point)], s.mask); break;
      case 12: emit('call_n', [s.c % 2 === 0 || pool.pa.length === 0 ? p : at(pool.pa, s.b)], null, KEEP); break;
      case 13: s.c % 2 === 0 ? emit('call_n', [p, constOf('i', 1)], null, CALLS.bump) : emit('setfield', [inputs[2], p], null, POINT_FIELDS.link); break;
      case 14: pool.f.push(emit('float_add', [f(s.b, s.x), f(s.c, 0.25)], 'f')!); break;
    }
  }
  const counter = emit('int_sub', [inputs[0], constOf('i', 1)], 'i')!;
  const more = emit('int_gt', [counter, constOf('i', 0)], 'i')!;
  guard('guard_true', [more], steps[steps.length - 1]?.mask ?? 0);
  ops.push({ opcode: 'jump', args: [counter, inputs[1], pool.p[pool.p.length - 1]], result: null, descr: LOOP, failArgs: null });
  return { name: 'allocation loop', inputs, ops };
}

const LOOP: TargetDescr = { kind: 'target', name: 'L0' };
const allocationRun = fc.record({
  steps: fc.array(STEP, { maxLength: 25 }),
  counter: fc.integer({ min: 0, max: 4 }),
  index: fc.integer({ min: 0, max: 3 }),
  x: fc.double(),
}).map(({ steps, counter, index, x }) => ({
  trace: allocationTrace(steps),
  makeInputs: () => { const p = new Point(x, 3, true, null); p.link = p; return [counter, index, p]; },
}));

const guardsOf = (t: Trace): GuardDescr[] => t.ops.filter((o) => o.descr?.kind === 'guard').map((o) => o.descr as GuardDescr);

describe('virtualize: random traces keep their meaning', () => {
  test.prop([randomRun(), fc.nat()], { numRuns: 500 })('alone, also with a guard forced to fail', ({ rt, makeInputs }, k) => {
    const before = snapshotsOf(rt.trace);
    const out = virtualize(rt.trace);
    verifyTrace(out);
    const guards = guardsOf(rt.trace);
    expectSameBehaviour(rt.trace, before, out, makeInputs, guards.length > 0 ? guards[k % guards.length] : null);
  });

  test.prop([allocationRun, fc.nat(), fc.boolean()], { numRuns: 500 })('allocation-heavy loops (arrays, nesting, cycles, escapes), alone and after peeling', ({ trace, makeInputs }, k, peel) => {
    const input = peel ? unrollPass.run(trace, contextFor(trace, 'loop')) : trace;
    verifyTrace(input);
    const before = snapshotsOf(input);
    const out = virtualize(input);
    verifyTrace(out);
    const guards = guardsOf(input);
    expectSameBehaviour(input, before, out, makeInputs, guards.length > 0 && k % 4 !== 0 ? guards[k % guards.length] : null);
  });

  test.prop([randomRun(), fc.nat()], { numRuns: 500 })('after loop peeling (loop-carried virtuals), also with a guard forced to fail', ({ rt, makeInputs }, k) => {
    const peeledTrace = unrollPass.run(rt.trace, contextFor(rt.trace, 'loop'));
    const before = snapshotsOf(peeledTrace);
    const out = virtualize(peeledTrace);
    verifyTrace(out);
    const guards = guardsOf(peeledTrace);
    expectSameBehaviour(peeledTrace, before, out, makeInputs, guards.length > 0 ? guards[k % guards.length] : null);
  });
});
