// String -> number conversion with Lua's rules (lexer numerals and tonumber).

import { i64Add, i64ULt, i64Neg, i64Norm, i64Shl, i64Mul, i64Eq, TWO63 } from './int64.js';
import { LInt, mkFloat } from './value.js';
import type { LuaValue } from './value.js';

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

const MAXBY10 = new LInt(214748364, -858993460); // 922337203685477580
const TEN = new LInt(0, 10);

/** Converts a whole string to a Lua number (integer or float), or null. */
export function strToNumber(s: string): LuaValue {
  let i = 0;
  let n = s.length;
  while (i < n && isSpace(s.charCodeAt(i))) i++;
  while (n > i && isSpace(s.charCodeAt(n - 1))) n--;
  if (i >= n) return null;
  let neg = false;
  const c0 = s.charCodeAt(i);
  let j = i;
  if (c0 === 45) {
    neg = true;
    j++;
  } else if (c0 === 43) j++;
  if (j >= n) return null;
  // hexadecimal
  if (s.charCodeAt(j) === 48 && j + 1 < n && (s.charCodeAt(j + 1) | 32) === 120) {
    return hexNumber(s, j + 2, n, neg);
  }
  // decimal integer?
  let k = j;
  while (k < n && isDigit(s.charCodeAt(k))) k++;
  if (k === n && k > j) {
    let x = new LInt(0, 0);
    let overflow = false;
    for (let p = j; p < n; p++) {
      const d = s.charCodeAt(p) - 48;
      if (!i64ULt(x, MAXBY10) && (!i64Eq(x, MAXBY10) || d > 7 + (neg ? 1 : 0))) {
        overflow = true;
        break;
      }
      x = i64Add(i64Mul(x, TEN), new LInt(0, d));
    }
    if (!overflow) return i64Norm(neg ? i64Neg(x) : x);
  }
  return decFloat(s, i, n);
}

function decFloat(s: string, i: number, n: number): LuaValue {
  // validate: [+-] digits [. digits] [(e|E) [+-] digits], at least one digit in mantissa
  let p = i;
  const c = s.charCodeAt(p);
  if (c === 45 || c === 43) p++;
  let digits = 0;
  while (p < n && isDigit(s.charCodeAt(p))) {
    p++;
    digits++;
  }
  if (p < n && s.charCodeAt(p) === 46) {
    p++;
    while (p < n && isDigit(s.charCodeAt(p))) {
      p++;
      digits++;
    }
  }
  if (digits === 0) return null;
  if (p < n && (s.charCodeAt(p) | 32) === 101) {
    p++;
    const c2 = s.charCodeAt(p);
    if (c2 === 45 || c2 === 43) p++;
    let ed = 0;
    while (p < n && isDigit(s.charCodeAt(p))) {
      p++;
      ed++;
    }
    if (ed === 0) return null;
  }
  if (p !== n) return null;
  return mkFloat(Number(s.substring(i, n)));
}

function hexNumber(s: string, p: number, n: number, neg: boolean): LuaValue {
  let x = new LInt(0, 0);
  let mant = 0;
  let exp = 0;
  let any = false;
  let isFloat = false;
  let sig = 0;
  while (p < n && hexVal(s.charCodeAt(p)) >= 0) {
    const d = hexVal(s.charCodeAt(p));
    x = i64Add(i64Shl(x, 4), new LInt(0, d));
    if (sig < 30) {
      mant = mant * 16 + d;
      if (mant !== 0) sig++;
    } else exp += 4;
    any = true;
    p++;
  }
  if (p < n && s.charCodeAt(p) === 46) {
    isFloat = true;
    p++;
    while (p < n && hexVal(s.charCodeAt(p)) >= 0) {
      const d = hexVal(s.charCodeAt(p));
      if (sig < 30) {
        mant = mant * 16 + d;
        if (mant !== 0) sig++;
        exp -= 4;
      }
      any = true;
      p++;
    }
  }
  if (!any) return null;
  if (p < n && (s.charCodeAt(p) | 32) === 112) {
    isFloat = true;
    p++;
    let eneg = false;
    const c = s.charCodeAt(p);
    if (c === 45 || c === 43) {
      eneg = c === 45;
      p++;
    }
    let e = 0;
    let ed = 0;
    while (p < n && isDigit(s.charCodeAt(p))) {
      e = e * 10 + (s.charCodeAt(p) - 48);
      if (e > 100000) e = 100000;
      p++;
      ed++;
    }
    if (ed === 0) return null;
    exp += eneg ? -e : e;
  }
  if (p !== n) return null;
  if (!isFloat) return i64Norm(neg ? i64Neg(x) : x);
  let v = mant * Math.pow(2, exp);
  if (!isFinite(v) && mant !== 0 && exp < 0) v = 0;
  return mkFloat(neg ? -v : v);
}

/** Float -> integer if it has an exact integer representation, else null. */
export function floatToInt(f: number): LuaValue {
  if (!Number.isInteger(f)) return null;
  if (f >= -9007199254740991 && f <= 9007199254740991) return f + 0;
  if (f >= -TWO63 && f < TWO63) {
    const hi = Math.floor(f / 4294967296);
    return i64Norm(new LInt(hi, f - hi * 4294967296));
  }
  return null;
}
