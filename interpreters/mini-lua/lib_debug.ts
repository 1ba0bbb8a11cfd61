// A minimal debug library: enough for the common uses (xpcall(f, debug.traceback),
// debug.getinfo(1, "l").currentline, metatables of any value).

import { LuaTable } from './table.js';
import { LuaBuiltin, LuaClosure } from './value.js';
import type { LuaValue } from './value.js';
import { LuaState, Frame, K_PCALL, K_XPCALL, K_HOST, K_COBASE } from './state.js';
import { arg, checkTable, optInt } from './libutil.js';
import { getMetatable } from './interp.js';
import { tostr } from './lib_base.js';

export function d_traceback(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const msg = arg(R, b, n, 0);
  if (msg !== null && typeof msg !== 'string' && typeof msg !== 'number') {
    R[b - 1] = msg;
    return 1;
  }
  let s = msg === null ? '' : tostr(L, msg) + '\n';
  s += 'stack traceback:\n\t[C]: in function \'debug.traceback\'';
  let fr = L.frame;
  while (fr !== null) {
    const p = fr.closure.proto;
    const line = fr.pc >= 0 && fr.pc < p.lines.length ? p.lines[fr.pc] : p.lineDefined;
    s += '\n\t' + p.source + ':' + line + ': in ' + (p.lineDefined === 0 ? 'main chunk' : "function <" + p.source + ':' + p.lineDefined + '>');
    if (fr.kind === K_PCALL || fr.kind === K_XPCALL || fr.kind === K_HOST) s += '\n\t[C]: in ?';
    if (fr.kind === K_COBASE) break;
    fr = fr.parent;
  }
  R[b - 1] = s;
  return 1;
}

function frameAt(L: LuaState, level: number): Frame | null {
  let fr = L.frame;
  let l = level;
  while (fr !== null && l > 1) {
    fr = fr.parent;
    l--;
  }
  return fr;
}

export function d_getinfo(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const a0 = arg(R, b, n, 0);
  const t = new LuaTable();
  if (a0 instanceof LuaClosure) {
    const p = a0.proto;
    t.setStr('source', '@' + p.source);
    t.setStr('short_src', p.source);
    t.setStr('linedefined', p.lineDefined);
    t.setStr('what', p.lineDefined === 0 ? 'main' : 'Lua');
    t.setStr('nups', p.upIndex.length);
    t.setStr('nparams', p.numParams);
    t.setStr('isvararg', p.isVararg);
    t.setStr('func', a0);
    R[b - 1] = t;
    return 1;
  }
  if (a0 instanceof LuaBuiltin) {
    t.setStr('source', '=[C]');
    t.setStr('short_src', '[C]');
    t.setStr('what', 'C');
    t.setStr('currentline', -1);
    t.setStr('func', a0);
    R[b - 1] = t;
    return 1;
  }
  const level = optInt(L, R, b, n, 0, 'getinfo', 1);
  if (level === 0) {
    t.setStr('what', 'C');
    t.setStr('source', '=[C]');
    t.setStr('short_src', '[C]');
    t.setStr('currentline', -1);
    R[b - 1] = t;
    return 1;
  }
  const fr = frameAt(L, level);
  if (fr === null) {
    R[b - 1] = null;
    return 1;
  }
  const p = fr.closure.proto;
  t.setStr('source', '@' + p.source);
  t.setStr('short_src', p.source);
  t.setStr('currentline', fr.pc >= 0 && fr.pc < p.lines.length ? p.lines[fr.pc] : -1);
  t.setStr('linedefined', p.lineDefined);
  t.setStr('what', p.lineDefined === 0 ? 'main' : 'Lua');
  t.setStr('func', fr.closure);
  t.setStr('nups', p.upIndex.length);
  t.setStr('nparams', p.numParams);
  t.setStr('isvararg', p.isVararg);
  R[b - 1] = t;
  return 1;
}

export function d_sethook(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  return 0;
}

export function d_gethook(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  R[b - 1] = null;
  return 1;
}

export function d_getmetatable(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  R[b - 1] = getMetatable(L, arg(R, b, n, 0));
  return 1;
}

export function d_setmetatable(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const v = arg(R, b, n, 0);
  const mt = arg(R, b, n, 1);
  if (v instanceof LuaTable) v.metatable = mt instanceof LuaTable ? mt : null;
  else if (typeof v === 'string') L.stringMeta = mt instanceof LuaTable ? mt : null;
  R[b - 1] = v;
  return 1;
}

export function d_getlocal(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  R[b - 1] = null;
  return 1;
}

export function d_getupvalue(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const fn = arg(R, b, n, 0);
  const i = optInt(L, R, b, n, 1, 'getupvalue', 1);
  if (fn instanceof LuaClosure && i >= 1 && i <= fn.upvals.length) {
    R[b - 1] = fn.proto.upNames[i - 1];
    R[b] = fn.upvals[i - 1].v;
    return 2;
  }
  R[b - 1] = null;
  return 1;
}

export { checkTable, K_COBASE };
