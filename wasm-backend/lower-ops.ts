// The lowering table: one row per op of the trace table (jit/ir/ops.ts), typed
// so that a new op fails to compile until it has a row here. A row emits the
// op through `Cx` (implemented by lower.ts, which also holds the value model:
// locals, `i` tags, virtual boxes, exits) and says how the tag of an `i`
// result is known. Pure arithmetic is wasm; what wasm cannot do on JS values
// goes through generated JS helpers (glue.ts).

import type { CallDescr, ClassDescr, FieldDescr } from '../jit/ir/descr.js';
import type { OPS, Opcode } from '../jit/ir/ops.js';
import type { Op, Value } from '../jit/ir/trace.js';
import type { HostSpec } from './glue.js';
import { EXC_ADDR } from './runtime.js';
import { w, type Expr, type WType } from './wasm-ir.js';
import { typedArraylen, typedGet, typedGetInt, typedIndexOk, typedSet, type ViewLocs } from './typed-access.js';

/** How the tag of an op's `i` result is known (see "Values" in lower.ts). */
export type ResultTag = 'int' | 'bool' | 'dyn';

/** An `i` value's tag: static (1 boolean, 0 number) or in a local. */
export type Tag = { readonly s: 0 | 1 } | { readonly l: number };

/** A helper as a row asks for it: the argument conversions follow from the args; `id` (a class, a function) joins the key. */
export type HostCall = Omit<HostSpec, 'args'> & { readonly id?: unknown };

/** What a row of the lowering table sees of the function being built. */
export interface Cx {
  val(v: Value): Expr;
  tagOf(v: Value): Tag;
  tagExpr(v: Value): Expr;
  /** Defines the op's result box as `value` (and its tag: per the row, or `tag` when given). */
  def(op: Op, value: Expr, tag?: Expr): void;
  /** For a virtual box (see Loc.boxed in lower.ts): the value it boxes; else null. */
  boxedOf(v: Value): Value | null;
  /** For an r box with a typed-heap view (see Loc.view in lower.ts): its locals; else null. */
  view(v: Value): ViewLocs | null;
  /** The op of this trace that defines box `v`, if any. */
  producer(v: Value): Op | null;
  /** A value computed once per segment (straight-line code: what ran earlier in it dominates). */
  memo<T>(key: string, make: () => T): T;
  stmt(e: Expr): void;
  /** A local for intermediate values. */
  temp(type: WType): number;
  /** A call of a generated helper on `args` (default: the op's args). */
  host(op: Op, spec: HostCall, args?: readonly Value[]): Expr;
  /** A call of an imported JS function given directly. */
  raw(key: string, params: readonly WType[], result: WType, fn: unknown, args: readonly Expr[]): Expr;
  /** The guard fails when `fails` is non-zero. */
  guard(op: Op, fails: Expr): void;
  jump(op: Op): void;
  finish(op: Op): void;
  /** Non-zero once the loop that owns the unit was invalidated. */
  readonly invalidated: Expr;
}

export interface Row {
  readonly emit: (op: Op, cx: Cx) => void;
  readonly tag?: ResultTag;
}

/** Rows of ops with an `i` result must say how its tag is known. */
type LowerTable = { readonly [K in Opcode]: (typeof OPS)[K]['result'] extends 'i' ? Row & { readonly tag: ResultTag } : Row };

// ---------------------------------------------------------------- the table

const a0 = (op: Op) => op.args[0];
const a1 = (op: Op) => op.args[1];
const bin = (o: string): Row['emit'] => (op, cx) => cx.def(op, w.op(o, cx.val(a0(op)), cx.val(a1(op))));
const un = (o: string): Row['emit'] => (op, cx) => cx.def(op, w.op(o, cx.val(a0(op))));
const nothing: Row['emit'] = () => undefined;
const field = (op: Op) => JSON.stringify((op.descr as FieldDescr).name);

/** JS === on two i values: same tag and same bits. */
function identical(cx: Cx, a: Value, b: Value): Expr {
  const eq = w.op('i32.eq', cx.val(a), cx.val(b));
  const ta = cx.tagOf(a);
  const tb = cx.tagOf(b);
  if ('s' in ta && 's' in tb) return ta.s === tb.s ? eq : w.i32(0);
  return w.op('i32.and', eq, w.op('i32.eq', cx.tagExpr(a), cx.tagExpr(b)));
}

/** ptr_eq: ref.is_null against a null constant, else JS === through a helper. */
function ptrEq(op: Op, cx: Cx): Expr {
  const [a, b] = op.args;
  const isNullConst = (v: Value) => v.tag === 'const' && v.value === null;
  if (isNullConst(b)) return w.isNull(cx.val(a));
  if (isNullConst(a)) return w.isNull(cx.val(b));
  return cx.host(op, { key: 'ptr_eq', result: 'i32', body: (x) => `${x[0]} === ${x[1]}` });
}

/**
 * JS `%` (fmod, sign of the dividend). Integral operands below 2^53 use
 * i64.rem_s (exact there; copysign gives -0 for a zero result of a negative
 * or -0 dividend); everything else calls JS.
 */
function floatMod(op: Op, cx: Cx): void {
  const x = cx.temp('f64');
  const y = cx.temp('f64');
  cx.stmt(w.set(x, cx.val(a0(op))));
  cx.stmt(w.set(y, cx.val(a1(op))));
  const X = w.get(x, 'f64');
  const Y = w.get(y, 'f64');
  const small = (v: Expr) => w.op('f64.lt', w.op('f64.abs', v), w.f64(2 ** 53));
  const integral = (v: Expr) => w.op('f64.eq', w.op('f64.trunc', v), v);
  const fast = w.op('i32.and',
    w.op('i32.and', w.op('i32.and', small(X), small(Y)), w.op('i32.and', integral(X), integral(Y))),
    w.op('f64.ne', Y, w.f64(0)));
  const rem = w.op('f64.copysign',
    w.op('f64.convert_s.i64', w.op('i64.rem_s', w.op('i64.trunc_s_sat.f64', X), w.op('i64.trunc_s_sat.f64', Y))), X);
  cx.def(op, w.if(fast, rem, cx.raw('fmod', ['f64', 'f64'], 'f64', (p: number, q: number) => p % q, [X, Y])));
}

/** ECMAScript ToInt32: exact through i64 below 2^63 (NaN and beyond call JS, which gives 0 or the wrapped value). */
function toInt32(op: Op, cx: Cx): void {
  const x = cx.temp('f64');
  cx.stmt(w.set(x, cx.val(a0(op))));
  const X = w.get(x, 'f64');
  cx.def(op, w.if(w.op('f64.lt', w.op('f64.abs', X), w.f64(2 ** 63)),
    w.op('i32.wrap', w.op('i64.trunc_s_sat.f64', X)),
    cx.raw('toint32', ['f64'], 'i32', (v: number) => v | 0, [X])));
}

/** Number.isInteger: equal to its truncation (so not NaN) and finite. */
function floatIsInteger(op: Op, cx: Cx): void {
  const x = cx.temp('f64');
  cx.stmt(w.set(x, cx.val(a0(op))));
  const X = w.get(x, 'f64');
  cx.def(op, w.op('i32.and', w.op('f64.eq', w.op('f64.trunc', X), X), w.op('f64.lt', w.op('f64.abs', X), w.f64(Infinity))));
}

/** Object.is(x, x | 0): converts back to itself through i32, and is not -0 (whose bits are those of i64 min). */
function floatIsInt32(op: Op, cx: Cx): void {
  const x = cx.temp('f64');
  cx.stmt(w.set(x, cx.val(a0(op))));
  const X = w.get(x, 'f64');
  const back = w.op('f64.eq', w.op('f64.convert_s.i32', w.op('i32.trunc_s_sat.f64', X)), X);
  cx.def(op, w.op('i32.and', back, w.op('i64.ne', w.op('i64.reinterpret', X), w.i64(-(2n ** 63n)))));
}

/** guard_value: Object.is against the constant arg1. */
function guardValue(op: Op, cx: Cx): void {
  const [x, c] = op.args;
  const k = (c as { value: unknown }).value;
  switch (x.kind) {
    case 'i': {
      const cv = typeof k === 'boolean' ? (k ? 1 : 0) : (k as number);
      const ct = typeof k === 'boolean' ? 1 : 0;
      const ne = w.op('i32.ne', cx.val(x), w.i32(cv));
      const t = cx.tagOf(x);
      if ('s' in t) return cx.guard(op, t.s === ct ? ne : w.i32(1));
      return cx.guard(op, w.op('i32.or', ne, w.op('i32.ne', cx.tagExpr(x), w.i32(ct))));
    }
    case 'f': {
      const n = k as number;
      if (Number.isNaN(n)) return cx.guard(op, w.op('f64.eq', cx.val(x), cx.val(x)));
      const bits = new DataView(new ArrayBuffer(8));
      bits.setFloat64(0, n, true);
      return cx.guard(op, w.op('i64.ne', w.op('i64.reinterpret', cx.val(x)), w.i64(bits.getBigInt64(0, true))));
    }
    case 'r':
      if (k === null) return cx.guard(op, w.op('i32.eqz', w.isNull(cx.val(x))));
      return cx.guard(op, w.op('i32.eqz', cx.raw('Object.is', ['externref', 'externref'], 'i32', Object.is, [cx.val(x), cx.val(c)])));
  }
}

/**
 * Host calls of JS builtins on numbers that wasm computes exactly, inlined
 * instead of called when every argument is an f value (interpreters call
 * e.g. Number.isInteger to keep integer and float semantics apart). Generic
 * JS facts, nothing about any guest language. Arguments are locals or
 * constants, so using one twice is free.
 */
const INF = Infinity;
interface Builtin { readonly arity: number; readonly result: 'i' | 'f'; readonly lower: (x: readonly Expr[]) => Expr }
const BUILTINS = new Map<(...a: never[]) => unknown, Builtin>([
  [Number.isInteger, { arity: 1, result: 'i', lower: ([x]) => w.op('i32.and', w.op('f64.eq', w.op('f64.trunc', x), x), w.op('f64.lt', w.op('f64.abs', x), w.f64(INF))) }],
  [Number.isFinite, { arity: 1, result: 'i', lower: ([x]) => w.op('f64.lt', w.op('f64.abs', x), w.f64(INF)) }],
  [Number.isNaN, { arity: 1, result: 'i', lower: ([x]) => w.op('f64.ne', x, x) }],
  [Math.abs, { arity: 1, result: 'f', lower: ([x]) => w.op('f64.abs', x) }],
  [Math.floor, { arity: 1, result: 'f', lower: ([x]) => w.op('f64.floor', x) }],
  [Math.ceil, { arity: 1, result: 'f', lower: ([x]) => w.op('f64.ceil', x) }],
  [Math.trunc, { arity: 1, result: 'f', lower: ([x]) => w.op('f64.trunc', x) }],
  [Math.sqrt, { arity: 1, result: 'f', lower: ([x]) => w.op('f64.sqrt', x) }],
  [Math.min, { arity: 2, result: 'f', lower: ([x, y]) => w.op('f64.min', x, y) }],
  [Math.max, { arity: 2, result: 'f', lower: ([x, y]) => w.op('f64.max', x, y) }],
]);

/** BUILTINS row of a call's function: the builtin itself, or (as the linker makes them) the builtin bound to its holder. */
function builtinOf(d: CallDescr): Builtin | undefined {
  const direct = BUILTINS.get(d.fn);
  if (direct !== undefined) return direct;
  for (const [fn, b] of BUILTINS) if (d.fn.name === `bound ${fn.name}` && d.name.endsWith(`.${fn.name}`)) return b;
  return undefined;
}

/** A host call (call_X): the callee gets the converted args; raising calls catch. */
function call(result: 'dyn' | 'f64' | 'externref' | 'none'): Row['emit'] {
  return (op, cx) => {
    const d = op.descr as CallDescr;
    const b = builtinOf(d);
    if (b !== undefined && b.arity === op.args.length && b.result === op.result?.kind && op.args.every((a) => a.kind === 'f')) {
      if (d.canRaise) cx.stmt(w.store('i32', EXC_ADDR, w.i32(0))); // it returned: nothing pending
      cx.def(op, b.lower(op.args.map((a) => cx.val(a))), b.result === 'i' ? w.i32(1) : undefined);
      return;
    }
    const e = cx.host(op, { key: `call:${d.name}`, result, body: (x) => `fn(${x.join(', ')})`, env: { fn: d.fn }, catches: d.canRaise, id: d });
    if (result === 'none') cx.stmt(e);
    else cx.def(op, e);
  };
}

/** getarrayitem_i: an int item of a typed array (its descr says so: a number, tag 0), else any i value from JS. */
function getIntItem(op: Op, cx: Cx): void {
  if (op.descr === null) return cx.def(op, cx.host(op, { key: 'item', result: 'dyn', body: (x) => `${x[0]}[${x[1]}]` }));
  cx.def(op, typedGetInt(op, cx, () => cx.host(op, { key: 'intitem', result: 'i32', body: (x) => `${x[0]}[${x[1]}] | 0` })), w.i32(0));
}

const LOWER = {
  int_add: { tag: 'int', emit: bin('i32.add') },
  int_sub: { tag: 'int', emit: bin('i32.sub') },
  int_mul: { tag: 'int', emit: bin('i32.mul') },
  int_and: { tag: 'int', emit: bin('i32.and') },
  int_or: { tag: 'int', emit: bin('i32.or') },
  int_xor: { tag: 'int', emit: bin('i32.xor') },
  int_shl: { tag: 'int', emit: bin('i32.shl') },
  int_shr: { tag: 'int', emit: bin('i32.shr_s') },
  int_ushr: { tag: 'int', emit: bin('i32.shr_u') },
  int_not: { tag: 'int', emit: (op, cx) => cx.def(op, w.op('i32.xor', cx.val(a0(op)), w.i32(-1))) },
  int_neg: { tag: 'int', emit: (op, cx) => cx.def(op, w.op('i32.sub', w.i32(0), cx.val(a0(op)))) },
  int_lt: { tag: 'bool', emit: bin('i32.lt_s') },
  int_le: { tag: 'bool', emit: bin('i32.le_s') },
  int_gt: { tag: 'bool', emit: bin('i32.gt_s') },
  int_ge: { tag: 'bool', emit: bin('i32.ge_s') },
  int_eq: { tag: 'bool', emit: (op, cx) => cx.def(op, identical(cx, a0(op), a1(op))) },
  int_ne: { tag: 'bool', emit: (op, cx) => cx.def(op, w.op('i32.eqz', identical(cx, a0(op), a1(op)))) },
  bool_not: { tag: 'bool', emit: un('i32.eqz') },

  float_add: { emit: bin('f64.add') },
  float_sub: { emit: bin('f64.sub') },
  float_mul: { emit: bin('f64.mul') },
  float_div: { emit: bin('f64.div') },
  float_mod: { emit: floatMod },
  float_pow: { emit: (op, cx) => cx.def(op, cx.raw('pow', ['f64', 'f64'], 'f64', (p: number, q: number) => p ** q, [cx.val(a0(op)), cx.val(a1(op))])) },
  float_neg: { emit: un('f64.neg') },
  float_abs: { emit: un('f64.abs') },
  float_floor: { emit: un('f64.floor') },
  float_ceil: { emit: un('f64.ceil') },
  float_trunc: { emit: un('f64.trunc') },
  float_sqrt: { emit: un('f64.sqrt') },
  float_min: { emit: bin('f64.min') },
  float_max: { emit: bin('f64.max') },
  float_lt: { tag: 'bool', emit: bin('f64.lt') },
  float_le: { tag: 'bool', emit: bin('f64.le') },
  float_gt: { tag: 'bool', emit: bin('f64.gt') },
  float_ge: { tag: 'bool', emit: bin('f64.ge') },
  float_eq: { tag: 'bool', emit: bin('f64.eq') },
  float_ne: { tag: 'bool', emit: bin('f64.ne') },
  // !!x: not 0, not -0, not NaN
  float_is_true: { tag: 'bool', emit: (op, cx) => cx.def(op, w.op('f64.gt', w.op('f64.abs', cx.val(a0(op))), w.f64(0))) },

  float_is_integer: { tag: 'bool', emit: floatIsInteger },
  float_is_int32: { tag: 'bool', emit: floatIsInt32 },
  float_to_int32: { tag: 'int', emit: toInt32 },
  int_to_float: { emit: un('f64.convert_s.i32') },
  uint_to_float: { emit: un('f64.convert_u.i32') },
  box_float: { emit: nothing }, // virtual, see Loc.boxed
  unbox_float: {
    emit: (op, cx) => {
      const src = cx.boxedOf(a0(op));
      if (src !== null && src.kind === 'f') cx.def(op, cx.val(src));
      else cx.def(op, cx.host(op, { key: 'unbox_float', result: 'f64', body: (x) => x[0] }));
    },
  },
  box_int: { emit: nothing }, // virtual, see Loc.boxed
  unbox_int: {
    tag: 'dyn',
    emit: (op, cx) => {
      const src = cx.boxedOf(a0(op));
      if (src !== null && src.kind === 'i') cx.def(op, cx.val(src), cx.tagExpr(src));
      else cx.def(op, cx.host(op, { key: 'unbox_int', result: 'dyn', body: (x) => x[0] }));
    },
  },

  ptr_eq: { tag: 'bool', emit: (op, cx) => cx.def(op, ptrEq(op, cx)) },
  ptr_ne: { tag: 'bool', emit: (op, cx) => cx.def(op, w.op('i32.eqz', ptrEq(op, cx))) },
  ref_is_true: { tag: 'bool', emit: (op, cx) => cx.def(op, cx.host(op, { key: 'ref_is_true', result: 'i32', body: (x) => `!!${x[0]}` })) },
  ref_typeof: {
    emit: (op, cx) => {
      const src = cx.boxedOf(a0(op));
      if (src === null) return cx.def(op, cx.host(op, { key: 'typeof', result: 'externref', body: (x) => `typeof ${x[0]}` }));
      // typeof a virtual box: "number", or "boolean" for a boolean i value
      const number = cx.val({ tag: 'const', kind: 'r', value: 'number' });
      if (src.kind === 'f' || ('s' in cx.tagOf(src) && (cx.tagOf(src) as { s: number }).s === 0)) return cx.def(op, number);
      cx.def(op, w.if(cx.tagExpr(src), cx.val({ tag: 'const', kind: 'r', value: 'boolean' }), number));
    },
  },
  instanceof: {
    tag: 'bool',
    emit: (op, cx) => {
      const d = op.descr as ClassDescr;
      cx.def(op, cx.host(op, { key: `instanceof:${d.name}`, result: 'i32', body: (x) => `${x[0]} instanceof C`, env: { C: d.cls }, id: d }));
    },
  },
  str_len: { emit: (op, cx) => cx.def(op, cx.host(op, { key: 'length', result: 'f64', body: (x) => `${x[0]}.length` })) },
  str_charcode: { emit: (op, cx) => cx.def(op, cx.host(op, { key: 'charCodeAt', result: 'f64', body: (x) => `${x[0]}.charCodeAt(${x[1]})` })) },
  str_lt: { tag: 'bool', emit: (op, cx) => cx.def(op, cx.host(op, { key: 'str_lt', result: 'i32', body: (x) => `${x[0]} < ${x[1]}` })) },
  str_le: { tag: 'bool', emit: (op, cx) => cx.def(op, cx.host(op, { key: 'str_le', result: 'i32', body: (x) => `${x[0]} <= ${x[1]}` })) },
  str_concat: { emit: (op, cx) => cx.def(op, cx.host(op, { key: 'concat', result: 'externref', body: (x) => `${x[0]} + ${x[1]}` })) },
  str_from_float: { emit: (op, cx) => cx.def(op, cx.host(op, { key: 'String', result: 'externref', body: (x) => `String(${x[0]})` })) },

  getfield_i: { tag: 'dyn', emit: (op, cx) => cx.def(op, cx.host(op, { key: `get:${field(op)}`, result: 'dyn', body: (x) => `${x[0]}[${field(op)}]` })) },
  getfield_f: { emit: (op, cx) => cx.def(op, cx.host(op, { key: `get:${field(op)}`, result: 'f64', body: (x) => `${x[0]}[${field(op)}]` })) },
  getfield_r: { emit: (op, cx) => cx.def(op, cx.host(op, { key: `get:${field(op)}`, result: 'externref', body: (x) => `${x[0]}[${field(op)}]` })) },
  setfield: { emit: (op, cx) => cx.stmt(cx.host(op, { key: `set:${field(op)}`, result: 'none', body: (x) => `${x[0]}[${field(op)}] = ${x[1]}` })) },
  getarrayitem_i: { tag: 'dyn', emit: getIntItem },
  getarrayitem_f: { emit: (op, cx) => cx.def(op, typedGet(op, cx, () => cx.host(op, { key: 'item', result: 'f64', body: (x) => `${x[0]}[${x[1]}]` }))) },
  getarrayitem_r: { emit: (op, cx) => cx.def(op, cx.host(op, { key: 'item', result: 'externref', body: (x) => `${x[0]}[${x[1]}]` })) },
  setarrayitem: { emit: (op, cx) => cx.stmt(typedSet(op, cx, () => cx.host(op, { key: 'setitem', result: 'none', body: (x) => `${x[0]}[${x[1]}] = ${x[2]}` }))) },
  typed_index_ok: {
    tag: 'bool',
    emit: (op, cx) => cx.def(op, typedIndexOk(op, cx, () => cx.host(op, {
      key: 'typed_index_ok', result: 'i32', body: (x) => `Number.isInteger(${x[1]}) && ${x[1]} >= 0 && ${x[1]} < ${x[0]}.length`,
    }))),
  },
  arraylen: { emit: (op, cx) => cx.def(op, typedArraylen(op, cx, () => cx.host(op, { key: 'length', result: 'f64', body: (x) => `${x[0]}.length` }))) },
  new: {
    emit: (op, cx) => {
      const d = op.descr as ClassDescr;
      cx.def(op, cx.host(op, { key: `new:${d.name}`, result: 'externref', body: (x) => `d.construct([${x.join(', ')}])`, env: { d }, id: d }));
    },
  },
  new_array: { emit: (op, cx) => cx.def(op, cx.host(op, { key: 'array', result: 'externref', body: (x) => `[${x.join(', ')}]` })) },

  call_i: { tag: 'dyn', emit: call('dyn') },
  call_f: { emit: call('f64') },
  call_r: { emit: call('externref') },
  call_n: { emit: call('none') },

  guard_true: { emit: (op, cx) => cx.guard(op, w.op('i32.eqz', cx.val(a0(op)))) },
  guard_false: { emit: (op, cx) => cx.guard(op, cx.val(a0(op))) },
  guard_value: { emit: guardValue },
  guard_class: {
    emit: (op, cx) => {
      const cls = (a1(op) as { value: unknown }).value;
      const check = cx.host(op, {
        key: 'class', result: 'i32', body: (x) => `${x[0]} !== null && ${x[0]} !== undefined && ${x[0]}.constructor === C`, env: { C: cls }, id: cls,
      }, [a0(op)]);
      cx.guard(op, w.op('i32.eqz', check));
    },
  },
  guard_nonnull: { emit: (op, cx) => cx.guard(op, w.isNull(cx.val(a0(op)))) },
  guard_isnull: { emit: (op, cx) => cx.guard(op, w.op('i32.eqz', w.isNull(cx.val(a0(op))))) },
  guard_no_exception: { emit: (op, cx) => cx.guard(op, w.load('i32', EXC_ADDR)) },
  guard_not_invalidated: { emit: (op, cx) => cx.guard(op, cx.invalidated) },

  label: { emit: nothing }, // segments are cut at labels by the function builder
  jump: { emit: (op, cx) => cx.jump(op) },
  finish: { emit: (op, cx) => cx.finish(op) },
  debug_merge_point: { emit: nothing },
} satisfies LowerTable;

export const ROWS: Readonly<Record<Opcode, Row>> = LOWER;
