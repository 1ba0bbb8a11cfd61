// Numeric semantics of Lua 5.4 over the representation of value.ts: integer and float
// arithmetic (with 64-bit wrap-around), conversions, comparisons and equality.

import {
  i64Of, i64Norm, i64Add, i64Sub, i64Mul, i64Neg, i64FloorDiv, i64FloorMod, i64Eq, i64Lt, i64IsZero,
  i64And, i64Or, i64Xor, i64Not, i64Shl, i64Shr, i64FromDouble, i64ToDouble, TWO63,
} from './int64.js';
import { strToNumber, floatToInt } from './numconv.js';
import { LFloat, LInt, mkFloat, MAX_SAFE } from './value.js';
import type { LuaValue } from './value.js';
import { B_ADD, B_SUB, B_MUL, B_MOD, B_POW, B_DIV, B_IDIV, B_BAND, B_BOR, B_BXOR, B_SHL, B_SHR } from './ast.js';

/** Thrown by numeric helpers; the VM turns it into a positioned Lua error. */
export class ArithError {
  readonly msg: string;
  constructor(msg: string) {
    this.msg = msg;
  }
}

export function isIntVal(v: LuaValue): boolean {
  if (typeof v === 'number') return Number.isInteger(v);
  return v instanceof LInt;
}

/** Converts a value to a number for arithmetic (strings coerce); null if impossible. */
export function toNumberCoerce(v: LuaValue): LuaValue {
  if (typeof v === 'number' || v instanceof LFloat || v instanceof LInt) return v;
  if (typeof v === 'string') return strToNumber(v);
  return null;
}

/** Integer value of a number (floats only if exact); null if none. Strings coerce. */
export function toIntegerStrict(v: LuaValue): LuaValue {
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return v;
    return null;
  }
  if (v instanceof LInt) return v;
  if (v instanceof LFloat) return floatToInt(v.n);
  if (typeof v === 'string') {
    const n = strToNumber(v);
    if (n === null) return null;
    return toIntegerStrict(n);
  }
  return null;
}

/** Float value of a number (double). */
export function fval(v: LuaValue): number {
  if (typeof v === 'number') return v;
  if (v instanceof LFloat) return v.n;
  if (v instanceof LInt) return i64ToDouble(v);
  return NaN;
}

/** Arithmetic on two numbers (already coerced). */
export function arithNum(op: number, x: LuaValue, y: LuaValue): LuaValue {
  if (op >= B_BAND) return bitwise(op, x, y);
  if (op !== B_DIV && op !== B_POW && isIntVal(x) && isIntVal(y)) return intArith(op, x, y);
  return floatArith(op, fval(x), fval(y));
}

export function floatArith(op: number, a: number, b: number): LuaValue {
  let r: number;
  switch (op) {
    case B_ADD: r = a + b; break;
    case B_SUB: r = a - b; break;
    case B_MUL: r = a * b; break;
    case B_DIV: r = a / b; break;
    case B_POW: r = pow(a, b); break;
    case B_IDIV: r = Math.floor(a / b); break;
    case B_MOD: r = fmod(a, b); break;
    default: r = NaN;
  }
  return mkFloat(r);
}

/**
 * C's pow, which Lua uses. Math.pow differs where C99 says 1^y = 1 and
 * (-1)^+-inf = 1 (JS: NaN); sqrt, the fast way for y = 0.5, differs at -0 and -inf.
 */
export function pow(a: number, b: number): number {
  if (b === 2) return a * a;
  if (b === 0.5) return a === -Infinity ? Infinity : Math.sqrt(a) + 0;
  if (a === 1 || (a === -1 && (b === Infinity || b === -Infinity))) return 1;
  return Math.pow(a, b);
}

export function fmod(a: number, b: number): number {
  if (b === Infinity && a !== Infinity && a !== -Infinity) return a >= 0 ? a : b;
  if (b === -Infinity && a !== Infinity && a !== -Infinity) return a <= 0 ? a : b;
  let m = a % b;
  if (m !== 0 && m < 0 !== b < 0) m += b;
  return m;
}

export function intArith(op: number, x: LuaValue, y: LuaValue): LuaValue {
  if (typeof x === 'number' && typeof y === 'number') {
    switch (op) {
      case B_ADD: {
        const r = x + y;
        if (r >= -MAX_SAFE && r <= MAX_SAFE) return r;
        break;
      }
      case B_SUB: {
        const r = x - y;
        if (r >= -MAX_SAFE && r <= MAX_SAFE) return r;
        break;
      }
      case B_MUL: {
        const r = x * y;
        if (r >= -MAX_SAFE && r <= MAX_SAFE) return r + 0;
        break;
      }
      case B_MOD: {
        if (y === 0) throw new ArithError("attempt to perform 'n%0'");
        let r = x % y;
        if (r !== 0 && r < 0 !== y < 0) r += y;
        return r + 0;
      }
      case B_IDIV: {
        if (y === 0) throw new ArithError('attempt to divide by zero');
        return Math.floor(x / y) + 0;
      }
      default:
        break;
    }
  }
  const a = i64Of(x);
  const b = i64Of(y);
  switch (op) {
    case B_ADD: return i64Norm(i64Add(a, b));
    case B_SUB: return i64Norm(i64Sub(a, b));
    case B_MUL: return i64Norm(i64Mul(a, b));
    case B_MOD:
      if (i64IsZero(b)) throw new ArithError("attempt to perform 'n%0'");
      return i64Norm(i64FloorMod(a, b));
    case B_IDIV:
      if (i64IsZero(b)) throw new ArithError('attempt to divide by zero');
      return i64Norm(i64FloorDiv(a, b));
    default:
      return null;
  }
}

/** Integer operand for a bitwise op; throws if a number has no integer value. */
function bitOperand(v: LuaValue): LuaValue {
  const i = toIntegerStrict(v);
  if (i === null) throw new ArithError('number has no integer representation');
  return i;
}

export function bitwise(op: number, x: LuaValue, y: LuaValue): LuaValue {
  const a = bitOperand(x);
  const b = bitOperand(y);
  if (typeof a === 'number' && typeof b === 'number' && (a | 0) === a && (b | 0) === b) {
    switch (op) {
      case B_BAND: return a & b;
      case B_BOR: return a | b;
      case B_BXOR: return a ^ b;
      default: break;
    }
  }
  const p = i64Of(a);
  const q = i64Of(b);
  switch (op) {
    case B_BAND: return i64Norm(i64And(p, q));
    case B_BOR: return i64Norm(i64Or(p, q));
    case B_BXOR: return i64Norm(i64Xor(p, q));
    case B_SHL: return i64Norm(shiftLeft(p, b));
    case B_SHR: return i64Norm(shiftLeft(p, negInt(b)));
    default: return null;
  }
}

function negInt(v: LuaValue): LuaValue {
  if (typeof v === 'number') return -v + 0;
  return i64Norm(i64Neg(v as LInt));
}

function shiftLeft(p: LInt, n: LuaValue): LInt {
  if (typeof n !== 'number') return new LInt(0, 0); // |n| >= 2^53
  if (n >= 64 || n <= -64) return new LInt(0, 0);
  if (n >= 0) return i64Shl(p, n);
  return i64Shr(p, -n);
}

export function bnot(x: LuaValue): LuaValue {
  const a = bitOperand(x);
  if (typeof a === 'number' && (a | 0) === a) return ~a;
  return i64Norm(i64Not(i64Of(a)));
}

export function unm(x: LuaValue): LuaValue {
  if (typeof x === 'number') {
    if (Number.isInteger(x)) return -x + 0;
    return -x;
  }
  if (x instanceof LFloat) return new LFloat(-x.n);
  if (x instanceof LInt) return i64Norm(i64Neg(x));
  return null;
}

// ---------------------------------------------------------------- comparison

/** x < y for numbers. */
export function numLt(x: LuaValue, y: LuaValue): boolean {
  if (typeof x === 'number' && typeof y === 'number') return x < y;
  const xi = x instanceof LInt;
  const yi = y instanceof LInt;
  if (!xi && !yi) return fval(x) < fval(y);
  if (isIntVal(x) && isIntVal(y)) return i64Lt(i64Of(x), i64Of(y));
  if (xi) return intLtFloat(x as LInt, fval(y));
  return floatLtInt(fval(x), y as LInt);
}

export function numLe(x: LuaValue, y: LuaValue): boolean {
  if (typeof x === 'number' && typeof y === 'number') return x <= y;
  const xi = x instanceof LInt;
  const yi = y instanceof LInt;
  if (!xi && !yi) return fval(x) <= fval(y);
  if (isIntVal(x) && isIntVal(y)) return !i64Lt(i64Of(y), i64Of(x));
  if (xi) return intLeFloat(x as LInt, fval(y));
  return floatLeInt(fval(x), y as LInt);
}

function intLtFloat(i: LInt, f: number): boolean {
  if (f !== f) return false;
  if (f >= TWO63) return true;
  if (f < -TWO63) return false;
  return i64Lt(i, i64FromDouble(Math.ceil(f)));
}

function intLeFloat(i: LInt, f: number): boolean {
  if (f !== f) return false;
  if (f >= TWO63) return true;
  if (f < -TWO63) return false;
  return !i64Lt(i64FromDouble(Math.floor(f)), i);
}

function floatLtInt(f: number, i: LInt): boolean {
  if (f !== f) return false;
  if (f >= TWO63) return false;
  if (f < -TWO63) return true;
  return i64Lt(i64FromDouble(Math.floor(f)), i);
}

function floatLeInt(f: number, i: LInt): boolean {
  if (f !== f) return false;
  if (f >= TWO63) return false;
  if (f < -TWO63) return true;
  return !i64Lt(i, i64FromDouble(Math.ceil(f)));
}

/** Raw equality of two numbers. */
export function numEq(x: LuaValue, y: LuaValue): boolean {
  if (typeof x === 'number' && typeof y === 'number') return x === y;
  const xi = x instanceof LInt;
  const yi = y instanceof LInt;
  if (xi && yi) return i64Eq(x as LInt, y as LInt);
  if (xi || yi) {
    const i = (xi ? x : y) as LInt;
    const o = xi ? y : x;
    if (typeof o === 'number' && Number.isInteger(o)) return false; // safe int vs LInt
    const f = fval(o);
    if (!Number.isInteger(f) || f >= TWO63 || f < -TWO63) return false;
    return i64Eq(i, i64FromDouble(f));
  }
  return fval(x) === fval(y);
}

export function isNumVal(v: LuaValue): boolean {
  return typeof v === 'number' || v instanceof LFloat || v instanceof LInt;
}

/** Primitive raw equality (rawequal). */
export function rawEquals(x: LuaValue, y: LuaValue): boolean {
  if (x === y) return true;
  if (isNumVal(x) && isNumVal(y)) return numEq(x, y);
  return false;
}
