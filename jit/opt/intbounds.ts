// Value ranges (PyPy optimizeopt/intbounds.py): every numeric box gets an
// interval its value stays in, computed from its op's args and narrowed by the
// guards it passed; a comparison the intervals decide becomes a constant, and a
// guard on it that holds goes.
//
//   before                                        after
//   i1 = int_and(i0, 255)                         i1 = int_and(i0, 255)        [0, 255]
//   f2 = int_to_float(i1)                         f2 = int_to_float(i1)        [0, 255] integral
//   i3 = float_lt(f2, 256.0)                      (true)
//   guard_true(i3) [f2, i3]                       (holds)
//   i4 = float_lt(f9, 10.0)                       i4 = float_lt(f9, 10.0)
//   guard_true(i4) [i4]                           guard_true(i4) [i4]          f9 < 10, not NaN
//   i5 = float_ge(f9, 10.0)                       (false)
//   jump(i5, ...)                                 jump(false, ...)
//
// A Bound describes the *numeric* value of a box, ToNumber(v) (a boolean i value
// counts as 0 or 1, which is how <, <=, >, >= see it):
//
//   Bound = lo, hi   every non-NaN value v has lo <= v <= hi (lo > hi: none)
//           int      every non-NaN value is a finite integer (-0 included)
//           nan      the value may be NaN
//
// i boxes start as [-2^31, 2^31-1] integral; f boxes as anything, maybe NaN.
// Float bounds are computed with the same float ops as the values (rounding is
// monotone, so the bound of a sum is the sum of the bounds), and a float sum,
// difference or product of integers is integral while its bounds stay within
// ±2^53 (then it is exact). Strict float bounds use the next float down/up
// (x < 10.0 means x <= 9.999999999999998), integral ones the next integer.
//
// What it must prove: a folded comparison has that value for every value in the
// bounds, NaN included (a false float comparison bounds only the non-NaN values,
// and only against a side that cannot be NaN); a transfer function covers every value the op computes
// (int32 wrap-around gives the full int32 range). Equality (===) folds only to
// "different" (disjoint bounds), never to "equal": true === 1 is false.
//
// Labels: bounds are facts about SSA values, so they hold across the second
// label (the peeled loop header): every box is defined once, and that label's
// args are fresh boxes with the default bound of their kind.
//
// Leaves out: known bits (PyPy tracks them too), backward propagation (a guard
// on x + 1 says nothing about x here), relations between boxes (x < y), and
// simplifying arithmetic whose result the bounds make trivial (int_and(x, 255)
// on x in [0, 255]); bounds of values read from the heap or returned by calls.

import type { Opcode } from '../ir/ops.js';
import { constOf, type Box, type Const, type Op, type Trace, type Value } from '../ir/trace.js';
import { setFailArgs, type OptPass } from './pass.js';

export const intboundsPass: OptPass = {
  name: 'intbounds',
  description: 'value ranges of int and integral float boxes: folds comparisons they decide, drops guards that hold',
  run: (trace) => new BoundsOptimizer(trace).run(),
};

export interface Bound {
  readonly lo: number;
  readonly hi: number;
  readonly int: boolean;
  readonly nan: boolean;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const EXACT = 2 ** 53;

/** A bound; an integral one is rounded inwards to whole numbers. */
function bound(lo: number, hi: number, int: boolean, nan: boolean): Bound {
  return int ? { lo: Math.ceil(lo), hi: Math.floor(hi), int, nan } : { lo, hi, int, nan };
}

const I32: Bound = bound(INT32_MIN, INT32_MAX, true, false);
const BOOL: Bound = bound(0, 1, true, false);
const ANY: Bound = bound(-Infinity, Infinity, false, true);

/** An integral range, or all of int32 when it does not fit (the op wrapped around). */
const int32Range = (lo: number, hi: number): Bound => (lo >= INT32_MIN && hi <= INT32_MAX ? bound(lo, hi, true, false) : I32);

function pointOf(x: number): Bound {
  return Number.isNaN(x) ? { lo: Infinity, hi: -Infinity, int: false, nan: true } : bound(x, x, Number.isInteger(x), false);
}

/** The non-NaN values are finite (and there are some). */
const finite = (b: Bound): boolean => Number.isFinite(b.lo) && Number.isFinite(b.hi);
const empty = (b: Bound): boolean => b.lo > b.hi;

/** Smallest 2^k - 1 >= n (n >= 0): the largest value with n's highest bit. */
function ones(n: number): number {
  let m = 1;
  while (m - 1 < n) m *= 2;
  return m - 1;
}

/** The next float64 after x, towards -Infinity (dir -1) or +Infinity (dir 1). */
function nextFloat(x: number, dir: 1 | -1): number {
  if (Number.isNaN(x) || x === dir * Infinity) return x;
  if (x === 0) return dir * Number.MIN_VALUE;
  const f = new Float64Array([x]);
  const bits = new BigInt64Array(f.buffer);
  bits[0] += (x > 0) === (dir > 0) ? 1n : -1n;
  return f[0];
}

/** Largest value below x a box of this bound can have (x itself excluded). */
const below = (x: number, int: boolean): number => (int ? (Number.isFinite(x) ? Math.ceil(x) - 1 : x) : nextFloat(x, -1));
const above = (x: number, int: boolean): number => (int ? (Number.isFinite(x) ? Math.floor(x) + 1 : x) : nextFloat(x, 1));

/** Float + - * over bounds: the extremes are at the corners; NaN in, NaN out (finite values make no NaN). */
function floatArith(f: (x: number, y: number) => number): Transfer {
  return ([a, b]) => {
    if (!finite(a) || !finite(b)) return ANY;
    const c = [f(a.lo, b.lo), f(a.lo, b.hi), f(a.hi, b.lo), f(a.hi, b.hi)];
    const lo = Math.min(...c), hi = Math.max(...c);
    return bound(lo, hi, a.int && b.int && -EXACT <= lo && hi <= EXACT, a.nan || b.nan);
  };
}

const shiftCount = (v: Value): number | null => (v.tag === 'const' ? Number(v.value) & 31 : null);

const rounding = (f: (x: number) => number): Transfer => ([a]) =>
  bound(f(a.lo), f(a.hi), Number.isFinite(a.lo) && Number.isFinite(a.hi), a.nan);

type Transfer = (b: Bound[], args: Value[]) => Bound;

/** Ops whose result is a JS boolean. */
const BOOLEAN_RESULT: readonly Opcode[] = [
  'int_lt', 'int_le', 'int_gt', 'int_ge', 'int_eq', 'int_ne', 'bool_not',
  'float_lt', 'float_le', 'float_gt', 'float_ge', 'float_eq', 'float_ne', 'float_is_true',
  'ptr_eq', 'ptr_ne', 'ref_is_true', 'instanceof',
];

/** The bound of each op's result from its args' bounds; ops not listed get the default of their kind. */
const TRANSFER: Partial<Record<Opcode, Transfer>> = {
  ...Object.fromEntries(BOOLEAN_RESULT.map((op) => [op, () => BOOL])),
  int_add: ([a, b]) => int32Range(a.lo + b.lo, a.hi + b.hi),
  int_sub: ([a, b]) => int32Range(a.lo - b.hi, a.hi - b.lo),
  int_mul: ([a, b]) => {
    const c = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi];
    return int32Range(Math.min(...c), Math.max(...c));
  },
  int_and: ([a, b]) => (a.lo >= 0 && b.lo >= 0 ? bound(0, Math.min(a.hi, b.hi), true, false)
    : a.lo >= 0 ? bound(0, a.hi, true, false) : b.lo >= 0 ? bound(0, b.hi, true, false) : I32),
  int_or: ([a, b]) => (a.lo >= 0 && b.lo >= 0 ? bound(Math.max(a.lo, b.lo), ones(Math.max(a.hi, b.hi)), true, false) : I32),
  int_xor: ([a, b]) => (a.lo >= 0 && b.lo >= 0 ? bound(0, ones(Math.max(a.hi, b.hi)), true, false) : I32),
  int_shl: ([a], [, s]) => {
    const k = shiftCount(s);
    return k === null ? I32 : int32Range(a.lo * 2 ** k, a.hi * 2 ** k);
  },
  int_shr: ([a], [, s]) => {
    const k = shiftCount(s);
    return k === null ? bound(Math.min(a.lo, 0), Math.max(a.hi, 0), true, false) : bound(a.lo >> k, a.hi >> k, true, false);
  },
  int_ushr: ([a], [, s]) => {
    const k = shiftCount(s);
    if (k === 0) return a;
    if (a.lo >= 0) return k === null ? bound(0, a.hi, true, false) : bound(a.lo >>> k, a.hi >>> k, true, false);
    return k === null ? I32 : bound(0, 2 ** (32 - k) - 1, true, false);
  },
  int_not: ([a]) => bound(-a.hi - 1, -a.lo - 1, true, false),
  int_neg: ([a]) => (a.lo > INT32_MIN ? bound(-a.hi, -a.lo, true, false) : I32),
  float_to_int32: ([a]) => {
    // In (-2^31-1, 2^31) ToInt32 truncates; NaN becomes 0.
    if (!(a.lo > INT32_MIN - 1 && a.hi < 2 ** 31)) return I32;
    const t = bound(Math.trunc(a.lo), Math.trunc(a.hi), true, false);
    return a.nan ? bound(Math.min(t.lo, 0), Math.max(t.hi, 0), true, false) : t;
  },
  int_to_float: ([a]) => a,
  uint_to_float: ([a]) => (a.lo >= 0 ? a : a.hi < 0 ? bound(a.lo + 2 ** 32, a.hi + 2 ** 32, true, false) : bound(0, 2 ** 32 - 1, true, false)),
  float_add: floatArith((x, y) => x + y),
  float_sub: floatArith((x, y) => x - y),
  float_mul: floatArith((x, y) => x * y),
  float_neg: ([a]) => ({ lo: -a.hi, hi: -a.lo, int: a.int, nan: a.nan }),
  float_abs: ([a]) => {
    if (empty(a)) return a;
    const lo = a.lo >= 0 ? a.lo : a.hi <= 0 ? -a.hi : 0;
    return { lo, hi: Math.max(Math.abs(a.lo), Math.abs(a.hi)), int: a.int, nan: a.nan };
  },
  float_floor: rounding(Math.floor),
  float_ceil: rounding(Math.ceil),
  float_trunc: rounding(Math.trunc),
  float_min: ([a, b]) => ({ lo: Math.min(a.lo, b.lo), hi: Math.min(a.hi, b.hi), int: a.int && b.int, nan: a.nan || b.nan }),
  float_max: ([a, b]) => ({ lo: Math.max(a.lo, b.lo), hi: Math.max(a.hi, b.hi), int: a.int && b.int, nan: a.nan || b.nan }),
  float_sqrt: ([a]) => (a.lo >= 0 ? { lo: Math.sqrt(a.lo), hi: Math.sqrt(a.hi), int: false, nan: a.nan } : ANY),
  arraylen: () => bound(0, 2 ** 32 - 1, true, false),
  str_len: () => bound(0, EXACT - 1, true, false),
  str_charcode: () => bound(0, 65535, true, true), // NaN past the end
};

// ---- deciding and learning comparisons ---------------------------------------

/** a < b for every pair (true), for none (false), or either. NaN makes it false. */
function lt(a: Bound, b: Bound): boolean | undefined {
  if (!a.nan && !b.nan && a.hi < b.lo) return true;
  if (a.lo >= b.hi) return false;
  return undefined;
}

function le(a: Bound, b: Bound): boolean | undefined {
  if (!a.nan && !b.nan && a.hi <= b.lo) return true;
  if (a.lo > b.hi) return false;
  return undefined;
}

/** b is one number that is no integer, so an integral a never equals it. */
const offGrid = (a: Bound, b: Bound): boolean => a.int && b.lo === b.hi && !Number.isInteger(b.lo);

/** No value of a equals (===) a value of b. */
const disjoint = (a: Bound, b: Bound): boolean =>
  empty(a) || empty(b) || a.hi < b.lo || b.hi < a.lo || offGrid(a, b) || offGrid(b, a);

type Decide = (a: Bound, b: Bound) => boolean | undefined;

const DECIDE: Partial<Record<Opcode, Decide>> = {
  int_lt: lt,
  int_le: le,
  int_gt: (a, b) => lt(b, a),
  int_ge: (a, b) => le(b, a),
  int_eq: (a, b) => (disjoint(a, b) ? false : undefined),
  int_ne: (a, b) => (disjoint(a, b) ? true : undefined),
  float_lt: lt,
  float_le: le,
  float_gt: (a, b) => lt(b, a),
  float_ge: (a, b) => le(b, a),
  float_eq: (a, b) => (disjoint(a, b) ? false : undefined),
  float_ne: (a, b) => (disjoint(a, b) ? true : undefined),
  float_is_true: (a) => (!a.nan && (a.lo > 0 || a.hi < 0) ? true : a.lo >= 0 && a.hi <= 0 ? false : undefined),
};

/** Given a <(=) b with neither NaN, the narrowed bounds of a and b. */
function less(a: Bound, b: Bound, strict: boolean): [Bound, Bound] {
  const aHi = strict ? below(b.hi, a.int) : b.hi;
  const bLo = strict ? above(a.lo, b.int) : a.lo;
  return [bound(a.lo, Math.min(a.hi, aHi), a.int, false), bound(Math.max(b.lo, bLo), b.hi, b.int, false)];
}

/**
 * Given "a <(=) b unless one is NaN" (a false float comparison), the narrowed
 * bounds: a's non-NaN values are below b's only when b is never NaN, and the
 * other way round; NaN stays possible.
 */
function lessUnlessNaN(a: Bound, b: Bound, strict: boolean): [Bound, Bound] {
  const aHi = b.nan ? a.hi : Math.min(a.hi, strict ? below(b.hi, a.int) : b.hi);
  const bLo = a.nan ? b.lo : Math.max(b.lo, strict ? above(a.lo, b.int) : a.lo);
  return [bound(a.lo, aHi, a.int, a.nan), bound(bLo, b.hi, b.int, b.nan)];
}

function equal(a: Bound, b: Bound): [Bound, Bound] {
  const e = bound(Math.max(a.lo, b.lo), Math.min(a.hi, b.hi), a.int || b.int, false);
  return [e, e];
}

const swap = ([x, y]: [Bound, Bound]): [Bound, Bound] => [y, x];

type Learn = (a: Bound, b: Bound, outcome: boolean) => [Bound, Bound] | null;

/** What a comparison with this outcome says about its args (null: nothing). */
const LEARN: Partial<Record<Opcode, Learn>> = {
  int_lt: (a, b, t) => (t ? less(a, b, true) : swap(less(b, a, false))),
  int_le: (a, b, t) => (t ? less(a, b, false) : swap(less(b, a, true))),
  int_gt: (a, b, t) => (t ? swap(less(b, a, true)) : less(a, b, false)),
  int_ge: (a, b, t) => (t ? swap(less(b, a, false)) : less(a, b, true)),
  int_eq: (a, b, t) => (t ? equal(a, b) : null),
  int_ne: (a, b, t) => (t ? null : equal(a, b)),
  float_lt: (a, b, t) => (t ? less(a, b, true) : swap(lessUnlessNaN(b, a, false))),
  float_le: (a, b, t) => (t ? less(a, b, false) : swap(lessUnlessNaN(b, a, true))),
  float_gt: (a, b, t) => (t ? swap(less(b, a, true)) : lessUnlessNaN(a, b, false)),
  float_ge: (a, b, t) => (t ? swap(less(b, a, false)) : lessUnlessNaN(a, b, true)),
  float_eq: (a, b, t) => (t ? equal(a, b) : null),
  float_ne: (a, b, t) => (t ? null : equal(a, b)),
  float_is_true: (a, _b, t) => {
    if (!t) return [bound(Math.max(a.lo, 0), Math.min(a.hi, 0), a.int, a.nan), a];
    // Not 0, not NaN: an integral bound starting or ending at 0 moves off it.
    const lo = a.int && a.lo === 0 ? 1 : a.lo;
    const hi = a.int && a.hi === 0 ? -1 : a.hi;
    return [bound(lo, hi, a.int, false), a];
  },
};

/** One run of the pass over one trace. */
class BoundsOptimizer {
  private readonly out: Op[] = [];
  private changed = false;
  private readonly bounds = new Map<number, Bound>();
  /** Folded comparisons -> their constant. */
  private readonly subst = new Map<number, Const>();
  /** The (rewritten) op defining each box, to learn from guards on its result. */
  private readonly defs = new Map<number, Op>();
  /** Index of the first label (the loop entry), or -1. */
  private readonly firstLabel: number;

  constructor(private readonly trace: Trace) {
    this.firstLabel = trace.ops.findIndex((o) => o.opcode === 'label');
  }

  run(): Trace {
    this.trace.ops.forEach((original, at) => {
      if (at === this.firstLabel) this.reset();
      const op = this.rewrite(original);
      if (op.result !== null) this.defs.set(op.result.id, op);
      switch (op.opcode) {
        case 'guard_true': return this.guardTruth(op, true);
        case 'guard_false': return this.guardTruth(op, false);
        case 'guard_value': return this.guardValue(op);
      }
      const decide = DECIDE[op.opcode];
      const decided = decide?.(this.boundOf(op.args[0]), op.args.length > 1 ? this.boundOf(op.args[1]) : ANY);
      if (decided !== undefined) return this.fold(op, decided);
      this.emit(op);
      const transfer = TRANSFER[op.opcode];
      if (op.result !== null && transfer) this.bounds.set(op.result.id, transfer(op.args.map((a) => this.boundOf(a)), op.args));
    });
    return this.changed ? { ...this.trace, ops: this.out } : this.trace;
  }

  /** The bound of a value: constants are points, boxes what is known (or their kind's default). */
  boundOf(v: Value): Bound {
    if (v.tag === 'const') return v.kind === 'r' ? ANY : pointOf(Number(v.value));
    return this.bounds.get(v.id) ?? (v.kind === 'i' ? I32 : ANY);
  }

  private narrow(v: Value, b: Bound): void {
    if (v.tag === 'box' && v.kind !== 'r') this.bounds.set(v.id, b);
  }

  // ---- rewriting -------------------------------------------------------------

  private resolve(v: Value): Value {
    return v.tag === 'box' ? this.subst.get(v.id) ?? v : v;
  }

  private rewrite(op: Op): Op {
    if (this.subst.size === 0) return op;
    const args = op.args.map((a) => this.resolve(a));
    const argsChanged = args.some((a, k) => a !== op.args[k]);
    const failArgs = op.failArgs?.map((a) => this.resolve(a)) ?? null;
    const failChanged = failArgs !== null && failArgs.some((a, k) => a !== op.failArgs![k]);
    if (!argsChanged && !failChanged) return op;
    this.changed = true;
    const copy: Op = argsChanged ? { ...op, args } : op;
    return failChanged ? setFailArgs(copy, failArgs!) : copy;
  }

  private emit(op: Op): void {
    this.out.push(op);
  }

  /** A comparison decided: its result is the constant from here on. */
  private fold(op: Op, value: boolean): void {
    this.subst.set(op.result!.id, constOf('i', value));
    this.changed = true;
  }

  /** The loop entry: nothing before it is in scope after it. */
  private reset(): void {
    this.bounds.clear();
    this.subst.clear();
    this.defs.clear();
  }

  // ---- guards ----------------------------------------------------------------

  private guardTruth(op: Op, expected: boolean): void {
    const c = op.args[0];
    if (c.tag === 'const') {
      if (!!c.value === expected) this.changed = true;
      else this.emit(op);
      return;
    }
    // The test may have run before guards that now decide it (its args are SSA values).
    if (this.decideDef(c) === expected) {
      this.subst.set(c.id, constOf('i', expected));
      this.changed = true;
      return;
    }
    this.emit(op);
    this.learn(c, expected);
  }

  /** The value of the comparison defining `c`, by what is known now. */
  private decideDef(c: Box): boolean | undefined {
    const def = this.defs.get(c.id);
    const decide = def && DECIDE[def.opcode];
    if (!decide) return undefined;
    const [x, y] = def.args.map((a) => this.resolve(a));
    return decide(this.boundOf(x), y === undefined ? ANY : this.boundOf(y));
  }

  /** The guarded box `c` was `outcome`: narrow the args of the comparison that made it. */
  private learn(c: Box, outcome: boolean): void {
    const def = this.defs.get(c.id);
    if (!def) return;
    if (def.opcode === 'bool_not') {
      const inner = def.args[0];
      if (inner.tag === 'box') this.learn(inner, !outcome);
      return;
    }
    const rule = LEARN[def.opcode];
    if (!rule) return;
    const [x, y] = def.args.map((a) => this.resolve(a));
    const learned = rule(this.boundOf(x), y === undefined ? ANY : this.boundOf(y), outcome);
    if (!learned) return;
    this.narrow(x, learned[0]);
    if (y !== undefined) this.narrow(y, learned[1]);
  }

  private guardValue(op: Op): void {
    const [x, c] = op.args as [Value, Const];
    if (x.tag === 'const') {
      if (Object.is(x.value, c.value)) this.changed = true;
      else this.emit(op);
      return;
    }
    this.emit(op);
    if (x.kind !== 'r') this.narrow(x, pointOf(Number(c.value)));
  }
}
