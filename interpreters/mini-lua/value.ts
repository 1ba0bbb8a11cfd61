// mini-lua values.
//
// Representation (chosen for V8 speed in the common case, exact at the edges):
//
//   Lua nil            JS null
//   Lua boolean        JS boolean
//   Lua string         JS string whose chars are bytes (0..255, Latin-1 style);
//                      source files are read as bytes, output is converted at the host edge.
//   Lua integer        a raw JS number that is an integer (Number.isInteger) and a
//                      safe integer (|n| <= 2^53-1)  -- the fast, common case (Smis for
//                      int31 values);  or an LInt box (two int32 halves) for integers
//                      outside that range.  Invariant: LInt never holds a safe integer,
//                      and a raw integral number is never outside the safe range, so
//                      every integer has exactly one representation.
//   Lua float          a raw JS number that is NOT integral (fractions, NaN, +-Infinity),
//                      or an LFloat box for an integral-valued float (1.0, -0.0, 1e100).
//                      Float arithmetic whose result is integral must box (mkFloat).
//   table              LuaTable (array part + ordered hash part, see table.ts)
//   function           LuaClosure (bytecode + upvalue boxes) or LuaBuiltin (id into a switch)
//   thread             Coroutine
//   userdata           LuaUserdata (io files)
//
// Internal values that live in registers but never reach Lua code: Box (a captured
// local's cell) and ForState (slow numeric-for state).
//
// Why: a raw JS number for small integers keeps integer loops on Smis/doubles with no
// allocation; the price is an Number.isInteger test when a result is integral, and a box
// for integral floats (rare in integer code, cheap when it happens). Measured alternative
// (floats always boxed) is 3-5x slower on float code; int always boxed much worse.

import { i64ToString } from './int64.js';
import type { Proto } from './proto.js';
import type { LuaTable } from './table.js';

/** An integral-valued Lua float (1.0, -0.0, 2^60, 1e300). */
export class LFloat {
  readonly n: number;
  constructor(n: number) {
    this.n = n;
  }
}

/** A Lua integer outside the JS safe range, as two's-complement int32 halves. */
export class LInt {
  readonly hi: number;
  readonly lo: number;
  constructor(hi: number, lo: number) {
    this.hi = hi | 0;
    this.lo = lo | 0;
  }
}

/** The cell of a local variable captured by a closure (an upvalue). */
export class Box {
  v: LuaValue;
  constructor(v: LuaValue) {
    this.v = v;
  }
}

/** Base of all function values. */
export class LuaFunction {}

export class LuaClosure extends LuaFunction {
  readonly proto: Proto;
  readonly upvals: Box[];
  constructor(proto: Proto, upvals: Box[]) {
    super();
    this.proto = proto;
    this.upvals = upvals;
  }
}

/** A function implemented in TypeScript; `id` selects the case in the builtin switch. */
export class LuaBuiltin extends LuaFunction {
  readonly id: number;
  readonly name: string;
  /** For coroutine.wrap functions: the wrapped coroutine. */
  readonly co: Coroutine | null;
  /** Private state of iterator builtins (string.gmatch). */
  readonly data: LuaValue[] | null;
  constructor(id: number, name: string, co: Coroutine | null, data: LuaValue[] | null) {
    super();
    this.id = id;
    this.name = name;
    this.co = co;
    this.data = data;
  }
}

export class LuaUserdata {
  metatable: LuaTable | null = null;
}

export const CO_SUSPENDED = 0;
export const CO_RUNNING = 1;
export const CO_NORMAL = 2;
export const CO_DEAD = 3;

/**
 * A coroutine: its own chain of frames. Resume and yield switch the interpreter's
 * current frame between chains (no host threads, no JS recursion).
 */
export class Coroutine {
  readonly fn: LuaValue;
  status: number = CO_SUSPENDED;
  started: boolean = false;
  /** Top frame while suspended (its pc is the CALL of `yield`). */
  frame: FrameLike | null = null;
  /** Where yield's results go when resumed. */
  yieldBase: number = 0;
  yieldWant: number = 0;
  /** The resumer: its thread, the frame that called resume and where results go. */
  prevThread: Coroutine | null = null;
  resumerFrame: FrameLike | null = null;
  resumeBase: number = 0;
  resumeWant: number = 0;
  /** Resumed through a coroutine.wrap function: no leading `true`, errors propagate. */
  resumeIsWrap: boolean = false;
  /** Number of host (JS) calls into Lua currently active on this thread. */
  hostDepth: number = 0;
  readonly isMain: boolean;
  constructor(fn: LuaValue, isMain: boolean) {
    this.fn = fn;
    this.isMain = isMain;
  }
}

/** What coroutine.ts needs to know of frames (breaks an import cycle). */
export class FrameLike {
  pc: number = 0;
}

/** Slow-path state of a numeric for loop (float loops and loops with big integers). */
export class ForState {
  readonly isFloat: boolean;
  count: LuaValue; // remaining iterations (integer loops) or the limit (float loops)
  readonly step: LuaValue;
  constructor(isFloat: boolean, count: LuaValue, step: LuaValue) {
    this.isFloat = isFloat;
    this.count = count;
    this.step = step;
  }
}

export type LuaValue =
  | null
  | boolean
  | number
  | string
  | LuaTable
  | LuaFunction
  | LFloat
  | LInt
  | Coroutine
  | LuaUserdata
  | Box
  | ForState;

/** Raised for every Lua error; `value` is the error object. */
export class LuaError {
  value: LuaValue;
  traceback: string | null = null;
  constructor(value: LuaValue) {
    this.value = value;
  }
}

export const MAX_SAFE = 9007199254740991;

/** A Lua float with value n (boxes integral values). */
export function mkFloat(n: number): LuaValue {
  if (Number.isInteger(n)) return new LFloat(n);
  return n;
}

export function isFalsy(v: LuaValue): boolean {
  return v === null || v === false;
}

export function isInteger(v: LuaValue): boolean {
  return (typeof v === 'number' && Number.isInteger(v)) || v instanceof LInt;
}

export function isNumber(v: LuaValue): boolean {
  return typeof v === 'number' || v instanceof LFloat || v instanceof LInt;
}

/** Numeric value as a JS double (ints may round). Caller knows v is a number. */
export function toDouble(v: LuaValue): number {
  if (typeof v === 'number') return v;
  if (v instanceof LFloat) return v.n;
  if (v instanceof LInt) return v.hi * 4294967296 + (v.lo >>> 0);
  return NaN;
}

export function typeName(v: LuaValue): string {
  if (v === null) return 'nil';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'string') return 'string';
  if (v instanceof LFloat || v instanceof LInt) return 'number';
  if (v instanceof LuaFunction) return 'function';
  if (v instanceof Coroutine) return 'thread';
  if (v instanceof LuaUserdata) return 'userdata';
  if (v instanceof Box || v instanceof ForState) return 'internal';
  return 'table';
}

// ---------------------------------------------------------------------------
// Number formatting (PUC: integers with %d, floats with %.14g plus ".0" when the
// result looks like an integer).

/** C's %.{prec}g for a finite or non-finite double. */
export function fmtG(x: number, prec: number, alt: boolean): string {
  if (x !== x) return '-nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (prec === 0) prec = 1;
  if (x === 0) {
    const z = 1 / x < 0 ? '-0' : '0';
    if (alt) return z + '.' + '0'.repeat(prec - 1);
    return z;
  }
  const ex = x.toExponential(prec - 1);
  const epos = ex.indexOf('e');
  const e = parseInt(ex.substring(epos + 1), 10);
  let s: string;
  if (e < -4 || e >= prec) {
    let mant = ex.substring(0, epos);
    if (!alt) mant = stripZeros(mant);
    const ae = e < 0 ? -e : e;
    s = mant + 'e' + (e < 0 ? '-' : '+') + (ae < 10 ? '0' + ae : '' + ae);
  } else {
    s = x.toFixed(prec - 1 - e);
    if (!alt) s = stripZeros(s);
  }
  return s;
}

function stripZeros(s: string): string {
  if (s.indexOf('.') < 0) return s;
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 48) end--;
  if (end > 0 && s.charCodeAt(end - 1) === 46) end--;
  return s.substring(0, end);
}

/** tostring of a float value (lua_Number). */
export function fmtFloat(x: number): string {
  const s = fmtG(x, 14, false);
  // looks like an int? add ".0"
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || c === 45)) return s;
  }
  return s + '.0';
}

/** tostring for numbers; null if v is not a number. */
export function numberToString(v: LuaValue): string | null {
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return '' + v;
    return fmtFloat(v);
  }
  if (v instanceof LFloat) return fmtFloat(v.n);
  if (v instanceof LInt) return i64ToString(v.hi, v.lo);
  return null;
}
