// The basic library (print, type, pairs, pcall's helpers, load, require, ...) and the
// state setup (openLibs).

import { LuaTable } from './table.js';
import {
  Box, LuaClosure, LuaBuiltin, LuaFunction, LuaError, LFloat, LInt, Coroutine, LuaUserdata, typeName,
  numberToString, mkFloat, MAX_SAFE, internString,
} from './value.js';
import type { LuaValue } from './value.js';
import { LuaState, libError, builtinRtError } from './state.js';
import { wherePosition } from './lib_debug.js';
import { callValue } from './frames.js';
import { getMetatable, fastTM } from './interp.js';
import { indexValue, lenValue } from './slow-paths.js';
import { rawEquals, toNumberCoerce, intArith } from './arith.js';
import { B_ADD } from './ast.js';
import {
  argError, typeError, arg, checkAny, checkTable, checkInt, checkIntV, checkStr, optStr, optInt, typeNameMeta,
} from './libutil.js';
import { LIB_FUNCS, LIB_IDS, ID_PCALL, ID_XPCALL, ID_RESUME, ID_YIELD, ID_IPAIRS_ITER, ID_NEXT } from './builtins.js';
import { strToNumber } from './numconv.js';
import { i64Norm, i64Add, i64Mul, i64Neg } from './int64.js';
import { parseChunk } from './parser.js';
import { compileChunk } from './compiler.js';
import { LuaSyntaxError, skipFileHeader } from './lexer.js';
import { undump, DumpError, binaryChunkName } from './ldump.js';
import { fullGC, noteMetatable } from './lgc.js';
import type { Proto } from './proto.js';
import { writeOut, readFileBytes, readError, dirName, joinPath, fileExists } from './host_extra.host.js';
import { setupStringMeta } from './lib_string.js';
import { setupIo } from './lib_os.js';
import { seedRandom } from './lib_math.js';

// ---------------------------------------------------------------- tostring

export function addressOf(L: LuaState, v: LuaValue): string {
  let id = L.addrs.get(v as object);
  if (typeof id !== 'number') {
    L.nextAddr++;
    id = L.nextAddr;
    L.addrs.set(v as object, id);
  }
  return '0x' + (0x555555550000 + id * 0x40).toString(16);
}

export function tostr(L: LuaState, v: LuaValue): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return numberToString(v) as string;
  if (v === null) return 'nil';
  if (v === true) return 'true';
  if (v === false) return 'false';
  const mt = getMetatable(L, v);
  if (mt !== null) {
    const tm = mt.getStr('__tostring');
    if (tm !== null) {
      const r = callValue(L, tm, [v]);
      const s = r.length > 0 ? r[0] : null;
      if (typeof s === 'string') return s;
      const ns = numberToString(s);
      if (ns !== null) return ns;
      throw libError(L, "'__tostring' must return a string");
    }
  }
  const ns = numberToString(v);
  if (ns !== null) return ns;
  let name = typeName(v);
  if (mt !== null) {
    const nm = mt.getStr('__name');
    if (typeof nm === 'string') name = nm;
  }
  return name + ': ' + addressOf(L, v);
}

// ---------------------------------------------------------------- basic functions

export function b_print(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  let s = '';
  for (let i = 0; i < n; i++) {
    if (i > 0) s += '\t';
    const v = R[b + i];
    s += typeof v === 'string' ? v : tostr(L, v);
  }
  writeOut(s + '\n');
  return 0;
}

export function b_type(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const v = checkAny(L, R, b, n, 0, 'type');
  R[b - 1] = typeName(v);
  return 1;
}

export function b_tostring(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const v = checkAny(L, R, b, n, 0, 'tostring');
  R[b - 1] = tostr(L, v);
  return 1;
}

export function b_tonumber(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  if (n < 2 || R[b + 1] === null) {
    const v = checkAny(L, R, b, n, 0, 'tonumber');
    if (typeof v === 'string') R[b - 1] = strToNumber(v);
    else if (typeof v === 'number' || v instanceof LFloat || v instanceof LInt) R[b - 1] = v;
    else R[b - 1] = null;
    return 1;
  }
  const base = checkInt(L, R, b, n, 1, 'tonumber');
  const v = R[b];
  if (typeof v !== 'string') throw typeError(L, R, b, n, 0, 'tonumber', 'string');
  if (base < 2 || base > 36) throw argError(L, 1, 'tonumber', 'base out of range');
  R[b - 1] = strToIntBase(v, base);
  return 1;
}

/** ' ', \t, \n, \v, \f, \r (C's isspace in the C locale). */
function isLuaSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function strToIntBase(s0: string, base: number): LuaValue {
  // Lua's spaces only (String.trim would also strip byte 0xA0)
  let start = 0;
  let end = s0.length;
  while (start < end && isLuaSpace(s0.charCodeAt(start))) start++;
  while (end > start && isLuaSpace(s0.charCodeAt(end - 1))) end--;
  const s = s0.substring(start, end);
  let i = 0;
  let neg = false;
  if (s.charCodeAt(0) === 45 || s.charCodeAt(0) === 43) {
    neg = s.charCodeAt(0) === 45;
    i = 1;
  }
  if (i >= s.length) return null;
  let acc = new LInt(0, 0);
  const bv = new LInt(0, base);
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let d: number;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (c >= 97 && c <= 122) d = c - 87;
    else if (c >= 65 && c <= 90) d = c - 55;
    else return null;
    if (d >= base) return null;
    acc = i64Add(i64Mul(acc, bv), new LInt(0, d));
  }
  return i64Norm(neg ? i64Neg(acc) : acc);
}

export function b_ipairs(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const t = checkAny(L, R, b, n, 0, 'ipairs');
  R[b - 1] = L.builtins.get('(ipairs_iter)') as LuaBuiltin;
  R[b] = t;
  R[b + 1] = 0;
  return 3;
}

export function b_ipairs_iter(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const t = R[b];
  const c = R[b + 1];
  // the control value is any integer when the iterator is called by hand (wraps at maxinteger)
  const i = typeof c === 'number' && Number.isInteger(c) && c < MAX_SAFE ? c + 1 : intArith(B_ADD, checkIntV(L, R, b, n, 1, 'for iterator'), 1);
  let v: LuaValue;
  if (t instanceof LuaTable && t.metatable === null) v = typeof i === 'number' ? t.getInt(i) : t.get(i);
  else v = indexValue(L, t, i);
  if (v === null) {
    R[b - 1] = null;
    return 1;
  }
  R[b - 1] = i;
  R[b] = v;
  return 2;
}

export function b_pairs(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const t = checkAny(L, R, b, n, 0, 'pairs');
  const mt = getMetatable(L, t);
  if (mt !== null) {
    const tm = mt.getStr('__pairs');
    if (tm !== null) {
      const r = callValue(L, tm, [t]);
      R[b - 1] = r.length > 0 ? r[0] : null;
      R[b] = r.length > 1 ? r[1] : null;
      R[b + 1] = r.length > 2 ? r[2] : null;
      return 3;
    }
  }
  // like PUC 5.4, any value is accepted here; 'next' complains later
  R[b - 1] = L.builtins.get('next') as LuaBuiltin;
  R[b] = t;
  R[b + 1] = null;
  return 3;
}

export function b_next(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const t = checkTable(L, R, b, n, 0, 'next');
  const k = n > 1 ? R[b + 1] : null;
  const pos = t.nextPos(k);
  if (pos === -2) throw builtinRtError("invalid key to 'next'");
  if (pos < 0) {
    R[b - 1] = null;
    return 1;
  }
  R[b - 1] = t.keyAt(pos);
  R[b] = t.valAt(pos);
  return 2;
}

export function b_select(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const sel = arg(R, b, n, 0);
  if (sel === '#') {
    R[b - 1] = n - 1;
    return 1;
  }
  let i = checkInt(L, R, b, n, 0, 'select');
  if (i < 0) i = n - 1 + i + 1;
  else if (i === 0) throw argError(L, 0, 'select', 'index out of range');
  if (i < 1) throw argError(L, 0, 'select', 'index out of range');
  if (i > n - 1) return 0;
  const cnt = n - i;
  for (let k = 0; k < cnt; k++) R[b - 1 + k] = R[b + i + k];
  return cnt;
}

export function b_rawget(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const t = checkTable(L, R, b, n, 0, 'rawget');
  checkAny(L, R, b, n, 1, 'rawget');
  R[b - 1] = t.get(R[b + 1]);
  return 1;
}

export function b_rawset(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const t = checkTable(L, R, b, n, 0, 'rawset');
  checkAny(L, R, b, n, 1, 'rawset');
  checkAny(L, R, b, n, 2, 'rawset');
  const k = R[b + 1];
  if (k === null) throw builtinRtError('table index is nil');
  if (typeof k === 'number' && k !== k) throw builtinRtError('table index is NaN');
  t.set(k, R[b + 2]);
  R[b - 1] = t;
  return 1;
}

export function b_rawequal(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  checkAny(L, R, b, n, 0, 'rawequal');
  checkAny(L, R, b, n, 1, 'rawequal');
  R[b - 1] = rawEquals(R[b], R[b + 1]);
  return 1;
}

export function b_rawlen(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const v = arg(R, b, n, 0);
  if (v instanceof LuaTable) R[b - 1] = v.length();
  else if (typeof v === 'string') R[b - 1] = v.length;
  else throw typeError(L, R, b, n, 0, 'rawlen', 'table or string');
  return 1;
}

export function b_setmetatable(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const t = checkTable(L, R, b, n, 0, 'setmetatable');
  const mt = arg(R, b, n, 1);
  if (mt !== null && !(mt instanceof LuaTable)) throw typeError(L, R, b, n, 1, 'setmetatable', 'nil or table');
  if (n < 2) throw typeError(L, R, b, n, 1, 'setmetatable', 'nil or table');
  if (t.metatable !== null && t.metatable.getStr('__metatable') !== null) {
    throw libError(L, 'cannot change a protected metatable');
  }
  t.metatable = mt;
  noteMetatable(L, mt);
  R[b - 1] = t;
  return 1;
}

export function b_getmetatable(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const v = checkAny(L, R, b, n, 0, 'getmetatable');
  const mt = getMetatable(L, v);
  if (mt === null) {
    R[b - 1] = null;
    return 1;
  }
  const p = mt.getStr('__metatable');
  R[b - 1] = p !== null ? p : mt;
  return 1;
}

export function b_assert(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const v = checkAny(L, R, b, n, 0, 'assert');
  if (v !== null && v !== false) {
    for (let i = 0; i < n; i++) R[b - 1 + i] = R[b + i];
    return n;
  }
  if (n < 2) throw libError(L, 'assertion failed!');
  const m = R[b + 1];
  if (typeof m === 'string') throw new LuaError(wherePosition(L, 1) + m);
  throw new LuaError(m);
}

export function b_error(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  let v = arg(R, b, n, 0);
  const level = optInt(L, R, b, n, 1, 'error', 1);
  if (typeof v === 'string' && level > 0) v = wherePosition(L, level) + v;
  throw new LuaError(v);
}

// ---------------------------------------------------------------- load & friends

/** The display name of a chunk (luaO_chunkid). */
export function chunkId(name: string): string {
  const c = name.charCodeAt(0);
  if (c === 61) return name.substring(1, 60); // '='
  if (c === 64) {
    const s = name.substring(1);
    if (s.length <= 59) return s;
    return '...' + s.substring(s.length - 56);
  }
  const nl = name.indexOf('\n');
  const maxLen = 45;
  if (nl < 0 && name.length < maxLen) return '[string "' + name + '"]';
  let len = nl >= 0 ? nl : name.length;
  if (len > maxLen) len = maxLen;
  return '[string "' + name.substring(0, len) + '..."]';
}

/** Compiles a chunk; throws LuaSyntaxError. */
export function compileLua(L: LuaState, src: string, chunkname: string, env: LuaValue): LuaClosure {
  const info = parseChunk(src, chunkId(chunkname));
  const proto = compileChunk(info, chunkId(chunkname), chunkname, L.gate, L.strings);
  const ups: Box[] = [new Box(env)];
  return new LuaClosure(proto, ups);
}

/**
 * lua_load: a text or binary chunk (binary ones start with "\27") to a closure whose
 * first upvalue is `env`; the other upvalues of a binary chunk are fresh. Returns the
 * error message instead when `mode` forbids the chunk's kind or it does not load.
 */
export function loadChunk(L: LuaState, src: string, chunkname: string, mode: string, env: LuaValue): LuaClosure | string {
  const binary = src.charCodeAt(0) === 27;
  if (mode.indexOf(binary ? 'b' : 't') < 0) {
    return 'attempt to load a ' + (binary ? 'binary' : 'text') + " chunk (mode is '" + mode + "')";
  }
  if (binary) {
    let proto: Proto;
    try {
      proto = undump(src, L.gate);
    } catch (e) {
      if (e instanceof DumpError) return binaryChunkName(chunkname) + ': bad binary format (' + e.why + ')';
      throw e;
    }
    const ups: Box[] = [];
    for (let i = 0; i < proto.upIndex.length; i++) ups.push(new Box(i === 0 ? env : null));
    return new LuaClosure(proto, ups);
  }
  try {
    return compileLua(L, src, chunkname, env);
  } catch (e) {
    if (e instanceof LuaSyntaxError) return e.msg;
    throw e;
  }
}

/** luaL_loadfilex: a file's chunk, or the error message. */
function loadFile(L: LuaState, fname: string, mode: string, env: LuaValue): LuaClosure | string {
  const src = readFileBytes(fname);
  if (src === null) return 'cannot open ' + fname + ': ' + readError(fname);
  return loadChunk(L, skipFileHeader(src), '@' + fname, mode, env);
}

export function b_load(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const chunk = arg(R, b, n, 0);
  let src: string;
  let defName: string;
  if (typeof chunk === 'string') {
    src = chunk;
    defName = chunk;
  } else if (chunk instanceof LuaFunction) {
    const parts: string[] = [];
    for (;;) {
      let r: LuaValue[];
      try {
        r = callValue(L, chunk, []);
      } catch (e) {
        // lua_load runs the reader in protected mode: its error is load's message
        if (!(e instanceof LuaError)) throw e;
        R[b - 1] = null;
        R[b] = e.value;
        return 2;
      }
      const piece = r.length > 0 ? r[0] : null;
      if (piece === null || piece === '') break;
      if (typeof piece !== 'string') {
        R[b - 1] = null;
        R[b] = 'reader function must return a string';
        return 2;
      }
      parts.push(piece);
    }
    src = parts.join('');
    defName = '=(load)';
  } else throw typeError(L, R, b, n, 0, 'load', 'string');
  const name = optStr(L, R, b, n, 1, 'load', defName);
  const mode = optStr(L, R, b, n, 2, 'load', 'bt');
  const env = n > 3 ? R[b + 3] : L.globals;
  return loadResult(R, b, loadChunk(L, src, name, mode, env));
}

/** load's results: the function, or nil and the message. */
function loadResult(R: LuaValue[], b: number, r: LuaClosure | string): number {
  if (r instanceof LuaClosure) {
    R[b - 1] = r;
    return 1;
  }
  R[b - 1] = null;
  R[b] = r;
  return 2;
}

export function b_loadfile(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const fname = checkStr(L, R, b, n, 0, 'loadfile');
  const mode = optStr(L, R, b, n, 1, 'loadfile', 'bt');
  const env = n > 2 ? R[b + 2] : L.globals;
  return loadResult(R, b, loadFile(L, fname, mode, env));
}

export function b_dofile(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const fname = checkStr(L, R, b, n, 0, 'dofile');
  const cl = loadFile(L, fname, 'bt', L.globals);
  if (!(cl instanceof LuaClosure)) throw new LuaError(cl);
  const res = callValue(L, cl, []);
  for (let i = 0; i < res.length; i++) R[b - 1 + i] = res[i];
  return res.length;
}

export function b_require(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const name = checkStr(L, R, b, n, 0, 'require');
  const loaded = L.loaded;
  const have = loaded.getStr(name);
  if (have !== null) {
    R[b - 1] = have;
    return 1;
  }
  const pkg = L.globals.getStr('package');
  let path = './?.lua;./?/init.lua';
  if (pkg instanceof LuaTable) {
    const pre = pkg.getStr('preload');
    if (pre instanceof LuaTable) {
      const loader = pre.getStr(name);
      if (loader !== null) {
        const r = callValue(L, loader, [name, ':preload:']);
        const v = r.length > 0 && r[0] !== null ? r[0] : true;
        loaded.setStr(name, v);
        R[b - 1] = v;
        R[b] = ':preload:';
        return 2;
      }
    }
    const p = pkg.getStr('path');
    if (typeof p === 'string') path = p;
  }
  const rel = name.split('.').join('/');
  const templates = path.split(';');
  let tried = "\n\tno field package.preload['" + name + "']";
  const candidates: string[] = [];
  for (let i = 0; i < templates.length; i++) {
    if (templates[i] === '') continue;
    candidates.push(templates[i].split('?').join(rel));
  }
  if (L.scriptDir !== '') {
    candidates.push(joinPath(L.scriptDir, rel + '.lua'));
    candidates.push(joinPath(L.scriptDir, rel + '/init.lua'));
  }
  for (let i = 0; i < candidates.length; i++) {
    const file = candidates[i];
    if (!fileExists(file)) {
      if (i < templates.length) tried += "\n\tno file '" + file + "'";
      continue;
    }
    const cl = loadFile(L, file, 'bt', L.globals);
    if (!(cl instanceof LuaClosure)) {
      throw libError(L, "error loading module '" + name + "' from file '" + file + "':\n\t" + cl);
    }
    const r = callValue(L, cl, [name, file]);
    let v: LuaValue = r.length > 0 ? r[0] : null;
    if (v !== null) loaded.setStr(name, v);
    v = loaded.getStr(name);
    if (v === null) {
      v = true;
      loaded.setStr(name, v);
    }
    R[b - 1] = v;
    R[b] = file;
    return 2;
  }
  throw libError(L, "module '" + name + "' not found:" + tried);
}

export function b_collectgarbage(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const opt = optStr(L, R, b, n, 0, 'collectgarbage', 'collect');
  switch (opt) {
    case 'count': {
      const kb = 1024 + (L.nextAddr % 997);
      R[b - 1] = mkFloat(kb + 0.5);
      return 1;
    }
    case 'collect':
      fullGC(L);
      R[b - 1] = 0;
      return 1;
    case 'step':
      // a step here is a whole cycle
      fullGC(L);
      R[b - 1] = true;
      return 1;
    case 'incremental':
    case 'generational':
      R[b - 1] = 0;
      return 1;
    case 'isrunning':
      R[b - 1] = true;
      return 1;
    case 'stop':
    case 'restart':
    case 'setpause':
    case 'setstepmul':
      R[b - 1] = 0;
      return 1;
    default:
      throw argError(L, 0, 'collectgarbage', "invalid option '" + opt + "'");
  }
}

// ---------------------------------------------------------------- setup

export function openLibs(L: LuaState, scriptArgs: string[], scriptName: string): void {
  const G = L.globals;
  G.setStr('_G', G);
  G.setStr('_VERSION', 'Lua 5.4');
  for (let i = 0; i < LIB_FUNCS.length; i++) {
    const q = LIB_FUNCS[i];
    const id = LIB_IDS[i];
    const dot = q.indexOf('.');
    const short = internString(L.strings, dot >= 0 ? q.substring(dot + 1) : q.charCodeAt(0) === 40 ? q.substring(1, q.length - 1) : q);
    const fn = new LuaBuiltin(id, q.charCodeAt(0) === 40 ? short : q, null, null);
    L.builtins.set(q, fn);
    if (q.charCodeAt(0) === 40) continue;
    if (dot < 0) {
      G.setStr(q, fn);
      continue;
    }
    const lib = internString(L.strings, q.substring(0, dot));
    let t = G.getStr(lib);
    if (!(t instanceof LuaTable)) {
      t = new LuaTable();
      G.setStr(lib, t);
      L.loaded.setStr(lib, t);
    }
    (t as LuaTable).setStr(short, fn);
  }
  const table = G.getStr('table') as LuaTable;
  G.setStr('unpack', null);
  table.setStr('unpack', L.builtins.get('table.unpack') as LuaBuiltin);
  const math = G.getStr('math') as LuaTable;
  math.setStr('pi', Math.PI);
  math.setStr('huge', Infinity);
  math.setStr('maxinteger', new LInt(0x7fffffff, -1));
  math.setStr('mininteger', new LInt(-0x80000000, 0));
  const utf8 = G.getStr('utf8') as LuaTable;
  utf8.setStr('charpattern', '[\x00-\x7F\xC2-\xFD][\x80-\xBF]*');
  L.loaded.setStr('_G', G);
  const pkg = new LuaTable();
  pkg.setStr('loaded', L.loaded);
  pkg.setStr('preload', new LuaTable());
  pkg.setStr('path', '/usr/local/share/lua/5.4/?.lua;/usr/local/share/lua/5.4/?/init.lua;/usr/local/lib/lua/5.4/?.lua;/usr/local/lib/lua/5.4/?/init.lua;./?.lua;./?/init.lua');
  pkg.setStr('cpath', '/usr/local/lib/lua/5.4/?.so;/usr/local/lib/lua/5.4/loadall.so;./?.so');
  pkg.setStr('config', '/\n;\n?\n!\n-\n');
  G.setStr('package', pkg);
  L.loaded.setStr('package', pkg);
  // arg table
  const argt = new LuaTable();
  argt.set(-1, 'lua');
  argt.set(0, scriptName);
  for (let i = 0; i < scriptArgs.length; i++) argt.set(i + 1, scriptArgs[i]);
  G.setStr('arg', argt);
  if (scriptName !== '') L.scriptDir = dirName(scriptName);
  setupStringMeta(L);
  setupIo(L);
  seedRandom(L, Date.now(), 0);
  // the trampoline used to run VM-special builtins from host context
  L.trampoline = compileLua(L, 'local f = ... return f(select(2, ...))', '=(trampoline)', G);
  const inner = new LuaTable();
  inner.setStr('select', L.builtins.get('select') as LuaBuiltin);
  L.trampoline.upvals[0].v = inner;
}

export { ID_PCALL, ID_XPCALL, ID_RESUME, ID_YIELD, ID_IPAIRS_ITER, ID_NEXT, Coroutine, LuaUserdata, fastTM, lenValue, typeNameMeta, toNumberCoerce };
