// Typed-heap arrays: item ops and arraylen as wasm loads and stores when the
// array lives in the typed heap (framework/typed-heap.ts).
//
// An r box indexed twice or more gets three i32 locals (Loc.view in lower.ts):
// kind, byte offset and length, set by one `view` helper call wherever the
// box's local is written (its op, an entry, a move into a label or bridge
// input). Arrays defined before a peeled loop are thus looked at once. Each
// access checks its index (an integral f64 below the length: kind 0, not in
// the heap, has length 0) and loads or stores; anything else (a JS array, an
// index out of bounds or not an integer, a value that needs JS's conversion)
// calls JS as before.
//
// Kinds. An op with an ArrayDescr (the codewriter knows the array's static
// type) accesses items of that one kind: one load or store. Without one the
// code dispatches on the view's kind at run time.
//
// JS semantics kept: integer arrays store ToIntN(v) (exact through i64 for
// |v| < 2^63; an i value stores its low bits), Float32Array rounds to
// nearest, out-of-bounds reads go to JS (undefined), out-of-bounds stores too
// (ignored). getarrayitem_i with a descr reads an integer item as int32 (u32:
// its bits), 0 out of bounds, as its `run` in ops.ts says.

import type { ArrayDescr, ItemType } from '../jit/ir/descr.js';
import type { Opcode } from '../jit/ir/ops.js';
import type { Op, Value } from '../jit/ir/trace.js';
import type { Cx } from './lower-ops.js';
import { w, type Expr } from './wasm-ir.js';

/** Locals of an array box's view (see the file header). */
export interface ViewLocs {
  readonly kind: number;
  readonly base: number;
  readonly len: number;
}

/** Ops whose first argument is an array this file can index directly. */
export const INDEXED_BY: ReadonlySet<Opcode> = new Set<Opcode>(['getarrayitem_i', 'getarrayitem_f', 'setarrayitem', 'arraylen', 'typed_index_ok']);

// Kinds as numbered by framework/typed-heap.ts VIEW_KINDS (index + 1).
const U8 = 1, I8 = 2, U16 = 3, I16 = 4, U32 = 5, I32 = 6, F32 = 7, F64 = 8;
const SHIFT = [0, 0, 0, 1, 1, 2, 2, 2, 3];
const KIND_OF: Readonly<Record<ItemType, number>> = { u8: U8, i8: I8, u16: U16, i16: I16, u32: U32, i32: I32, f32: F32, f64: F64 };

const get = (l: number) => w.get(l, 'i32');
const is = (v: ViewLocs, kind: number) => w.op('i32.eq', get(v.kind), w.i32(kind));
const inHeap = (v: ViewLocs) => w.op('i32.ne', get(v.kind), w.i32(0));

/** The static kind of an item op's array, or null (a JS array, or not known). */
function staticKind(op: Op): number | null {
  const d = op.descr;
  return d !== null && d.kind === 'array' ? KIND_OF[(d as ArrayDescr).item] : null;
}

/**
 * The index as an i32 local and a local that is 1 when it is an integral
 * in-bounds index, computed once per segment for each (array, index) pair
 * (float -> int conversions cost ~2 ns each in V8; an index made by
 * int_to_float needs none).
 */
function index(op: Op, cx: Cx, v: ViewLocs): { i: number; ok: Expr } {
  const [arr, idx] = op.args;
  const key = `index ${arr.tag === 'box' ? arr.id : '?'} ${idx.tag === 'box' ? `b${idx.id}` : `c${String(idx.value)}`}`;
  const { i, ok } = cx.memo(key, () => {
    const ok = cx.temp('i32');
    const from = cx.producer(idx);
    if (from !== null && from.opcode === 'int_to_float') {
      // An int32 as a number: integral already; a negative one is out of bounds as a uint32.
      const i = cx.temp('i32');
      cx.stmt(w.set(i, cx.val(from.args[0])));
      cx.stmt(w.set(ok, w.op('i32.lt_u', get(i), get(v.len))));
      return { i, ok };
    }
    const x = cx.temp('f64');
    const i = cx.temp('i32');
    cx.stmt(w.set(x, cx.val(idx)));
    cx.stmt(w.set(i, w.op('i32.trunc_u_sat.f64', w.get(x, 'f64'))));
    const integral = w.op('f64.eq', w.op('f64.convert_u.i32', get(i)), w.get(x, 'f64'));
    cx.stmt(w.set(ok, w.op('i32.and', integral, w.op('i32.lt_u', get(i), get(v.len)))));
    return { i, ok };
  });
  return { i, ok: get(ok) };
}

const addr = (v: ViewLocs, i: number, kind: number) => w.op('i32.add', get(v.base), w.op('i32.shl', get(i), w.i32(SHIFT[kind])));

/** An integer item as int32 (u32: its bits). */
function loadInt(v: ViewLocs, i: number, kind: number): Expr {
  const at = addr(v, i, kind);
  switch (kind) {
    case U8: return w.op('i32.load8_u', 0, 1, at);
    case I8: return w.op('i32.load8_s', 0, 1, at);
    case U16: return w.op('i32.load16_u', 0, 2, at);
    case I16: return w.op('i32.load16_s', 0, 2, at);
    default: return w.op('i32.load', 0, 4, at);
  }
}

/** An item as a number. */
function loadNumber(v: ViewLocs, i: number, kind: number): Expr {
  switch (kind) {
    case F32: return w.op('f64.promote', w.op('f32.load', 0, 4, addr(v, i, kind)));
    case F64: return w.op('f64.load', 0, 8, addr(v, i, kind));
    case U32: return w.op('f64.convert_u.i32', loadInt(v, i, kind));
    default: return w.op('f64.convert_s.i32', loadInt(v, i, kind));
  }
}

/** getarrayitem_f: a load when the array is in the typed heap, else `slow`. */
export function typedGet(op: Op, cx: Cx, slow: () => Expr): Expr {
  const v = cx.view(op.args[0]);
  if (v === null) return slow();
  const { i, ok } = index(op, cx, v);
  const known = staticKind(op);
  if (known !== null) return w.if(w.op('i32.and', ok, inHeap(v)), loadNumber(v, i, known), slow());
  let e = slow();
  for (let kind = F64; kind >= U8; kind--) e = w.if(is(v, kind), loadNumber(v, i, kind), e);
  return w.if(ok, e, slow());
}

/** getarrayitem_i of a typed array of integers (it has a descr): a load, else `slow`. */
export function typedGetInt(op: Op, cx: Cx, slow: () => Expr): Expr {
  const v = cx.view(op.args[0]);
  const known = staticKind(op);
  if (v === null || known === null) return slow();
  const { i, ok } = index(op, cx, v);
  return w.if(w.op('i32.and', ok, inHeap(v)), loadInt(v, i, known), slow());
}

/** typed_index_ok: the view's bounds check when the array is in the typed heap, else `slow`. */
export function typedIndexOk(op: Op, cx: Cx, slow: () => Expr): Expr {
  const v = cx.view(op.args[0]);
  if (v === null) return slow();
  const { ok } = index(op, cx, v);
  return w.if(inHeap(v), ok, slow());
}

/** setarrayitem: a store when the array is in the typed heap, else `slow`. */
export function typedSet(op: Op, cx: Cx, slow: () => Expr): Expr {
  const v = cx.view(op.args[0]);
  const value = op.args[2];
  if (v === null || value.kind === 'r') return slow();
  const known = staticKind(op);
  // An untyped store of an i value (a boolean, say) keeps to JS.
  if (value.kind === 'i' && known === null) return slow();
  const { i, ok } = index(op, cx, v);
  const store = storeOf(cx, v, i, value, slow);
  if (known !== null) return w.if(w.op('i32.and', ok, inHeap(v)), store(known), slow());
  let e = slow();
  for (let kind = F64; kind >= U8; kind--) e = w.if(is(v, kind), store(kind), e);
  return w.if(ok, e, slow());
}

/** How `value` is stored into an item of a given kind (or `slow` when wasm cannot convert it). */
function storeOf(cx: Cx, v: ViewLocs, i: number, value: Value, slow: () => Expr): (kind: number) => Expr {
  if (value.kind === 'i') {
    // ToIntN of an int32 is its low bits; as a number it is exact (a boolean is 0 or 1).
    const int = cx.val(value);
    return (kind) => storeItem(v, i, kind, int, () => w.op('f64.convert_s.i32', int));
  }
  const x = cx.temp('f64');
  cx.stmt(w.set(x, cx.val(value)));
  const X = w.get(x, 'f64');
  // ToInt32(X) for |X| < 2^63; an X made by int_to_float stores its int as it is.
  const from = cx.producer(value);
  const exactInt = from !== null && from.opcode === 'int_to_float' ? from.args[0] : null;
  const int = exactInt !== null ? cx.val(exactInt) : w.op('i32.wrap', w.op('i64.trunc_s_sat.f64', X));
  const small = exactInt !== null ? w.i32(1) : w.op('f64.lt', w.op('f64.abs', X), w.f64(2 ** 63));
  return (kind) => (kind >= F32 ? storeItem(v, i, kind, int, () => X) : w.if(small, storeItem(v, i, kind, int, () => X), slow()));
}

function storeItem(v: ViewLocs, i: number, kind: number, int: Expr, number: () => Expr): Expr {
  const at = addr(v, i, kind);
  if (kind === F64) return w.op('f64.store', 0, 8, at, number());
  if (kind === F32) return w.op('f32.store', 0, 4, at, w.op('f32.demote', number()));
  if (kind <= I8) return w.op('i32.store8', 0, 1, at, int);
  if (kind <= I16) return w.op('i32.store16', 0, 2, at, int);
  return w.op('i32.store', 0, 4, at, int);
}

/** arraylen: the view's length for a typed-heap array, else `slow`. */
export function typedArraylen(op: Op, cx: Cx, slow: () => Expr): Expr {
  const v = cx.view(op.args[0]);
  if (v === null) return slow();
  return w.if(inHeap(v), w.op('f64.convert_u.i32', get(v.len)), slow());
}
