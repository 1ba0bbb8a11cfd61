// The debug library: stack levels as PUC counts them (getinfo, traceback, error
// positions), hooks, upvalues, metatables of any value.

import { LuaTable } from './table.js';
import {
  LuaBuiltin, LuaClosure, LuaUserdata, LuaFunction, LFloat, LInt, Coroutine, CO_SUSPENDED, CO_DEAD, isNumber,
} from './value.js';
import type { LuaValue } from './value.js';
import { LuaState, Frame, K_NORMAL, K_PCALL, K_XPCALL, K_HOST, K_COBASE, K_CLOSE } from './state.js';
import {
  OP_CALL, OP_TAILCALL, OP_TFORCALL, OP_GETTABUP, OP_GETTABLE, OP_GETFIELD, OP_SELF, OP_SETTABUP, OP_SETTABLE,
  OP_SETFIELD, OP_ADDI, OP_ARITH, OP_ARITHK, OP_UNM, OP_BNOT, OP_LEN, OP_CONCAT, OP_EQ, OP_EQK, OP_LT, OP_LTK,
  OP_GTK, OP_LE, OP_LEK, OP_GEK, OP_CLOSE, OP_RETURN, OP_RETURN0, OP_RETURN1,
} from './proto.js';
import { arg, argError, checkInt, checkTable, optInt, optStr, typeNameMeta, typeError } from './libutil.js';
import { getMetatable } from './interp.js';
import { ID_GMATCH_ITER, ID_WRAP } from './builtins.js';
import { tostr } from './lib_base.js';
import { noteMetatable } from './lgc.js';
import { setHook, MASK_CALL, MASK_RET, MASK_LINE, MASK_COUNT } from './lhook.js';

// ---------------------------------------------------------------- stack levels

/**
 * One level of the call stack as PUC counts them (lua_getstack): a Lua function (its
 * Frame) or a C function. Builtins have no frames here: a builtin is a level where a
 * Lua frame is calling it (at the top of the stack), and where a frame was started by
 * one (pcall's function, sort's comparator: a K_PCALL, K_XPCALL or K_HOST frame whose
 * parent is calling a builtin). A K_HOST frame whose parent is not calling a builtin
 * was called by the VM itself (a __close or other metamethod): no C level between.
 */
export class StackLevel {
  /** The Lua frame, or null for a C level. */
  readonly frame: Frame | null;
  /** The function: the frame's closure, the builtin, or null (the host that ran the main chunk). */
  readonly fn: LuaValue;
  /** The frame whose current instruction called this level (it names it), or null. */
  readonly caller: Frame | null;
  constructor(frame: Frame | null, fn: LuaValue, caller: Frame | null) {
    this.frame = frame;
    this.fn = fn;
    this.caller = caller;
  }
}

/** The value a frame is calling at its current CALL instruction, or null. */
function calleeOf(fr: Frame): LuaValue {
  const p = fr.closure.proto;
  if (fr.pc < 0 || fr.pc >= p.code.length) return null;
  const ins = p.code[fr.pc];
  if ((ins & 0xff) !== OP_CALL && (ins & 0xff) !== OP_TAILCALL) return null;
  return fr.regs[(ins >>> 8) & 0xff];
}

/** A C level for the builtin that `fr` is calling, if it is calling one. */
function builtinLevel(L: LuaState, fr: Frame): StackLevel | null {
  // a hook reports about its frame: only the builtin it names stands above it
  const c = fr === L.hookFrame ? L.hookCFn : calleeOf(fr);
  if (!(c instanceof LuaBuiltin)) return null;
  return new StackLevel(null, c, fr.closure === L.trampoline ? null : fr);
}

/**
 * The levels from frame `top` outwards, innermost first, to the bottom of its thread.
 * `calling`: the builtin that `top` is calling is running (it is the first level).
 */
export function stackLevels(L: LuaState, top: Frame | null, calling: boolean, isMain: boolean): StackLevel[] {
  const out: StackLevel[] = [];
  if (calling && top !== null) {
    const c = builtinLevel(L, top);
    if (c !== null) out.push(c);
  }
  for (let fr = top; fr !== null; fr = fr.parent) {
    // the trampoline only carries a builtin called from the host: not a level itself
    const k = fr.kind;
    // closing after an error happens at pcall's level: called from C
    const fromC = k === K_PCALL || k === K_XPCALL || k === K_HOST || (k === K_CLOSE && L.unwinds.has(fr));
    if (fr.closure !== L.trampoline) out.push(new StackLevel(fr, fr.closure, k === K_COBASE ? null : fr.parent));
    if (k === K_COBASE) break;
    if (fromC) {
      const p = fr.parent;
      if (p !== null) {
        const c = builtinLevel(L, p);
        if (c !== null) out.push(c);
      } else if (isMain) out.push(new StackLevel(null, null, null)); // lua.c, which ran the script
    }
  }
  return out;
}

/**
 * The levels seen by the running builtin: level 0 is the builtin itself. Called from
 * Lua, it is what L.frame is calling; called from another builtin or as a message
 * handler (L.nativeCaller), it comes first and L.frame's own callee follows.
 */
export function builtinLevels(L: LuaState): StackLevel[] {
  const lv = stackLevels(L, L.frame, true, L.thread.isMain);
  if (!L.nativeCaller && L.frame !== null) return lv;
  const out: StackLevel[] = [new StackLevel(null, L.curBuiltin, null)];
  for (let i = 0; i < lv.length; i++) out.push(lv[i]);
  return out;
}

/** The levels of a coroutine that is not running, from its current top. */
function threadLevels(L: LuaState, co: Coroutine): StackLevel[] {
  if (co === L.thread) return builtinLevels(L);
  let top: Frame | null = null;
  if (co.status === CO_SUSPENDED || co.status === CO_DEAD) top = co.frame;
  else {
    // a "normal" coroutine is waiting in the resume of the coroutine it started
    for (let t: Coroutine | null = L.thread; t !== null; t = t.prevThread) {
      if (t.prevThread === co) top = t.resumerFrame;
    }
  }
  return stackLevels(L, top, true, co.isMain);
}

const ARITH_EVENTS: string[] = ['add', 'sub', 'mul', 'mod', 'pow', 'div', 'idiv', 'band', 'bor', 'bxor', 'shl', 'shr'];

/** The metamethod event an instruction calls ("index" for OP_GETFIELD), or null. */
function opEvent(op: number): string | null {
  if (op === OP_GETTABUP || op === OP_GETTABLE || op === OP_GETFIELD || op === OP_SELF) return 'index';
  if (op === OP_SETTABUP || op === OP_SETTABLE || op === OP_SETFIELD) return 'newindex';
  if (op === OP_ADDI) return 'add';
  if (op >= OP_ARITH && op < OP_ARITH + 12) return ARITH_EVENTS[op - OP_ARITH];
  if (op >= OP_ARITHK && op < OP_ARITHK + 12) return ARITH_EVENTS[op - OP_ARITHK];
  switch (op) {
    case OP_UNM: return 'unm';
    case OP_BNOT: return 'bnot';
    case OP_LEN: return 'len';
    case OP_CONCAT: return 'concat';
    case OP_EQ: case OP_EQK: return 'eq';
    case OP_LT: case OP_LTK: case OP_GTK: return 'lt';
    case OP_LE: case OP_LEK: case OP_GEK: return 'le';
    case OP_CLOSE: case OP_RETURN: case OP_RETURN0: case OP_RETURN1: return 'close';
    default: return null;
  }
}

/**
 * How the calling instruction names a level (funcnamefromcode): [namewhat, name], e.g.
 * ["local", "f"], ["method", "m"], ["metamethod", "index"], ["for iterator", "for iterator"];
 * null when it was called from the host, or by a tail call.
 */
export function levelName(L: LuaState, lv: StackLevel): string[] | null {
  const caller = lv.caller;
  if (caller === null || caller.closure === L.trampoline) return null;
  const fr = lv.frame;
  if (fr !== null && fr.kind === K_HOST && caller === L.hookFrame) {
    const h: string[] = ['hook', '?'];
    return h;
  }
  // a K_HOST frame under a builtin was called by that builtin (from C: no name)
  if (fr !== null && fr.kind === K_HOST && calleeOf(caller) instanceof LuaBuiltin) return null;
  if (fr !== null && (fr.kind === K_PCALL || fr.kind === K_XPCALL || L.unwinds.has(fr))) return null;
  const p = caller.closure.proto;
  if (caller.pc < 0 || caller.pc >= p.code.length) return null;
  const ins = p.code[caller.pc];
  const op = ins & 0xff;
  if (op === OP_CALL || op === OP_TAILCALL || op === OP_TFORCALL) {
    // a frame whose caller's register holds another function came by a tail call
    if (fr !== null && op !== OP_TFORCALL && caller.regs[(ins >>> 8) & 0xff] !== fr.closure) return null;
    const desc = p.names[2 * caller.pc];
    if (desc === null) return null;
    const q = desc.indexOf(" '");
    if (q < 0) return null;
    const r: string[] = [desc.substring(0, q), desc.substring(q + 2, desc.length - 1)];
    return r;
  }
  const ev = opEvent(op);
  if (ev === null) return null;
  const r: string[] = ['metamethod', ev];
  return r;
}

/** Whether a level's function was reached by a tail call (the caller's register holds another). */
function isTailCall(lv: StackLevel): boolean {
  const fr = lv.frame;
  const caller = lv.caller;
  if (fr === null || caller === null || fr.kind !== K_NORMAL) return false;
  const p = caller.closure.proto;
  if (caller.pc < 0 || caller.pc >= p.code.length) return false;
  const ins = p.code[caller.pc];
  if ((ins & 0xff) !== OP_CALL && (ins & 0xff) !== OP_TAILCALL) return false;
  return caller.regs[(ins >>> 8) & 0xff] !== fr.closure;
}

function currentLine(fr: Frame): number {
  const p = fr.closure.proto;
  return fr.pc >= 0 && fr.pc < p.lines.length ? p.lines[fr.pc] : -1;
}

/** "name" or "lib.name" when fn is a field of a loaded module (pushglobalfuncname). */
function globalFuncName(L: LuaState, fn: LuaValue): string | null {
  const loaded = L.loaded;
  for (let pos = loaded.nextPos(null); pos >= 0; pos = loaded.nextPos(loaded.keyAt(pos))) {
    const mod = loaded.keyAt(pos);
    const t = loaded.valAt(pos);
    if (typeof mod !== 'string') continue;
    if (t === fn) return mod;
    if (!(t instanceof LuaTable)) continue;
    for (let q = t.nextPos(null); q >= 0; q = t.nextPos(t.keyAt(q))) {
      const k = t.keyAt(q);
      if (typeof k === 'string' && t.valAt(q) === fn) return mod === '_G' ? k : mod + '.' + k;
    }
  }
  return null;
}

/** A traceback line's name for a level (luaL_traceback's pushfuncname). */
function levelDescription(L: LuaState, lv: StackLevel): string {
  const g = lv.fn !== null ? globalFuncName(L, lv.fn) : null;
  if (g !== null) return "function '" + g + "'";
  const nm = levelName(L, lv);
  if (nm !== null) return nm[0] + " '" + nm[1] + "'";
  const fr = lv.frame;
  if (fr === null) return '?';
  const p = fr.closure.proto;
  if (p.lineDefined === 0) return 'main chunk';
  return 'function <' + p.source + ':' + p.lineDefined + '>';
}

/** The traceback lines (each "\n\t...") of levels[from..], cut as PUC cuts deep stacks. */
export function tracebackOf(L: LuaState, levels: StackLevel[], from: number): string {
  const last = levels.length - 1;
  let limit = last - from > 21 ? 10 : -1;
  let s = '';
  for (let level = from; level <= last; level++) {
    if (limit-- === 0) {
      // like PUC, the message counts one level less than it leaves out
      const skip = last - level - 11;
      s += '\n\t...\t(skipping ' + skip + ' levels)';
      level += skip;
      continue;
    }
    const lv = levels[level];
    const fr = lv.frame;
    if (fr === null) s += '\n\t[C]: in ';
    else {
      const line = currentLine(fr);
      s += '\n\t' + fr.closure.proto.source + (line > 0 ? ':' + line : '') + ': in ';
    }
    s += levelDescription(L, lv);
    if (isTailCall(lv)) s += '\n\t(...tail calls...)';
  }
  return s;
}

/**
 * The traceback of an error raised in frame `fr` (while calling a builtin, when the
 * builtin raised it), as lua.c's message handler prints it.
 */
export function tracebackLines(L: LuaState, fr: Frame | null): string {
  return tracebackOf(L, stackLevels(L, fr, true, L.thread.isMain), 0);
}

export function d_traceback(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  let co = L.thread;
  let ai = 0;
  const a0 = arg(R, b, n, 0);
  if (a0 instanceof Coroutine) {
    co = a0;
    ai = 1;
  }
  const msg = arg(R, b, n, ai);
  if (msg !== null && typeof msg !== 'string' && !isNumber(msg)) {
    R[b - 1] = msg;
    return 1;
  }
  const level = optInt(L, R, b, n, ai + 1, 'traceback', co === L.thread ? 1 : 0);
  const head = msg === null ? '' : tostr(L, msg) + '\n';
  const levels = threadLevels(L, co);
  R[b - 1] = head + 'stack traceback:' + tracebackOf(L, levels, level < 0 ? 0 : level);
  return 1;
}

/** luaL_where: "chunk:line: " of a level, or '' (a C level, or no line information). */
export function wherePosition(L: LuaState, level: number): string {
  const levels = builtinLevels(L);
  if (level < 0 || level >= levels.length) return '';
  const fr = levels[level].frame;
  if (fr === null) return '';
  const line = currentLine(fr);
  if (line <= 0) return '';
  return fr.closure.proto.source + ':' + line + ': ';
}

const GETINFO_OPTIONS = 'SlnrutLf';

export function d_getinfo(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  let co = L.thread;
  let ai = 0;
  if (arg(R, b, n, 0) instanceof Coroutine) {
    co = arg(R, b, n, 0) as Coroutine;
    ai = 1;
  }
  const what = optStr(L, R, b, n, ai + 1, 'getinfo', 'flnSrtu');
  for (let i = 0; i < what.length; i++) {
    if (GETINFO_OPTIONS.indexOf(what.charAt(i)) < 0) throw argError(L, ai + 1, 'getinfo', 'invalid option');
  }
  const target = arg(R, b, n, ai);
  let lv: StackLevel;
  if (target instanceof LuaFunction) lv = new StackLevel(null, target, null);
  else {
    if (!isNumber(target)) throw typeError(L, R, b, n, ai, 'getinfo', 'function or level');
    const level = checkInt(L, R, b, n, ai, 'getinfo');
    const levels = threadLevels(L, co);
    if (level < 0 || level >= levels.length) {
      R[b - 1] = null;
      return 1;
    }
    lv = levels[level];
  }
  R[b - 1] = levelInfo(L, lv, what);
  return 1;
}

/** The table debug.getinfo returns for a level (or a function: lv.frame null, lv.fn a function). */
function levelInfo(L: LuaState, lv: StackLevel, what: string): LuaTable {
  const t = new LuaTable();
  const fn = lv.fn;
  const cl = fn instanceof LuaClosure ? fn : null;
  const fr = lv.frame;
  if (what.indexOf('S') >= 0) {
    if (cl !== null) {
      const p = cl.proto;
      t.setStr('source', p.chunkname);
      t.setStr('short_src', p.source);
      t.setStr('linedefined', p.lineDefined);
      t.setStr('lastlinedefined', p.lineDefined === 0 ? -1 : p.lastLine);
      t.setStr('what', p.lineDefined === 0 ? 'main' : 'Lua');
    } else {
      t.setStr('source', '=[C]');
      t.setStr('short_src', '[C]');
      t.setStr('linedefined', -1);
      t.setStr('lastlinedefined', -1);
      t.setStr('what', 'C');
    }
  }
  if (what.indexOf('l') >= 0) t.setStr('currentline', fr !== null ? currentLine(fr) : -1);
  if (what.indexOf('u') >= 0) {
    t.setStr('nups', cl !== null ? cl.upvals.length : builtinUpvalueCount(fn));
    t.setStr('nparams', cl !== null ? cl.proto.numParams : 0);
    t.setStr('isvararg', cl !== null ? cl.proto.isVararg : true);
  }
  if (what.indexOf('n') >= 0) {
    const nm = levelName(L, lv);
    if (nm !== null) {
      t.setStr('namewhat', nm[0]);
      t.setStr('name', nm[1]);
    } else t.setStr('namewhat', '');
  }
  if (what.indexOf('r') >= 0) {
    t.setStr('ftransfer', 0);
    t.setStr('ntransfer', 0);
  }
  if (what.indexOf('t') >= 0) t.setStr('istailcall', isTailCall(lv));
  if (what.indexOf('L') >= 0 && cl !== null) {
    const lines = new LuaTable();
    const pl = cl.proto.lines;
    for (let i = 0; i < pl.length; i++) if (pl[i] > 0) lines.set(pl[i], true);
    t.setStr('activelines', lines);
  }
  if (what.indexOf('f') >= 0 && fn !== null) t.setStr('func', fn);
  return t;
}

/** Upvalues of builtins that are C closures in PUC (gmatch's iterator: 3, wrap's function: 1). */
function builtinUpvalueCount(fn: LuaValue): number {
  if (!(fn instanceof LuaBuiltin)) return 0;
  return fn.id === ID_GMATCH_ITER ? 3 : fn.id === ID_WRAP ? 1 : 0;
}

export function d_sethook(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  let th = L.thread;
  let ai = 0;
  if (arg(R, b, n, 0) instanceof Coroutine) {
    th = arg(R, b, n, 0) as Coroutine;
    ai = 1;
  }
  const hook = arg(R, b, n, ai);
  if (hook === null || n <= ai) {
    setHook(L, th, null, 0, 0);
    return 0;
  }
  if (!(hook instanceof LuaFunction)) throw typeError(L, R, b, n, ai, 'sethook', 'function');
  const smask = optStr(L, R, b, n, ai + 1, 'sethook', '');
  const count = optInt(L, R, b, n, ai + 2, 'sethook', 0);
  let mask = 0;
  if (smask.indexOf('c') >= 0) mask |= MASK_CALL;
  if (smask.indexOf('r') >= 0) mask |= MASK_RET;
  if (smask.indexOf('l') >= 0) mask |= MASK_LINE;
  if (count > 0) mask |= MASK_COUNT;
  setHook(L, th, hook, mask, count > 0 ? count : 0);
  return 0;
}

export function d_gethook(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const th = arg(R, b, n, 0) instanceof Coroutine ? arg(R, b, n, 0) as Coroutine : L.thread;
  if (th.hookMask === 0) {
    R[b - 1] = null;
    return 1;
  }
  let smask = '';
  if ((th.hookMask & MASK_CALL) !== 0) smask += 'c';
  if ((th.hookMask & MASK_RET) !== 0) smask += 'r';
  if ((th.hookMask & MASK_LINE) !== 0) smask += 'l';
  R[b - 1] = th.hook;
  R[b] = smask;
  R[b + 1] = th.hookCount;
  return 3;
}

export function d_getmetatable(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  R[b - 1] = getMetatable(L, arg(R, b, n, 0));
  return 1;
}

export function d_setmetatable(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const v = arg(R, b, n, 0);
  const mt = arg(R, b, n, 1);
  if (mt !== null && !(mt instanceof LuaTable)) throw typeError(L, R, b, n, 1, 'setmetatable', 'nil or table');
  const m = mt instanceof LuaTable ? mt : null;
  if (v instanceof LuaTable) {
    v.metatable = m;
    noteMetatable(L, m);
  } else if (v instanceof LuaUserdata) v.metatable = m;
  else if (typeof v === 'string') L.stringMeta = m;
  else if (typeof v === 'number' || v instanceof LFloat || v instanceof LInt) L.numberMeta = m;
  else if (typeof v === 'boolean') L.booleanMeta = m;
  else if (v === null) L.nilMeta = m;
  else if (v instanceof LuaFunction) L.functionMeta = m;
  else if (v instanceof Coroutine) L.threadMeta = m;
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

export function d_setupvalue(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const fn = arg(R, b, n, 0);
  const i = checkInt(L, R, b, n, 1, 'setupvalue');
  if (fn instanceof LuaClosure && i >= 1 && i <= fn.upvals.length) {
    fn.upvals[i - 1].v = arg(R, b, n, 2);
    R[b - 1] = fn.proto.upNames[i - 1];
    return 1;
  }
  R[b - 1] = null;
  return 1;
}

/** A light userdata (debug.upvalueid's identities are light userdata in PUC). */
export class LightUserdata extends LuaUserdata {}

/** Userdata here have no user values: getuservalue gives nil (fail for non-full userdata). */
export function d_getuservalue(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  R[b - 1] = null;
  return 1;
}

export function d_setuservalue(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const u = arg(R, b, n, 0);
  if (!(u instanceof LuaUserdata) || u instanceof LightUserdata) {
    const got = n < 1 ? 'no value' : u instanceof LightUserdata ? 'light userdata' : typeNameMeta(L, u);
    throw argError(L, 0, 'setuservalue', 'userdata expected, got ' + got);
  }
  if (n < 2) throw argError(L, 1, 'setuservalue', 'value expected');
  R[b - 1] = null;
  return 1;
}

/** The identity of an upvalue: one userdata per captured cell, so closures sharing it get equal ids. */
export function d_upvalueid(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const fn = arg(R, b, n, 0);
  const i = checkInt(L, R, b, n, 1, 'upvalueid');
  if (fn instanceof LuaClosure && i >= 1 && i <= fn.upvals.length) {
    const cell = fn.upvals[i - 1];
    if (!L.upvalueIds.has(cell)) L.upvalueIds.set(cell, new LightUserdata());
    R[b - 1] = L.upvalueIds.get(cell) as LuaUserdata;
    return 1;
  }
  if (!(fn instanceof LuaClosure) && !(fn instanceof LuaBuiltin)) throw argError(L, 0, 'upvalueid', 'function expected');
  // builtins that are C closures in PUC (gmatch's iterator: 3 upvalues, wrap's function: 1)
  const nups = builtinUpvalueCount(fn);
  if (fn instanceof LuaBuiltin && i >= 1 && i <= nups) {
    if (!L.builtinUpvalueIds.has(fn)) {
      const fresh: LuaUserdata[] = [];
      for (let k = 0; k < nups; k++) fresh.push(new LightUserdata());
      L.builtinUpvalueIds.set(fn, fresh);
    }
    R[b - 1] = (L.builtinUpvalueIds.get(fn) as LuaUserdata[])[i - 1];
    return 1;
  }
  R[b - 1] = null; // (PUC 5.4.4: fail for an invalid index)
  return 1;
}

export function d_upvaluejoin(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const f1 = arg(R, b, n, 0);
  const i1 = checkInt(L, R, b, n, 1, 'upvaluejoin');
  const f2 = arg(R, b, n, 2);
  const i2 = checkInt(L, R, b, n, 3, 'upvaluejoin');
  if (!(f1 instanceof LuaClosure)) throw argError(L, 0, 'upvaluejoin', 'Lua function expected');
  if (!(f2 instanceof LuaClosure)) throw argError(L, 2, 'upvaluejoin', 'Lua function expected');
  if (i1 < 1 || i1 > f1.upvals.length) throw argError(L, 1, 'upvaluejoin', 'invalid upvalue index');
  if (i2 < 1 || i2 > f2.upvals.length) throw argError(L, 3, 'upvaluejoin', 'invalid upvalue index');
  f1.upvals[i1 - 1] = f2.upvals[i2 - 1];
  return 0;
}

export { checkTable, K_COBASE };
