// The math library, with PUC Lua 5.4's xoshiro256** generator for math.random.

import { LuaBuiltin, LFloat, LInt, mkFloat } from './value.js';
import type { LuaValue } from './value.js';
import { LuaState, libError } from './state.js';
import { argError, typeError, checkNum, checkNumF, checkIntV, checkAny } from './libutil.js';
import { numLt, fval, isIntVal, floatArith, intArith, unm, toIntegerStrict } from './arith.js';
import { floatToInt } from './numconv.js';
import { lessThan } from './slow-paths.js';
import {
  i64Of, i64Norm, i64Add, i64Sub, i64Mul, i64Xor, i64Shl, i64Shr, i64Or, i64And, i64ULt, i64IsNeg, i64Neg,
  i64ToDouble, i64FromSafe,
} from './int64.js';
import { B_MOD } from './ast.js';

export function m_floor(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const v = checkNum(L, R, b, n, 0, 'floor');
  if (isIntVal(v)) R[b - 1] = v;
  else {
    const fl = Math.floor(fval(v));
    const i = floatToInt(fl);
    R[b - 1] = i !== null ? i : mkFloat(fl);
  }
  return 1;
}

export function m_ceil(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const v = checkNum(L, R, b, n, 0, 'ceil');
  if (isIntVal(v)) R[b - 1] = v;
  else {
    const fl = Math.ceil(fval(v));
    const i = floatToInt(fl);
    R[b - 1] = i !== null ? i : mkFloat(fl);
  }
  return 1;
}

export function m_abs(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const v = checkNum(L, R, b, n, 0, 'abs');
  // Only an integer argument keeps the integer path: a numeric string gives a float.
  if (typeof R[b] === 'string') R[b - 1] = mkFloat(Math.abs(fval(v)));
  else if (typeof v === 'number') R[b - 1] = Math.abs(v);
  else if (v instanceof LInt) R[b - 1] = i64IsNeg(v) ? i64Norm(i64Neg(v)) : v;
  else R[b - 1] = new LFloat(Math.abs(fval(v)));
  return 1;
}

function unary(L: LuaState, R: LuaValue[], b: number, n: number, name: string, r: number): number {
  R[b - 1] = mkFloat(r);
  return 1;
}

export function m_sqrt(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  return unary(L, R, b, n, 'sqrt', Math.sqrt(checkNumF(L, R, b, n, 0, 'sqrt')));
}
export function m_sin(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  return unary(L, R, b, n, 'sin', Math.sin(checkNumF(L, R, b, n, 0, 'sin')));
}
export function m_cos(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  return unary(L, R, b, n, 'cos', Math.cos(checkNumF(L, R, b, n, 0, 'cos')));
}
export function m_tan(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  return unary(L, R, b, n, 'tan', Math.tan(checkNumF(L, R, b, n, 0, 'tan')));
}
export function m_asin(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  return unary(L, R, b, n, 'asin', Math.asin(checkNumF(L, R, b, n, 0, 'asin')));
}
export function m_acos(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  return unary(L, R, b, n, 'acos', Math.acos(checkNumF(L, R, b, n, 0, 'acos')));
}
export function m_atan(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const y = checkNumF(L, R, b, n, 0, 'atan');
  const x = n > 1 && R[b + 1] !== null ? checkNumF(L, R, b, n, 1, 'atan') : 1;
  return unary(L, R, b, n, 'atan', Math.atan2(y, x));
}
export function m_deg(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  return unary(L, R, b, n, 'deg', checkNumF(L, R, b, n, 0, 'deg') * (180.0 / Math.PI));
}
export function m_rad(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  return unary(L, R, b, n, 'rad', checkNumF(L, R, b, n, 0, 'rad') * (Math.PI / 180.0));
}
export function m_exp(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  return unary(L, R, b, n, 'exp', Math.exp(checkNumF(L, R, b, n, 0, 'exp')));
}
export function m_log(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const x = checkNumF(L, R, b, n, 0, 'log');
  let r: number;
  if (n < 2 || R[b + 1] === null) r = Math.log(x);
  else {
    const base = checkNumF(L, R, b, n, 1, 'log');
    if (base === 2) r = Math.log2(x);
    else if (base === 10) r = Math.log10(x);
    else r = Math.log(x) / Math.log(base);
  }
  return unary(L, R, b, n, 'log', r);
}

export function m_fmod(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  // As PUC (built with gcc): integers take the integer path; otherwise both are
  // converted to floats, the second argument checked first; strings are not integers.
  const ints = n >= 2 && isIntVal(R[b]) && isIntVal(R[b + 1]);
  const d = checkNum(L, R, b, n, 1, 'fmod');
  const a = checkNum(L, R, b, n, 0, 'fmod');
  if (ints) {
    if (d === 0) throw argError(L, 1, 'fmod', 'zero');
    // C fmod on integers: truncated remainder
    if (typeof a === 'number' && typeof d === 'number') {
      R[b - 1] = (a % d) + 0;
      return 1;
    }
    const m = intArith(B_MOD, a, d);
    // convert floor-mod to truncated: if signs differ and m != 0, m - d
    const neg = typeof a === 'number' ? a < 0 : i64IsNeg(a as LInt);
    const mz = m === 0;
    if (!mz && neg !== (typeof d === 'number' ? d < 0 : i64IsNeg(d as LInt))) {
      R[b - 1] = i64Norm(i64Sub(i64Of(m), i64Of(d)));
    } else R[b - 1] = m;
    return 1;
  }
  R[b - 1] = mkFloat(fval(a) % fval(d));
  return 1;
}

export function m_modf(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const v = checkNum(L, R, b, n, 0, 'modf');
  if (isIntVal(v)) {
    R[b - 1] = v;
    R[b] = new LFloat(0);
    return 2;
  }
  const x = fval(v);
  const ip = x >= 0 ? Math.floor(x) : Math.ceil(x);
  const ii = floatToInt(ip);
  R[b - 1] = ii !== null ? ii : mkFloat(ip);
  R[b] = x === Infinity || x === -Infinity ? new LFloat(0) : mkFloat(x - ip);
  return 2;
}

export function m_tointeger(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  // lua_tointegerx: strings convert, floats only when exact; anything else is fail.
  R[b - 1] = toIntegerStrict(checkAny(L, R, b, n, 0, 'tointeger'));
  return 1;
}

export function m_type(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const v = checkAny(L, R, b, n, 0, 'type');
  if (typeof v === 'number') R[b - 1] = Number.isInteger(v) ? 'integer' : 'float';
  else if (v instanceof LInt) R[b - 1] = 'integer';
  else if (v instanceof LFloat) R[b - 1] = 'float';
  else R[b - 1] = null;
  return 1;
}

// PUC 5.4 compares the arguments with `<` itself: strings and __lt work, no number
// check, and a failed comparison is an "attempt to compare" error.
export function m_max(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  if (n < 1) throw argError(L, 0, 'max', 'value expected');
  let best = R[b];
  for (let i = 1; i < n; i++) {
    const v = R[b + i];
    if (typeof best === 'number' && typeof v === 'number' ? best < v : lessThan(L, best, v)) best = v;
  }
  R[b - 1] = best;
  return 1;
}

export function m_min(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  if (n < 1) throw argError(L, 0, 'min', 'value expected');
  let best = R[b];
  for (let i = 1; i < n; i++) {
    const v = R[b + i];
    if (typeof best === 'number' && typeof v === 'number' ? v < best : lessThan(L, v, best)) best = v;
  }
  R[b - 1] = best;
  return 1;
}

export function m_ult(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const x = checkIntV(L, R, b, n, 0, 'ult');
  const y = checkIntV(L, R, b, n, 1, 'ult');
  R[b - 1] = i64ULt(i64Of(x), i64Of(y));
  return 1;
}

// ---- xoshiro256** (state: four 64-bit words as LInt pairs in L.rng: hi,lo x4)

function st(L: LuaState, i: number): LInt {
  return new LInt(L.rng[i * 2], L.rng[i * 2 + 1]);
}
function setSt(L: LuaState, i: number, v: LInt): void {
  L.rng[i * 2] = v.hi;
  L.rng[i * 2 + 1] = v.lo;
}
function rotl(x: LInt, n: number): LInt {
  return i64Or(i64Shl(x, n), i64Shr(x, 64 - n));
}

function nextRand(L: LuaState): LInt {
  const s0 = st(L, 0);
  const s1 = st(L, 1);
  const s2 = i64Xor(st(L, 2), s0);
  const s3 = i64Xor(st(L, 3), s1);
  const res = i64Mul(rotl(i64Mul(s1, new LInt(0, 5)), 7), new LInt(0, 9));
  setSt(L, 0, i64Xor(s0, s3));
  setSt(L, 1, i64Xor(s1, s2));
  setSt(L, 2, i64Xor(s2, i64Shl(s1, 17)));
  setSt(L, 3, rotl(s3, 45));
  return res;
}

export function seedRandom(L: LuaState, n1: number, n2: number): void {
  setSt(L, 0, i64Of(i64Norm(i64FromSafe(n1))));
  setSt(L, 1, new LInt(0, 0xff));
  setSt(L, 2, i64FromSafe(n2));
  setSt(L, 3, new LInt(0, 0));
  for (let i = 0; i < 16; i++) nextRand(L);
}

function seedRandomV(L: LuaState, n1: LuaValue, n2: LuaValue): void {
  setSt(L, 0, i64Of(n1));
  setSt(L, 1, new LInt(0, 0xff));
  setSt(L, 2, i64Of(n2));
  setSt(L, 3, new LInt(0, 0));
  for (let i = 0; i < 16; i++) nextRand(L);
}

function project(L: LuaState, ran0: LInt, n: LInt): LInt {
  let ran = ran0;
  const n1 = i64Add(n, new LInt(0, 1));
  if (n1.hi === 0 && n1.lo === 0 || (i64And(n, n1).hi === 0 && i64And(n, n1).lo === 0)) return i64And(ran, n);
  let lim = n;
  lim = i64Or(lim, i64Shr(lim, 1));
  lim = i64Or(lim, i64Shr(lim, 2));
  lim = i64Or(lim, i64Shr(lim, 4));
  lim = i64Or(lim, i64Shr(lim, 8));
  lim = i64Or(lim, i64Shr(lim, 16));
  lim = i64Or(lim, i64Shr(lim, 32));
  for (;;) {
    ran = i64And(ran, lim);
    if (!i64ULt(n, ran)) return ran;
    ran = nextRand(L);
  }
}

export function m_random(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const rv = nextRand(L);
  let low: LuaValue;
  let up: LuaValue;
  if (n === 0) {
    const x = i64Shr(rv, 11);
    R[b - 1] = mkFloat(i64ToDouble(x) * Math.pow(2, -53));
    return 1;
  }
  if (n === 1) {
    low = 1;
    up = checkIntV(L, R, b, n, 0, 'random');
    if (up === 0) {
      R[b - 1] = i64Norm(rv);
      return 1;
    }
  } else if (n === 2) {
    low = checkIntV(L, R, b, n, 0, 'random');
    up = checkIntV(L, R, b, n, 1, 'random');
  } else throw libError(L, "wrong number of arguments to 'random'");
  if (numLt(up, low)) throw argError(L, 0, 'random', 'interval is empty');
  const lo = i64Of(low);
  const r = project(L, rv, i64Sub(i64Of(up), lo));
  R[b - 1] = i64Norm(i64Add(r, lo));
  return 1;
}

export function m_randomseed(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  if (n === 0) {
    // like PUC: seed from the time and an address-like number, and return both seeds
    const t = i64Norm(i64FromSafe(Date.now()));
    const r = i64Norm(i64FromSafe(Math.floor(Math.random() * 1e9)));
    seedRandomV(L, t, r);
    R[b - 1] = t;
    R[b] = r;
    return 2;
  }
  const v = checkNum(L, R, b, n, 0, 'randomseed');
  let n1: LuaValue;
  if (isIntVal(v)) n1 = v;
  else {
    const x = fval(v);
    n1 = floatToInt(x);
    if (n1 === null) n1 = i64Norm(i64FromSafe(Math.floor(x) % 9007199254740991));
  }
  const n2 = n > 1 ? checkIntV(L, R, b, n, 1, 'randomseed') : 0;
  seedRandomV(L, n1, n2);
  R[b - 1] = n1;
  R[b] = n2;
  return 2;
}

export { typeError, floatArith, unm };
