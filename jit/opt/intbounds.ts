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
//           mzero    the value may be -0 (int ops and int_to_float never make one)
//
// i boxes start as [-2^31, 2^31-1] integral; f boxes as anything, maybe NaN or
// -0. Float bounds are computed with the same float ops as the values (rounding
// is monotone, so the bound of a sum is the sum of the bounds), and a float sum,
// difference or product of integers is integral while its bounds stay within
// ±2^53 (then it is exact). Strict float bounds use the next float down/up
// (x < 10.0 means x <= 9.999999999999998), integral ones the next integer.
// Integer items of typed arrays (getarrayitem_i with a descr) have their
// type's range; a passed typed_index_ok makes its index an integer >= 0.
//
// Exact integer arithmetic in floats (interpreters count in JS numbers) is
// rewritten where the bounds prove it exact: `(y + C1) + C2` is `y + (C1 + C2)`
// (and `y` when that is 0 and y is not -0), and + - * of int32 values
// (int_to_float, int constants) with an int32 result is the int op:
//
//   f5 = int_to_float(i4)      [0, 29999]      f5 = int_to_float(i4)
//   f6 = float_add(f5, 1.0)                    i9 = int_add(i4, 1)
//   f7 = float_add(f6, -1.0)                   f6 = int_to_float(i9)
//                                              (f7 is f5)
//
// and, after the sweep, a float phi of the peeled loop that is an int32 (not -0,
// not NaN) on both jumps into its label is carried as an int (float_to_int32
// before the jumps, int_to_float after the label), so that loop counters and
// array indices of an interpreter stay int32s in compiled code.
//
// What it must prove: a folded comparison has that value for every value in the
// bounds, NaN included (a false float comparison bounds only the non-NaN values,
// and only against a side that cannot be NaN); a transfer function covers every
// value the op computes (int32 wrap-around gives the full int32 range, -0
// included where an op can make it). Equality (===) folds only to "different"
// (disjoint bounds), never to "equal": true === 1 is false. A rewrite computes
// the same value, -0 included: every intermediate result of the original is an
// exact integer, and ints have no -0 (so a product that may be -0 stays float).
//
// Labels: bounds are facts about SSA values, so they hold across the second
// label (the peeled loop header): every box is defined once, and that label's
// args are fresh boxes with the default bound of their kind.
//
// Leaves out: known bits (PyPy tracks them too), backward propagation (a guard
// on x + 1 says nothing about x here), relations between boxes (x < y), the
// bounds of a phi from its jumps (a fixpoint), simplifying int arithmetic whose
// result the bounds make trivial (int_and(x, 255) on x in [0, 255]); bounds of
// other values read from the heap or returned by calls.

import type { ItemType } from '../ir/descr.js';
import type { Opcode } from '../ir/ops.js';
import { constOf, type Box, type Const, type Op, type Trace, type Value } from '../ir/trace.js';
import { setFailArgs, type OptContext, type OptPass } from './pass.js';

export const intboundsPass: OptPass = {
  name: 'intbounds',
  description: 'value ranges of int and integral float boxes: folds comparisons they decide, drops guards that hold, keeps exact integer arithmetic in ints',
  run: (trace, ctx) => new BoundsOptimizer(trace, ctx).run(),
};

export interface Bound {
  readonly lo: number;
  readonly hi: number;
  readonly int: boolean;
  readonly nan: boolean;
  /** The value may be -0 (only float ops make one; it equals 0 but is not 0 to Object.is, 1/x, ...). */
  readonly mzero: boolean;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const EXACT = 2 ** 53;

/**
 * A bound; an integral one is rounded inwards to whole numbers. `mzero` (may be
 * -0) defaults to false, right for every int result; float transfers say it.
 */
function bound(lo: number, hi: number, int: boolean, nan: boolean, mzero = false): Bound {
  const z = mzero && lo <= 0 && hi >= 0;
  return int ? { lo: Math.ceil(lo), hi: Math.floor(hi), int, nan, mzero: z } : { lo, hi, int, nan, mzero: z };
}

const I32: Bound = bound(INT32_MIN, INT32_MAX, true, false);
const BOOL: Bound = bound(0, 1, true, false);
const ANY: Bound = bound(-Infinity, Infinity, false, true, true);

/** An integral range, or all of int32 when it does not fit (the op wrapped around). */
const int32Range = (lo: number, hi: number): Bound => (lo >= INT32_MIN && hi <= INT32_MAX ? bound(lo, hi, true, false) : I32);

function pointOf(x: number): Bound {
  return Number.isNaN(x) ? { lo: Infinity, hi: -Infinity, int: false, nan: true, mzero: false } : bound(x, x, Number.isInteger(x), false, Object.is(x, -0));
}

/** The non-NaN values are finite (and there are some). */
const finite = (b: Bound): boolean => Number.isFinite(b.lo) && Number.isFinite(b.hi);
const empty = (b: Bound): boolean => b.lo > b.hi;
/** The value may be 0 (+0 or -0). */
const hasZero = (b: Bound): boolean => b.lo <= 0 && b.hi >= 0;

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

/**
 * Float + - * over bounds: the extremes are at the corners; NaN in, NaN out
 * (finite values make no NaN). `mzero` says when the result may be -0.
 */
function floatArith(f: (x: number, y: number) => number, mzero: (a: Bound, b: Bound) => boolean): Transfer {
  return ([a, b]) => {
    if (!finite(a) || !finite(b)) return ANY;
    const c = [f(a.lo, b.lo), f(a.lo, b.hi), f(a.hi, b.lo), f(a.hi, b.hi)];
    const lo = Math.min(...c), hi = Math.max(...c);
    return bound(lo, hi, a.int && b.int && -EXACT <= lo && hi <= EXACT, a.nan || b.nan, mzero(a, b));
  };
}

// When + - * give -0 (round to nearest): x + y only for -0 + -0; x - y only for
// -0 - (+0); x * y when a zero meets a negative or an underflow does (never for
// two nonzero integers, nor for two values >= 0 that are not -0).
const addMzero = (a: Bound, b: Bound): boolean => a.mzero && b.mzero;
const subMzero = (a: Bound, b: Bound): boolean => a.mzero && hasZero(b);
const mulMzero = (a: Bound, b: Bound): boolean =>
  !(a.int && b.int && !hasZero(a) && !hasZero(b)) && !(a.lo >= 0 && b.lo >= 0 && !a.mzero && !b.mzero);

const shiftCount = (v: Value): number | null => (v.tag === 'const' ? Number(v.value) & 31 : null);

// floor/ceil/trunc keep -0 and make it from (-1, 0).
const rounding = (f: (x: number) => number): Transfer => ([a]) =>
  bound(f(a.lo), f(a.hi), Number.isFinite(a.lo) && Number.isFinite(a.hi), a.nan, a.mzero || (a.lo < 0 && a.hi > -1));

type Transfer = (b: Bound[], args: Value[], op: Op) => Bound;

/** What an integer item of a typed array can be, read as int32 (getarrayitem_i: u32 gives its bits). */
const ITEM_BOUNDS: Readonly<Record<ItemType, Bound>> = {
  u8: bound(0, 255, true, false), i8: bound(-128, 127, true, false),
  u16: bound(0, 65535, true, false), i16: bound(-32768, 32767, true, false),
  u32: I32, i32: I32, f32: I32, f64: I32,
};

/** Ops whose result is a JS boolean. */
const BOOLEAN_RESULT: readonly Opcode[] = [
  'int_lt', 'int_le', 'int_gt', 'int_ge', 'int_eq', 'int_ne', 'bool_not',
  'float_lt', 'float_le', 'float_gt', 'float_ge', 'float_eq', 'float_ne', 'float_is_true', 'float_is_integer', 'float_is_int32',
  'ptr_eq', 'ptr_ne', 'ref_is_true', 'instanceof', 'typed_index_ok', 'str_lt', 'str_le',
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
  float_add: floatArith((x, y) => x + y, addMzero),
  float_sub: floatArith((x, y) => x - y, subMzero),
  float_mul: floatArith((x, y) => x * y, mulMzero),
  float_neg: ([a]) => ({ lo: -a.hi, hi: -a.lo, int: a.int, nan: a.nan, mzero: hasZero(a) }),
  float_abs: ([a]) => {
    if (empty(a)) return a;
    const lo = a.lo >= 0 ? a.lo : a.hi <= 0 ? -a.hi : 0;
    return { lo, hi: Math.max(Math.abs(a.lo), Math.abs(a.hi)), int: a.int, nan: a.nan, mzero: false };
  },
  float_floor: rounding(Math.floor),
  float_ceil: rounding(Math.ceil),
  float_trunc: rounding(Math.trunc),
  float_min: ([a, b]) => ({ lo: Math.min(a.lo, b.lo), hi: Math.min(a.hi, b.hi), int: a.int && b.int, nan: a.nan || b.nan, mzero: a.mzero || b.mzero }),
  float_max: ([a, b]) => ({ lo: Math.max(a.lo, b.lo), hi: Math.max(a.hi, b.hi), int: a.int && b.int, nan: a.nan || b.nan, mzero: a.mzero || b.mzero }),
  float_sqrt: ([a]) => (a.lo >= 0 ? { lo: Math.sqrt(a.lo), hi: Math.sqrt(a.hi), int: false, nan: a.nan, mzero: a.mzero } : ANY),
  arraylen: () => bound(0, 2 ** 32 - 1, true, false),
  getarrayitem_i: (_b, _a, op) => (op.descr !== null && op.descr.kind === 'array' ? ITEM_BOUNDS[op.descr.item] : I32),
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
  float_is_integer: (a) => (a.int && !a.nan && Number.isFinite(a.lo) && Number.isFinite(a.hi) ? true : undefined),
  float_is_int32: (a) => (isInt32(a) ? true : undefined),
};

/** Given a <(=) b with neither NaN, the narrowed bounds of a and b. */
function less(a: Bound, b: Bound, strict: boolean): [Bound, Bound] {
  const aHi = strict ? below(b.hi, a.int) : b.hi;
  const bLo = strict ? above(a.lo, b.int) : a.lo;
  return [bound(a.lo, Math.min(a.hi, aHi), a.int, false, a.mzero), bound(Math.max(b.lo, bLo), b.hi, b.int, false, b.mzero)];
}

/**
 * Given "a <(=) b unless one is NaN" (a false float comparison), the narrowed
 * bounds: a's non-NaN values are below b's only when b is never NaN, and the
 * other way round; NaN stays possible.
 */
function lessUnlessNaN(a: Bound, b: Bound, strict: boolean): [Bound, Bound] {
  const aHi = b.nan ? a.hi : Math.min(a.hi, strict ? below(b.hi, a.int) : b.hi);
  const bLo = a.nan ? b.lo : Math.max(b.lo, strict ? above(a.lo, b.int) : a.lo);
  return [bound(a.lo, aHi, a.int, a.nan, a.mzero), bound(bLo, b.hi, b.int, b.nan, b.mzero)];
}

function equal(a: Bound, b: Bound): [Bound, Bound] {
  const e = bound(Math.max(a.lo, b.lo), Math.min(a.hi, b.hi), a.int || b.int, false, a.mzero || b.mzero);
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
  float_is_integer: (a, _b, t) => (t ? [bound(a.lo, a.hi, true, false, a.mzero), a] : null),
  float_is_int32: (a, _b, t) => (t ? [bound(Math.max(a.lo, INT32_MIN), Math.min(a.hi, INT32_MAX), true, false), a] : null),
  // An index that names a typed-array item is an integer in [0, 2^32 - 2] (or -0).
  typed_index_ok: (a, b, t) => (t ? [a, bound(Math.max(b.lo, 0), Math.min(b.hi, 2 ** 32 - 2), true, false, b.mzero)] : null),
  float_is_true: (a, _b, t) => {
    if (!t) return [bound(Math.max(a.lo, 0), Math.min(a.hi, 0), a.int, a.nan, a.mzero), a];
    // Not 0, not NaN: an integral bound starting or ending at 0 moves off it.
    const lo = a.int && a.lo === 0 ? 1 : a.lo;
    const hi = a.int && a.hi === 0 ? -1 : a.hi;
    return [bound(lo, hi, a.int, false), a];
  },
};

/** Every value of the bound is an int32 (integral, not -0, not NaN, in range). */
const isInt32 = (b: Bound): boolean => b.int && !b.nan && !b.mzero && b.lo >= INT32_MIN && b.hi <= INT32_MAX;

/** An integral float constant other than -0, as a number; else null. */
function integerConst(v: Value | null): number | null {
  if (v === null || v.tag !== 'const' || v.kind !== 'f') return null;
  const n = v.value as number;
  return Number.isInteger(n) && !Object.is(n, -0) && Math.abs(n) <= EXACT ? n : null;
}

/** -C for a float constant (x - C is x + -C exactly, signed zeros included); null for a box. */
const negated = (v: Value): Value | null => (v.tag === 'const' && v.kind === 'f' ? constOf('f', -(v.value as number)) : null);

/** One run of the pass over one trace. */
class BoundsOptimizer {
  private readonly out: Op[] = [];
  private changed = false;
  private readonly bounds = new Map<number, Bound>();
  /** Folded comparisons -> their constant; simplified arithmetic -> its value. */
  private readonly subst = new Map<number, Value>();
  /** The (rewritten) op defining each box, to learn from guards on its result. */
  private readonly defs = new Map<number, Op>();
  /** Index of the first label (the loop entry), or -1. */
  private readonly firstLabel: number;
  /** The bounds of each jump's args where it jumps. */
  private readonly jumpBounds = new Map<Op, Bound[]>();

  constructor(private readonly trace: Trace, private readonly ctx: OptContext) {
    this.firstLabel = trace.ops.findIndex((o) => o.opcode === 'label');
  }

  run(): Trace {
    this.trace.ops.forEach((original, at) => {
      if (at === this.firstLabel) this.reset();
      const op = this.rewrite(original);
      if (op.result !== null) this.defs.set(op.result.id, op);
      switch (op.opcode) {
        case 'jump': this.jumpBounds.set(op, op.args.map((a) => this.boundOf(a))); break;
        case 'guard_true': return this.guardTruth(op, true);
        case 'guard_false': return this.guardTruth(op, false);
        case 'guard_value': return this.guardValue(op);
      }
      const decide = DECIDE[op.opcode];
      const decided = decide?.(this.boundOf(op.args[0]), op.args.length > 1 ? this.boundOf(op.args[1]) : ANY);
      if (decided !== undefined) return this.fold(op, decided);
      const simpler = this.simplify(op);
      if (simpler !== null && 'value' in simpler) {
        this.subst.set(op.result!.id, simpler.value);
        this.changed = true;
        return;
      }
      for (const o of simpler?.ops ?? [op]) {
        if (o !== op) {
          this.changed = true;
          if (o.result !== null) this.defs.set(o.result.id, o);
        }
        this.emit(o);
        const transfer = TRANSFER[o.opcode];
        if (o.result !== null && transfer) this.bounds.set(o.result.id, transfer(o.args.map((a) => this.boundOf(a)), o.args, o));
      }
    });
    this.narrowPhis();
    return this.changed ? { ...this.trace, ops: this.out } : this.trace;
  }

  /**
   * A float phi of the peeled loop that is an int32 (integral, not -0, not NaN)
   * on both jumps into its label is carried as an int: float_to_int32 before
   * each jump (exact there; fold folds it into the arithmetic), int_to_float
   * after the label (the old box, so its uses stay).
   */
  private narrowPhis(): void {
    const out = this.out;
    const header = out.findIndex((o, i) => i > 0 && o.opcode === 'label');
    const last = out[out.length - 1];
    if (header < 1 || out[header - 1].opcode !== 'jump' || last.opcode !== 'jump' || last.descr !== out[header].descr) return;
    const entry = out[header - 1];
    const label = out[header];
    const [inB, backB] = [this.jumpBounds.get(entry), this.jumpBounds.get(last)];
    if (inB === undefined || backB === undefined) return;
    const narrow = label.args.map((a, k) => a.kind === 'f' && isInt32(inB[k]) && isInt32(backB[k]));
    if (!narrow.includes(true)) return;
    const toInt = (v: Value, before: Op[]): Value => {
      if (v.tag === 'const') return constOf('i', Number(v.value));
      const b = this.ctx.boxes.box('i');
      before.push({ opcode: 'float_to_int32', args: [v], result: b, descr: null, failArgs: null });
      return b;
    };
    const entryOps: Op[] = [];
    const backOps: Op[] = [];
    const reboxed: Op[] = [];
    const labelArgs = label.args.map((a, k) => {
      if (!narrow[k]) return a;
      const raw = this.ctx.boxes.box('i');
      reboxed.push({ opcode: 'int_to_float', args: [raw], result: a as Box, descr: null, failArgs: null });
      return raw;
    });
    const entryArgs = entry.args.map((a, k) => (narrow[k] ? toInt(a, entryOps) : a));
    const backArgs = last.args.map((a, k) => (narrow[k] ? toInt(a, backOps) : a));
    this.out.splice(0, out.length,
      ...out.slice(0, header - 1), ...entryOps, { ...entry, args: entryArgs }, { ...label, args: labelArgs }, ...reboxed,
      ...out.slice(header + 1, -1), ...backOps, { ...last, args: backArgs });
    this.changed = true;
  }

  /** The bound of a value: constants are points, boxes what is known (or their kind's default). */
  boundOf(v: Value): Bound {
    if (v.tag === 'const') return v.kind === 'r' ? ANY : pointOf(Number(v.value));
    return this.bounds.get(v.id) ?? (v.kind === 'i' ? I32 : ANY);
  }

  private narrow(v: Value, b: Bound): void {
    if (v.tag !== 'box' || v.kind === 'r') return;
    this.bounds.set(v.id, b);
    if (v.kind === 'f' && isInt32(b)) this.narrowLate(v);
  }

  /**
   * A float + - * of int32 values that a guard has just shown to be an int32
   * (not -0) is the int op from here on: its int is made right after the
   * guard and later ops use int_to_float of it (simplify could not know at
   * the op, whose result might have left int32).
   */
  private narrowLate(v: Box): void {
    const def = this.defs.get(v.id);
    const o = def?.opcode;
    if (def === undefined || this.subst.has(v.id) || (o !== 'float_add' && o !== 'float_sub' && o !== 'float_mul')) return;
    const a = this.intSource(def.args[0]);
    const b = this.intSource(def.args[1]);
    if (a === null || b === null) return;
    const t = this.ctx.boxes.box('i');
    const f = this.ctx.boxes.box('f');
    const intOp = ({ float_add: 'int_add', float_sub: 'int_sub', float_mul: 'int_mul' } as const)[o];
    const ops: Op[] = [
      { opcode: intOp, args: [a, b], result: t, descr: null, failArgs: null },
      { opcode: 'int_to_float', args: [t], result: f, descr: null, failArgs: null },
    ];
    const bound = this.bounds.get(v.id)!;
    for (const x of ops) {
      this.emit(x);
      this.defs.set(x.result!.id, x);
      this.bounds.set(x.result!.id, bound);
    }
    this.subst.set(v.id, f);
    this.changed = true;
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

  // ---- exact integer arithmetic in floats ------------------------------------

  /**
   * Float + - * that the bounds make exact integer arithmetic, in a simpler
   * form (null: none): `(y + C1) + C2` is `y + (C1 + C2)` (and `y` itself when
   * that is 0 and y is not -0), and an op on int32 values whose result is an
   * int32 is the int op (int_to_float of it), which later passes and the
   * backends keep in integers.
   */
  private simplify(op: Op): { value: Value } | { ops: Op[] } | null {
    const o = op.opcode;
    if (o === 'int_add' || o === 'int_sub') return this.reassociateInt(op);
    if (o !== 'float_add' && o !== 'float_sub' && o !== 'float_mul') return null;
    const [x, y] = op.args;
    if (o !== 'float_mul') {
      const sum = this.reassociate(o === 'float_add' ? [x, y] : [x, negated(y)]) ?? (o === 'float_add' ? this.reassociate([y, x]) : null);
      if (sum !== null) {
        if (sum.k === 0 && !this.boundOf(sum.y).mzero) return { value: sum.y };
        return { ops: [{ ...op, opcode: 'float_add', args: [sum.y, constOf('f', sum.k)] }] };
      }
    }
    const a = this.intSource(x);
    const b = this.intSource(y);
    if (a === null || b === null) return null;
    const r = TRANSFER[o]!([this.boundOf(x), this.boundOf(y)], op.args, op);
    if (!(r.int && !r.nan && !r.mzero && r.lo >= INT32_MIN && r.hi <= INT32_MAX)) return null;
    const t = this.ctx.boxes.box('i');
    const intOp = ({ float_add: 'int_add', float_sub: 'int_sub', float_mul: 'int_mul' } as const)[o];
    return {
      ops: [
        { opcode: intOp, args: [a, b], result: t, descr: null, failArgs: null },
        { opcode: 'int_to_float', args: [t], result: op.result, descr: null, failArgs: null },
      ],
    };
  }

  /**
   * `x + C2` where x is `y + C1` (or `y - C1`): y + (C1 + C2), exact when y is
   * integral and |y| + |C1| + |C2| <= 2^53 (every sum on the way is an exact
   * integer). Constants must be integers other than -0. Null: not this shape.
   */
  private reassociate([x, c2]: readonly [Value, Value | null]): { y: Value; k: number } | null {
    const k2 = integerConst(c2);
    const def = x.tag === 'box' ? this.defs.get(x.id) : undefined;
    if (k2 === null || def === undefined || (def.opcode !== 'float_add' && def.opcode !== 'float_sub')) return null;
    const [p, q] = def.args;
    let y: Value;
    let k1: number | null;
    if (def.opcode === 'float_sub') [y, k1] = [p, integerConst(negated(q))];
    else if (integerConst(q) !== null) [y, k1] = [p, integerConst(q)];
    else [y, k1] = [q, integerConst(p)];
    if (k1 === null) return null;
    const b = this.boundOf(y);
    if (!b.int || b.nan || !finite(b) || Math.max(-b.lo, b.hi) + Math.abs(k1) + Math.abs(k2) > EXACT) return null;
    return { y, k: k1 + k2 };
  }

  /**
   * `(x + C1) + C2` is `x + (C1 + C2)` in wrapping int32 (and x itself for 0);
   * `x - C` is `x + (-C)`. Keeps the pointer arithmetic of a loop recognizable,
   * so that `p + 1 + 1 - 2` is `p`. Null when the op is not of that shape.
   */
  private reassociateInt(op: Op): { value: Value } | { ops: Op[] } | null {
    const [x, y] = op.args;
    const c = (v: Value): number | null => (v.tag === 'const' ? (v.value as number) | 0 : null);
    const k2 = op.opcode === 'int_add' ? c(y) ?? c(x) : c(y) === null ? null : -c(y)! | 0;
    const base = op.opcode === 'int_add' && c(y) === null ? y : x;
    if (k2 === null || base.tag !== 'box') return null;
    const def = this.defs.get(base.id);
    let y0: Value = base;
    let k = k2;
    if (def !== undefined && (def.opcode === 'int_add' || def.opcode === 'int_sub')) {
      const [p, q] = def.args;
      if (def.opcode === 'int_add' && c(q) !== null) [y0, k] = [p, (c(q)! + k2) | 0];
      else if (def.opcode === 'int_add' && c(p) !== null) [y0, k] = [q, (c(p)! + k2) | 0];
      else if (def.opcode === 'int_sub' && c(q) !== null) [y0, k] = [p, (k2 - c(q)!) | 0];
    }
    if (k === 0) return { value: y0 };
    if (y0 === base && op.opcode === 'int_add' && c(y) !== null) return null; // already x + C
    return { ops: [{ ...op, opcode: 'int_add', args: [y0, constOf('i', k)] }] };
  }

  /** The int32 a value is as a number: the arg of int_to_float, or an int32 constant (not -0); else null. */
  private intSource(v: Value): Value | null {
    if (v.tag === 'const') {
      const n = v.value as number;
      return Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX && !Object.is(n, -0) ? constOf('i', n) : null;
    }
    const def = this.defs.get(v.id);
    return def !== undefined && def.opcode === 'int_to_float' ? def.args[0] : null;
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
