// Test support for the heap, guards and intbounds passes (shared by
// heap.test.ts, guards.test.ts and intbounds.test.ts):
//
// - expectOptimized: before/after pairs in trace text;
// - peel: turns a random loop `label(L0) body jump(L0)` into the shape loop
//   peeling gives, `label(L0) body label(L1) body' jump(L1)`, where body' may
//   use values of the first copy (a second label keeps them in scope);
// - randomHeapRun: random loops over aliasing arrays and objects with mutable
//   and immutable fields, allocations, calls with every effect, class and
//   instanceof tests (random-trace.ts has no arrays, immutable fields or
//   aliasing inputs).

import fc from 'fast-check';
import { expect } from 'vitest';
import { DescrRegistry } from '../../jit/ir/descr.js';
import type { CallDescr, ClassDescr, Descr, FieldDescr, GuardDescr, TargetDescr } from '../../jit/ir/descr.js';
import type { Kind, Opcode } from '../../jit/ir/ops.js';
import { parseTrace } from '../../jit/ir/parse.js';
import { ConstRegistry, printTrace } from '../../jit/ir/print.js';
import { BoxFactory, constOf } from '../../jit/ir/trace.js';
import type { Box, Op, Trace, Value } from '../../jit/ir/trace.js';
import { verifyTrace } from '../../jit/ir/verify.js';
import { contextFor, nextBoxId, type OptEnv, type OptPass } from '../../jit/opt/pass.js';
import { unrollPass } from '../../jit/opt/unroll.js';
import { expectSameBehaviour, snapshotsOf } from '../support/opt-equivalence.js';

// ---- before/after ------------------------------------------------------------

/** Parses both texts with the same registries, runs the pass on `before`, and compares the printed traces. */
export function expectOptimized(pass: OptPass, descrs: DescrRegistry, consts: ConstRegistry, before: string, after: string, env?: OptEnv): void {
  const input = parseTrace(before, descrs, consts);
  verifyTrace(input);
  const kind = input.ops[0]?.opcode === 'label' ? 'loop' : 'bridge';
  const output = pass.run(input, contextFor(input, kind, env));
  verifyTrace(output);
  expect(printTrace(output, consts)).toBe(printTrace(parseTrace(after, descrs, consts), consts));
}

// ---- property runs -------------------------------------------------------------

/** Runs `pass` on a trace and checks the verifier and the behaviour (with `force` failing). */
export function expectPassKeepsBehaviour(pass: OptPass, trace: Trace, makeInputs: () => unknown[], pick: number): Trace {
  const guards = trace.ops.filter((o) => o.descr?.kind === 'guard').map((o) => o.descr as GuardDescr);
  const before = snapshotsOf(trace);
  const out = pass.run(trace, contextFor(trace, 'loop'));
  verifyTrace(out);
  expectSameBehaviour(trace, before, out, makeInputs, null);
  const force = guards.length > 0 ? guards[pick % guards.length] : null;
  if (force) {
    // The first comparison restored the optimized snapshots; compare again with a guard forced.
    expectSameBehaviour(trace, before, out, makeInputs, force);
  }
  return out;
}

// ---- peeling -------------------------------------------------------------------

/** The trace as the unroll pass peels it (the real pipeline shape). */
export function unrolled(trace: Trace): Trace {
  return unrollPass.run(trace, contextFor(trace, 'loop'));
}

/**
 * The loop `label(in, L0) body jump(j, L0)` in the shape unroll.ts gives:
 * `label(in, L0) body jump(c, L1) label(p, L1) body' jump(c', L1)`. The second
 * label defines fresh boxes `p` (the phis) for the loop-carried positions; a
 * position whose jump arg is its own input or a constant may instead be fixed
 * (body' uses that value). body' is body renamed (fresh boxes and guard
 * descrs), except that some args (chosen by `bits`) keep naming the first
 * copy's box, which stays in scope. The last `keepTail` body ops (the loop
 * counter) are renamed exactly, so the loop still ends.
 */
export function peel(trace: Trace, bits: number, keepTail = 3): Trace {
  const ops = trace.ops;
  const head = ops[0];
  const jump = ops[ops.length - 1];
  if (head.opcode !== 'label' || jump.opcode !== 'jump' || jump.descr !== head.descr) return trace;
  const body = ops.slice(1, -1);
  const boxes = new BoxFactory(nextBoxId(trace));
  const rnd = mulberry(bits);
  const rename = new Map<number, Value>();
  const phis: Box[] = [];
  const entry: Value[] = [];
  jump.args.forEach((j, k) => {
    const input = head.args[k] as Box;
    const fixable = j.tag === 'const' || j.id === input.id;
    if (fixable && rnd() < 0.5) {
      rename.set(input.id, j);
    } else {
      const p = boxes.box(j.kind);
      phis.push(p);
      entry.push(j);
      rename.set(input.id, p);
    }
  });
  const target: TargetDescr = { kind: 'target', name: `${(head.descr as TargetDescr).name}.loop` };
  const out: Op[] = [
    head, ...body,
    { opcode: 'jump', args: entry, result: null, descr: target, failArgs: null },
    { opcode: 'label', args: phis, result: null, descr: target, failArgs: null },
  ];
  let nextGuard = 1 + Math.max(0, ...ops.map((o) => (o.descr?.kind === 'guard' ? o.descr.id : 0)));
  body.forEach((op, n) => {
    const tail = n >= body.length - keepTail;
    const map = (v: Value): Value => {
      if (v.tag !== 'box') return v;
      const r = rename.get(v.id);
      // Sometimes keep naming the first copy's box (in scope after the label).
      if (!tail && r !== undefined && rnd() < 0.25) return v;
      return r ?? v;
    };
    const args = op.args.map(map);
    const failArgs = op.failArgs?.map(map) ?? null;
    const result = op.result === null ? null : boxes.box(op.result.kind);
    if (op.result && result) rename.set(op.result.id, result);
    let descr: Descr | null = op.descr;
    if (descr?.kind === 'guard') {
      descr = { kind: 'guard', id: nextGuard++, resume: { frames: [], failArgs: failArgs!, vable: null, virtuals: [] }, failures: 0, bridge: null };
    }
    out.push({ opcode: op.opcode, args, result, descr, failArgs });
  });
  const exact = (v: Value): Value => (v.tag === 'box' ? rename.get(v.id) ?? v : v);
  out.push({ opcode: 'jump', args: entry.map(exact), result: null, descr: target, failArgs: null });
  return { ...trace, name: `${trace.name} (peeled)`, ops: out };
}

/** A small seeded PRNG (mulberry32), so a peel is reproducible from fast-check's number. */
function mulberry(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---- random heap traces --------------------------------------------------------

export class Cell {
  constructor(public v: number, readonly k: number, public next: Cell) {}
}
export class SubCell extends Cell {}
/** Shares the property name `v` with Cell: a different descriptor for the same property. */
export class Other {
  constructor(public v: number) {}
}

const fieldDescr = (owner: string, name: string, valueKind: 'f' | 'r', immutable: boolean): FieldDescr =>
  ({ kind: 'field', owner, name, valueKind, immutable, quasiImmutable: false });

export const CELL = {
  v: fieldDescr('Cell', 'v', 'f', false),
  k: fieldDescr('Cell', 'k', 'f', true),
  next: fieldDescr('Cell', 'next', 'r', false),
  otherV: fieldDescr('Other', 'v', 'f', false),
} as const;

const classDescr = (name: string, cls: typeof Cell): ClassDescr => ({
  kind: 'class', name, cls, ctorFields: [CELL.v, CELL.k, CELL.next],
  construct: (a) => new cls(a[0] as number, a[1] as number, a[2] as Cell),
});
export const CELL_CLASS = classDescr('Cell', Cell);
export const SUBCELL_CLASS = classDescr('SubCell', SubCell);
export const OTHER_CLASS: ClassDescr = { kind: 'class', name: 'Other', cls: Other, ctorFields: [CELL.otherV], construct: (a) => new Other(a[0] as number) };

const callDescr = (name: string, fn: (...a: never[]) => unknown, effect: CallDescr['effect'], resultKind: Kind): CallDescr =>
  ({ kind: 'call', name, fn, effect, canRaise: false, resultKind });

export const HEAP_CALLS = {
  /** Writes a cell's v and the array's first item. */
  poke: callDescr('poke', (c: Cell, a: number[]) => { c.v += 1; a[0] = c.v; }, 'write', 'v'),
  /** Reads without writing. */
  peek: callDescr('peek', (c: Cell, a: number[]) => c.v + a.length, 'readonly', 'f'),
  half: callDescr('half', (x: number) => x / 2, 'elidable', 'f'),
} as const;

/** Registries that resolve everything randomHeapTrace and the heap tests use. */
export function heapRegistries(): { descrs: DescrRegistry; consts: ConstRegistry } {
  const descrs = new DescrRegistry();
  for (const d of [...Object.values(CELL), CELL_CLASS, SUBCELL_CLASS, OTHER_CLASS, ...Object.values(HEAP_CALLS)]) descrs.add(d);
  const consts = new ConstRegistry();
  consts.add('Cell', Cell);
  consts.add('SubCell', SubCell);
  consts.add('Other', Other);
  consts.add('Array', Array);
  return { descrs, consts };
}

type T = 'int' | 'bool' | 'float' | 'cell' | 'arr';
const KIND_OF: Record<T, Exclude<Kind, 'v'>> = { int: 'i', bool: 'i', float: 'f', cell: 'r', arr: 'r' };
/** Inputs: counter, two arrays and two cells (each pair maybe the same object), a float. */
const INPUTS: readonly T[] = ['int', 'arr', 'arr', 'cell', 'cell', 'float'];

interface Step { readonly pick: number; readonly a: number; readonly b: number; readonly c: number; readonly mask: number }
const STEP: fc.Arbitrary<Step> = fc.record({ pick: fc.nat(), a: fc.nat(), b: fc.nat(), c: fc.nat(), mask: fc.nat() });
const INDEX_CONSTS = [0, 1, 2, 3, 5, -0, 1.5];
const FLOAT_CONSTS = [0, -0, 1, 2.5, -3, 255, 256, NaN, Infinity, 1e300];

/** Builds one random heap loop from steps. */
class HeapBuilder {
  private readonly boxes = new BoxFactory();
  private readonly ops: Op[] = [];
  private readonly scope: { box: Box; type: T }[] = [];
  private nextGuard = 1;

  build(steps: readonly Step[]): Trace {
    const inputs = INPUTS.map((t) => this.define(t));
    const target: TargetDescr = { kind: 'target', name: 'L0' };
    this.ops.push({ opcode: 'label', args: [...inputs], result: null, descr: target, failArgs: null });
    for (const s of steps) this.step(s);
    const carried = INPUTS.map((t, k) => (k === 0 ? inputs[0] : this.nth(t, k * 7) ?? inputs[k]));
    const counter = this.emit('int_sub', [inputs[0], constOf('i', 1)], 'int')!;
    const more = this.emit('int_gt', [counter, constOf('i', 0)], 'bool')!;
    this.guard('guard_true', [more], steps.length ? steps[steps.length - 1].mask : 0);
    this.ops.push({ opcode: 'jump', args: carried.map((b, k) => (k === 0 ? counter : b)), result: null, descr: target, failArgs: null });
    return { name: 'random heap loop', inputs, ops: this.ops };
  }

  private define(t: T): Box {
    const box = this.boxes.box(KIND_OF[t]);
    this.scope.push({ box, type: t });
    return box;
  }

  private emit(opcode: Opcode, args: Value[], t: T | null, descr: Descr | null = null): Box | null {
    const result = t === null ? null : this.define(t);
    this.ops.push({ opcode, args, result, descr, failArgs: null });
    return result;
  }

  private nth(t: T, n: number): Box | null {
    const of = this.scope.filter((e) => e.type === t);
    return of.length === 0 ? null : of[n % of.length].box;
  }

  private float(n: number): Value {
    const b = this.nth('float', n >> 2);
    return b !== null && n % 4 !== 0 ? b : constOf('f', FLOAT_CONSTS[n % FLOAT_CONSTS.length]);
  }

  private index(n: number): Value {
    if (n % 3 === 0) {
      // An integral index box: int_to_float(int_and(i, 3)) from some int.
      const i = this.nth('int', n);
      const masked = this.emit('int_and', [i!, constOf('i', 3)], 'int')!;
      return this.emit('int_to_float', [masked], 'float')!;
    }
    return constOf('f', INDEX_CONSTS[n % INDEX_CONSTS.length]);
  }

  private guard(opcode: Opcode, args: Value[], mask: number): void {
    const failArgs: Value[] = [];
    const n = this.scope.length;
    for (let k = 0; k < Math.min(n, 20); k++) if (mask & (1 << k)) failArgs.push(this.scope[n - 1 - k].box);
    const descr: GuardDescr = { kind: 'guard', id: this.nextGuard++, resume: { frames: [], failArgs, vable: null, virtuals: [] }, failures: 0, bridge: null };
    this.ops.push({ opcode, args, result: null, descr, failArgs });
  }

  private step(s: Step): void {
    const cell = this.nth('cell', s.b)!;
    const arr = this.nth('arr', s.b)!;
    // Heap ops come up twice as often as the rest.
    switch ([0, 0, 1, 1, 2, 3, 4, 5, 5, 6, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15][s.pick % 20]) {
      case 0: this.emit('getfield_f', [cell], 'float', [CELL.v, CELL.k, CELL.otherV][s.a % 3]); break;
      case 1: this.emit('setfield', [cell, this.float(s.c)], null, s.a % 3 === 0 ? CELL.otherV : CELL.v); break;
      case 2: this.emit('getfield_r', [cell], 'cell', CELL.next); break;
      case 3: this.emit('setfield', [cell, this.nth('cell', s.c)!], null, CELL.next); break;
      case 4: this.emit('new', [this.float(s.a), this.float(s.c), this.nth('cell', s.c)!], 'cell', s.a % 2 ? SUBCELL_CLASS : CELL_CLASS); break;
      case 5: this.emit(`getarrayitem_f`, [arr, this.index(s.a)], 'float'); break;
      case 6: this.emit('setarrayitem', [arr, this.index(s.a), this.float(s.c)], null); break;
      case 7: this.emit('arraylen', [arr], 'float'); break;
      case 8: this.emit('new_array', [this.float(s.a), this.float(s.c)].slice(0, 1 + (s.a % 2)), 'arr'); break;
      case 9: {
        const call = [HEAP_CALLS.poke, HEAP_CALLS.peek, HEAP_CALLS.half][s.a % 3];
        if (call === HEAP_CALLS.half) this.emit('call_f', [this.float(s.c)], 'float', call);
        else this.emit(call === HEAP_CALLS.poke ? 'call_n' : 'call_f', [cell, arr], call === HEAP_CALLS.poke ? null : 'float', call);
        break;
      }
      case 10: {
        const cmp = (['float_lt', 'float_le', 'float_gt', 'float_ge', 'float_eq', 'float_ne'] as const)[s.a % 6];
        const b = this.emit(cmp, [this.float(s.b), this.float(s.c)], 'bool')!;
        if (s.mask % 4 === 0) this.guard(s.mask % 8 ? 'guard_true' : 'guard_false', [b], s.mask >> 3);
        break;
      }
      case 11: {
        const x = s.a % 2 ? cell : arr;
        const cls = s.a % 4 < 2 ? Cell : SubCell;
        if (s.c % 3 === 0) this.guard('guard_class', [x, constOf('r', s.a % 2 ? cls : Array)], s.mask);
        else if (s.c % 3 === 1) this.guard('guard_nonnull', [x], s.mask);
        else {
          const b = this.emit('instanceof', [x], 'bool', s.a % 4 < 2 ? CELL_CLASS : SUBCELL_CLASS)!;
          this.guard(s.mask % 2 ? 'guard_true' : 'guard_false', [b], s.mask >> 1);
        }
        break;
      }
      case 12: {
        const x = s.a % 2 ? cell : arr;
        const y = s.c % 3 === 0 ? constOf('r', null) : s.a % 2 ? this.nth('cell', s.c)! : this.nth('arr', s.c)!;
        const b = this.emit(s.a % 4 < 2 ? 'ptr_eq' : 'ptr_ne', [x, y], 'bool')!;
        if (s.mask % 4 === 0) this.guard(s.mask % 8 ? 'guard_true' : 'guard_false', [b], s.mask >> 3);
        break;
      }
      case 13: {
        const i = this.nth('int', s.a)!;
        const ops = ['int_add', 'int_and', 'int_sub', 'int_or'] as const;
        const r = this.emit(ops[s.c % 4], [i, s.b % 2 ? constOf('i', (s.b % 300) - 20) : this.nth('int', s.b)!], 'int')!;
        if (s.mask % 4 === 0) {
          const b = this.emit((['int_lt', 'int_eq', 'int_ge'] as const)[(s.mask >> 2) % 3], [r, constOf('i', (s.c % 20) - 5)], 'bool')!;
          this.guard((s.mask >> 4) % 2 ? 'guard_true' : 'guard_false', [b], s.mask >> 5);
        }
        break;
      }
      case 14: {
        const f = this.emit(s.a % 2 ? 'int_to_float' : 'uint_to_float', [this.nth('int', s.b)!], 'float')!;
        this.emit(s.c % 2 ? 'float_add' : 'float_mul', [f, this.float(s.c)], 'float');
        break;
      }
      case 15: this.emit('debug_merge_point', [], null, { kind: 'loc', text: `step ${this.ops.length}` }); break;
    }
  }
}

export interface HeapRun { readonly trace: Trace; readonly makeInputs: () => unknown[] }

/** Random heap loops and fresh inputs for them (arrays and cells alias when the flags say so). */
export function randomHeapRun(maxSteps = 40): fc.Arbitrary<HeapRun> {
  const inputs = fc.record({
    counter: fc.integer({ min: 0, max: 5 }),
    a: fc.array(fc.double(), { minLength: 4, maxLength: 4 }),
    sameArrays: fc.boolean(),
    sameCells: fc.boolean(),
    v: fc.double(),
    k: fc.integer({ min: -5, max: 5 }),
    f: fc.double(),
  });
  return fc.record({ steps: fc.array(STEP, { maxLength: maxSteps, size: 'max' }), seed: inputs }).map(({ steps, seed }) => ({
    trace: new HeapBuilder().build(steps),
    makeInputs: () => {
      const a = seed.a.slice();
      const b = seed.sameArrays ? a : seed.a.map((x) => x * 2);
      const p = new Cell(seed.v, seed.k, null as unknown as Cell);
      const q = seed.sameCells ? p : new SubCell(seed.v + 1, seed.k + 1, p);
      p.next = q;
      return [seed.counter, a, b, p, q, seed.f];
    },
  }));
}
