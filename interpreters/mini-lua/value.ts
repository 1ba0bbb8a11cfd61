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
import type { Frame } from './state.js';

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
  frame: Frame | null = null;
  /** Where yield's results go when resumed. */
  yieldBase: number = 0;
  yieldWant: number = 0;
  /** The resumer: its thread, the frame that called resume and where results go. */
  prevThread: Coroutine | null = null;
  resumerFrame: Frame | null = null;
  resumeBase: number = 0;
  resumeWant: number = 0;
  /** Resumed through a coroutine.wrap function: no leading `true`, errors propagate. */
  resumeIsWrap: boolean = false;
  /** Number of host (JS) calls into Lua currently active on this thread. */
  hostDepth: number = 0;
  /** debug.sethook state of this thread (lhook.ts); allowHook is false while its hook runs. */
  hook: LuaValue = null;
  hookMask: number = 0;
  hookCount: number = 0;
  hookCountLeft: number = 0;
  allowHook: boolean = true;
  readonly isMain: boolean;
  constructor(fn: LuaValue, isMain: boolean) {
    this.fn = fn;
    this.isMain = isMain;
  }
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
  /** The frame running when unwinding started, for the uncaught-error traceback. */
  frame: Frame | null = null;
  constructor(value: LuaValue) {
    this.value = value;
  }
}

export const MAX_SAFE = 9007199254740991;

/**
 * The one string object for s's contents in `strings` (a per-state intern table).
 * Table keys that are the same object compare by pointer in Map lookups; equal
 * strings that are distinct objects need a character comparison each time.
 */
export function internString(strings: Map<string, string>, s: string): string {
  const t = strings.get(s);
  if (typeof t === 'string') return t;
  strings.set(s, s);
  return s;
}

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
  const ex = toExpExact(x, prec - 1);
  const epos = ex.indexOf('e');
  const e = parseInt(ex.substring(epos + 1), 10);
  let s: string;
  if (e < -4 || e >= prec) {
    let mant = ex.substring(0, epos);
    if (!alt) mant = stripZeros(mant);
    else if (mant.indexOf('.') < 0) mant += '.'; // '#' keeps the point
    const ae = e < 0 ? -e : e;
    s = mant + 'e' + (e < 0 ? '-' : '+') + (ae < 10 ? '0' + ae : '' + ae);
  } else {
    s = toFixedExact(x, prec - 1 - e);
    if (!alt) s = stripZeros(s);
    else if (s.indexOf('.') < 0) s += '.';
  }
  return s;
}

/**
 * Exact decimal digits of |x| as [digits, pointPos]: value = 0.d1d2d3... * 10^pointPos.
 * Uses toFixed(100), which V8 computes exactly; enough for every tie decision.
 */
function exactDigits(x: number): string[] {
  const ax = Math.abs(x);
  let s: string;
  if (ax >= 1e21) {
    s = ax.toFixed(0);
    if (s.indexOf('e') >= 0) s = bigDigits(ax);
  } else s = ax.toFixed(100);
  const dot = s.indexOf('.');
  let intPart = dot < 0 ? s : s.substring(0, dot);
  const frac = dot < 0 ? '' : s.substring(dot + 1);
  let digits = intPart + frac;
  let point = intPart.length;
  let lead = 0;
  while (lead < digits.length - 1 && digits.charCodeAt(lead) === 48) lead++;
  digits = digits.substring(lead);
  point -= lead;
  intPart = '';
  const r: string[] = [digits, '' + point];
  return r;
}

/** Decimal digits of an integral double >= 1e21. */
function bigDigits(v: number): string {
  let e = 0;
  let m = v;
  while (m >= 9007199254740992) {
    m /= 2;
    e++;
  }
  const limbs: number[] = [];
  while (m > 0) {
    limbs.push(m % 10000000);
    m = Math.floor(m / 10000000);
  }
  for (let i = 0; i < e; i++) {
    let carry = 0;
    for (let k = 0; k < limbs.length; k++) {
      const t = limbs[k] * 2 + carry;
      limbs[k] = t % 10000000;
      carry = Math.floor(t / 10000000);
    }
    if (carry > 0) limbs.push(carry);
  }
  let out = '' + limbs[limbs.length - 1];
  for (let k = limbs.length - 2; k >= 0; k--) {
    let d = '' + limbs[k];
    while (d.length < 7) d = '0' + d;
    out += d;
  }
  return out;
}

/** Rounds a digit string to n digits, half to even. Returns [digits(n), carry '1'/'0']. */
function roundDigits(d: string, n: number): string[] {
  if (d.length <= n) {
    const r0: string[] = [d + '0'.repeat(n - d.length), '0'];
    return r0;
  }
  let head = d.substring(0, n);
  const rest = d.substring(n);
  const first = rest.charCodeAt(0);
  let up = false;
  if (first > 53) up = true;
  else if (first === 53) {
    let allZero = true;
    for (let i = 1; i < rest.length; i++) if (rest.charCodeAt(i) !== 48) {
      allZero = false;
      break;
    }
    if (!allZero) up = true;
    else up = n > 0 && (head.charCodeAt(n - 1) - 48) % 2 === 1;
  }
  if (!up) {
    const r1: string[] = [head, '0'];
    return r1;
  }
  // increment head
  const arr: number[] = [];
  for (let i = 0; i < head.length; i++) arr.push(head.charCodeAt(i) - 48);
  let i = arr.length - 1;
  while (i >= 0) {
    if (arr[i] === 9) {
      arr[i] = 0;
      i--;
    } else {
      arr[i]++;
      break;
    }
  }
  head = '';
  for (let k = 0; k < arr.length; k++) head += arr[k];
  const r2: string[] = [i < 0 ? '1' + head : head, i < 0 ? '1' : '0'];
  return r2;
}

/** x.toExponential(p) with C's round-half-even on exact ties. */
export function toExpExact(x: number, p: number): string {
  const fast = x.toExponential(p);
  if (p > 80) return fast;
  const probe = x.toExponential(Math.min(p + 4, 100));
  const ep = probe.indexOf('e');
  if (probe.substring(ep - 4, ep) !== '5000') return fast;
  const ed = exactDigits(x);
  const digits = ed[0];
  let point = parseInt(ed[1], 10);
  const rd = roundDigits(digits, p + 1);
  let ds = rd[0];
  if (rd[1] === '1') {
    point++;
    ds = ds.substring(0, p + 1);
  }
  const e = point - 1;
  const mant = ds.substring(0, 1) + (p > 0 ? '.' + ds.substring(1) : '');
  return (x < 0 ? '-' : '') + mant + 'e' + (e < 0 ? '-' : '+') + Math.abs(e);
}

/** x.toFixed(p) with C's round-half-even on exact ties (and no exponent for big x). */
export function toFixedExact(x: number, p: number): string {
  if (Math.abs(x) >= 1e21) {
    const d = bigDigits(Math.abs(x));
    return (x < 0 ? '-' : '') + d + (p > 0 ? '.' + '0'.repeat(p) : '');
  }
  const fast = x.toFixed(p);
  if (p > 90) return fast;
  const probe = x.toFixed(p + 4);
  if (probe.substring(probe.length - 4) !== '5000') return fast;
  const ed = exactDigits(x);
  const digits = ed[0];
  const point = parseInt(ed[1], 10);
  // number of digits to keep = point + p
  const keep = point + p;
  if (keep < 0) return (x < 0 ? '-' : '') + '0' + (p > 0 ? '.' + '0'.repeat(p) : '');
  const rd = roundDigits(digits, keep);
  let ds = rd[0];
  let ip = point + (rd[1] === '1' ? 1 : 0);
  if (rd[1] === '1') ds = ds.substring(0, keep + 1);
  if (ip <= 0) {
    ds = '0'.repeat(1 - ip) + ds;
    ip = 1;
  }
  const intS = ds.substring(0, ip);
  const fracS = ds.substring(ip);
  return (x < 0 ? '-' : '') + intS + (p > 0 ? '.' + fracS : '');
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
