// The table library. Fast paths for plain tables (no metatable), the general path goes
// through indexValue/setIndexValue/lenValue like lua_geti/lua_seti.

import { LuaTable } from './table.js';
import { LuaBuiltin, LuaError, LuaFunction, LInt, numberToString, MAX_SAFE } from './value.js';
import type { LuaValue } from './value.js';
import { LuaState, libError } from './state.js';
import { callValue } from './frames.js';
import { indexValue, setIndexValue, lenValue, lessThan } from './slow-paths.js';
import { truthy } from './interp.js';
import { argError, typeError, arg, checkInt, checkIntV, checkTable, optInt, optStr, typeNameMeta } from './libutil.js';
import { intArith, isIntVal, numLt, numLe, toIntegerStrict } from './arith.js';
import { B_ADD, B_SUB } from './ast.js';
import { toDouble, typeName } from './value.js';

const MAX_INTEGER = new LInt(0x7fffffff, -1);

/** The length as an exact Lua integer (a __len result may be a big integer). */
function lenOfV(L: LuaState, t: LuaTable): LuaValue {
  if (t.metatable === null) return t.length();
  const v = lenValue(L, t);
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  const iv = toIntegerStrict(v);
  if (iv === null) throw libError(L, 'object length is not an integer');
  return iv;
}

function lenOf(L: LuaState, t: LuaTable): number {
  const v = lenOfV(L, t);
  return typeof v === 'number' ? v : toDouble(v);
}

function geti(L: LuaState, t: LuaTable, i: LuaValue): LuaValue {
  if (t.metatable === null) return typeof i === 'number' ? t.getInt(i) : t.get(i);
  return indexValue(L, t, i);
}

function seti(L: LuaState, t: LuaTable, i: LuaValue, v: LuaValue): void {
  if (t.metatable === null) {
    if (typeof i === 'number') t.setInt(i, v);
    else t.set(i, v);
  }
  else setIndexValue(L, t, i, v);
}

export function t_insert(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const t = checkTable(L, R, b, n, 0, 'insert');
  const len = lenOfV(L, t);
  if (typeof len !== 'number' && n === 2) {
    // maxinteger + 1 wraps around, as in C
    seti(L, t, intArith(B_ADD, len, 1), R[b + 1]);
    return 0;
  }
  const e = (typeof len === 'number' ? len : toDouble(len)) + 1;
  if (n === 2) {
    seti(L, t, e, R[b + 1]);
    return 0;
  }
  if (n !== 3) throw libError(L, "wrong number of arguments to 'insert'");
  const pos = checkInt(L, R, b, n, 1, 'insert');
  if (pos - 1 >= e || pos < 1) throw argError(L, 1, 'insert', 'position out of bounds');
  const v = R[b + 2];
  if (t.metatable === null && e - 1 === t.arr.length && v !== null) {
    t.arr.splice(pos - 1, 0, v);
    return 0;
  }
  for (let i = e; i > pos; i--) seti(L, t, i, geti(L, t, i - 1));
  seti(L, t, pos, v);
  return 0;
}

export function t_remove(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const t = checkTable(L, R, b, n, 0, 'remove');
  const size = lenOf(L, t);
  let pos = size;
  if (n > 1 && R[b + 1] !== null) {
    pos = checkInt(L, R, b, n, 1, 'remove');
    if (pos !== size && (pos < 1 || pos > size + 1)) {
      if (!(size === 0 && pos === 0)) throw argError(L, 0, 'remove', 'position out of bounds'); // PUC 5.4.4 says #1
    }
  }
  if (t.metatable === null && size === t.arr.length && pos >= 1 && pos <= size) {
    const v = t.arr[pos - 1];
    if (pos === size) t.setInt(pos, null);
    else {
      t.arr.splice(pos - 1, 1);
    }
    R[b - 1] = v;
    return 1;
  }
  const v = geti(L, t, pos);
  for (; pos < size; pos++) seti(L, t, pos, geti(L, t, pos + 1));
  seti(L, t, pos, null);
  R[b - 1] = v;
  return 1;
}

export function t_concat(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const t = checkTable(L, R, b, n, 0, 'concat');
  const sep = optStr(L, R, b, n, 1, 'concat', '');
  // Exact 64-bit indices: concat(t, sep, maxinteger, maxinteger) is legal.
  const i: LuaValue = n > 2 && R[b + 2] !== null ? checkIntV(L, R, b, n, 2, 'concat') : 1;
  const j: LuaValue = n > 3 && R[b + 3] !== null ? checkIntV(L, R, b, n, 3, 'concat') : lenOf(L, t);
  const parts: string[] = [];
  let k = i;
  // stop at j without computing j + 1, which could wrap around
  while (!numLt(j, k)) {
    const v = t.metatable === null ? t.get(k) : indexValue(L, t, k);
    if (typeof v === 'string') parts.push(v);
    else {
      const s = numberToString(v);
      if (s === null) {
        const where = numberToString(k) as string;
        throw libError(L, 'invalid value (' + typeName(v) + ') at index ' + where + " in table for 'concat'");
      }
      parts.push(s);
    }
    if (!numLt(k, j)) break;
    k = typeof k === 'number' && k < MAX_SAFE ? k + 1 : intArith(B_ADD, k, 1);
  }
  R[b - 1] = parts.join(sep);
  return 1;
}

export function t_unpack(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const t = arg(R, b, n, 0);
  // Exact 64-bit indices: unpack(t, maxinteger - 1, maxinteger) is legal.
  const i: LuaValue = n > 1 && R[b + 1] !== null ? checkIntV(L, R, b, n, 1, 'unpack') : 1;
  let j: LuaValue;
  if (n > 2 && R[b + 2] !== null) j = checkIntV(L, R, b, n, 2, 'unpack');
  else j = t instanceof LuaTable ? lenOf(L, t) : lenValue(L, t);
  if (!isIntVal(j)) throw libError(L, 'object length is not an integer');
  if (numLt(j, i)) return 0;
  const span = intArith(B_SUB, j, i); // j - i, wrapping: negative when it exceeds maxinteger
  // PUC's limit is its stack size (LUAI_MAXSTACK = 1e6) less the slots in use
  if (typeof span !== 'number' || span < 0 || span >= 1e6 - 50) throw libError(L, 'too many results to unpack');
  const cnt = span + 1;
  const vals: LuaValue[] = [];
  for (let k = 0; k < cnt; k++) {
    const key = typeof i === 'number' && i + k <= MAX_SAFE ? i + k : intArith(B_ADD, i, k);
    vals.push(t instanceof LuaTable && t.metatable === null ? t.get(key) : indexValue(L, t, key));
  }
  for (let k = 0; k < cnt; k++) R[b - 1 + k] = vals[k];
  return cnt;
}

export function t_pack(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const t = new LuaTable();
  t.setList(0, R, b, n);
  for (let i = 0; i < n; i++) if (R[b + i] === null) t.set(i + 1, null);
  if (t.arr.length < n) {
    for (let i = 0; i < n; i++) if (R[b + i] !== null) t.set(i + 1, R[b + i]);
  }
  t.setStr('n', n);
  R[b - 1] = t;
  return 1;
}

export function t_move(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const fsV = checkIntV(L, R, b, n, 1, 'move');
  const eV = checkIntV(L, R, b, n, 2, 'move');
  const tpV = checkIntV(L, R, b, n, 3, 'move');
  const a1 = checkTable(L, R, b, n, 0, 'move');
  let a2 = a1;
  if (n > 4 && R[b + 4] !== null) a2 = checkTable(L, R, b, n, 4, 'move');
  if (typeof fsV !== 'number' || typeof eV !== 'number' || typeof tpV !== 'number' ||
      Math.abs(tpV) + Math.abs(eV - fsV) >= MAX_SAFE) {
    moveExact(L, a1, a2, fsV, eV, tpV);
    R[b - 1] = a2;
    return 1;
  }
  const fs = fsV;
  const e = eV;
  const tp = tpV;
  if (e >= fs) {
    if (!(fs > 0 || e < Number.MAX_SAFE_INTEGER + fs)) throw argError(L, 2, 'move', 'too many elements to move');
    if (tp > e || tp <= fs || a1 !== a2) {
      for (let i = 0; i <= e - fs; i++) seti(L, a2, tp + i, geti(L, a1, fs + i));
    } else {
      for (let i = e - fs; i >= 0; i--) seti(L, a2, tp + i, geti(L, a1, fs + i));
    }
  }
  R[b - 1] = a2;
  return 1;
}

/** table.move with indices near the 64-bit limits: exact integer arithmetic, as ltablib.c. */
function moveExact(L: LuaState, a1: LuaTable, a2: LuaTable, fs: LuaValue, e: LuaValue, tp: LuaValue): void {
  if (numLt(e, fs)) return;
  if (!(numLt(0, fs) || numLt(e, intArith(B_ADD, MAX_INTEGER, fs)))) throw argError(L, 2, 'move', 'too many elements to move');
  const count = intArith(B_ADD, intArith(B_SUB, e, fs), 1);
  if (numLt(intArith(B_ADD, intArith(B_SUB, MAX_INTEGER, count), 1), tp)) throw argError(L, 3, 'move', 'destination wrap around');
  const forward = numLt(e, tp) || !numLt(fs, tp) || a1 !== a2;
  // count - 1 is at most maxinteger, so the counter never overflows
  const last = intArith(B_SUB, count, 1);
  let i: LuaValue = forward ? 0 : last;
  while (forward ? numLe(i, last) : numLe(0, i)) {
    const v = geti(L, a1, intArith(B_ADD, fs, i));
    seti(L, a2, intArith(B_ADD, tp, i), v);
    i = intArith(forward ? B_ADD : B_SUB, i, 1);
  }
}

// ---- sort: a port of ltablib.c's auxsort so that results (including the order of
// equal elements) match PUC Lua for arrays of up to 100 elements.

class SortCtx {
  readonly L: LuaState;
  readonly t: LuaTable;
  readonly cmp: LuaValue;
  readonly a: LuaValue[] | null;
  constructor(L: LuaState, t: LuaTable, cmp: LuaValue, a: LuaValue[] | null) {
    this.L = L;
    this.t = t;
    this.cmp = cmp;
    this.a = a;
  }
}

function sget(c: SortCtx, i: number): LuaValue {
  if (c.a !== null) return c.a[i - 1];
  return geti(c.L, c.t, i);
}

function sset(c: SortCtx, i: number, v: LuaValue): void {
  if (c.a !== null) c.a[i - 1] = v;
  else seti(c.L, c.t, i, v);
}

function sortLess(c: SortCtx, x: LuaValue, y: LuaValue): boolean {
  if (c.cmp === null) {
    if (typeof x === 'number' && typeof y === 'number') return x < y;
    if (typeof x === 'string' && typeof y === 'string') return x < y;
    return lessThan(c.L, x, y);
  }
  const r = callValue(c.L, c.cmp, [x, y]);
  return r.length > 0 && truthy(r[0]);
}

function sortError(c: SortCtx): LuaError {
  return libError(c.L, 'invalid order function for sorting');
}

function partition(c: SortCtx, lo: number, up: number): number {
  let i = lo;
  let j = up - 1;
  const P = sget(c, up - 1);
  for (;;) {
    let ai = sget(c, ++i);
    while (sortLess(c, ai, P)) {
      if (i === up - 1) throw sortError(c);
      ai = sget(c, ++i);
    }
    let aj = sget(c, --j);
    while (sortLess(c, P, aj)) {
      if (j < i) throw sortError(c);
      aj = sget(c, --j);
    }
    if (j < i) {
      sset(c, up - 1, ai);
      sset(c, i, P);
      return i;
    }
    sset(c, i, aj);
    sset(c, j, ai);
  }
}

function choosePivot(lo: number, up: number, rnd: number): number {
  const r4 = Math.floor((up - lo) / 4);
  return (rnd % (r4 * 2)) + (lo + r4);
}

function auxsort(c: SortCtx, lo0: number, up0: number, rnd0: number): void {
  let lo = lo0;
  let up = up0;
  let rnd = rnd0;
  while (lo < up) {
    let a1 = sget(c, lo);
    let a2 = sget(c, up);
    if (sortLess(c, a2, a1)) {
      sset(c, lo, a2);
      sset(c, up, a1);
    }
    if (up - lo === 1) break;
    let p: number;
    if (up - lo < 100 || rnd === 0) p = Math.floor((lo + up) / 2);
    else p = choosePivot(lo, up, rnd);
    a1 = sget(c, p);
    a2 = sget(c, lo);
    if (sortLess(c, a1, a2)) {
      sset(c, p, a2);
      sset(c, lo, a1);
    } else {
      const a3 = sget(c, up);
      if (sortLess(c, a3, a1)) {
        sset(c, p, a3);
        sset(c, up, a1);
      }
    }
    if (up - lo === 2) break;
    const P = sget(c, p);
    const u1 = sget(c, up - 1);
    sset(c, p, u1);
    sset(c, up - 1, P);
    p = partition(c, lo, up);
    let n: number;
    if (p - lo < up - p) {
      auxsort(c, lo, p - 1, rnd);
      n = p - lo;
      lo = p + 1;
    } else {
      auxsort(c, p + 1, up, rnd);
      n = up - p;
      up = p - 1;
    }
    if ((up - lo) / 128 > n) rnd = 0x2545f491 + (up ^ lo);
  }
}

export function t_sort(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const t = checkTable(L, R, b, n, 0, 'sort');
  const len = lenOf(L, t);
  if (len > 1) {
    if (len >= 0x7fffffff) throw argError(L, 0, 'sort', 'array too big');
    const cmp = arg(R, b, n, 1);
    if (cmp !== null && !(cmp instanceof LuaFunction)) {
      throw typeError(L, R, b, n, 1, 'sort', 'function');
    }
    const direct = t.metatable === null && t.arr.length === len;
    const c = new SortCtx(L, t, cmp, direct ? t.arr : null);
    auxsort(c, 1, len, 0);
  }
  return 0;
}
