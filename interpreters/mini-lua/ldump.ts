// Binary chunks: string.dump writes a Proto tree, load() reads it back.
//
// The chunk opens with PUC Lua 5.4's header, byte for byte, so that programs that
// inspect it (and load's 'b'/'t' mode checks, which look at the first byte "\27") see
// what PUC produces. The body is mini-lua's own format, not PUC's: it describes
// mini-lua's bytecode, which PUC cannot run and vice versa.
//
//   header   "\27Lua" 0x54 0x00 "\x19\x93\r\n\x1a\n" 4 8 8   (signature, version,
//            format, conversion check, sizes of instruction/integer/float)
//            int64 0x5678, double 370.5                     (byte-order checks)
//   tag      "mini"                                        (rejects PUC's bodies)
//   function source: str0 (absent = stripped, or same as the enclosing function)
//            lineDefined, lastLine: uvar; numParams, maxStack: uvar; isVararg: byte
//            name: str0
//            code: uvar n, n x int32 (little-endian)
//            constants: uvar n, n x (tag byte, payload)
//            upvalues: uvar n, n x (inStack byte, index uvar)
//            protos: uvar n, n x function
//            debug: uvar nlines, nlines x svar; uvar nnames, nnames x str0;
//                   uvar nupnames, nupnames x str0
//
// uvar is an unsigned LEB128 number, svar a zigzag-coded signed one, str0 a uvar
// (0 = absent, else length + 1) followed by the string's bytes. A stripped chunk has no
// source, lines or upvalue names, and keeps only the operand descriptions that PUC can
// still derive without debug information.

import { LFloat, LInt, LuaClosure, mkFloat } from './value.js';
import type { LuaValue } from './value.js';
import { Proto, VmGate } from './proto.js';
import { i64FromSafe, i64Norm } from './int64.js';
import { chunkId } from './lib_base.js';

const HEADER = '\x1bLua\x54\x00\x19\x93\r\n\x1a\n\x04\x08\x08';
const TAG = 'mini';

const K_NIL = 0;
const K_FALSE = 1;
const K_TRUE = 2;
const K_INT = 3;
const K_FLOAT = 4;
const K_STR = 5;

class DumpState {
  readonly out: string[] = [];
  readonly strip: boolean;
  constructor(strip: boolean) {
    this.strip = strip;
  }
}

function putByte(D: DumpState, b: number): void {
  D.out.push(String.fromCharCode(b & 0xff));
}

function putInt32(D: DumpState, v: number): void {
  putByte(D, v);
  putByte(D, v >>> 8);
  putByte(D, v >>> 16);
  putByte(D, v >>> 24);
}

function putUvar(D: DumpState, v0: number): void {
  let v = v0;
  while (v >= 0x80) {
    putByte(D, (v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  putByte(D, v);
}

function putSvar(D: DumpState, v: number): void {
  putUvar(D, v < 0 ? -2 * v - 1 : 2 * v);
}

function putStr(D: DumpState, s: string | null): void {
  if (s === null) {
    putUvar(D, 0);
    return;
  }
  putUvar(D, s.length + 1);
  D.out.push(s);
}

function putDouble(D: DumpState, x: number): void {
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x, true);
  for (let i = 0; i < 8; i++) putByte(D, buf.getUint8(i));
}

function putInt64(D: DumpState, v: LInt): void {
  putInt32(D, v.lo);
  putInt32(D, v.hi);
}

function putConstant(D: DumpState, v: LuaValue): void {
  if (v === null) putByte(D, K_NIL);
  else if (v === false) putByte(D, K_FALSE);
  else if (v === true) putByte(D, K_TRUE);
  else if (typeof v === 'string') {
    putByte(D, K_STR);
    putStr(D, v);
  } else if (typeof v === 'number' && Number.isInteger(v)) {
    putByte(D, K_INT);
    putInt64(D, i64FromSafe(v));
  } else if (v instanceof LInt) {
    putByte(D, K_INT);
    putInt64(D, v);
  } else if (typeof v === 'number') {
    putByte(D, K_FLOAT);
    putDouble(D, v);
  } else if (v instanceof LFloat) {
    putByte(D, K_FLOAT);
    putDouble(D, v.n);
  } else throw new DumpError('constant of unexpected type');
}

/**
 * An operand description as PUC derives it without debug information: no local
 * names, upvalues are '?', and so a global (a field of the upvalue _ENV) is a field.
 */
function strippedName(desc: string | null): string | null {
  if (desc === null || desc.startsWith('local ')) return null;
  if (desc.startsWith('upvalue ')) return "upvalue '?'";
  if (desc.startsWith('global ')) return 'field ' + desc.substring(7);
  return desc;
}

function dumpFunction(D: DumpState, p: Proto, parentChunk: string | null): void {
  putStr(D, D.strip || p.chunkname === parentChunk ? null : p.chunkname);
  putUvar(D, p.lineDefined);
  putUvar(D, p.lastLine);
  putUvar(D, p.numParams);
  putUvar(D, p.maxStack);
  putByte(D, p.isVararg ? 1 : 0);
  putStr(D, D.strip ? null : p.name);
  putUvar(D, p.code.length);
  for (let i = 0; i < p.code.length; i++) putInt32(D, p.code[i]);
  putUvar(D, p.k.length);
  for (let i = 0; i < p.k.length; i++) putConstant(D, p.k[i]);
  putUvar(D, p.upIndex.length);
  for (let i = 0; i < p.upIndex.length; i++) {
    putByte(D, p.upInStack[i]);
    putUvar(D, p.upIndex[i]);
  }
  putUvar(D, p.protos.length);
  for (let i = 0; i < p.protos.length; i++) dumpFunction(D, p.protos[i], p.chunkname);
  const nlines = D.strip ? 0 : p.lines.length;
  putUvar(D, nlines);
  for (let i = 0; i < nlines; i++) putSvar(D, p.lines[i]);
  putUvar(D, p.names.length);
  for (let i = 0; i < p.names.length; i++) putStr(D, D.strip ? strippedName(p.names[i]) : p.names[i]);
  const nup = D.strip ? 0 : p.upNames.length;
  putUvar(D, nup);
  for (let i = 0; i < nup; i++) putStr(D, p.upNames[i]);
}

/** string.dump of a Lua function: the chunk as a byte string. */
export function dumpClosure(f: LuaClosure, strip: boolean): string {
  const D = new DumpState(strip);
  D.out.push(HEADER);
  putInt64(D, new LInt(0, 0x5678));
  putDouble(D, 370.5);
  D.out.push(TAG);
  dumpFunction(D, f.proto, null);
  return D.out.join('');
}

/** A chunk that cannot be dumped or read; `why` goes into "bad binary format (why)". */
export class DumpError {
  readonly why: string;
  constructor(why: string) {
    this.why = why;
  }
}

class LoadState {
  readonly data: string;
  pos: number = 0;
  constructor(data: string) {
    this.data = data;
  }
}

function getByte(S: LoadState): number {
  if (S.pos >= S.data.length) throw new DumpError('truncated chunk');
  const c = S.data.charCodeAt(S.pos);
  S.pos++;
  return c;
}

function getInt32(S: LoadState): number {
  const b0 = getByte(S);
  const b1 = getByte(S);
  const b2 = getByte(S);
  const b3 = getByte(S);
  return b0 | (b1 << 8) | (b2 << 16) | (b3 << 24);
}

function getUvar(S: LoadState): number {
  let v = 0;
  let scale = 1;
  for (;;) {
    const b = getByte(S);
    v += (b & 0x7f) * scale;
    if (b < 0x80) return v;
    scale *= 0x80;
    if (scale > 0x20000000000000) throw new DumpError('integer overflow');
  }
}

function getSvar(S: LoadState): number {
  const z = getUvar(S);
  return z % 2 === 1 ? -(z + 1) / 2 : z / 2;
}

/** A count of items that each take at least one byte (so a corrupt count cannot run away). */
function getCount(S: LoadState): number {
  const n = getUvar(S);
  if (n > S.data.length - S.pos) throw new DumpError('truncated chunk');
  return n;
}

function getStr(S: LoadState): string | null {
  const n = getUvar(S);
  if (n === 0) return null;
  if (S.pos + n - 1 > S.data.length) throw new DumpError('truncated chunk');
  const s = S.data.substring(S.pos, S.pos + n - 1);
  S.pos += n - 1;
  return s;
}

function getDouble(S: LoadState): number {
  const buf = new DataView(new ArrayBuffer(8));
  for (let i = 0; i < 8; i++) buf.setUint8(i, getByte(S));
  return buf.getFloat64(0, true);
}

function getInt64(S: LoadState): LuaValue {
  const lo = getInt32(S);
  const hi = getInt32(S);
  return i64Norm(new LInt(hi, lo));
}

function getConstant(S: LoadState): LuaValue {
  const tag = getByte(S);
  switch (tag) {
    case K_NIL: return null;
    case K_FALSE: return false;
    case K_TRUE: return true;
    case K_INT: return getInt64(S);
    case K_FLOAT: {
      return mkFloat(getDouble(S));
    }
    case K_STR: {
      const s = getStr(S);
      if (s === null) throw new DumpError('bad constant');
      return s;
    }
    default:
      throw new DumpError('bad constant');
  }
}

function checkLiteral(S: LoadState, lit: string, why: string): void {
  for (let i = 0; i < lit.length; i++) {
    if (getByte(S) !== lit.charCodeAt(i)) throw new DumpError(why);
  }
}

/** chunkname: for a stripped chunk without source; nested functions inherit their parent's. */
function loadFunction(S: LoadState, parentChunk: string, gate: VmGate): Proto {
  const src = getStr(S);
  const chunkname = src === null ? parentChunk : src;
  const lineDefined = getUvar(S);
  const lastLine = getUvar(S);
  const numParams = getUvar(S);
  const maxStack = getUvar(S);
  const isVararg = getByte(S) !== 0;
  const nm = getStr(S);
  const ncode = getCount(S);
  const code = new Int32Array(ncode);
  for (let i = 0; i < ncode; i++) code[i] = getInt32(S);
  const nk = getCount(S);
  const k: LuaValue[] = [];
  for (let i = 0; i < nk; i++) k.push(getConstant(S));
  const nup = getCount(S);
  const upIn = new Int32Array(nup);
  const upIdx = new Int32Array(nup);
  for (let i = 0; i < nup; i++) {
    upIn[i] = getByte(S);
    upIdx[i] = getUvar(S);
  }
  const np = getCount(S);
  const protos: Proto[] = [];
  for (let i = 0; i < np; i++) protos.push(loadFunction(S, chunkname, gate));
  const nlines = getCount(S);
  const lines = new Int32Array(ncode);
  for (let i = 0; i < ncode; i++) lines[i] = -1;
  for (let i = 0; i < nlines; i++) {
    const line = getSvar(S);
    if (i < ncode) lines[i] = line;
  }
  const nnames = getCount(S);
  const names: (string | null)[] = [];
  for (let i = 0; i < nnames; i++) names.push(getStr(S));
  while (names.length < 2 * ncode) names.push(null);
  const nupn = getCount(S);
  const upNames: string[] = [];
  for (let i = 0; i < nup; i++) upNames.push('(no name)');
  for (let i = 0; i < nupn; i++) {
    const u = getStr(S);
    if (i < nup && u !== null) upNames[i] = u;
  }
  return new Proto(
    code, k, protos, upIn, upIdx, upNames, numParams, isVararg, maxStack, lines, names,
    chunkId(chunkname), lineDefined, nm === null ? '' : nm, chunkname, lastLine, gate,
  );
}

/** Reads a binary chunk (which starts with "\27"); throws DumpError. */
export function undump(data: string, gate: VmGate): Proto {
  const S = new LoadState(data);
  S.pos = 1;
  checkLiteral(S, 'Lua', 'not a binary chunk');
  if (getByte(S) !== 0x54) throw new DumpError('version mismatch');
  if (getByte(S) !== 0) throw new DumpError('format mismatch');
  checkLiteral(S, '\x19\x93\r\n\x1a\n', 'corrupted chunk');
  if (getByte(S) !== 4) throw new DumpError('Instruction size mismatch');
  if (getByte(S) !== 8) throw new DumpError('lua_Integer size mismatch');
  if (getByte(S) !== 8) throw new DumpError('lua_Number size mismatch');
  const ci = getInt64(S);
  if (ci !== 0x5678) throw new DumpError('integer format mismatch');
  if (getDouble(S) !== 370.5) throw new DumpError('float format mismatch');
  checkLiteral(S, TAG, 'not a mini-lua chunk');
  return loadFunction(S, '=?', gate);
}

/** The name load's binary-chunk errors give a chunk (lundump's rule). */
export function binaryChunkName(chunkname: string): string {
  const c = chunkname.charCodeAt(0);
  if (c === 64 || c === 61) return chunkname.substring(1);
  if (c === 27) return 'binary string';
  return chunkname;
}
