// string.pack / string.unpack / string.packsize (a compact port of lstrlib.c's packing).

import { LInt, mkFloat } from './value.js';
import type { LuaValue } from './value.js';
import { LuaState, libError } from './state.js';
import { argError, checkIntV, checkNumF, checkStr, optInt } from './libutil.js';
import {
  i64Of, i64Norm, i64Shr, i64Shl, i64Or, i64Xor, i64Sub, i64Neg, i64Lt, i64ULt, i64IsNeg, i64FromSafe, i64ToDouble,
} from './int64.js';

const K_INT = 0;
const K_UINT = 1;
const K_FLOAT = 2;
const K_DOUBLE = 3;
const K_CHAR = 4;
const K_STRING = 5;
const K_ZSTR = 6;
const K_PADDING = 7;
const K_PADDALIGN = 8;
const K_NOP = 9;

// limits of PUC Lua on a 64-bit host
const MAXINTSIZE = 16;
const SZINT = 8;
const MAXSIZE = 0x7fffffff;
const NATIVE_MAXALIGN = 8;

class PackState {
  readonly fmt: string;
  pos: number = 0;
  little: boolean = true;
  maxAlign: number = 1;
  // results of the last option read
  kind: number = K_NOP;
  size: number = 0;
  ntoalign: number = 0;
  constructor(fmt: string) {
    this.fmt = fmt;
  }
}

function digit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function getNum(st: PackState, def: number): number {
  const f = st.fmt;
  if (!digit(f.charCodeAt(st.pos))) return def;
  let a = 0;
  do {
    a = a * 10 + (f.charCodeAt(st.pos++) - 48);
  } while (digit(f.charCodeAt(st.pos)) && a <= Math.floor((MAXSIZE - 9) / 10));
  return a;
}

function getNumLimit(L: LuaState, st: PackState, def: number): number {
  const sz = getNum(st, def);
  if (sz > MAXINTSIZE || sz <= 0) {
    throw libError(L, 'integral size (' + sz + ') out of limits [1,' + MAXINTSIZE + ']');
  }
  return sz;
}

/** Reads one option (PUC's getoption); sets st.kind and st.size. */
function getOption(L: LuaState, st: PackState): void {
  const c = st.fmt.charAt(st.pos++);
  st.size = 0;
  st.kind = K_NOP;
  switch (c) {
    case 'b': st.size = 1; st.kind = K_INT; break;
    case 'B': st.size = 1; st.kind = K_UINT; break;
    case 'h': st.size = 2; st.kind = K_INT; break;
    case 'H': st.size = 2; st.kind = K_UINT; break;
    case 'l': case 'j': st.size = 8; st.kind = K_INT; break;
    case 'L': case 'J': case 'T': st.size = 8; st.kind = K_UINT; break;
    case 'f': st.size = 4; st.kind = K_FLOAT; break;
    case 'n': case 'd': st.size = 8; st.kind = K_DOUBLE; break;
    case 'i': st.size = getNumLimit(L, st, 4); st.kind = K_INT; break;
    case 'I': st.size = getNumLimit(L, st, 4); st.kind = K_UINT; break;
    case 's': st.size = getNumLimit(L, st, 8); st.kind = K_STRING; break;
    case 'c':
      st.size = getNum(st, -1);
      if (st.size === -1) throw libError(L, "missing size for format option 'c'");
      st.kind = K_CHAR;
      break;
    case 'z': st.kind = K_ZSTR; break;
    case 'x': st.size = 1; st.kind = K_PADDING; break;
    case 'X': st.kind = K_PADDALIGN; break;
    case ' ': break;
    case '<': st.little = true; break;
    case '>': st.little = false; break;
    case '=': st.little = true; break;
    case '!': st.maxAlign = getNumLimit(L, st, NATIVE_MAXALIGN); break;
    default: throw libError(L, "invalid format option '" + c + "'");
  }
}

/** Reads the next option and its alignment (PUC's getdetails); sets st.kind/size/ntoalign. */
function getDetails(L: LuaState, st: PackState, totalsize: number): void {
  getOption(L, st);
  const kind = st.kind;
  const size = st.size;
  let align = size;
  if (kind === K_PADDALIGN) {
    // 'X' takes its alignment from the next option, which is otherwise ignored
    if (st.pos >= st.fmt.length) throw argError(L, 0, 'pack', "invalid next option for option 'X'");
    getOption(L, st);
    align = st.size;
    if (st.kind === K_CHAR || align === 0) throw argError(L, 0, 'pack', "invalid next option for option 'X'");
    st.kind = kind;
    st.size = size;
  }
  st.ntoalign = 0;
  if (align > 1 && kind !== K_CHAR) {
    if (align > st.maxAlign) align = st.maxAlign;
    if ((align & (align - 1)) !== 0) throw argError(L, 0, 'pack', 'format asks for alignment not power of 2');
    st.ntoalign = (align - (totalsize & (align - 1))) & (align - 1);
  }
}

/** 'size' bytes of the 64-bit pattern n; bytes past the 8th are the sign extension when neg. */
function packInt(n: LInt, size: number, little: boolean, neg: boolean): string {
  const bytes: number[] = [];
  let x = n;
  for (let i = 0; i < size; i++) {
    if (i < SZINT) {
      bytes.push(x.lo & 0xff);
      x = i64Shr(x, 8);
    } else bytes.push(neg ? 0xff : 0);
  }
  let s = '';
  for (let i = 0; i < size; i++) s += String.fromCharCode(little ? bytes[i] : bytes[size - 1 - i]);
  return s;
}

function unpackInt(L: LuaState, data: string, pos: number, little: boolean, size: number, signed: boolean): LInt {
  let res = new LInt(0, 0);
  const limit = size <= SZINT ? size : SZINT;
  for (let i = limit - 1; i >= 0; i--) {
    const byte = data.charCodeAt(little ? pos + i : pos + size - 1 - i);
    res = i64Or(i64Shl(res, 8), new LInt(0, byte));
  }
  if (size < SZINT) {
    if (signed) {
      // sign extension: (res ^ mask) - mask
      const mask = i64Shl(new LInt(0, 1), size * 8 - 1);
      res = i64Sub(i64Xor(res, mask), mask);
    }
  } else if (size > SZINT) {
    // the bytes that do not fit must be a pure sign extension
    const fill = signed && i64IsNeg(res) ? 0xff : 0;
    for (let i = limit; i < size; i++) {
      if (data.charCodeAt(little ? pos + i : pos + size - 1 - i) !== fill) {
        throw libError(L, size + '-byte integer does not fit into Lua Integer');
      }
    }
  }
  return res;
}

function floatBytes(x: number, size: number, little: boolean): string {
  const buf = new DataView(new ArrayBuffer(8));
  if (size === 4) buf.setFloat32(0, x, little);
  else buf.setFloat64(0, x, little);
  let s = '';
  for (let i = 0; i < size; i++) s += String.fromCharCode(buf.getUint8(i));
  return s;
}

export function strPack(L: LuaState, R: LuaValue[], b: number, n: number): number {
  const fmt = checkStr(L, R, b, n, 0, 'pack');
  const st = new PackState(fmt);
  const parts: string[] = [];
  let total = 0;
  let argi = 1;
  while (st.pos < fmt.length) {
    getDetails(L, st, total);
    total += st.ntoalign + st.size;
    if (st.ntoalign > 0) parts.push('\0'.repeat(st.ntoalign));
    switch (st.kind) {
      case K_INT: {
        const v = i64Of(checkIntV(L, R, b, n, argi, 'pack'));
        if (st.size < SZINT) {
          const lim = i64Shl(new LInt(0, 1), st.size * 8 - 1);
          if (i64Lt(v, i64Neg(lim)) || !i64Lt(v, lim)) throw argError(L, argi, 'pack', 'integer overflow');
        }
        parts.push(packInt(v, st.size, st.little, i64IsNeg(v)));
        argi++;
        break;
      }
      case K_UINT: {
        const v = i64Of(checkIntV(L, R, b, n, argi, 'pack'));
        if (st.size < SZINT && !i64ULt(v, i64Shl(new LInt(0, 1), st.size * 8))) {
          throw argError(L, argi, 'pack', 'unsigned overflow');
        }
        parts.push(packInt(v, st.size, st.little, false));
        argi++;
        break;
      }
      case K_FLOAT:
      case K_DOUBLE: {
        const x = checkNumF(L, R, b, n, argi, 'pack');
        parts.push(floatBytes(x, st.size, st.little));
        argi++;
        break;
      }
      case K_CHAR: {
        const s = checkStr(L, R, b, n, argi, 'pack');
        if (s.length > st.size) throw argError(L, argi, 'pack', 'string longer than given size');
        parts.push(s);
        if (s.length < st.size) parts.push('\0'.repeat(st.size - s.length));
        argi++;
        break;
      }
      case K_STRING: {
        const s = checkStr(L, R, b, n, argi, 'pack');
        if (st.size < SZINT && s.length >= Math.pow(2, st.size * 8)) {
          throw argError(L, argi, 'pack', 'string length does not fit in given size');
        }
        parts.push(packInt(i64FromSafe(s.length), st.size, st.little, false));
        parts.push(s);
        total += s.length;
        argi++;
        break;
      }
      case K_ZSTR: {
        const s = checkStr(L, R, b, n, argi, 'pack');
        if (s.indexOf('\0') >= 0) throw argError(L, argi, 'pack', 'string contains zeros');
        parts.push(s + '\0');
        total += s.length + 1;
        argi++;
        break;
      }
      case K_PADDING:
        parts.push('\0');
        break;
      default:
        break;
    }
  }
  R[b - 1] = parts.join('');
  return 1;
}

export function strPackSize(L: LuaState, R: LuaValue[], b: number, n: number): number {
  const fmt = checkStr(L, R, b, n, 0, 'packsize');
  const st = new PackState(fmt);
  let total = 0;
  while (st.pos < fmt.length) {
    getDetails(L, st, total);
    if (st.kind === K_STRING || st.kind === K_ZSTR) throw argError(L, 0, 'packsize', 'variable-length format');
    const size = st.ntoalign + st.size;
    if (total > MAXSIZE - size) throw argError(L, 0, 'packsize', 'format result too large');
    total += size;
  }
  R[b - 1] = total;
  return 1;
}

export function strUnpack(L: LuaState, R: LuaValue[], b: number, n: number): number {
  const fmt = checkStr(L, R, b, n, 0, 'unpack');
  const data = checkStr(L, R, b, n, 1, 'unpack');
  const ld = data.length;
  // posrelatI: 0 and too-negative positions mean the start
  const init = optInt(L, R, b, n, 2, 'unpack', 1);
  let pos = (init > 0 ? init : init === 0 || init < -ld ? 1 : ld + init + 1) - 1;
  if (pos > ld) throw argError(L, 2, 'unpack', 'initial position out of string');
  const st = new PackState(fmt);
  const res: LuaValue[] = [];
  while (st.pos < fmt.length) {
    getDetails(L, st, pos);
    if (st.ntoalign + st.size > ld - pos) throw argError(L, 1, 'unpack', 'data string too short');
    pos += st.ntoalign;
    switch (st.kind) {
      case K_INT:
      case K_UINT:
        res.push(i64Norm(unpackInt(L, data, pos, st.little, st.size, st.kind === K_INT)));
        break;
      case K_FLOAT:
      case K_DOUBLE: {
        const buf = new DataView(new ArrayBuffer(8));
        for (let i = 0; i < st.size; i++) buf.setUint8(i, data.charCodeAt(pos + i));
        const x = st.size === 4 ? buf.getFloat32(0, st.little) : buf.getFloat64(0, st.little);
        res.push(mkFloat(x));
        break;
      }
      case K_CHAR:
        res.push(data.substring(pos, pos + st.size));
        break;
      case K_STRING: {
        const lenBits = unpackInt(L, data, pos, st.little, st.size, false);
        // an unsigned length beyond the data (including 'negative' ones) is too long
        const len = i64IsNeg(lenBits) ? Infinity : i64ToDouble(lenBits);
        if (len > ld - pos - st.size) throw argError(L, 1, 'unpack', 'data string too short');
        res.push(data.substring(pos + st.size, pos + st.size + len));
        pos += len;
        break;
      }
      case K_ZSTR: {
        const e = data.indexOf('\0', pos);
        if (e < 0) throw argError(L, 1, 'unpack', "unfinished string for format 'z'");
        res.push(data.substring(pos, e));
        pos = e + 1;
        break;
      }
      default:
        break;
    }
    pos += st.size;
  }
  res.push(pos + 1);
  for (let i = 0; i < res.length; i++) R[b - 1 + i] = res[i];
  return res.length;
}
