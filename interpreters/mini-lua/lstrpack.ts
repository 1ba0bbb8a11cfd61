// string.pack / string.unpack / string.packsize (a compact port of lstrlib.c's packing).

import { LInt, LFloat, mkFloat } from './value.js';
import type { LuaValue } from './value.js';
import { LuaState, libError } from './state.js';
import { argError, checkIntV, checkNumF, checkStr, checkInt, optInt, posRelat } from './libutil.js';
import { i64Of, i64Norm, i64Shr, i64Shl, i64Or, i64And, i64IsNeg } from './int64.js';

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
  } while (digit(f.charCodeAt(st.pos)) && a <= (0x7fffffff - 9) / 10);
  return a;
}

function getNumLimit(L: LuaState, st: PackState, def: number): number {
  const sz = getNum(st, def);
  if (sz > 16 || sz <= 0) throw libError(L, 'integral size (' + sz + ') out of limits [1,16]');
  return sz;
}

/** Reads the next option; sets st.kind/size/ntoalign. */
function getDetails(L: LuaState, st: PackState, totalsize: number): void {
  const c = st.fmt.charAt(st.pos++);
  st.size = 0;
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
    case ' ': st.kind = K_NOP; break;
    case '<': st.little = true; st.kind = K_NOP; break;
    case '>': st.little = false; st.kind = K_NOP; break;
    case '=': st.little = true; st.kind = K_NOP; break;
    case '!': st.maxAlign = getNumLimit(L, st, 8); st.kind = K_NOP; break;
    default: throw libError(L, "invalid format option '" + c + "'");
  }
  let align = st.size;
  if (st.kind === K_PADDALIGN) {
    if (st.pos >= st.fmt.length) throw libError(L, "invalid next option for option 'X'");
    const save = st.kind;
    getDetails(L, st, totalsize);
    align = st.size;
    st.kind = save;
    st.size = 0;
    if (align === 0) throw libError(L, "invalid next option for option 'X'");
  }
  st.ntoalign = 0;
  if (align > 1 && (st.kind === K_INT || st.kind === K_UINT || st.kind === K_FLOAT || st.kind === K_DOUBLE || st.kind === K_PADDALIGN)) {
    if (align > st.maxAlign) align = st.maxAlign;
    if ((align & (align - 1)) !== 0) throw libError(L, 'format asks for alignment not power of 2');
    st.ntoalign = (align - (totalsize & (align - 1))) & (align - 1);
  }
}

function packInt(v: LuaValue, size: number, little: boolean): string {
  let x = i64Of(v);
  const neg = i64IsNeg(x);
  const bytes: number[] = [];
  for (let i = 0; i < size; i++) {
    if (i < 8) {
      bytes.push(x.lo & 0xff);
      x = i64Shr(x, 8);
    } else bytes.push(neg ? 0xff : 0);
  }
  let s = '';
  for (let i = 0; i < size; i++) s += String.fromCharCode(little ? bytes[i] : bytes[size - 1 - i]);
  return s;
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
    parts.push('\0'.repeat(st.ntoalign));
    total += st.ntoalign;
    switch (st.kind) {
      case K_INT:
      case K_UINT: {
        const v = checkIntV(L, R, b, n, argi, 'pack');
        if (st.size < 8 && typeof v === 'number') {
          const lim = Math.pow(2, st.size * 8 - 1);
          if (st.kind === K_INT ? v < -lim || v >= lim : v < -lim || v >= lim * 2) {
            throw argError(L, argi, 'pack', (st.kind === K_INT ? 'integer' : 'unsigned') + ' overflow');
          }
        }
        argi++;
        parts.push(packInt(v, st.size, st.little));
        break;
      }
      case K_FLOAT:
      case K_DOUBLE: {
        const x = checkNumF(L, R, b, n, argi, 'pack');
        argi++;
        parts.push(floatBytes(x, st.size, st.little));
        break;
      }
      case K_CHAR: {
        const s = checkStr(L, R, b, n, argi, 'pack');
        if (s.length > st.size) throw argError(L, argi, 'pack', 'string longer than given size');
        argi++;
        parts.push(s + '\0'.repeat(st.size - s.length));
        break;
      }
      case K_STRING: {
        const s = checkStr(L, R, b, n, argi, 'pack');
        if (st.size < 8 && s.length >= Math.pow(2, st.size * 8)) {
          throw argError(L, argi, 'pack', 'string length does not fit in given size');
        }
        argi++;
        parts.push(packInt(s.length, st.size, st.little));
        parts.push(s);
        total += s.length;
        break;
      }
      case K_ZSTR: {
        const s = checkStr(L, R, b, n, argi, 'pack');
        if (s.indexOf('\0') >= 0) throw argError(L, argi, 'pack', 'string contains zeros');
        argi++;
        parts.push(s + '\0');
        total += s.length + 1;
        break;
      }
      case K_PADDING:
        parts.push('\0');
        break;
      default:
        break;
    }
    total += st.size;
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
    total += st.ntoalign + st.size;
  }
  R[b - 1] = total;
  return 1;
}

export function strUnpack(L: LuaState, R: LuaValue[], b: number, n: number): number {
  const fmt = checkStr(L, R, b, n, 0, 'unpack');
  const data = checkStr(L, R, b, n, 1, 'unpack');
  const ld = data.length;
  let pos = posRelat(optInt(L, R, b, n, 2, 'unpack', 1), ld) - 1;
  if (pos > ld || pos < 0) throw argError(L, 2, 'unpack', 'initial position out of string');
  const st = new PackState(fmt);
  const res: LuaValue[] = [];
  while (st.pos < fmt.length) {
    getDetails(L, st, pos);
    if (st.ntoalign + st.size > ld - pos && st.kind !== K_NOP && st.kind !== K_PADDALIGN) {
      throw argError(L, 1, 'unpack', 'data string too short');
    }
    pos += st.ntoalign;
    switch (st.kind) {
      case K_INT:
      case K_UINT: {
        let x = new LInt(0, 0);
        const limit = st.size <= 8 ? st.size : 8;
        for (let i = limit - 1; i >= 0; i--) {
          const byte = data.charCodeAt(st.little ? pos + i : pos + st.size - 1 - i);
          x = i64Or(i64Shl(x, 8), new LInt(0, byte));
        }
        if (st.kind === K_INT && st.size < 8) {
          const shift = 64 - st.size * 8;
          const sx = i64Shl(x, shift);
          // arithmetic shift right
          let r = i64Shr(sx, shift);
          if (i64IsNeg(sx)) r = i64Or(r, i64Shl(new LInt(-1, -1), 64 - shift));
          x = r;
        }
        res.push(i64Norm(x));
        break;
      }
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
        let len = 0;
        for (let i = st.size - 1; i >= 0; i--) {
          len = len * 256 + data.charCodeAt(st.little ? pos + i : pos + st.size - 1 - i);
        }
        if (len > ld - pos - st.size) throw argError(L, 1, 'unpack', 'data string too short');
        res.push(data.substring(pos + st.size, pos + st.size + len));
        pos += len;
        break;
      }
      case K_ZSTR: {
        const e = data.indexOf('\0', pos);
        if (e < 0) throw argError(L, 1, 'unpack', 'unfinished string for format \'z\'');
        res.push(data.substring(pos, e));
        pos = e + 1 - st.size;
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

export { i64And, checkInt, LFloat };
