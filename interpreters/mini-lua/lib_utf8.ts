// The utf8 library (Lua 5.4 semantics, strict by default, `lax` accepts up to 2^31).

import { LuaBuiltin, LInt } from './value.js';
import type { LuaValue } from './value.js';
import { LuaState, libError } from './state.js';
import { argError, checkInt, checkStr, optInt, posRelat, arg } from './libutil.js';
import { utf8Encode } from './lexer.js';

const MAXUNICODE = 0x10ffff;
const MAXUTF = 0x7fffffff;

/** Decodes one sequence at i; returns [code, next] or null if invalid. */
function decode(s: string, i: number, strict: boolean): number[] | null {
  const c = s.charCodeAt(i);
  if (c < 0x80) {
    const r: number[] = [c, i + 1];
    return r;
  }
  if (c < 0xc0) return null;
  let count = 0;
  let res = 0;
  let cc = c;
  const limits: number[] = [0xffffffff, 0x80, 0x800, 0x10000, 0x200000, 0x4000000];
  for (; (cc & 0x40) !== 0; cc <<= 1) {
    const nx = s.charCodeAt(i + count + 1);
    count++;
    if (!(nx >= 0x80 && nx < 0xc0)) return null;
    res = res * 64 + (nx & 0x3f);
  }
  res += (cc & 0x7f) * Math.pow(2, count * 5);
  if (count > 5 || res > MAXUTF || res < limits[count]) return null;
  if (strict && (res > MAXUNICODE || (res >= 0xd800 && res <= 0xdfff))) return null;
  const r: number[] = [res, i + count + 1];
  return r;
}

export function u_char(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  let out = '';
  for (let i = 0; i < n; i++) {
    const c = checkInt(L, R, b, n, i, 'char');
    if (c < 0 || c > MAXUTF) throw argError(L, i, 'char', 'value out of range');
    out += utf8Encode(c);
  }
  R[b - 1] = out;
  return 1;
}

export function u_codepoint(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const s = checkStr(L, R, b, n, 0, 'codepoint');
  const i = posRelat(optInt(L, R, b, n, 1, 'codepoint', 1), s.length);
  const j = posRelat(optInt(L, R, b, n, 2, 'codepoint', i), s.length);
  const lax = n > 3 && R[b + 3] !== null && R[b + 3] !== false;
  if (i < 1) throw argError(L, 1, 'codepoint', 'out of bounds');
  if (j > s.length) throw argError(L, 2, 'codepoint', 'out of bounds');
  if (i > j) return 0;
  const res: number[] = [];
  let p = i - 1;
  while (p < j) {
    const d = decode(s, p, !lax);
    if (d === null) throw libError(L, 'invalid UTF-8 code');
    res.push(d[0]);
    p = d[1];
  }
  for (let k = 0; k < res.length; k++) R[b - 1 + k] = res[k];
  return res.length;
}

export function u_len(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const s = checkStr(L, R, b, n, 0, 'len');
  let i = posRelat(optInt(L, R, b, n, 1, 'len', 1), s.length);
  const j = posRelat(optInt(L, R, b, n, 2, 'len', -1), s.length);
  const lax = n > 3 && R[b + 3] !== null && R[b + 3] !== false;
  if (i < 1 || i > s.length + 1) throw argError(L, 1, 'len', 'initial position out of bounds');
  if (j > s.length) throw argError(L, 2, 'len', 'final position out of bounds');
  let cnt = 0;
  let p = i - 1;
  while (p < j) {
    const d = decode(s, p, !lax);
    if (d === null) {
      R[b - 1] = null;
      R[b] = p + 1;
      return 2;
    }
    p = d[1];
    cnt++;
  }
  i = 0;
  R[b - 1] = cnt;
  return 1;
}

function iscont(s: string, p: number): boolean {
  const c = s.charCodeAt(p);
  return (c & 0xc0) === 0x80;
}

export function u_offset(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const s = checkStr(L, R, b, n, 0, 'offset');
  let nn = checkInt(L, R, b, n, 1, 'offset');
  const defi = nn >= 0 ? 1 : s.length + 1;
  let posi = posRelat(optInt(L, R, b, n, 2, 'offset', defi), s.length);
  if (posi < 1 || posi - 1 > s.length) throw argError(L, 2, 'offset', 'position out of bounds');
  posi--;
  if (nn === 0) {
    while (posi > 0 && iscont(s, posi)) posi--;
    R[b - 1] = posi + 1;
    return 1;
  }
  if (iscont(s, posi)) throw libError(L, 'initial position is a continuation byte');
  if (nn < 0) {
    while (nn < 0 && posi > 0) {
      do {
        posi--;
      } while (posi > 0 && iscont(s, posi));
      nn++;
    }
  } else {
    nn--;
    while (nn > 0 && posi < s.length) {
      do {
        posi++;
      } while (iscont(s, posi));
      nn--;
    }
  }
  if (nn === 0) R[b - 1] = posi + 1;
  else R[b - 1] = null;
  return 1;
}

export function u_codes(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const s = checkStr(L, R, b, n, 0, 'codes');
  const lax = n > 1 && R[b + 1] !== null && R[b + 1] !== false;
  R[b - 1] = new LuaBuiltin((L.builtins.get('(utf8_codes_iter)') as LuaBuiltin).id, 'codes_iter', null, lax ? [true] : [false]);
  R[b] = s;
  R[b + 1] = 0;
  return 3;
}

export function u_codes_iter(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const s = checkStr(L, R, b, n, 0, 'codes');
  const lax = (f.data as LuaValue[])[0] === true;
  // PUC reads the control as an unsigned integer (lua_tointeger, 0 when not one), so
  // negative and huge positions are past the end.
  const ctl = arg(R, b, n, 1);
  let i = typeof ctl === 'number' && Number.isInteger(ctl) ? ctl : ctl instanceof LInt ? -1 : 0;
  if (i < 0) return 0;
  if (i < s.length) {
    while (iscont(s, i)) i++; // skip continuation bytes of the current char
  }
  if (i >= s.length) return 0;
  const d = decode(s, i, !lax);
  if (d === null) throw libError(L, 'invalid UTF-8 code');
  R[b - 1] = i + 1;
  R[b] = d[0];
  return 2;
}
