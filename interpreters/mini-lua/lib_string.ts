// The string library.

import { LuaTable } from './table.js';
import { LuaBuiltin, LuaClosure, LFloat, LInt, LuaFunction, fmtG, numberToString, typeName, toExpExact, toFixedExact } from './value.js';
import type { LuaValue } from './value.js';
import { LuaState, libError } from './state.js';
import { callValue } from './frames.js';
import { indexValue } from './slow-paths.js';
import { argError, typeError, arg, checkInt, checkIntV, checkStr, optInt, posRelat, checkNum, typeNameMeta } from './libutil.js';
import { MatchState, doMatch, getCapture, captureCount, hasSpecials, firstLiteral } from './lstrpat.js';
import { tostr, addressOf } from './lib_base.js';
import { i64Of, i64ToString, u64ToString, u64ToHex, u64ToOct, i64IsNeg, i64Neg } from './int64.js';
import { toIntegerStrict, fval } from './arith.js';
import { strPack, strUnpack, strPackSize } from './lstrpack.js';
import { dumpClosure } from './ldump.js';

const MAXSTR = 0x7fffffff;

// Characters of a format spec before its conversion letter (PUC's L_FMTFLAGSF + digits + '.')
const FMT_SPEC_CHARS = '-+ #0123456789.';
// Flags each conversion accepts (PUC's L_FMTFLAGSx)
const FMT_FLAGS_FLOAT = '-+ #0';
const FMT_FLAGS_HEX = '-#0';
const FMT_FLAGS_INT = '-+ 0';
const FMT_FLAGS_UNSIGNED = '-0';
const FMT_FLAGS_CHAR = '-';

function skip2Digits(form: string, k: number): number {
  if (form.charCodeAt(k) >= 48 && form.charCodeAt(k) <= 57) {
    k++;
    if (form.charCodeAt(k) >= 48 && form.charCodeAt(k) <= 57) k++;
  }
  return k;
}

// PUC's checkformat: only the given flags, a width of at most 2 digits not starting with '0',
// and (when allowed) a precision of at most 2 digits.
function checkFormatSpec(L: LuaState, form: string, flags: string, precisionAllowed: boolean): void {
  let k = 1;
  while (k < form.length && flags.indexOf(form.charAt(k)) >= 0) k++;
  if (form.charCodeAt(k) !== 48) {
    k = skip2Digits(form, k);
    if (form.charCodeAt(k) === 46 && precisionAllowed) k = skip2Digits(form, k + 1);
  }
  const c = form.charCodeAt(k) | 32;
  if (!(c >= 97 && c <= 122)) throw libError(L, "invalid conversion specification: '" + form + "'");
}

export function setupStringMeta(L: LuaState): void {
  const mt = new LuaTable();
  mt.setStr('__index', L.globals.getStr('string'));
  L.stringMeta = mt;
}

export function s_len(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  R[b - 1] = checkStr(L, R, b, n, 0, 'len').length;
  return 1;
}

export function s_sub(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const s = checkStr(L, R, b, n, 0, 'sub');
  const l = s.length;
  let i = posRelat(checkInt(L, R, b, n, 1, 'sub'), l);
  let j = posRelat(optInt(L, R, b, n, 2, 'sub', -1), l);
  if (i < 1) i = 1;
  if (j > l) j = l;
  R[b - 1] = i > j ? '' : s.substring(i - 1, j);
  return 1;
}

export function s_upper(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const s = checkStr(L, R, b, n, 0, 'upper');
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += c >= 97 && c <= 122 ? String.fromCharCode(c - 32) : s.charAt(i);
  }
  R[b - 1] = out;
  return 1;
}

export function s_lower(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const s = checkStr(L, R, b, n, 0, 'lower');
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += c >= 65 && c <= 90 ? String.fromCharCode(c + 32) : s.charAt(i);
  }
  R[b - 1] = out;
  return 1;
}

export function s_rep(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const s = checkStr(L, R, b, n, 0, 'rep');
  const cnt = checkInt(L, R, b, n, 1, 'rep');
  const sep = n > 2 && R[b + 2] !== null ? checkStr(L, R, b, n, 2, 'rep') : '';
  if (cnt <= 0) {
    R[b - 1] = '';
    return 1;
  }
  const total = s.length * cnt + sep.length * (cnt - 1);
  if (total > MAXSTR || total >= 0x1fffffe8) throw libError(L, 'resulting string too large');
  if (sep === '') R[b - 1] = s.repeat(cnt);
  else R[b - 1] = (s + sep).repeat(cnt - 1) + s;
  return 1;
}

export function s_reverse(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const s = checkStr(L, R, b, n, 0, 'reverse');
  let out = '';
  for (let i = s.length - 1; i >= 0; i--) out += s.charAt(i);
  R[b - 1] = out;
  return 1;
}

export function s_byte(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const s = checkStr(L, R, b, n, 0, 'byte');
  const l = s.length;
  const i0 = optInt(L, R, b, n, 1, 'byte', 1);
  let i = posRelat(i0, l);
  let j = posRelat(optInt(L, R, b, n, 2, 'byte', i0), l);
  if (i < 1) i = 1;
  if (j > l) j = l;
  if (i > j) return 0;
  const cnt = j - i + 1;
  if (cnt > 1000000) throw libError(L, 'string slice too long');
  for (let k = 0; k < cnt; k++) R[b - 1 + k] = s.charCodeAt(i - 1 + k);
  return cnt;
}

export function s_char(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  let out = '';
  for (let i = 0; i < n; i++) {
    const c = checkInt(L, R, b, n, i, 'char');
    if (c < 0 || c > 255) throw argError(L, i, 'char', 'value out of range');
    out += String.fromCharCode(c);
  }
  R[b - 1] = out;
  return 1;
}

// ---------------------------------------------------------------- find / match / gsub

function strFindAux(L: LuaState, R: LuaValue[], b: number, n: number, find: boolean): number {
  const fname = find ? 'find' : 'match';
  const s = checkStr(L, R, b, n, 0, fname);
  const p = checkStr(L, R, b, n, 1, fname);
  const ls = s.length;
  const init = posRelat(optInt(L, R, b, n, 2, fname, 1), ls);
  let i0 = init < 1 ? 1 : init;
  if (i0 > ls + 1) {
    R[b - 1] = null;
    return 1;
  }
  const plain = n > 3 && R[b + 3] !== null && R[b + 3] !== false;
  if (find && (plain || !hasSpecials(p))) {
    const idx = s.indexOf(p, i0 - 1);
    if (idx < 0) {
      R[b - 1] = null;
      return 1;
    }
    R[b - 1] = idx + 1;
    R[b] = idx + p.length;
    return 2;
  }
  const ms = new MatchState(L, s, p);
  let pstart = 0;
  const anchor = p.charCodeAt(0) === 94;
  if (anchor) pstart = 1;
  const first = anchor ? '' : literalChar(p, pstart);
  let s1 = i0 - 1;
  do {
    if (first !== '') {
      s1 = s.indexOf(first, s1);
      if (s1 < 0) break;
    }
    ms.reset();
    const e = doMatch(ms, s1, pstart);
    if (e !== -1) {
      if (find) {
        R[b - 1] = s1 + 1;
        R[b] = e;
        const nc = ms.level;
        for (let k = 0; k < nc; k++) R[b + 1 + k] = getCapture(ms, k, s1, e);
        return 2 + nc;
      }
      const nc = captureCount(ms, s1);
      const caps: LuaValue[] = [];
      for (let k = 0; k < nc; k++) caps.push(getCapture(ms, k, s1, e));
      for (let k = 0; k < nc; k++) R[b - 1 + k] = caps[k];
      return nc;
    }
    s1++;
  } while (s1 <= ls && !anchor);
  R[b - 1] = null;
  i0 = 0;
  return 1;
}

/** firstLiteral as a one-character string ('' for none), for indexOf. */
function literalChar(p: string, p0: number): string {
  const c = firstLiteral(p, p0);
  return c < 0 ? '' : String.fromCharCode(c);
}

export function s_find(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  return strFindAux(L, R, b, n, true);
}

export function s_match(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  return strFindAux(L, R, b, n, false);
}

export function s_gmatch(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const s = checkStr(L, R, b, n, 0, 'gmatch');
  const p = checkStr(L, R, b, n, 1, 'gmatch');
  const ls = s.length;
  let init = posRelat(optInt(L, R, b, n, 2, 'gmatch', 1), ls);
  if (init < 1) init = 1;
  // past the end (not at it) there is nothing to match, not even the empty string
  if (init > ls + 1) init = ls + 2;
  const data: LuaValue[] = [s, p, init - 1, -1];
  R[b - 1] = new LuaBuiltin((L.builtins.get('(gmatch_iter)') as LuaBuiltin).id, 'gmatch_iter', null, data);
  return 1;
}

export function s_gmatch_iter(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const d = f.data as LuaValue[];
  const s = d[0] as string;
  const p = d[1] as string;
  let src = d[2] as number;
  const last = d[3] as number;
  const ms = new MatchState(L, s, p);
  const first = literalChar(p, 0);
  for (; src <= s.length; src++) {
    if (first !== '') {
      src = s.indexOf(first, src);
      if (src < 0) {
        src = s.length + 1;
        break;
      }
    }
    ms.reset();
    const e = doMatch(ms, src, 0);
    if (e !== -1 && e !== last) {
      d[2] = e;
      d[3] = e;
      const nc = captureCount(ms, src);
      for (let k = 0; k < nc; k++) R[b - 1 + k] = getCapture(ms, k, src, e);
      return nc;
    }
  }
  d[2] = src;
  R[b - 1] = null;
  return 1;
}

function addValue(L: LuaState, ms: MatchState, parts: string[], s: number, e: number, repl: LuaValue): void {
  const src = ms.src;
  let value: LuaValue;
  if (typeof repl === 'string') {
    let i = 0;
    const l = repl.length;
    let out = '';
    while (i < l) {
      const c = repl.charCodeAt(i);
      if (c !== 37) {
        const j = repl.indexOf('%', i);
        const end = j < 0 ? l : j;
        out += repl.substring(i, end);
        i = end;
        continue;
      }
      i++;
      const d = repl.charCodeAt(i);
      if (d === 37) {
        out += '%';
      } else if (d >= 48 && d <= 57) {
        if (d === 48) out += src.substring(s, e);
        else {
          const cap = getCapture(ms, d - 49, s, e);
          out += typeof cap === 'string' ? cap : numberToString(cap) as string;
        }
      } else {
        throw libError(L, "invalid use of '%' in replacement string");
      }
      i++;
    }
    parts.push(out);
    return;
  }
  const cap0 = getCapture(ms, 0, s, e);
  if (repl instanceof LuaTable) value = indexValue(L, repl, cap0);
  else {
    const nc = captureCount(ms, s);
    const args: LuaValue[] = [];
    for (let k = 0; k < nc; k++) args.push(getCapture(ms, k, s, e));
    const r = callValue(L, repl, args);
    value = r.length > 0 ? r[0] : null;
  }
  if (value === null || value === false) {
    parts.push(src.substring(s, e));
    return;
  }
  if (typeof value === 'string') parts.push(value);
  else {
    const ns = numberToString(value);
    if (ns === null) throw libError(L, 'invalid replacement value (a ' + typeName(value) + ')');
    parts.push(ns);
  }
}

export function s_gsub(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const src = checkStr(L, R, b, n, 0, 'gsub');
  let p = checkStr(L, R, b, n, 1, 'gsub');
  const repl = arg(R, b, n, 2);
  if (!(typeof repl === 'string' || typeof repl === 'number' || repl instanceof LFloat || repl instanceof LInt ||
    repl instanceof LuaTable || repl instanceof LuaFunction)) {
    throw typeError(L, R, b, n, 2, 'gsub', 'string/function/table');
  }
  const replv: LuaValue = typeof repl === 'string' || repl instanceof LuaTable || repl instanceof LuaFunction
    ? repl : (numberToString(repl) as string);
  const maxN = optInt(L, R, b, n, 3, 'gsub', src.length + 1);
  const anchor = p.charCodeAt(0) === 94;
  let pstart = 0;
  if (anchor) pstart = 1;
  const ms = new MatchState(L, src, p);
  const first = anchor ? '' : literalChar(p, pstart);
  const parts: string[] = [];
  let s = 0;
  // src[copied..s) is unmatched text not yet in parts
  let copied = 0;
  let lastMatch = -1;
  let count = 0;
  while (count < maxN) {
    if (first !== '') {
      s = src.indexOf(first, s);
      if (s < 0) break;
    }
    ms.reset();
    const e = doMatch(ms, s, pstart);
    if (e !== -1 && e !== lastMatch) {
      count++;
      if (s > copied) parts.push(src.substring(copied, s));
      addValue(L, ms, parts, s, e, replv);
      s = e;
      copied = e;
      lastMatch = e;
    } else if (s < src.length) s++;
    else break;
    if (anchor) break;
  }
  if (copied < src.length) parts.push(src.substring(copied));
  R[b - 1] = parts.join('');
  R[b] = count;
  p = '';
  return 2;
}

// ---------------------------------------------------------------- format

function padStr(s: string, width: number, left: boolean, zero: boolean): string {
  if (s.length >= width) return s;
  if (left) return s + ' '.repeat(width - s.length);
  if (zero) {
    let signLen = 0;
    const c = s.charCodeAt(0);
    if (c === 45 || c === 43 || c === 32) signLen = 1;
    if (s.charCodeAt(signLen) === 48 && (s.charCodeAt(signLen + 1) | 32) === 120) signLen += 2;
    return s.substring(0, signLen) + '0'.repeat(width - s.length) + s.substring(signLen);
  }
  return ' '.repeat(width - s.length) + s;
}

function fmtExp(x: number, prec: number, upper: boolean): string {
  let s = toExpExact(x, prec);
  const e = s.indexOf('e');
  let ex = s.substring(e + 1);
  const sign = ex.charAt(0);
  ex = ex.substring(1);
  if (ex.length < 2) ex = '0' + ex;
  s = s.substring(0, e) + 'e' + sign + ex;
  return upper ? s.toUpperCase() : s;
}

function fmtFixed(x: number, prec: number): string {
  if (Math.abs(x) < 1e21) return toFixedExact(x, prec);
  // large: exact integer digits
  let digits = BigIntFreeDigits(x);
  if (prec > 0) digits += '.' + '0'.repeat(prec);
  return digits;
}

/** Decimal digits of a large integral double without BigInt. */
function BigIntFreeDigits(x: number): string {
  const neg = x < 0;
  let v = Math.abs(x);
  // split into base-1e7 limbs by exact division using the double's binary expansion
  const limbs: number[] = [];
  // represent v = m * 2^e with integer m < 2^53
  let e = 0;
  while (v >= 9007199254740992) {
    v /= 2;
    e++;
  }
  limbs.push(v);
  // multiply by 2, e times, on base-1e7 limbs (little endian)
  let L2: number[] = [];
  let m = v;
  while (m > 0) {
    L2.push(m % 10000000);
    m = Math.floor(m / 10000000);
  }
  for (let i = 0; i < e; i++) {
    let carry = 0;
    for (let k = 0; k < L2.length; k++) {
      const t = L2[k] * 2 + carry;
      L2[k] = t % 10000000;
      carry = Math.floor(t / 10000000);
    }
    if (carry > 0) L2.push(carry);
  }
  let out = '' + L2[L2.length - 1];
  for (let k = L2.length - 2; k >= 0; k--) {
    let d = '' + L2[k];
    while (d.length < 7) d = '0' + d;
    out += d;
  }
  L2 = [];
  return (neg ? '-' : '') + out;
}

// '%a' like glibc: the 52 mantissa bits as 13 hex digits after a leading 1 (0 for
// subnormals, which keep exponent -1022); a precision rounds half to even and a carry
// may turn the leading digit into 2.
function fmtHexFloat(x: number, upper: boolean, prec: number, alt: boolean): string {
  let s: string;
  if (x !== x) s = 'nan';
  else if (x === Infinity) s = 'inf';
  else if (x === -Infinity) s = '-inf';
  else {
    const bits = new DataView(new ArrayBuffer(8));
    bits.setFloat64(0, x);
    const hi = bits.getUint32(0);
    const lo = bits.getUint32(4);
    const neg = hi >>> 31 !== 0;
    const biased = (hi >>> 20) & 0x7ff;
    let lead = biased === 0 ? 0 : 1;
    const isZero = biased === 0 && (hi & 0xfffff) === 0 && lo === 0;
    const exp = isZero ? 0 : biased === 0 ? -1022 : biased - 1023;
    let digits = (hi & 0xfffff).toString(16).padStart(5, '0') + lo.toString(16).padStart(8, '0');
    if (prec < 0) {
      let k = digits.length;
      while (k > 0 && digits.charCodeAt(k - 1) === 48) k--;
      digits = digits.substring(0, k);
    } else if (prec < digits.length) {
      const first = parseInt(digits.charAt(prec), 16);
      let restNonZero = false;
      for (let i = prec + 1; i < digits.length; i++) if (digits.charCodeAt(i) !== 48) restNonZero = true;
      const lastKept = prec === 0 ? lead : parseInt(digits.charAt(prec - 1), 16);
      const roundUp = first > 8 || (first === 8 && (restNonZero || (lastKept & 1) === 1));
      const kept: number[] = [];
      for (let i = 0; i < prec; i++) kept.push(parseInt(digits.charAt(i), 16));
      if (roundUp) {
        let i = prec - 1;
        while (i >= 0 && kept[i] === 15) {
          kept[i] = 0;
          i--;
        }
        if (i >= 0) kept[i]++;
        else lead++;
      }
      digits = '';
      for (let i = 0; i < prec; i++) digits += kept[i].toString(16);
    } else {
      while (digits.length < prec) digits += '0';
    }
    s = (neg ? '-' : '') + '0x' + lead + (digits.length > 0 || alt ? '.' : '') + digits + 'p' + (exp >= 0 ? '+' : '') + exp;
  }
  return upper ? s.toUpperCase() : s;
}

// Strings up to this length are interned by PUC Lua (LUAI_MAXSHORTLEN)
const MAX_SHORT_STRING = 40;

// '%p': what lua_topointer gives. Numbers, booleans and nil have no address. JS strings
// have no identity: equal short strings share an address (as PUC interns them), made
// from their content; each long string gets a fresh one, as if it were a new object.
function pointerOf(L: LuaState, v: LuaValue): string {
  if (v === null || v === true || v === false || typeof v === 'number') return '(null)';
  if (v instanceof LInt || v instanceof LFloat) return '(null)';
  if (typeof v === 'string') {
    if (v.length > MAX_SHORT_STRING) {
      L.nextAddr++;
      return '0x' + (0x555555550000 + L.nextAddr * 0x40).toString(16);
    }
    let h = v.length;
    for (let i = 0; i < v.length; i++) h = (Math.imul(h, 31) + v.charCodeAt(i)) | 0;
    return '0x' + (0x7f0000000000 + (h >>> 0) * 0x10).toString(16);
  }
  return addressOf(L, v);
}

function quoteString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 34) out += '\\"';
    else if (c === 92) out += '\\\\';
    else if (c === 10) out += '\\\n';
    else if (c < 32 || c === 127) {
      const nx = s.charCodeAt(i + 1);
      if (nx >= 48 && nx <= 57) {
        let d = '' + c;
        while (d.length < 3) d = '0' + d;
        out += '\\' + d;
      } else out += '\\' + c;
    } else out += s.charAt(i);
  }
  return out + '"';
}

export function s_format(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const fmt = checkStr(L, R, b, n, 0, 'format');
  const parts: string[] = [];
  let argi = 1;
  let i = 0;
  const l = fmt.length;
  while (i < l) {
    const c = fmt.charCodeAt(i);
    if (c !== 37) {
      const j = fmt.indexOf('%', i);
      const end = j < 0 ? l : j;
      parts.push(fmt.substring(i, end));
      i = end;
      continue;
    }
    i++;
    if (fmt.charCodeAt(i) === 37) {
      parts.push('%');
      i++;
      continue;
    }
    // Like PUC's getformat: the spec spans flags, digits and '.', plus one conversion char;
    // each conversion then checks which flags and how many digits it accepts.
    if (argi >= n) throw argError(L, argi, 'format', 'no value');
    const specStart = i;
    while (i < l && FMT_SPEC_CHARS.indexOf(fmt.charAt(i)) >= 0) i++;
    if (i - specStart + 1 >= 22) throw libError(L, 'invalid format (too long)');
    const conv = fmt.charAt(i);
    i++;
    if (i === specStart + 1 && conv === 'd') {
      // plain %d of a raw integer: no flags to parse or check
      const v = R[b + argi];
      if (typeof v === 'number' && Number.isInteger(v)) {
        parts.push('' + v);
        argi++;
        continue;
      }
    }
    const form = '%' + fmt.substring(specStart, i);
    let left = false;
    let plus = false;
    let space = false;
    let alt = false;
    let zero = false;
    let k = 1;
    for (;;) {
      const fc = form.charCodeAt(k);
      if (fc === 45) left = true;
      else if (fc === 43) plus = true;
      else if (fc === 32) space = true;
      else if (fc === 35) alt = true;
      else if (fc === 48) zero = true;
      else break;
      k++;
    }
    let width = 0;
    while (form.charCodeAt(k) >= 48 && form.charCodeAt(k) <= 57) {
      width = width * 10 + (form.charCodeAt(k) - 48);
      k++;
    }
    let prec = -1;
    if (form.charCodeAt(k) === 46) {
      k++;
      prec = 0;
      while (form.charCodeAt(k) >= 48 && form.charCodeAt(k) <= 57) {
        prec = prec * 10 + (form.charCodeAt(k) - 48);
        k++;
      }
    }
    let out: string;
    switch (conv) {
      case 'd':
      case 'i':
      case 'u': {
        checkFormatSpec(L, form, conv === 'u' ? FMT_FLAGS_UNSIGNED : FMT_FLAGS_INT, true);
        const v = checkIntV(L, R, b, n, argi, 'format');
        argi++;
        let s: string;
        let neg = false;
        if (conv === 'u') s = u64ToString(i64Of(v).hi, i64Of(v).lo);
        else if (typeof v === 'number') {
          s = '' + Math.abs(v);
          neg = v < 0;
        } else {
          s = i64ToString(i64Of(v).hi, i64Of(v).lo);
          if (s.charCodeAt(0) === 45) {
            neg = true;
            s = s.substring(1);
          }
        }
        if (prec >= 0) {
          while (s.length < prec) s = '0' + s;
          if (prec === 0 && s === '0') s = '';
        }
        s = (neg ? '-' : plus ? '+' : space ? ' ' : '') + s;
        out = padStr(s, width, left, zero && prec < 0);
        break;
      }
      case 'c': {
        checkFormatSpec(L, form, FMT_FLAGS_CHAR, false);
        const v = checkInt(L, R, b, n, argi, 'format');
        argi++;
        out = padStr(String.fromCharCode(v & 255), width, left, false);
        break;
      }
      case 'p': {
        checkFormatSpec(L, form, FMT_FLAGS_CHAR, false);
        const v = R[b + argi];
        argi++;
        out = padStr(pointerOf(L, v), width, left, false);
        break;
      }
      case 'x':
      case 'X':
      case 'o': {
        checkFormatSpec(L, form, FMT_FLAGS_HEX, true);
        const v = checkIntV(L, R, b, n, argi, 'format');
        argi++;
        const p = i64Of(v);
        let s = conv === 'o' ? u64ToOct(p.hi, p.lo) : u64ToHex(p.hi, p.lo);
        if (prec >= 0) while (s.length < prec) s = '0' + s;
        if (alt && s !== '0') s = (conv === 'o' ? '0' : '0x') + s;
        if (conv === 'X') s = s.toUpperCase();
        out = padStr(s, width, left, zero && prec < 0);
        break;
      }
      case 'e':
      case 'E':
      case 'f':
      case 'g':
      case 'G':
      case 'a':
      case 'A': {
        checkFormatSpec(L, form, FMT_FLAGS_FLOAT, true);
        const x = fval(checkNum(L, R, b, n, argi, 'format'));
        argi++;
        let s: string;
        const p = prec < 0 ? 6 : prec;
        if (x !== x || x === Infinity || x === -Infinity) {
          s = x !== x ? (conv === 'a' || conv === 'A' ? 'nan' : '-nan') : x > 0 ? 'inf' : '-inf';
          if (x !== x && (conv === 'a' || conv === 'A')) s = '-nan';
          if (conv === 'E' || conv === 'G' || conv === 'A') s = s.toUpperCase();
          if (s.charCodeAt(0) !== 45 && (plus || space)) s = (plus ? '+' : ' ') + s;
          out = padStr(s, width, left, false);
          break;
        }
        if (conv === 'e' || conv === 'E') s = fmtExp(x, p, conv === 'E');
        else if (conv === 'f') s = fmtFixed(x, p);
        else if (conv === 'g' || conv === 'G') {
          s = fmtG(x, p, alt);
          if (conv === 'G') s = s.toUpperCase();
        } else s = fmtHexFloat(x, conv === 'A', prec, alt);
        if (alt && p === 0 && (conv === 'f' || conv === 'e') && s.indexOf('.') < 0) {
          const ep = s.indexOf('e');
          s = ep < 0 ? s + '.' : s.substring(0, ep) + '.' + s.substring(ep);
        }
        // -0 keeps its sign, which then stands where '+' or ' ' would.
        if (x === 0 && 1 / x < 0 && s.charCodeAt(0) !== 45) s = '-' + s;
        if (s.charCodeAt(0) !== 45 && (plus || space)) s = (plus ? '+' : ' ') + s;
        out = padStr(s, width, left, zero);
        break;
      }
      case 's': {
        const v = R[b + argi];
        argi++;
        const s = tostr(L, v);
        if (form.length === 2) out = s;
        else {
          if (s.indexOf('\0') >= 0) throw argError(L, argi - 1, 'format', 'string contains zeros');
          checkFormatSpec(L, form, FMT_FLAGS_CHAR, true);
          // PUC adds long strings whole when there is no precision
          if (prec < 0 && s.length >= 100) out = s;
          else out = padStr(prec >= 0 ? s.substring(0, prec) : s, width, left, false);
        }
        break;
      }
      case 'q': {
        if (form.length > 2) throw libError(L, "specifier '%q' cannot have modifiers");
        const v = R[b + argi];
        argi++;
        if (typeof v === 'string') out = quoteString(v);
        else if (typeof v === 'number' && Number.isInteger(v)) out = '' + v;
        else if (v instanceof LInt) {
          out = v.hi === -0x80000000 && v.lo === 0 ? '0x8000000000000000' : i64ToString(v.hi, v.lo);
        } else if (typeof v === 'number' || v instanceof LFloat) {
          const x = fval(v);
          if (x === Infinity) out = '1e9999';
          else if (x === -Infinity) out = '-1e9999';
          else if (x !== x) out = '(0/0)';
          else out = fmtHexFloat(x, false, -1, false);
        } else if (v === null || v === true || v === false) out = tostr(L, v);
        else throw argError(L, argi - 1, 'format', 'value has no literal form');
        break;
      }
      default:
        throw libError(L, "invalid conversion '" + form + "' to 'format'");
    }
    parts.push(out);
  }
  R[b - 1] = parts.join('');
  return 1;
}

export function s_pack(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  return strPack(L, R, b, n);
}
export function s_unpack(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  return strUnpack(L, R, b, n);
}
export function s_packsize(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  return strPackSize(L, R, b, n);
}

export function s_dump(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const fn = arg(R, b, n, 0);
  if (!(fn instanceof LuaFunction)) throw typeError(L, R, b, n, 0, 'dump', 'function');
  if (!(fn instanceof LuaClosure)) throw libError(L, 'unable to dump given function');
  const strip = arg(R, b, n, 1);
  R[b - 1] = dumpClosure(fn, strip !== null && strip !== false);
  return 1;
}

export { typeNameMeta, toIntegerStrict, i64IsNeg, i64Neg };
