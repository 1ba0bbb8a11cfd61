// Every op of the trace table, one at a time, on the wasm backend and on the
// reference backend, over values chosen to hit the corners of JS semantics:
// -0, NaN, infinities, integers at 2^31, 2^32, 2^53, 2^63 and beyond (fmod,
// ToInt32), booleans vs numbers in `i` values (they must come back as they
// were), null vs undefined, strings, objects. Each trace is
//
//   [x0, x1, ...]  label(...)  r = OP(args)  finish(r)     (args: boxes, or constants)
//
// and the result, the exit and the effects on the argument objects must be
// identical (Object.is, objects compared structurally), with both encoders.
// `SPECS` has a row for every opcode, so a new op shows up here as a compile error.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Backend, TraceExit } from '../../jit/backend.js';
import { RefBackend } from '../../jit/backend-ref/ref-backend.js';
import type { CallDescr, ClassDescr, Descr, ExitDescr, FieldDescr, GuardDescr, TargetDescr } from '../../jit/ir/descr.js';
import { argKinds, OPS, type Kind, type Opcode } from '../../jit/ir/ops.js';
import { BoxFactory, constOf } from '../../jit/ir/trace.js';
import type { Op, Trace, Value } from '../../jit/ir/trace.js';
import { WasmBackend } from '../../wasm-backend/wasm-backend.js';

// ---------------------------------------------------------------- values

class Cell {
  constructor(public i: unknown, public f: number, public r: unknown) {}
}
class Other {}

/** Plain data from which each run builds fresh objects, so both backends get equal, separate heaps. */
type Seed = unknown | { readonly cell: readonly [Seed, Seed, Seed] } | { readonly array: readonly Seed[] } | { readonly other: true };

const isObj = (s: unknown): s is Record<string, unknown> => typeof s === 'object' && s !== null;
function materialize(s: Seed): unknown {
  if (!isObj(s)) return s;
  if ('cell' in s) { const [i, f, r] = s.cell as Seed[]; return new Cell(materialize(i), materialize(f) as number, materialize(r)); }
  if ('array' in s) return (s.array as Seed[]).map(materialize);
  return new Other();
}

const SPECIAL_INTS = [0, 1, -1, 2, 3, 7, 31, 32, 33, -32, 0x7fff, 2 ** 31 - 1, -(2 ** 31), 0x55555555, -0x55555556];
const INT = fc.oneof(fc.constantFrom(...SPECIAL_INTS), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }));
const BOOL = fc.boolean();
const INT_OR_BOOL = fc.oneof(INT, BOOL);
const SPECIAL_FLOATS = [
  0, -0, NaN, Infinity, -Infinity, 1, -1, 0.5, -0.5, 1.5, -2.5, 3, -3, 7, -7, 10, 2 ** 31, -(2 ** 31), 2 ** 31 - 1, -(2 ** 31) - 1,
  2 ** 32, 2 ** 32 + 0.5, -(2 ** 32) - 3, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 2 ** 53 - 1, 2 ** 63, -(2 ** 63), 2 ** 64, 2 ** 84, 2 ** 84 + 2 ** 33,
  2 ** 70 + 2 ** 20, 1e300, -1e300, 5e-324, -5e-324, 0.1, 1 / 3,
];
const FLOAT = fc.oneof(
  fc.constantFrom(...SPECIAL_FLOATS),
  fc.integer({ min: -1000, max: 1000 }),
  fc.integer().map((x) => x * 2 ** 20),
  fc.double(),
);
const STRING = fc.constantFrom('', 'a', 'abc', 'héllo', '\u{1F600}');
const R_PRIM = fc.oneof(fc.constantFrom(null, undefined, true, false, 0, -0, NaN, 1.5, 42), STRING);
const R_ANY: fc.Arbitrary<Seed> = fc.oneof(R_PRIM, fc.constant({ other: true }), fc.constant({ array: [1, 'x'] }));
const CELL: fc.Arbitrary<Seed> = fc.tuple(INT_OR_BOOL, FLOAT, R_ANY).map((cell) => ({ cell }));
const ARRAY = (item: fc.Arbitrary<Seed>) => fc.array(item, { minLength: 1, maxLength: 4 }).map((array) => ({ array }));
// Items of kind i and f are int32/boolean and number: only indices inside the array (the shortest has one item).
const INDEX = fc.constantFrom(0, -0);
const ANY_INDEX = fc.oneof(fc.constantFrom(0, 1, 2, 3, 5, -1, 0.5, NaN), fc.integer({ min: 0, max: 4 }));

// ---------------------------------------------------------------- descriptors

const fieldI: FieldDescr = { kind: 'field', owner: 'Cell', name: 'i', valueKind: 'i', immutable: false, quasiImmutable: false };
const fieldF: FieldDescr = { kind: 'field', owner: 'Cell', name: 'f', valueKind: 'f', immutable: false, quasiImmutable: false };
const fieldR: FieldDescr = { kind: 'field', owner: 'Cell', name: 'r', valueKind: 'r', immutable: false, quasiImmutable: false };
const cellClass: ClassDescr = {
  kind: 'class', name: 'Cell', cls: Cell, ctorFields: [fieldI, fieldF, fieldR],
  construct: (a) => new Cell(a[0], a[1] as number, a[2]),
};
const call = (name: string, resultKind: Kind, fn: (...a: never[]) => unknown, canRaise = false): CallDescr =>
  ({ kind: 'call', name, fn, effect: 'write', canRaise, resultKind });
const callI = call('ident', 'i', (x: unknown) => x);
const callF = call('diff', 'f', (a: number, b: number) => a - b);
const callR = call('triple', 'r', (a: unknown, b: unknown, c: unknown) => [a, b, c]);
const callN = call('store', 'v', (o: Cell, v: unknown) => { o.r = v; });
const callRaise = call('mayRaise', 'i', (x: number) => { if (x % 3 === 0) throw new RangeError(`bad ${x}`); return x > 0; }, true);
const done: ExitDescr = { kind: 'exit', name: 'done', greens: [] };

// ---------------------------------------------------------------- the table

interface Spec {
  readonly args: readonly fc.Arbitrary<Seed>[];
  /** Kinds of the args where the op's signature leaves them open ('.'). */
  readonly kinds?: readonly Kind[];
  /** Instead of `args`: values with their kinds. */
  readonly gen?: fc.Arbitrary<{ readonly seeds: Seed[]; readonly kinds: Kind[] }>;
  readonly descr?: Descr;
  /** Trace shape other than `r = op(args); finish(r)`. */
  readonly shape?: 'guard' | 'raise';
}

const ii = (a = INT, b = INT): Spec => ({ args: [a, b] });
const ff: Spec = { args: [FLOAT, FLOAT] };
const f1: Spec = { args: [FLOAT] };
const guardSpec = (args: fc.Arbitrary<Seed>[], kinds?: Kind[]): Spec => ({ args, kinds, shape: 'guard' });
const EQ_PAIRS = fc.oneof(fc.tuple(INT, INT), fc.tuple(BOOL, BOOL), fc.tuple(INT, BOOL), fc.tuple(BOOL, INT), INT.map((x) => [x, x] as const));

const SPECS: Record<Opcode, Spec | 'elsewhere'> = {
  int_add: ii(), int_sub: ii(), int_mul: ii(), int_and: ii(), int_or: ii(), int_xor: ii(),
  int_shl: ii(), int_shr: ii(), int_ushr: ii(), int_not: { args: [INT] }, int_neg: { args: [INT] },
  int_lt: ii(), int_le: ii(), int_gt: ii(), int_ge: ii(),
  int_eq: { args: [EQ_PAIRS.map((p) => p[0]), EQ_PAIRS.map((p) => p[1])] },
  int_ne: { args: [INT_OR_BOOL, INT_OR_BOOL] },
  bool_not: { args: [INT_OR_BOOL] },
  float_add: ff, float_sub: ff, float_mul: ff, float_div: ff, float_mod: ff, float_pow: ff,
  float_neg: f1, float_abs: f1, float_floor: f1, float_ceil: f1, float_trunc: f1, float_sqrt: f1, float_min: ff, float_max: ff,
  float_lt: ff, float_le: ff, float_gt: ff, float_ge: ff, float_eq: ff, float_ne: ff, float_is_true: f1, float_is_integer: f1, float_is_int32: f1,
  float_to_int32: f1, int_to_float: { args: [INT] }, uint_to_float: { args: [INT] },
  box_float: f1, unbox_float: { args: [FLOAT], kinds: ['r'] },
  box_int: { args: [INT_OR_BOOL] }, unbox_int: { args: [INT_OR_BOOL], kinds: ['r'] },
  ptr_eq: { args: [R_ANY, R_PRIM] }, ptr_ne: { args: [R_PRIM, R_ANY] },
  ref_is_true: { args: [R_ANY] }, ref_typeof: { args: [R_ANY] },
  instanceof: { args: [fc.oneof(R_ANY, CELL)], descr: cellClass },
  str_len: { args: [STRING] }, str_charcode: { args: [STRING, FLOAT] },
  str_lt: { args: [STRING, STRING] }, str_le: { args: [STRING, STRING] },
  str_concat: { args: [fc.oneof(STRING, R_PRIM), R_PRIM] }, str_from_float: f1,
  getfield_i: { args: [CELL], descr: fieldI }, getfield_f: { args: [CELL], descr: fieldF }, getfield_r: { args: [CELL], descr: fieldR },
  setfield: { args: [CELL, INT_OR_BOOL], descr: fieldI },
  getarrayitem_i: { args: [ARRAY(INT_OR_BOOL), INDEX] }, getarrayitem_f: { args: [ARRAY(FLOAT), INDEX] }, getarrayitem_r: { args: [ARRAY(R_ANY), ANY_INDEX] },
  setarrayitem: { args: [ARRAY(R_ANY), ANY_INDEX, INT_OR_BOOL], kinds: ['r', 'f', 'i'] },
  arraylen: { args: [ARRAY(R_ANY)] },
  new: { args: [INT_OR_BOOL, FLOAT, R_ANY], kinds: ['i', 'f', 'r'], descr: cellClass },
  new_array: { args: [INT_OR_BOOL, FLOAT, R_ANY, BOOL], kinds: ['i', 'f', 'r', 'i'] },
  call_i: { args: [INT_OR_BOOL], kinds: ['r'], descr: callI },
  call_f: { args: [FLOAT, FLOAT], kinds: ['f', 'f'], descr: callF },
  call_r: { args: [INT_OR_BOOL, FLOAT, R_ANY], kinds: ['i', 'f', 'r'], descr: callR },
  call_n: { args: [CELL, INT_OR_BOOL], kinds: ['r', 'i'], descr: callN },
  guard_true: guardSpec([INT_OR_BOOL]), guard_false: guardSpec([INT_OR_BOOL]),
  guard_value: {
    args: [], shape: 'guard',
    gen: fc.oneof(
      fc.tuple(INT_OR_BOOL, INT_OR_BOOL).map((seeds) => ({ seeds, kinds: ['i', 'i'] as Kind[] })),
      fc.tuple(FLOAT, fc.constantFrom(0, -0, NaN, 1.5, Infinity, 3)).map((seeds) => ({ seeds, kinds: ['f', 'f'] as Kind[] })),
      fc.tuple(R_ANY, fc.constantFrom(null, undefined, 'a', -0, 0, NaN, true)).map((seeds) => ({ seeds, kinds: ['r', 'r'] as Kind[] })),
    ),
  },
  guard_class: guardSpec([fc.oneof(R_ANY, CELL), fc.constantFrom(Cell, Other, Array)], ['r', 'r']),
  guard_nonnull: guardSpec([R_ANY]), guard_isnull: guardSpec([R_ANY]),
  guard_no_exception: { args: [INT], descr: callRaise, shape: 'raise' },
  guard_not_invalidated: 'elsewhere', // wasm.test.ts and the contract tests
  label: 'elsewhere', jump: 'elsewhere', finish: 'elsewhere', debug_merge_point: 'elsewhere',
  typed_index_ok: 'elsewhere', // typed-heap.test.ts, on every kind of typed array
};

// ---------------------------------------------------------------- running

let nextId = 0;
const kindOf = (s: Seed): Kind => (typeof s === 'boolean' || (typeof s === 'number' && Number.isInteger(s) && (s | 0) === s && !Object.is(s, -0)) ? 'i' : typeof s === 'number' ? 'f' : 'r');

/** The trace for an op with args of these kinds; `consts[k]` (when not undefined-marked) makes arg k a constant. */
function buildTrace(opcode: Opcode, kinds: readonly Kind[], consts: readonly ({ v: unknown } | null)[], spec: Spec): Trace {
  const boxes = new BoxFactory();
  const inputs = kinds.flatMap((k, n) => (consts[n] === null ? [boxes.box(k as 'i' | 'f' | 'r')] : []));
  let next = 0;
  const args: Value[] = kinds.map((k, n) => (consts[n] === null ? inputs[next++] : constOf(k as 'i' | 'f' | 'r', consts[n]!.v)));
  const target: TargetDescr = { kind: 'target', name: `T${nextId++}` };
  const guard: GuardDescr = { kind: 'guard', id: nextId++, resume: null, failures: 0, bridge: null };
  const ops: Op[] = [{ opcode: 'label', args: [...inputs], result: null, descr: target, failArgs: null }];
  const info = OPS[opcode];
  if (spec.shape === 'guard') {
    ops.push({ opcode, args, result: null, descr: guard, failArgs: [...args] });
    ops.push({ opcode: 'finish', args: [...args], result: null, descr: done, failArgs: null });
  } else if (spec.shape === 'raise') {
    const r = boxes.box('i');
    ops.push({ opcode: 'call_i', args, result: r, descr: callRaise, failArgs: null });
    ops.push({ opcode: 'guard_no_exception', args: [], result: null, descr: guard, failArgs: [r, ...args] });
    ops.push({ opcode: 'finish', args: [r], result: null, descr: done, failArgs: null });
  } else {
    const result = info.result === 'v' ? null : boxes.box(info.result);
    ops.push({ opcode, args, result, descr: spec.descr ?? null, failArgs: null });
    ops.push({ opcode: 'finish', args: result === null ? [...args] : [result, ...args], result: null, descr: done, failArgs: null });
  }
  return { name: `${opcode} test`, inputs, ops };
}

interface Outcome { exit: TraceExit | null; thrown: unknown; args: unknown[] }

function runOnce(backend: Backend, trace: Trace, seeds: readonly Seed[], consts: readonly ({ v: unknown } | null)[]): Outcome {
  const args = seeds.map(materialize);
  const inputs = args.filter((_, k) => consts[k] === null);
  try {
    return { exit: backend.compileLoop(trace).run(inputs), thrown: null, args };
  } catch (e) {
    return { exit: null, thrown: e, args };
  }
}

function same(a: unknown, b: unknown, pairs = new Map<unknown, unknown>()): boolean {
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    if (pairs.has(a)) return pairs.get(a) === b;
    pairs.set(a, b);
    if (a.constructor !== b.constructor) return false;
    if (a instanceof Error) return a.message === (b as Error).message;
    if (a === done || ((a as { kind?: string }).kind === 'guard' && 'resume' in a)) return a === b;
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], pairs));
  }
  return Object.is(a, b);
}

function check(opcode: Opcode, spec: Spec, seeds: readonly Seed[], kinds: readonly Kind[], constMask: number): void {
  // Constants: only primitives (a constant object would be shared by both runs) of a kind the verifier accepts.
  const consts = seeds.map((s, k) => {
    const wantConst = (constMask >> k) & 1 || (opcode === 'guard_value' && k === 1) || (opcode === 'guard_class' && k === 1);
    if (!wantConst || (isObj(s) && typeof s !== 'function')) return null;
    if (kinds[k] === 'i' && kindOf(s) !== 'i') return null;
    return { v: s };
  });
  const trace = buildTrace(opcode, kinds, consts, spec);
  const expected = runOnce(new RefBackend(), trace, seeds, consts);
  const got = runOnce(new WasmBackend((constMask & 1) === 0 ? {} : { encoder: 'binaryen', validate: true }), trace, seeds, consts);
  const show = (o: Outcome) => (o.exit === null ? `threw ${String(o.thrown)}` : `${o.exit.kind} ${JSON.stringify(o.exit.values, (_k, v) => (Object.is(v, -0) ? '-0' : typeof v === 'number' && !Number.isFinite(v) ? String(v) : v === undefined ? 'undefined' : v))}`);
  expect(same(expected, got), `${opcode}(${seeds.map((s) => (Object.is(s, -0) ? '-0' : JSON.stringify(s) ?? String(s))).join(', ')}) consts=${constMask}: ref ${show(expected)}, wasm ${show(got)}`).toBe(true);
}

/** The corner values of the primitive arbitraries, for the exhaustive pass. */
const SPECIALS = new Map<fc.Arbitrary<Seed>, readonly Seed[]>([
  [INT, SPECIAL_INTS], [BOOL, [true, false]], [INT_OR_BOOL, [...SPECIAL_INTS, true, false]], [FLOAT, SPECIAL_FLOATS],
  [STRING, ['', 'a', 'héllo']],
]);

/** Every combination of corner values, through one compiled trace per backend (args are boxes). */
function exhaustive(opcode: Opcode, spec: Spec): void {
  const sets = spec.args.map((a) => SPECIALS.get(a));
  if (spec.gen !== undefined || sets.length === 0 || sets.some((x) => x === undefined)) return;
  const combos = (sets as Seed[][]).reduce<Seed[][]>((acc, set) => acc.flatMap((c) => set.map((v) => [...c, v])), [[]]);
  const kinds = argKinds(spec.shape === 'raise' ? 'call_i' : opcode, sets.length).split('').map((c, k) => (c !== '.' ? c : spec.kinds?.[k] ?? 'i')) as Kind[];
  if (kinds.includes('.' as Kind)) return;
  const consts = kinds.map(() => null);
  const trace = buildTrace(opcode, kinds, consts, spec);
  const ref = new RefBackend().compileLoop(trace);
  for (const wasm of [new WasmBackend().compileLoop(trace), new WasmBackend({ encoder: 'binaryen', validate: true }).compileLoop(trace)])
  for (const seeds of combos) {
    if (seeds.some((v, k) => kinds[k] === 'i' && kindOf(v) !== 'i')) continue;
    const run = (loop: { run(i: unknown[]): TraceExit }): Outcome => {
      const args = seeds.map(materialize);
      try { return { exit: loop.run(args), thrown: null, args }; } catch (e) { return { exit: null, thrown: e, args }; }
    };
    const expected = run(ref);
    const got = run(wasm);
    if (!same(expected, got)) {
      expect.fail(`${opcode}(${seeds.map((v) => (Object.is(v, -0) ? '-0' : String(v))).join(', ')}): ref ${JSON.stringify(expected.exit?.values.map(String))}, wasm ${JSON.stringify(got.exit?.values.map(String))}`);
    }
  }
}

describe('every op agrees with the reference backend on corner values', () => {
  for (const [opcode, spec] of Object.entries(SPECS) as [Opcode, Spec | 'elsewhere'][]) {
    if (spec === 'elsewhere') continue;
    it(opcode, () => {
      const values = spec.gen ?? (fc.tuple(...spec.args) as fc.Arbitrary<Seed[]>).map((seeds) => ({
        seeds,
        kinds: argKinds(spec.shape === 'raise' ? 'call_i' : opcode, seeds.length).split('').map((c, k) => (c !== '.' ? c : spec.kinds?.[k] ?? kindOf(seeds[k]))) as Kind[],
      }));
      exhaustive(opcode, spec);
      fc.assert(fc.property(values, fc.nat({ max: 15 }), ({ seeds, kinds }, mask) => check(opcode, spec, seeds, kinds, mask)), { numRuns: 40 });
    });
  }
});
