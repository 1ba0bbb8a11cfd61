// Lowering: a unit of traces (a loop or a bridge, and the bridges merged into
// it) -> one WebAssembly function, described with wasm-ir.ts for the binaryen
// worker. Every op of the trace table has a row in LOWER below, whose type
// makes a new op fail to compile until it is handled here.
//
// Values. Each box is a wasm local: i -> i32, f -> f64, r -> externref.
// An `i` value is an int32 number or a JS boolean, and the two must come back
// to JS as they were (Object.is-identical to the reference backend), so an i
// box also has a *tag*: 1 if it holds a boolean (as 0/1), 0 if a number.
// Arithmetic and comparisons never need the tag (JS computes with booleans as
// 0/1 too); only identity (int_eq/int_ne/guard_value) and the way back to JS
// (exits, host-call arguments, setfield, box_int, ...) read it. The tag is
// static where the producing op fixes it (row `tag`: 'int' for arithmetic,
// 'bool' for comparisons, boolean constants), and a local otherwise: trace
// inputs, label args (values merge at a label), and results of host helpers
// ('dyn': getfield_i, call_i, ...), which report it in memory TAG.
//
// Function layout. `run(entry: i32, fuel: i32) -> i32` returns an exit code.
//
//   block $x(m-1) ... block $x0       shared guard exits (see below)
//     block $go                       prologue: br_table on `entry`; each entry
//       ...                           loads its inputs from the slots, sets $state
//     loop $dispatch                  br_table on $state over the segments:
//       block $s(n-1) ... block $s0 (br_table ...) <segment 0> ... <segment n-1>
//     unreachable
//   end $x0: write the slots of exit 0; return $code ... end $x(m-1): ...
//
// A segment is the code of one trace from its start or from one of its
// labels to the next label. A label segment is wrapped in `loop $Lk`. The
// preamble of a peeled loop ends with a jump directly followed by the label it
// targets: that jump only moves its args into the label's boxes (which that
// label defines) and falls through into the next segment. Locals are
// function-wide, so values defined before a second label stay visible after it.
//
// Control transfers:
//   jump to a label of this unit     parallel move into the label's locals;
//                                     `br $Lk` when inside that loop, else
//                                     `$state = k; br $dispatch`. Every such jump
//                                     spends one unit of fuel; at zero it writes
//                                     the loop's live values to the slots and
//                                     returns a `resume` exit, and the dispatcher
//                                     calls run again at the label's resume
//                                     entry (V8 switches to optimized code only
//                                     between calls: a long first call would
//                                     stay in the baseline tier, 2-5x slower).
//   jump elsewhere / finish / guard   write the args to the slots, return the
//   exit without bridge here          exit code; the JS dispatcher acts on it.
//                                     Guards whose failArgs are the same values
//                                     share that code: `$code = N; br $xk` (on
//                                     big traces exits are most of the code).
//   guard with a bridge in the unit   move the failArgs into the bridge's inputs,
//                                     `$state = bridge segment; br $dispatch`
//                                     (guard_no_exception: only when no
//                                     exception is pending; else it exits).

import type { ExitDescr, GuardDescr, TargetDescr } from '../jit/ir/descr.js';
import type { CallDescr, ClassDescr, FieldDescr } from '../jit/ir/descr.js';
import type { OPS, Opcode } from '../jit/ir/ops.js';
import type { Box, Op, Trace, Value } from '../jit/ir/trace.js';
import { HelperCache, ImportSet, type ArgConv, type HostSpec } from './glue.js';
import { EXC_ADDR, MAX_PAGES, slotTag, slotValue, TAG_ADDR, type SlotKinds, type WasmRuntime } from './runtime.js';
import { w, type Expr, type ModuleDesc, type WType } from './wasm-ir.js';

/** How the tag of an op's `i` result is known (see "Values"). */
export type ResultTag = 'int' | 'bool' | 'dyn';

/** One trace of a unit: a loop (guard null) or the bridge of `guard`. */
export interface TreeTrace {
  readonly trace: Trace;
  readonly guard: GuardDescr | null;
}

export type ExitInfo =
  | { readonly kind: 'guard'; readonly descr: GuardDescr; readonly kinds: SlotKinds; readonly noException: boolean }
  | { readonly kind: 'finish'; readonly descr: ExitDescr; readonly kinds: SlotKinds }
  | { readonly kind: 'jump'; readonly target: TargetDescr }
  /** A back-edge ran out of fuel: call run(entry) of the same code again; the slots hold the loop's live values. */
  | { readonly kind: 'resume'; readonly entry: number };

export interface LoweredTree {
  readonly desc: ModuleDesc;
  readonly imports: ImportSet;
  /** By exit code. */
  readonly exits: readonly ExitInfo[];
  /** Entry numbers (the `entry` argument of run) of the unit's labels, with their slot kinds. */
  readonly labelEntries: ReadonlyMap<TargetDescr, { readonly entry: number; readonly kinds: SlotKinds }>;
  /** Entry numbers of the unit's bridges, by the guard they hang on. */
  readonly bridgeEntries: ReadonlyMap<GuardDescr, number>;
  /** Every guard of the unit. */
  readonly guards: readonly GuardDescr[];
  /** The most slots one exit or entry uses. */
  readonly slots: number;
}

export interface LowerOptions {
  readonly rt: WasmRuntime;
  /** Generated helpers to reuse (the backend's); default: a fresh cache. */
  readonly helpers?: HelperCache;
  /** Testing: every guard whose condition holds asks this (see BackendOptions.forceGuardFailure). */
  readonly forceGuardFailure?: (guard: GuardDescr) => boolean;
}

type Tag = { readonly s: 0 | 1 } | { readonly l: number };

/** A helper as a row asks for it: the argument conversions follow from the args; `id` (a class, a function) joins the key. */
type HostCall = Omit<HostSpec, 'args'> & { readonly id?: unknown };

interface Loc {
  readonly v: number;
  readonly type: WType;
  /** i boxes only. */
  readonly tag: Tag | null;
}

const WTYPE = { i: 'i32', f: 'f64', r: 'externref' } as const;
const P_ENTRY = 0;
const P_FUEL = 1;
const L_STATE = 2;
/** The exit code, for exits that share their code (see FnBuilder.shared). */
const L_CODE = 3;

/** What a row of the lowering table sees of the function being built. */
interface Cx {
  val(v: Value): Expr;
  tagOf(v: Value): Tag;
  tagExpr(v: Value): Expr;
  /** Defines the op's result box as `value` (and its tag, per the row). */
  def(op: Op, value: Expr): void;
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

interface Row {
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

/** A host call (call_X): the callee gets the converted args; raising calls catch. */
function call(result: 'dyn' | 'f64' | 'externref' | 'none'): Row['emit'] {
  return (op, cx) => {
    const d = op.descr as CallDescr;
    const e = cx.host(op, { key: `call:${d.name}`, result, body: (x) => `fn(${x.join(', ')})`, env: { fn: d.fn }, catches: d.canRaise, id: d });
    if (result === 'none') cx.stmt(e);
    else cx.def(op, e);
  };
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

  float_to_int32: { tag: 'int', emit: toInt32 },
  int_to_float: { emit: un('f64.convert_s.i32') },
  uint_to_float: { emit: un('f64.convert_u.i32') },
  box_float: { emit: (op, cx) => cx.def(op, cx.host(op, { key: 'box', result: 'externref', body: (x) => x[0] })) },
  unbox_float: { emit: (op, cx) => cx.def(op, cx.host(op, { key: 'unbox_float', result: 'f64', body: (x) => x[0] })) },
  box_int: { emit: (op, cx) => cx.def(op, cx.host(op, { key: 'box', result: 'externref', body: (x) => x[0] })) },
  unbox_int: { tag: 'dyn', emit: (op, cx) => cx.def(op, cx.host(op, { key: 'unbox_int', result: 'dyn', body: (x) => x[0] })) },

  ptr_eq: { tag: 'bool', emit: (op, cx) => cx.def(op, ptrEq(op, cx)) },
  ptr_ne: { tag: 'bool', emit: (op, cx) => cx.def(op, w.op('i32.eqz', ptrEq(op, cx))) },
  ref_is_true: { tag: 'bool', emit: (op, cx) => cx.def(op, cx.host(op, { key: 'ref_is_true', result: 'i32', body: (x) => `!!${x[0]}` })) },
  ref_typeof: { emit: (op, cx) => cx.def(op, cx.host(op, { key: 'typeof', result: 'externref', body: (x) => `typeof ${x[0]}` })) },
  instanceof: {
    tag: 'bool',
    emit: (op, cx) => {
      const d = op.descr as ClassDescr;
      cx.def(op, cx.host(op, { key: `instanceof:${d.name}`, result: 'i32', body: (x) => `${x[0]} instanceof C`, env: { C: d.cls }, id: d }));
    },
  },
  str_len: { emit: (op, cx) => cx.def(op, cx.host(op, { key: 'length', result: 'f64', body: (x) => `${x[0]}.length` })) },
  str_charcode: { emit: (op, cx) => cx.def(op, cx.host(op, { key: 'charCodeAt', result: 'f64', body: (x) => `${x[0]}.charCodeAt(${x[1]})` })) },
  str_concat: { emit: (op, cx) => cx.def(op, cx.host(op, { key: 'concat', result: 'externref', body: (x) => `${x[0]} + ${x[1]}` })) },
  str_from_float: { emit: (op, cx) => cx.def(op, cx.host(op, { key: 'String', result: 'externref', body: (x) => `String(${x[0]})` })) },

  getfield_i: { tag: 'dyn', emit: (op, cx) => cx.def(op, cx.host(op, { key: `get:${field(op)}`, result: 'dyn', body: (x) => `${x[0]}[${field(op)}]` })) },
  getfield_f: { emit: (op, cx) => cx.def(op, cx.host(op, { key: `get:${field(op)}`, result: 'f64', body: (x) => `${x[0]}[${field(op)}]` })) },
  getfield_r: { emit: (op, cx) => cx.def(op, cx.host(op, { key: `get:${field(op)}`, result: 'externref', body: (x) => `${x[0]}[${field(op)}]` })) },
  setfield: { emit: (op, cx) => cx.stmt(cx.host(op, { key: `set:${field(op)}`, result: 'none', body: (x) => `${x[0]}[${field(op)}] = ${x[1]}` })) },
  getarrayitem_i: { tag: 'dyn', emit: (op, cx) => cx.def(op, cx.host(op, { key: 'item', result: 'dyn', body: (x) => `${x[0]}[${x[1]}]` })) },
  getarrayitem_f: { emit: (op, cx) => cx.def(op, cx.host(op, { key: 'item', result: 'f64', body: (x) => `${x[0]}[${x[1]}]` })) },
  getarrayitem_r: { emit: (op, cx) => cx.def(op, cx.host(op, { key: 'item', result: 'externref', body: (x) => `${x[0]}[${x[1]}]` })) },
  setarrayitem: { emit: (op, cx) => cx.stmt(cx.host(op, { key: 'setitem', result: 'none', body: (x) => `${x[0]}[${x[1]}] = ${x[2]}` })) },
  arraylen: { emit: (op, cx) => cx.def(op, cx.host(op, { key: 'length', result: 'f64', body: (x) => `${x[0]}.length` })) },
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


const ROWS: Readonly<Record<Opcode, Row>> = LOWER;

// ---------------------------------------------------------------- the function builder

interface Segment {
  readonly block: string;
  /** The loop label of a label segment. */
  readonly loop: string | null;
  readonly code: Expr[];
}

interface LabelInfo {
  readonly seg: number;
  readonly trace: number;
  readonly args: readonly Box[];
  /**
   * What the loop at this label needs when it is resumed after a fuel exit:
   * its args and, at a second label, the values defined before it and used
   * after it. `resume` is the entry that loads them.
   */
  readonly live: readonly Box[];
  readonly resume: number;
}

/** Boxes defined before op `at` of `trace` and used after it. */
function invariants(trace: Trace, at: number): Box[] {
  const after = new Set<number>();
  const used = new Map<number, Box>();
  trace.ops.forEach((op, i) => {
    if (i < at) return;
    if (op.opcode === 'label') for (const a of op.args) if (a.tag === 'box') after.add(a.id);
    if (op.opcode !== 'label') for (const a of [...op.args, ...(op.failArgs ?? [])]) if (a.tag === 'box') used.set(a.id, a);
    if (op.result !== null) after.add(op.result.id);
  });
  return [...used.values()].filter((b) => !after.has(b.id));
}

/** Lowers a unit of traces into one module; see the file header. */
export function lowerTree(traces: readonly TreeTrace[], options: LowerOptions): LoweredTree {
  return new FnBuilder(traces, options).build();
}

class FnBuilder {
  readonly imports: ImportSet;
  private readonly vars: WType[] = ['i32', 'i32']; // L_STATE, L_CODE
  /**
   * Guard exits whose failArgs are the same values (common: several guards
   * of one guest instruction) share one block that writes the slots and
   * returns $code; each guard only sets $code and branches there. Keyed by
   * trace and failArgs (exitKey); `uses` counted before lowering.
   */
  private readonly shared = new Map<string, { uses: number; label: string | null; writes: Expr[] | null }>();
  readonly segments: Segment[] = [];
  private readonly entries: { readonly seg: number; readonly loads: readonly Expr[] }[] = [];
  readonly exits: ExitInfo[] = [];
  private readonly jumpExits = new Map<TargetDescr, number>();
  readonly guards: GuardDescr[] = [];
  private readonly guardIndex = new Map<GuardDescr, number>();
  /** Per trace: box id -> local. */
  readonly locs: Map<number, Loc>[] = [];
  readonly labels = new Map<TargetDescr, LabelInfo>();
  /** The trace index of each bridge in the unit, by its guard. */
  readonly bridgeOf = new Map<GuardDescr, number>();
  /** First segment of each trace. */
  readonly startSeg: number[] = [];
  readonly labelEntries = new Map<TargetDescr, { entry: number; kinds: SlotKinds }>();
  readonly bridgeEntries = new Map<GuardDescr, number>();
  slots = 0;

  constructor(readonly traces: readonly TreeTrace[], readonly options: LowerOptions) {
    this.imports = new ImportSet(options.rt, options.helpers ?? new HelperCache());
  }

  local(type: WType): number {
    this.vars.push(type);
    return this.vars.length + 1; // after the two params
  }

  build(): LoweredTree {
    this.traces.forEach((t, k) => { if (t.guard !== null) this.bridgeOf.set(t.guard, k); });
    this.traces.forEach((t, k) => this.allocate(t.trace, k));
    this.traces.forEach((t, k) => this.cutSegments(t, k));
    this.traces.forEach((t, k) => this.countExits(t.trace, k));
    this.traces.forEach((t, k) => new TraceLowering(this, t.trace, k, this.startSeg[k]).run());
    return {
      desc: this.describe(),
      imports: this.imports,
      exits: this.exits,
      labelEntries: this.labelEntries,
      bridgeEntries: this.bridgeEntries,
      guards: this.guards,
      slots: this.slots,
    };
  }

  /** Locals for every box of a trace (see "Values" for which tags are locals). */
  private allocate(trace: Trace, k: number): void {
    const merged = new Set<number>();
    for (const op of trace.ops) if (op.opcode === 'label') for (const a of op.args) if (a.tag === 'box') merged.add(a.id);
    const locs = new Map<number, Loc>();
    const define = (b: Box, tag: ResultTag | null) => {
      const type = WTYPE[b.kind];
      const v = this.local(type);
      let t: Tag | null = null;
      if (b.kind === 'i') t = tag === 'dyn' || tag === null || merged.has(b.id) ? { l: this.local('i32') } : { s: tag === 'bool' ? 1 : 0 };
      locs.set(b.id, { v, type, tag: t });
    };
    for (const b of trace.inputs) define(b, null);
    for (const op of trace.ops) {
      // A peeled loop's second label defines its args (the loop's phis).
      if (op.opcode === 'label') for (const a of op.args) if (a.tag === 'box' && !locs.has(a.id)) define(a, null);
      if (op.result !== null) define(op.result, ROWS[op.opcode].tag ?? 'dyn');
    }
    this.locs[k] = locs;
  }

  /** Creates the segments of a trace and its entries (labels, and the start of a bridge). */
  private cutSegments(t: TreeTrace, k: number): void {
    const { trace } = t;
    const locs = this.locs[k];
    this.startSeg[k] = this.segments.length;
    const first = trace.ops[0];
    this.segments.push({ block: `s${this.segments.length}`, loop: first.opcode === 'label' ? `L${this.segments.length}` : null, code: [] });
    if (t.guard !== null) this.bridgeEntries.set(t.guard, this.addEntry(this.startSeg[k], trace.inputs, locs));
    trace.ops.forEach((op, i) => {
      if (op.opcode !== 'label') return;
      if (i > 0) this.segments.push({ block: `s${this.segments.length}`, loop: `L${this.segments.length}`, code: [] });
      const seg = this.segments.length - 1;
      const args = op.args as Box[];
      const target = op.descr as TargetDescr;
      const entry = this.addEntry(seg, args, locs);
      const live = i === 0 ? args : [...args, ...invariants(trace, i)];
      this.labels.set(target, { seg, trace: k, args, live, resume: live === args ? entry : this.addEntry(seg, live, locs) });
      this.labelEntries.set(target, { entry, kinds: args.map((a) => a.kind).join('') });
    });
  }

  /** The key under which guard exits of trace `k` with these failArgs share code. */
  exitKey(k: number, failArgs: readonly Value[]): string {
    const one = (v: Value): string => {
      if (v.tag === 'box') return `${v.kind}${v.id}`;
      const x = v.value;
      const text = typeof x === 'number' ? (Object.is(x, -0) ? '-0' : String(x))
        : typeof x === 'string' ? JSON.stringify(x)
        : typeof x === 'object' || typeof x === 'function' ? (x === null ? 'null' : `#${this.imports.id(x)}`)
        : String(x);
      return `${v.kind}:${typeof x}:${text}`;
    };
    return `${k}|${failArgs.map(one).join(',')}`;
  }

  private countExits(trace: Trace, k: number): void {
    for (const op of trace.ops) {
      if (op.failArgs === null || op.failArgs.length === 0) continue;
      if (this.bridgeOf.has(op.descr as GuardDescr) && op.opcode !== 'guard_no_exception') continue;
      const key = this.exitKey(k, op.failArgs);
      const e = this.shared.get(key);
      if (e === undefined) this.shared.set(key, { uses: 1, label: null, writes: null });
      else e.uses++;
    }
  }

  /** The label of the shared exit block for this key, making it from `writes` on first use; null if the exit is not shared. */
  sharedExit(key: string, writes: () => Expr[]): string | null {
    const e = this.shared.get(key);
    if (e === undefined || e.uses < 2) return null;
    if (e.label === null) {
      e.label = `x${this.sharedLabels.length}`;
      e.writes = writes();
      this.sharedLabels.push(e.label);
    }
    return e.label;
  }

  private readonly sharedLabels: string[] = [];

  /** An entry from JS: load `boxes` from slots 0.. and start at `seg`. */
  private addEntry(seg: number, boxes: readonly Box[], locs: Map<number, Loc>): number {
    this.useSlots(boxes.length);
    const loads: Expr[] = [];
    boxes.forEach((b, k) => {
      const loc = locs.get(b.id)!;
      switch (b.kind) {
        case 'i':
          loads.push(w.set(loc.v, w.load('i32', slotValue(k))));
          if ('l' in loc.tag!) loads.push(w.set(loc.tag.l, w.load('i32', slotTag(k))));
          break;
        case 'f':
          loads.push(w.set(loc.v, w.load('f64', slotValue(k))));
          break;
        case 'r':
          loads.push(w.set(loc.v, this.call('entry_r', ['i32'], 'externref', this.options.rt.entryRef, [w.i32(k)])));
          break;
      }
    });
    this.entries.push({ seg, loads });
    return this.entries.length - 1;
  }

  useSlots(n: number): void {
    this.slots = Math.max(this.slots, n);
  }

  call(key: string, params: readonly WType[], result: WType, fn: unknown, args: readonly Expr[]): Expr {
    const f = this.imports.raw(key, params, result, fn);
    return w.call(f.name, args, result);
  }

  exitCode(info: ExitInfo): number {
    if (info.kind === 'jump') {
      const known = this.jumpExits.get(info.target);
      if (known !== undefined) return known;
      this.jumpExits.set(info.target, this.exits.length);
    }
    this.exits.push(info);
    return this.exits.length - 1;
  }

  guardNumber(g: GuardDescr): number {
    let n = this.guardIndex.get(g);
    if (n === undefined) {
      n = this.guards.length;
      this.guards.push(g);
      this.guardIndex.set(g, n);
    }
    return n;
  }

  private describe(): ModuleDesc {
    const prologueLabels = this.entries.map((_, k) => `p${k}`);
    let prologue: Expr[] = [w.switch(prologueLabels, prologueLabels[prologueLabels.length - 1], w.get(P_ENTRY, 'i32'))];
    this.entries.forEach((e, k) => {
      prologue = [w.block(`p${k}`, prologue), ...e.loads, w.set(L_STATE, w.i32(e.seg)), w.br('go')];
    });
    const segLabels = this.segments.map((s) => s.block);
    let dispatch: Expr[] = [w.switch(segLabels, segLabels[segLabels.length - 1], w.get(L_STATE, 'i32'))];
    for (const s of this.segments) {
      const code = s.loop === null ? s.code : [w.loop(s.loop, w.block(null, s.code))];
      dispatch = [w.block(s.block, dispatch), ...code];
    }
    let body: Expr[] = [w.block('go', prologue), w.loop('dispatch', w.block(null, [...dispatch, w.unreachable()])), w.unreachable()];
    for (const e of this.shared.values()) {
      if (e.label !== null) body = [w.block(e.label, body), ...e.writes!, w.return(w.get(L_CODE, 'i32'))];
    }
    return {
      memory: { module: 'env', base: 'mem', initial: 1, maximum: MAX_PAGES },
      funcImports: this.imports.funcs,
      globalImports: [{ name: 'inv', module: 'env', base: 'inv', type: 'i32', mutable: true }, ...this.imports.globals],
      params: ['i32', 'i32'],
      result: 'i32',
      vars: this.vars,
      body: w.block(null, body, 'i32'),
    };
  }
}

/** Lowers the ops of one trace of the unit into its segments. */
class TraceLowering implements Cx {
  private seg: number;
  /** Index of the op being lowered. */
  private pos = 0;
  private readonly locs: Map<number, Loc>;
  readonly invalidated = w.global('inv', 'i32');

  constructor(private readonly fn: FnBuilder, private readonly trace: Trace, private readonly index: number, startSeg: number) {
    this.seg = startSeg;
    this.locs = fn.locs[index];
  }

  run(): void {
    this.trace.ops.forEach((op, i) => {
      this.pos = i;
      if (op.opcode === 'label' && i > 0) this.seg = this.fn.labels.get(op.descr as TargetDescr)!.seg;
      ROWS[op.opcode].emit(op, this);
    });
  }

  private loc(v: Box): Loc {
    const l = this.locs.get(v.id);
    if (l === undefined) throw new Error(`wasm backend: box ${v.kind}${v.id} has no definition in ${this.trace.name}`);
    return l;
  }

  stmt(e: Expr): void {
    this.fn.segments[this.seg].code.push(e);
  }

  val(v: Value): Expr {
    if (v.tag === 'box') {
      const l = this.loc(v);
      return w.get(l.v, l.type);
    }
    const x = v.value;
    switch (v.kind) {
      case 'i': return w.i32(typeof x === 'boolean' ? (x ? 1 : 0) : (x as number));
      case 'f': return w.f64(x as number);
      case 'r': return x === null ? w.refNull() : w.global(this.fn.imports.constant(x), 'externref');
    }
  }

  tagOf(v: Value): Tag {
    if (v.tag === 'const') return { s: typeof v.value === 'boolean' ? 1 : 0 };
    return this.loc(v).tag!;
  }

  tagExpr(v: Value): Expr {
    const t = this.tagOf(v);
    return 's' in t ? w.i32(t.s) : w.get(t.l, 'i32');
  }

  def(op: Op, value: Expr): void {
    const box = op.result!;
    const l = this.loc(box);
    this.stmt(w.set(l.v, value));
    if (l.tag !== null && 'l' in l.tag) {
      const rowTag = ROWS[op.opcode].tag;
      this.stmt(w.set(l.tag.l, rowTag === 'dyn' ? w.load('i32', TAG_ADDR) : w.i32(rowTag === 'bool' ? 1 : 0)));
    }
  }

  temp(type: WType): number {
    return this.fn.local(type);
  }

  private conv(v: Value): ArgConv {
    if (v.kind !== 'i') return v.kind;
    const t = this.tagOf(v);
    return 's' in t ? (t.s === 1 ? 'bool' : 'int') : 'dyn';
  }

  host(op: Op, spec: HostCall, args: readonly Value[] = op.args): Expr {
    const convs = args.map((a) => this.conv(a));
    const key = spec.id === undefined ? spec.key : `${spec.key}#${this.fn.imports.id(spec.id)}`;
    const f = this.fn.imports.host({ ...spec, key, args: convs });
    const exprs = args.flatMap((a, k) => (convs[k] === 'dyn' ? [this.val(a), this.tagExpr(a)] : [this.val(a)]));
    return w.call(f.name, exprs, f.result);
  }

  raw(key: string, params: readonly WType[], result: WType, fn: unknown, args: readonly Expr[]): Expr {
    return this.fn.call(key, params, result, fn, args);
  }

  /** Stores values into slots 0.. (see runtime.ts). */
  private writeSlots(values: readonly Value[]): Expr[] {
    this.fn.useSlots(values.length);
    const out: Expr[] = [];
    values.forEach((v, k) => {
      switch (v.kind) {
        case 'i':
          out.push(w.store('i32', slotValue(k), this.val(v)));
          out.push(w.store('i32', slotTag(k), this.tagExpr(v)));
          break;
        case 'f':
          out.push(w.store('f64', slotValue(k), this.val(v)));
          break;
        case 'r':
          out.push(this.fn.call('exit_r', ['i32', 'externref'], 'none', this.fn.options.rt.exitRef, [w.i32(k), this.val(v)]));
          break;
      }
    });
    return out;
  }

  leave(values: readonly Value[], info: ExitInfo): Expr {
    return w.block(null, [...this.writeSlots(values), w.return(w.i32(this.fn.exitCode(info)))]);
  }

  /** Assigns `values` to the boxes `dests` of trace `destTrace` as one parallel move. */
  private move(values: readonly Value[], dests: readonly Box[], destTrace: number): Expr[] {
    const destLocs = dests.map((d) => this.fn.locs[destTrace].get(d.id)!);
    const written = new Set<number>();
    for (const l of destLocs) {
      written.add(l.v);
      if (l.tag !== null && 'l' in l.tag) written.add(l.tag.l);
    }
    const first: Expr[] = [];
    const then: Expr[] = [];
    const source = (e: Expr, type: WType, dest: number): Expr => {
      if (e.o !== 'local.get' || e.a[0] === dest || !written.has(e.a[0] as number)) return e;
      const t = this.temp(type);
      first.push(w.set(t, e));
      return w.get(t, type);
    };
    values.forEach((v, k) => {
      const d = destLocs[k];
      if (destTrace === this.index && v.tag === 'box' && v.id === dests[k].id) return;
      then.push(w.set(d.v, source(this.val(v), d.type, d.v)));
      if (d.tag !== null && 'l' in d.tag) then.push(w.set(d.tag.l, source(this.tagExpr(v), 'i32', d.tag.l)));
    });
    return [...first, ...then];
  }

  guard(op: Op, fails: Expr): void {
    const g = op.descr as GuardDescr;
    const number = this.fn.guardNumber(g);
    const failArgs = op.failArgs ?? [];
    const force = this.fn.options.forceGuardFailure;
    const cond = force === undefined ? fails
      : w.if(fails, w.i32(1), this.fn.call('force', ['i32'], 'i32', (n: number) => (force(this.fn.guards[n]) ? 1 : 0), [w.i32(number)]));
    const noException = op.opcode === 'guard_no_exception';
    const exit = () => {
      const code = this.fn.exitCode({ kind: 'guard', descr: g, kinds: failArgs.map((a) => a.kind).join(''), noException });
      const shared = failArgs.length === 0 ? null : this.fn.sharedExit(this.fn.exitKey(this.index, failArgs), () => this.writeSlots(failArgs));
      if (shared === null) return w.block(null, [...this.writeSlots(failArgs), w.return(w.i32(code))]);
      return w.block(null, [w.set(L_CODE, w.i32(code)), w.br(shared)]);
    };
    const bridge = this.fn.bridgeOf.get(g);
    let body: Expr;
    if (bridge === undefined) {
      body = exit();
    } else {
      const transfer = w.block(null, [
        ...this.move(failArgs, this.fn.traces[bridge].trace.inputs, bridge),
        w.set(L_STATE, w.i32(this.fn.startSeg[bridge])),
        w.br('dispatch'),
      ]);
      body = noException ? w.if(w.load('i32', EXC_ADDR), exit(), transfer) : transfer;
    }
    this.stmt(w.if(cond, body));
  }

  jump(op: Op): void {
    const target = op.descr as TargetDescr;
    const label = this.fn.labels.get(target);
    if (label === undefined) {
      this.stmt(this.leave(op.args, { kind: 'jump', target }));
      return;
    }
    const next = this.trace.ops[this.pos + 1];
    if (next !== undefined && next.opcode === 'label' && next.descr === target) {
      // The preamble of a peeled loop enters the loop: no back-edge, fall through into the label's segment.
      for (const e of this.move(op.args, label.args, label.trace)) this.stmt(e);
      return;
    }
    for (const e of this.move(op.args, label.args, label.trace)) this.stmt(e);
    this.stmt(w.set(P_FUEL, w.op('i32.sub', w.get(P_FUEL, 'i32'), w.i32(1))));
    const resume = new TraceLowering(this.fn, this.fn.traces[label.trace].trace, label.trace, label.seg);
    this.stmt(w.if(w.op('i32.eqz', w.get(P_FUEL, 'i32')), resume.leave(label.live, { kind: 'resume', entry: label.resume })));
    const seg = this.fn.segments[label.seg];
    if (label.seg === this.seg) {
      this.stmt(w.br(seg.loop!));
    } else {
      this.stmt(w.set(L_STATE, w.i32(label.seg)));
      this.stmt(w.br('dispatch'));
    }
  }

  finish(op: Op): void {
    this.stmt(this.leave(op.args, { kind: 'finish', descr: op.descr as ExitDescr, kinds: op.args.map((a) => a.kind).join('') }));
  }
}
