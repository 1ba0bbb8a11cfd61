// 64-bit two's-complement integer arithmetic on int32 halves: the slow path of Lua
// integers (values outside the JS safe range, overflow wrap-around, bitwise ops).
// Every function here takes and returns I64 pairs; int ops on LuaValues convert with
// i64Of / i64Norm (value.ts invariant: safe integers are raw numbers).

import { LInt, MAX_SAFE } from './value.js';
import type { LuaValue } from './value.js';

export const TWO32 = 4294967296;
export const TWO63 = 9223372036854775808;

export function i64(hi: number, lo: number): LInt {
  return new LInt(hi, lo);
}

/** Pair of a safe integer. */
export function i64FromSafe(n: number): LInt {
  return new LInt(Math.floor(n / TWO32), n | 0);
}

/** Pair of an integer LuaValue (raw safe int or LInt). */
export function i64Of(v: LuaValue): LInt {
  if (v instanceof LInt) return v;
  return i64FromSafe(v as number);
}

/** Normalizes a pair to the canonical LuaValue (raw number when safe). */
export function i64Norm(x: LInt): LuaValue {
  const hi = x.hi;
  if (hi >= -0x200000 && hi < 0x200000) {
    const v = hi * TWO32 + (x.lo >>> 0);
    if (v >= -MAX_SAFE && v <= MAX_SAFE) return v;
  }
  return x;
}

export function i64ToDouble(x: LInt): number {
  return x.hi * TWO32 + (x.lo >>> 0);
}

/** Pair of an integral double within [-2^63, 2^63). */
export function i64FromDouble(f: number): LInt {
  const hi = Math.floor(f / TWO32);
  const lo = f - hi * TWO32;
  return new LInt(hi | 0, lo | 0);
}

export function i64Add(a: LInt, b: LInt): LInt {
  const lo = (a.lo >>> 0) + (b.lo >>> 0);
  const carry = lo >= TWO32 ? 1 : 0;
  return new LInt((a.hi + b.hi + carry) | 0, lo | 0);
}

export function i64Neg(a: LInt): LInt {
  const lo = (~a.lo + 1) | 0;
  const hi = (~a.hi + (lo === 0 ? 1 : 0)) | 0;
  return new LInt(hi, lo);
}

export function i64Sub(a: LInt, b: LInt): LInt {
  return i64Add(a, i64Neg(b));
}

export function i64Mul(a: LInt, b: LInt): LInt {
  const a48 = a.hi >>> 16;
  const a32 = a.hi & 0xffff;
  const a16 = a.lo >>> 16;
  const a00 = a.lo & 0xffff;
  const b48 = b.hi >>> 16;
  const b32 = b.hi & 0xffff;
  const b16 = b.lo >>> 16;
  const b00 = b.lo & 0xffff;
  let c48 = 0;
  let c32 = 0;
  let c16 = 0;
  let c00 = 0;
  c00 += a00 * b00;
  c16 += c00 >>> 16;
  c00 &= 0xffff;
  c16 += a16 * b00;
  c32 += c16 >>> 16;
  c16 &= 0xffff;
  c16 += a00 * b16;
  c32 += c16 >>> 16;
  c16 &= 0xffff;
  c32 += a32 * b00;
  c48 += c32 >>> 16;
  c32 &= 0xffff;
  c32 += a16 * b16;
  c48 += c32 >>> 16;
  c32 &= 0xffff;
  c32 += a00 * b32;
  c48 += c32 >>> 16;
  c32 &= 0xffff;
  c48 += a48 * b00 + a32 * b16 + a16 * b32 + a00 * b48;
  c48 &= 0xffff;
  return new LInt((c48 << 16) | c32, (c16 << 16) | c00);
}

export function i64Eq(a: LInt, b: LInt): boolean {
  return a.hi === b.hi && a.lo === b.lo;
}

export function i64Lt(a: LInt, b: LInt): boolean {
  return a.hi < b.hi || (a.hi === b.hi && a.lo >>> 0 < b.lo >>> 0);
}

export function i64ULt(a: LInt, b: LInt): boolean {
  const ah = a.hi >>> 0;
  const bh = b.hi >>> 0;
  return ah < bh || (ah === bh && a.lo >>> 0 < b.lo >>> 0);
}

export function i64IsZero(a: LInt): boolean {
  return a.hi === 0 && a.lo === 0;
}

export function i64IsNeg(a: LInt): boolean {
  return a.hi < 0;
}

export function i64Shl(a: LInt, n: number): LInt {
  if (n >= 64 || n <= -64) return new LInt(0, 0);
  if (n < 0) return i64Shr(a, -n);
  if (n === 0) return a;
  if (n < 32) return new LInt((a.hi << n) | (a.lo >>> (32 - n)), a.lo << n);
  return new LInt(a.lo << (n - 32), 0);
}

/** Logical shift right. */
export function i64Shr(a: LInt, n: number): LInt {
  if (n >= 64 || n <= -64) return new LInt(0, 0);
  if (n < 0) return i64Shl(a, -n);
  if (n === 0) return a;
  if (n < 32) return new LInt(a.hi >>> n, (a.lo >>> n) | (a.hi << (32 - n)));
  return new LInt(0, a.hi >>> (n - 32));
}

export function i64And(a: LInt, b: LInt): LInt {
  return new LInt(a.hi & b.hi, a.lo & b.lo);
}
export function i64Or(a: LInt, b: LInt): LInt {
  return new LInt(a.hi | b.hi, a.lo | b.lo);
}
export function i64Xor(a: LInt, b: LInt): LInt {
  return new LInt(a.hi ^ b.hi, a.lo ^ b.lo);
}
export function i64Not(a: LInt): LInt {
  return new LInt(~a.hi, ~a.lo);
}

/** Unsigned division; returns [quotient, remainder]. b must be nonzero. */
export function i64UDivMod(a: LInt, b: LInt): LInt[] {
  let qh = 0;
  let ql = 0;
  let rh = 0;
  let rl = 0;
  const bh = b.hi >>> 0;
  const bl = b.lo >>> 0;
  for (let i = 63; i >= 0; i--) {
    // r = (r << 1) | bit i of a
    rh = ((rh << 1) | (rl >>> 31)) >>> 0;
    const bit = i >= 32 ? (a.hi >>> (i - 32)) & 1 : (a.lo >>> i) & 1;
    rl = ((rl << 1) | bit) >>> 0;
    if (rh > bh || (rh === bh && rl >= bl)) {
      // r -= b
      const nl = rl - bl;
      rh = (rh - bh - (nl < 0 ? 1 : 0)) >>> 0;
      rl = nl >>> 0;
      if (i >= 32) qh = (qh | (1 << (i - 32))) >>> 0;
      else ql = (ql | (1 << i)) >>> 0;
    }
  }
  const res: LInt[] = [];
  res.push(new LInt(qh, ql));
  res.push(new LInt(rh, rl));
  return res;
}

/** Floor division (b nonzero); mininteger // -1 wraps. */
export function i64FloorDiv(a: LInt, b: LInt): LInt {
  const na = i64IsNeg(a);
  const nb = i64IsNeg(b);
  const ua = na ? i64Neg(a) : a;
  const ub = nb ? i64Neg(b) : b;
  const qr = i64UDivMod(ua, ub);
  let q = qr[0];
  if (na !== nb) {
    q = i64Neg(q);
    if (!i64IsZero(qr[1])) q = i64Sub(q, new LInt(0, 1));
  }
  return q;
}

/** Floor modulo (b nonzero): result has the sign of b. */
export function i64FloorMod(a: LInt, b: LInt): LInt {
  const na = i64IsNeg(a);
  const nb = i64IsNeg(b);
  const ua = na ? i64Neg(a) : a;
  const ub = nb ? i64Neg(b) : b;
  let r = i64UDivMod(ua, ub)[1];
  if (na) r = i64Neg(r);
  if (!i64IsZero(r) && na !== nb) r = i64Add(r, b);
  return r;
}

/** Decimal text of a signed 64-bit value. */
export function i64ToString(hi: number, lo: number): string {
  let neg = false;
  let x = new LInt(hi, lo);
  if (hi < 0) {
    neg = true;
    x = i64Neg(x);
  }
  const s = u64ToString(x.hi >>> 0, x.lo >>> 0);
  return neg ? '-' + s : s;
}

export function u64ToString(hi: number, lo: number): string {
  // limbs of 16 bits, most significant first; repeated division by 1e7
  const limbs: number[] = [hi >>> 16, hi & 0xffff, lo >>> 16, lo & 0xffff];
  let out = '';
  for (;;) {
    let rem = 0;
    let allZero = true;
    for (let i = 0; i < 4; i++) {
      const cur = rem * 65536 + limbs[i];
      const q = Math.floor(cur / 10000000);
      rem = cur - q * 10000000;
      limbs[i] = q;
      if (q !== 0) allZero = false;
    }
    let chunk = '' + rem;
    if (!allZero) {
      while (chunk.length < 7) chunk = '0' + chunk;
    }
    out = chunk + out;
    if (allZero) break;
  }
  return out;
}

/** Unsigned hex text (for %x). */
export function u64ToHex(hi: number, lo: number): string {
  const h = hi >>> 0;
  const l = lo >>> 0;
  if (h === 0) return l.toString(16);
  let ls = l.toString(16);
  while (ls.length < 8) ls = '0' + ls;
  return h.toString(16) + ls;
}

export function u64ToOct(hi: number, lo: number): string {
  let x = new LInt(hi, lo);
  let out = '';
  for (;;) {
    out = '' + (x.lo & 7) + out;
    x = i64Shr(x, 3);
    if (i64IsZero(x)) break;
  }
  return out;
}
