// Argument checking for builtins. A builtin receives its arguments in R[base..base+n-1]
// and writes its results to R[base-1..] (argument i is 0-based here, #i+1 in messages).

import { LuaTable } from './table.js';
import { LFloat, LInt, LuaError, typeName, toDouble } from './value.js';
import type { LuaValue } from './value.js';
import { LuaState, libError } from './state.js';
import { toNumberCoerce, toIntegerStrict } from './arith.js';
import { getMetatable } from './interp.js';
import { OP_TFORCALL } from './proto.js';

/** "bad argument #n to 'name' (msg)", naming the function as PUC does (call-site name). */
export function argError(L: LuaState, i: number, fname: string, msg: string): LuaError {
  const bi = L.curBuiltin;
  let name = bi !== null ? bi.name : fname;
  let argn = i + 1;
  const f = L.frame;
  if (f !== null && !L.nativeCaller && f.closure !== L.trampoline) {
    const p = f.closure.proto;
    const op = p.code[f.pc] & 0xff;
    if (op === OP_TFORCALL) name = 'for iterator';
    else {
      const desc = p.names[f.pc * 2];
      if (desc !== null) {
        const q = desc.indexOf("'");
        name = desc.substring(q + 1, desc.length - 1);
        if (desc.startsWith('method')) {
          argn--;
          if (argn === 0) return libError(L, "calling '" + name + "' on bad self");
        }
      }
    }
  }
  return libError(L, 'bad argument #' + argn + " to '" + name + "' (" + msg + ')');
}

export function typeNameMeta(L: LuaState, v: LuaValue): string {
  const mt = getMetatable(L, v);
  if (mt !== null) {
    const nm = mt.getStr('__name');
    if (typeof nm === 'string') return nm;
  }
  return typeName(v);
}

export function typeError(L: LuaState, R: LuaValue[], base: number, n: number, i: number, fname: string, expected: string): LuaError {
  const got = i >= n ? 'no value' : typeNameMeta(L, R[base + i]);
  return argError(L, i, fname, expected + ' expected, got ' + got);
}

export function arg(R: LuaValue[], base: number, n: number, i: number): LuaValue {
  return i < n ? R[base + i] : null;
}

export function checkAny(L: LuaState, R: LuaValue[], base: number, n: number, i: number, fname: string): LuaValue {
  if (i >= n) throw argError(L, i, fname, 'value expected');
  return R[base + i];
}

export function checkTable(L: LuaState, R: LuaValue[], base: number, n: number, i: number, fname: string): LuaTable {
  const v = i < n ? R[base + i] : null;
  if (v instanceof LuaTable) return v;
  throw typeError(L, R, base, n, i, fname, 'table');
}

/** An integer argument as a JS number (big integers become their nearest double). */
export function checkInt(L: LuaState, R: LuaValue[], base: number, n: number, i: number, fname: string): number {
  const v = i < n ? R[base + i] : null;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  const iv = toIntegerStrict(v);
  if (iv === null) {
    if (v instanceof LFloat || typeof v === 'number' || (typeof v === 'string' && toNumberCoerce(v) !== null)) {
      throw argError(L, i, fname, 'number has no integer representation');
    }
    throw typeError(L, R, base, n, i, fname, 'number');
  }
  return toDouble(iv);
}

/** An integer argument as a LuaValue integer (exact). */
export function checkIntV(L: LuaState, R: LuaValue[], base: number, n: number, i: number, fname: string): LuaValue {
  const v = i < n ? R[base + i] : null;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (v instanceof LInt) return v;
  const iv = toIntegerStrict(v);
  if (iv === null) {
    if (v instanceof LFloat || typeof v === 'number' || (typeof v === 'string' && toNumberCoerce(v) !== null)) {
      throw argError(L, i, fname, 'number has no integer representation');
    }
    throw typeError(L, R, base, n, i, fname, 'number');
  }
  return iv;
}

export function optInt(L: LuaState, R: LuaValue[], base: number, n: number, i: number, fname: string, def: number): number {
  if (i >= n || R[base + i] === null) return def;
  return checkInt(L, R, base, n, i, fname);
}

/** A number argument (strings coerce), as a numeric LuaValue. */
export function checkNum(L: LuaState, R: LuaValue[], base: number, n: number, i: number, fname: string): LuaValue {
  const v = i < n ? R[base + i] : null;
  if (typeof v === 'number') return v;
  const nv = toNumberCoerce(v);
  if (nv === null) throw typeError(L, R, base, n, i, fname, 'number');
  return nv;
}

export function checkNumF(L: LuaState, R: LuaValue[], base: number, n: number, i: number, fname: string): number {
  const v = i < n ? R[base + i] : null;
  if (typeof v === 'number') return v;
  return toDouble(checkNum(L, R, base, n, i, fname));
}

export function checkStr(L: LuaState, R: LuaValue[], base: number, n: number, i: number, fname: string): string {
  const v = i < n ? R[base + i] : null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || v instanceof LFloat || v instanceof LInt) return numToStr(v);
  throw typeError(L, R, base, n, i, fname, 'string');
}

export function optStr(L: LuaState, R: LuaValue[], base: number, n: number, i: number, fname: string, def: string): string {
  if (i >= n || R[base + i] === null) return def;
  return checkStr(L, R, base, n, i, fname);
}

import { numberToString } from './value.js';
function numToStr(v: LuaValue): string {
  const s = numberToString(v);
  return s === null ? '' : s;
}

/** Lua's posrelat for string positions: negative counts from the end. */
export function posRelat(pos: number, len: number): number {
  if (pos >= 0) return pos;
  if (-pos > len) return 0;
  return len + pos + 1;
}
