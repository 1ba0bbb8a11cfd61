// The mini-lua virtual machine: the dispatch loop (the JIT portal) and the call,
// return, metamethod, coroutine and error machinery around it.
//
// Guest calls do not recurse on the JS stack. A Lua->Lua call pushes a Frame (linked
// by `parent`) and the loop continues with the callee; RETURN pops back and stores the
// results where the frame's `kind` says (a register window, pcall's `true, ...`, a
// comparison's jump, a coroutine's resumer, or back to TypeScript). Metamethods that
// are Lua functions (__index, __add, __lt, ...) are called the same way, with a
// continuation encoded in the callee frame. Therefore:
//   - deep Lua recursion is bounded by MAX_FRAMES ("stack overflow"), not by the host;
//   - coroutines are just separate frame chains: resume/yield switch the current frame
//     (and thread) inside the same loop, so yield works across pcall and metamethods;
//   - the tracer sees a guest call as data movement inside one portal invocation, so a
//     trace can follow a call into the callee and back.
// Builtins (TypeScript functions) that call Lua (sort comparators, gsub callbacks,
// __tostring, ...) re-enter through callValue(), which runs a nested loop on the JS
// stack; yielding across such a host boundary is an error, exactly as in PUC Lua.

import { JitDriver, weAreJitted } from 'metajit';
import {
  OP_MOVE, OP_LOADK, OP_LOADNIL, OP_LOADBOOL, OP_GETUPVAL, OP_SETUPVAL, OP_GETBOX, OP_SETBOX, OP_NEWBOX,
  OP_GETTABUP, OP_SETTABUP, OP_GETTABLE, OP_GETFIELD, OP_SETTABLE, OP_SETFIELD, OP_NEWTABLE, OP_SELF,
  OP_UNM, OP_NOT, OP_LEN, OP_BNOT, OP_CONCAT, OP_JMP, OP_EQ, OP_LT, OP_LE, OP_EQK, OP_LTK, OP_LEK, OP_GTK,
  OP_GEK, OP_TEST, OP_CALL, OP_TAILCALL, OP_RETURN, OP_FORPREP, OP_FORLOOP, OP_TFORPREP, OP_TFORCALL,
  OP_TFORLOOP, OP_SETLIST, OP_CLOSURE, OP_VARARG, OP_TBC, OP_CLOSE, OP_RETURN0, OP_RETURN1, OP_ARITH,
  OP_ARITHK, OP_ARITHKL, OP_ARITHKF, OP_ARITHKFL, OP_NAMES, Proto,
} from './proto.js';
import type { } from './proto.js';
import {
  Box, LuaClosure, LuaBuiltin, LuaFunction, LuaError, LFloat, LInt, Coroutine, LuaUserdata, ForState,
  mkFloat, MAX_SAFE, typeName, numberToString, CO_DEAD, CO_RUNNING, CO_SUSPENDED, CO_NORMAL,
} from './value.js';
import type { LuaValue } from './value.js';
import { LuaTable } from './table.js';
import {
  Frame, LuaState, Unwind, K_NORMAL, K_PCALL, K_XPCALL, K_COND, K_COBASE, K_HOST, K_CLOSE, MAX_FRAMES, MAX_HOST_DEPTH,
  rtError, libError, builtinRtError, typeErrorMsg, objTypeName, framePosition, ExitSignal,
} from './state.js';
import {
  ArithError, arithNum, toNumberCoerce, toIntegerStrict, numLt, numLe, numEq, isNumVal, unm, bnot, fmod, fval,
  intArith, floatArith, pow,
} from './arith.js';
import {
  B_ADD, B_SUB, B_MUL, B_MOD, B_POW, B_DIV, B_IDIV, B_BAND, B_SHR,
} from './ast.js';
import { i64Of, i64Norm, i64Add, i64Sub, i64ULt, i64IsZero, i64UDivMod, i64Neg, i64IsNeg, TWO63 } from './int64.js';
import { floatToInt } from './numconv.js';
import { callBuiltin, ID_PCALL, ID_XPCALL, ID_RESUME, ID_YIELD, ID_WRAPCALL, ID_PAIRS, FIRST_PLAIN } from './builtins.js';
import { HostError } from 'metajit';
import { closeCoroutine } from './lib_coro.js';
import { hookStep, hookReturn } from './lhook.js';
import { gcStep } from './lgc.js';
import { argError, typeNameMeta } from './libutil.js';

// Metamethod-absence cache bits (LuaTable.mmAbsent).
export const TM_INDEX = 1;
export const TM_NEWINDEX = 2;
export const TM_EQ = 4;
export const TM_LEN = 8;
export const TM_CALL = 16;

const ARITH_EVENTS: string[] = [
  '__add', '__sub', '__mul', '__mod', '__pow', '__div', '__idiv', '__band', '__bor', '__bxor', '__shl', '__shr',
];

const driver = new JitDriver({
  greens: ['pc', 'proto'],
  reds: ['frame', 'L'],
  virtualizables: ['frame'],
  getPrintableLocation: (pc: number, proto: Proto): string =>
    proto.source + ':' + proto.lines[pc] + ' ' + OP_NAMES[proto.code[pc] & 0xff],
});

/** A metamethod of a metatable, with the absence cache. */
export function fastTM(mt: LuaTable, bit: number, name: string): LuaValue {
  if ((mt.mmAbsent & bit) !== 0) return null;
  const v = mt.getStr(name);
  if (v === null) mt.mmAbsent |= bit;
  return v;
}

export function getMetatable(L: LuaState, v: LuaValue): LuaTable | null {
  if (v instanceof LuaTable) return v.metatable;
  if (typeof v === 'string') return L.stringMeta;
  if (v instanceof LuaUserdata) return v.metatable;
  // per-type metatables set by debug.setmetatable (rare: checked last)
  if (typeof v === 'number' || v instanceof LFloat || v instanceof LInt) return L.numberMeta;
  if (typeof v === 'boolean') return L.booleanMeta;
  if (v === null) return L.nilMeta;
  if (v instanceof LuaFunction) return L.functionMeta;
  if (v instanceof Coroutine) return L.threadMeta;
  return null;
}

export function getMM(L: LuaState, v: LuaValue, name: string): LuaValue {
  const mt = getMetatable(L, v);
  if (mt === null) return null;
  return mt.getStr(name);
}

function truthy(v: LuaValue): boolean {
  return v !== null && v !== false;
}

// ---------------------------------------------------------------------------
// Frames

/**
 * A frame for closure `cl` with `nargs` arguments at src[argStart..]. Its loops run
 * over the callee's registers and arguments, constants in a trace:
 * @unrollSafe
 */
export function newLuaFrame(
  L: LuaState, cl: LuaClosure, parent: Frame | null, src: LuaValue[], argStart: number, nargs: number,
  retBase: number, nwant: number, kind: number,
): Frame {
  const p = cl.proto;
  const np = p.numParams;
  const ms = p.maxStack;
  const na = nargs < np ? nargs : np;
  let regs: LuaValue[];
  if (weAreJitted()) {
    // in a trace the array stays virtual: built by pushes (new Array(n) is a host call)
    regs = [];
    for (let i = 0; i < na; i++) regs.push(src[argStart + i]);
    for (let i = na; i < ms; i++) regs.push(null);
  } else {
    regs = p.nilRegs.slice();
    for (let i = 0; i < na; i++) regs[i] = src[argStart + i];
  }
  let varargs: LuaValue[] = EMPTY;
  if (p.isVararg && nargs > np) {
    varargs = [];
    for (let i = np; i < nargs; i++) varargs.push(src[argStart + i]);
  }
  const depth = parent === null ? 0 : parent.depth + 1;
  if (depth >= MAX_FRAMES) checkFrameOverflow(L, parent as Frame, depth);
  return new Frame(cl, regs, parent, varargs, retBase, nwant, kind, depth);
}

const EMPTY: LuaValue[] = [];

/**
 * Makes L.frame the running frame. The dispatch loop keeps the running frame in a
 * local and publishes it only before what may read L.frame (slow paths, builtins,
 * errors): L is old and frames are young, so a store per call and return paid V8's
 * old-to-new write barrier (about 100 instructions) on every call.
 */
function syncFrame(L: LuaState, frame: Frame): void {
  if (L.frame !== frame) L.frame = frame;
}

/** Past MAX_FRAMES only a message handler may go on, for a few frames (PUC's extra stack). */
function checkFrameOverflow(L: LuaState, caller: Frame, depth: number): void {
  if (depth < MAX_FRAMES + L.extraFrames) return;
  syncFrame(L, caller);
  // overflowing the extra space too is PUC's LUA_ERRERR
  if (L.extraFrames > 0) throw new LuaError('error in error handling');
  throw rtError(L, 'stack overflow');
}

/** Stores vals into dst.regs[base..] adjusted to `want` (-1: all, sets top). */
function deliver(dst: Frame, base: number, want: number, vals: LuaValue[]): void {
  const R = dst.regs;
  const n = vals.length;
  if (want < 0) {
    for (let i = 0; i < n; i++) R[base + i] = vals[i];
    dst.top = base + n;
    return;
  }
  for (let i = 0; i < want; i++) R[base + i] = i < n ? vals[i] : null;
}

/**
 * Returns from `frame` with results R[a..a+n-1]. Returns the frame to continue in, or
 * null when a K_HOST frame returned (results in L.hostResults).
 */
function postReturn(L: LuaState, frame: Frame, a: number, n: number): Frame | null {
  syncFrame(L, frame);
  const R = frame.regs;
  if (frame.tbc !== null) {
    // a close method running as a frame returns to this RETURN, which closes the next
    const cf = closeStep(L, frame, 0);
    if (cf !== null) return cf;
    // (the return hook of a frame without to-be-closed variables ran before RETURN)
    if (frame.closure.proto.gate.hooks !== 0) hookReturn(L, frame);
  }
  const kind = frame.kind;
  const parent = frame.parent;
  if (kind === K_CLOSE) {
    if (L.unwinds.has(frame)) {
      const u = L.unwinds.get(frame) as Unwind;
      L.unwinds.delete(frame);
      return unwindStep(L, u);
    }
    // the closing instruction runs again, for the next variable
    const p = parent as Frame;
    p.pc--;
    L.frame = p;
    return p;
  }
  if (kind === K_NORMAL) {
    const P = (parent as Frame).regs;
    const base = frame.retBase;
    const want = frame.nwant;
    if (want < 0) {
      for (let i = 0; i < n; i++) P[base + i] = R[a + i];
      (parent as Frame).top = base + n;
    } else {
      for (let i = 0; i < want; i++) P[base + i] = i < n ? R[a + i] : null;
    }
    L.frame = parent;
    return parent;
  }
  if (kind === K_PCALL || kind === K_XPCALL) {
    const vals: LuaValue[] = [true];
    for (let i = 0; i < n; i++) vals.push(R[a + i]);
    deliver(parent as Frame, frame.retBase, frame.nwant, vals);
    L.frame = parent;
    return parent;
  }
  if (kind === K_COND) {
    const p = parent as Frame;
    const res = n > 0 && truthy(R[a]);
    const ins = p.closure.proto.code[p.pc];
    if (res !== (((ins >>> 24) & 1) !== 0)) p.pc++;
    L.frame = p;
    return p;
  }
  if (kind === K_COBASE) {
    const co = L.thread;
    co.status = CO_DEAD;
    co.frame = null;
    const vals: LuaValue[] = co.resumeIsWrap ? [] : [true];
    for (let i = 0; i < n; i++) vals.push(R[a + i]);
    return switchToResumer(L, co, vals);
  }
  // K_HOST
  L.hostResults = R.slice(a, a + n);
  return null;
}

function switchToResumer(L: LuaState, co: Coroutine, vals: LuaValue[]): Frame {
  const prev = co.prevThread as Coroutine;
  const rf = co.resumerFrame as Frame;
  L.thread = prev;
  prev.status = CO_RUNNING;
  co.prevThread = null;
  co.resumerFrame = null;
  deliver(rf, co.resumeBase, co.resumeWant, vals);
  L.frame = rf;
  return rf;
}

// ---------------------------------------------------------------------------
// Calls

/**
 * Calls R[a] with nargs arguments (R[a+1..]); results go to R[retBase..] (nwant, -1 = all).
 * Returns the frame to continue in (a new Lua frame, or `frame` when the call completed).
 */
export function callAt(L: LuaState, frame: Frame, a: number, nargs: number, nwant: number): Frame {
  syncFrame(L, frame);
  const R = frame.regs;
  // PUC has no limit on __call chains other than the stack (each link adds an argument)
  for (let guard = 0; guard < MAX_CALL_CHAIN; guard++) {
    const fn = R[a];
    if (fn instanceof LuaClosure) {
      const nf = newLuaFrame(L, fn, frame, R, a + 1, nargs, a, nwant, K_NORMAL);
      L.frame = nf;
      return nf;
    }
    if (fn instanceof LuaBuiltin) {
      if (fn.id >= FIRST_PLAIN) {
        const n = callBuiltin(L, fn, R, a + 1, nargs);
        if (nwant < 0) frame.top = a + n;
        else for (let i = n; i < nwant; i++) R[a + i] = null;
        return frame;
      }
      return callSpecial(L, frame, fn, a, nargs, nwant);
    }
    const tm = getMM(L, fn, '__call');
    if (tm === null) {
      const p = frame.closure.proto;
      throw rtError(L, typeErrorMsg(fn, 'call', p.names[frame.pc * 2]));
    }
    for (let i = a + nargs; i >= a; i--) R[i + 1] = R[i];
    R[a] = tm;
    nargs++;
  }
  throw new LuaError('stack overflow');
}

const MAX_CALL_CHAIN = 2000;

function callSpecial(L: LuaState, frame: Frame, fn: LuaBuiltin, a: number, nargs: number, nwant: number): Frame {
  const R = frame.regs;
  switch (fn.id) {
    case ID_PCALL:
    case ID_XPCALL: {
      const isX = fn.id === ID_XPCALL;
      if (nargs < (isX ? 2 : 1)) {
        throw libError(L, "bad argument #" + (isX ? 2 : 1) + " to '" + fn.name + "' (value expected)");
      }
      const f = R[a + 1];
      const argStart = isX ? a + 3 : a + 2;
      const nf = nargs - (isX ? 2 : 1);
      const kind = isX ? K_XPCALL : K_PCALL;
      if (f instanceof LuaClosure) {
        const fr = newLuaFrame(L, f, frame, R, argStart, nf, a, nwant, kind);
        if (isX) fr.handler = R[a + 2];
        L.frame = fr;
        return fr;
      }
      if (f instanceof LuaBuiltin ? f.id < FIRST_PLAIN : getMM(L, f, '__call') !== null) {
        // VM builtins (pcall, yield, ...) and callable objects run in a trampoline frame,
        // so that they can yield as in PUC
        const src: LuaValue[] = [f];
        for (let i = 0; i < nf; i++) src.push(R[argStart + i]);
        const fr = newLuaFrame(L, L.trampoline as LuaClosure, frame, src, 0, nf + 1, a, nwant, kind);
        if (isX) fr.handler = R[a + 2];
        L.frame = fr;
        return fr;
      }
      // a plain builtin (or not callable): run it through the host path
      const args: LuaValue[] = [];
      for (let i = 0; i < nf; i++) args.push(R[argStart + i]);
      let vals: LuaValue[];
      try {
        const res = callValue(L, f, args);
        vals = [true];
        for (let i = 0; i < res.length; i++) vals.push(res[i]);
      } catch (e) {
        const err = toLuaError(L, e);
        L.frame = frame;
        let ev = err.value;
        if (isX) ev = callHandler(L, R[a + 2], ev);
        vals = [false, ev];
      }
      L.frame = frame;
      deliver(frame, a, nwant, vals);
      return frame;
    }
    case ID_RESUME:
    case ID_WRAPCALL: {
      let co: LuaValue;
      let argStart: number;
      let n: number;
      const isWrap = fn.id === ID_WRAPCALL;
      if (isWrap) {
        co = fn.co;
        argStart = a + 1;
        n = nargs;
      } else {
        co = nargs > 0 ? R[a + 1] : null;
        if (!(co instanceof Coroutine)) {
          L.curBuiltin = fn;
          throw argError(L, 0, 'resume', 'thread expected, got ' + (nargs > 0 ? typeNameMeta(L, co) : 'no value'));
        }
        argStart = a + 2;
        n = nargs - 1;
      }
      const c = co as Coroutine;
      if (c.status !== CO_SUSPENDED) {
        const msg = c.status === CO_DEAD ? 'cannot resume dead coroutine' : 'cannot resume non-suspended coroutine';
        if (isWrap) throw libError(L, msg);
        deliver(frame, a, nwant, [false, msg]);
        return frame;
      }
      if (L.hostDepth + countResumers(L) > 195) {
        if (isWrap) throw libError(L, 'C stack overflow');
        deliver(frame, a, nwant, [false, 'C stack overflow']);
        return frame;
      }
      c.prevThread = L.thread;
      L.thread.status = CO_NORMAL;
      c.resumerFrame = frame;
      c.resumeBase = a;
      c.resumeWant = nwant;
      c.resumeIsWrap = isWrap;
      c.status = CO_RUNNING;
      L.thread = c;
      if (!c.started) {
        c.started = true;
        let cl: LuaClosure;
        let src: LuaValue[];
        let start: number;
        let cnt: number;
        if (c.fn instanceof LuaClosure) {
          cl = c.fn;
          src = R;
          start = argStart;
          cnt = n;
        } else {
          cl = L.trampoline as LuaClosure;
          src = [c.fn];
          for (let i = 0; i < n; i++) src.push(R[argStart + i]);
          start = 0;
          cnt = n + 1;
        }
        const nf = newLuaFrame(L, cl, null, src, start, cnt, 0, -1, K_COBASE);
        L.frame = nf;
        return nf;
      }
      const vals: LuaValue[] = [];
      for (let i = 0; i < n; i++) vals.push(R[argStart + i]);
      const top = c.frame as Frame;
      c.frame = null;
      deliver(top, c.yieldBase, c.yieldWant, vals);
      L.frame = top;
      return top;
    }
    case ID_YIELD: {
      const co = L.thread;
      if (co.isMain) throw new LuaError('attempt to yield from outside a coroutine');
      if (co.hostDepth > 0) throw new LuaError('attempt to yield across a C-call boundary');
      co.frame = frame;
      co.yieldBase = a;
      co.yieldWant = nwant;
      co.status = CO_SUSPENDED;
      const vals: LuaValue[] = co.resumeIsWrap ? [] : [true];
      for (let i = 0; i < nargs; i++) vals.push(R[a + 1 + i]);
      return switchToResumer(L, co, vals);
    }
    case ID_PAIRS: {
      // a Lua __pairs runs as an ordinary call (3 results) so that it can yield
      const tm = nargs > 0 ? getMM(L, R[a + 1], '__pairs') : null;
      if (tm instanceof LuaClosure) {
        const nf = newLuaFrame(L, tm, frame, R, a + 1, 1, a, 3, K_NORMAL);
        if (nwant < 0) frame.top = a + 3;
        else for (let i = 3; i < nwant; i++) R[a + i] = null;
        L.frame = nf;
        return nf;
      }
      const n = callBuiltin(L, fn, R, a + 1, nargs);
      if (nwant < 0) frame.top = a + n;
      else for (let i = n; i < nwant; i++) R[a + i] = null;
      return frame;
    }
    default:
      throw libError(L, 'bad special builtin');
  }
}

function countResumers(L: LuaState): number {
  let n = 0;
  for (let t: Coroutine | null = L.thread; t !== null; t = t.prevThread) n++;
  return n;
}

/** Calls a metamethod with args; its (first) result goes to frame.regs[dest]. */
function callMeta(
  L: LuaState, frame: Frame, f: LuaValue, args: LuaValue[], dest: number, nwant: number, kind: number, event: string,
): Frame {
  syncFrame(L, frame);
  if (f instanceof LuaClosure) {
    const nf = newLuaFrame(L, f, frame, args, 0, args.length, dest, nwant, kind);
    L.frame = nf;
    return nf;
  }
  if (!(f instanceof LuaFunction) && getMM(L, f, '__call') === null) {
    throw rtError(L, typeErrorMsg(f, 'call', "metamethod '" + event.substring(2) + "'"));
  }
  const res = callValue(L, f, args);
  if (kind === K_COND) {
    const r = res.length > 0 && truthy(res[0]);
    const ins = frame.closure.proto.code[frame.pc];
    if (r !== (((ins >>> 24) & 1) !== 0)) frame.pc++;
  } else if (nwant > 0) frame.regs[dest] = res.length > 0 ? res[0] : null;
  return frame;
}

/**
 * Calls f(args) from TypeScript and returns its results. Runs a nested dispatch loop
 * for Lua functions (a host boundary: no yields across it).
 */
export function callValue(L: LuaState, f: LuaValue, args: LuaValue[]): LuaValue[] {
  if (f instanceof LuaBuiltin && f.id >= FIRST_PLAIN) {
    const R: LuaValue[] = [f];
    for (let i = 0; i < args.length; i++) R.push(args[i]);
    const saved = L.nativeCaller;
    const savedB = L.curBuiltin;
    L.nativeCaller = true;
    let n: number;
    try {
      n = callBuiltin(L, f, R, 1, args.length);
    } catch (e) {
      L.nativeCaller = saved;
      L.curBuiltin = savedB;
      throw e;
    }
    L.nativeCaller = saved;
    L.curBuiltin = savedB;
    return R.slice(0, n);
  }
  if (f instanceof LuaClosure) return runClosure(L, f, args);
  if (f instanceof LuaBuiltin) {
    const a2: LuaValue[] = [f];
    for (let i = 0; i < args.length; i++) a2.push(args[i]);
    return runClosure(L, L.trampoline as LuaClosure, a2);
  }
  let fn = f;
  let a3 = args;
  for (let guard = 0; guard < MAX_CALL_CHAIN; guard++) {
    const tm = getMM(L, fn, '__call');
    if (tm === null) throw libError(L, typeErrorMsg(fn, 'call', null));
    const withSelf: LuaValue[] = [fn];
    for (let i = 0; i < a3.length; i++) withSelf.push(a3[i]);
    if (tm instanceof LuaFunction) return callValue(L, tm, withSelf);
    fn = tm;
    a3 = withSelf;
  }
  throw new LuaError('stack overflow');
}

function runClosure(L: LuaState, cl: LuaClosure, args: LuaValue[]): LuaValue[] {
  if (L.hostDepth >= MAX_HOST_DEPTH) throw libError(L, 'stack overflow');
  const parent = L.frame;
  const thread = L.thread;
  const savedNative = L.nativeCaller;
  const frame = newLuaFrame(L, cl, parent, args, 0, args.length, 0, -1, K_HOST);
  thread.hostDepth++;
  L.hostDepth++;
  L.nativeCaller = false;
  L.frame = frame;
  try {
    runFrames(L, frame);
  } catch (e) {
    thread.hostDepth--;
    L.hostDepth--;
    L.frame = parent;
    L.thread = thread;
    L.nativeCaller = savedNative;
    throw e;
  }
  thread.hostDepth--;
  L.hostDepth--;
  L.frame = parent;
  L.thread = thread;
  L.nativeCaller = savedNative;
  return L.hostResults;
}

/** Runs until the K_HOST frame `base` returns, handling Lua errors on the way. */
function runFrames(L: LuaState, base: Frame): void {
  let frame = base;
  for (;;) {
    try {
      execute(frame.pc + 1, frame.closure.proto, frame, L);
      return;
    } catch (e) {
      if (e instanceof ExitSignal) throw e;
      const err = toLuaError(L, e);
      frame = handleError(L, base, err);
    }
  }
}

/** Converts any thrown value to a LuaError. */
export function toLuaError(L: LuaState, e: unknown): LuaError {
  if (e instanceof LuaError) return e;
  if (e instanceof ArithError) return rtError(L, e.msg);
  if (e instanceof HostError) return new LuaError(e.message);
  if (e instanceof RangeError) return rtError(L, 'stack overflow');
  if (e instanceof ExitSignal) throw e;
  if (e instanceof Error) return new LuaError('internal error: ' + e.message + '\n' + String(e.stack));
  return new LuaError('internal error: ' + String(e));
}

function callHandler(L: LuaState, h: LuaValue, v: LuaValue): LuaValue {
  const savedExtra = L.extraFrames;
  const savedFrame = L.frame;
  L.extraFrames = EXTRA_HANDLER_FRAMES;
  let res: LuaValue = null;
  try {
    const r = callValue(L, h, [v]);
    res = r.length > 0 ? r[0] : null;
  } catch (e) {
    if (e instanceof ExitSignal) {
      L.extraFrames = savedExtra;
      throw e;
    }
    L.frame = savedFrame;
    const ev = toLuaError(L, e).value;
    // an error in the handler goes to the handler again, one C level deeper as in
    // PUC, until the C stack limit turns it into "error in error handling"
    if (L.hostDepth + 1 >= MAX_HOST_DEPTH) res = 'error in error handling';
    else {
      L.hostDepth++;
      res = callHandler(L, h, ev);
      L.hostDepth--;
    }
  }
  L.extraFrames = savedExtra;
  return res;
}

/** Frames a message handler may use beyond MAX_FRAMES (to handle a stack overflow). */
const EXTRA_HANDLER_FRAMES = 50;

/**
 * Unwinds to the nearest pcall/xpcall or coroutine boundary; rethrows at `base`.
 * As in PUC, an xpcall message handler runs first, at the error point; then the
 * to-be-closed variables of the unwound frames are closed (unwindStep), their close
 * methods called at the level of pcall's caller. An error in one of them replaces the
 * error (the unwinding it belongs to catches it). A coroutine that dies by an error
 * keeps its frames: coroutine.close closes them later (wrap closes them at once).
 */
function handleError(L: LuaState, base: Frame, err0: LuaError): Frame {
  if (err0.frame === null) err0.frame = L.frame;
  let err = err0;
  let top = L.frame;
  for (;;) {
    let c = top;
    while (c !== null && c !== base && c.kind !== K_PCALL && c.kind !== K_XPCALL && c.kind !== K_COBASE &&
      c.kind !== K_HOST && !(c.kind === K_CLOSE && L.unwinds.has(c))) {
      c = c.parent;
    }
    if (c === null || top === null) throw err;
    if (c.kind === K_COBASE) {
      const co = L.thread;
      co.status = CO_DEAD;
      co.frame = top;
      if (!co.resumeIsWrap) {
        L.coErrors.set(co, err.value);
        return switchToResumer(L, co, [false, err.value]);
      }
      let v = closeCoroutine(L, co, err.value);
      const rf = co.resumerFrame as Frame;
      const prev = co.prevThread as Coroutine;
      L.thread = prev;
      prev.status = CO_RUNNING;
      co.prevThread = null;
      co.resumerFrame = null;
      L.frame = rf;
      if (typeof v === 'string' && rf.closure !== L.trampoline) v = framePosition(rf) + ' ' + v;
      err = new LuaError(v);
      top = rf;
      continue;
    }
    if (c.kind === K_CLOSE) {
      const outer = L.unwinds.get(c) as Unwind;
      L.unwinds.delete(c);
      return unwindStep(L, new Unwind(top, c, err.value, outer));
    }
    let v = err.value;
    if (c.kind === K_XPCALL) {
      L.frame = err0.frame !== null ? err0.frame : c;
      v = callHandler(L, c.handler, v);
    }
    if (c.kind === K_PCALL || c.kind === K_XPCALL) return unwindStep(L, new Unwind(top, c, v, null));
    // a host boundary: close here (nothing can yield across it), the error goes on in TypeScript
    const parent = c.parent;
    for (let f: Frame | null = top; f !== null; f = f.parent) {
      if (f.tbc !== null) {
        L.frame = parent;
        v = closeTbc(L, f, v);
      }
      if (f === c) break;
    }
    L.frame = c;
    if (v !== err.value) {
      const e2 = new LuaError(v);
      e2.frame = err.frame;
      throw e2;
    }
    throw err;
  }
}

/**
 * Goes on with an error unwinding: calls the next close method (returning its
 * K_CLOSE frame, which comes back here when it returns), or, when all are closed,
 * delivers pcall's `false, error` and returns pcall's caller.
 */
function unwindStep(L: LuaState, u0: Unwind): Frame {
  let u = u0;
  let root = u;
  while (root.outer !== null) root = root.outer;
  const caller = root.stop.parent as Frame;
  for (;;) {
    const f = u.top;
    const list = f.tbc;
    if (list !== null && list.length > 0) {
      const r = list.pop() as number;
      if (list.length === 0) f.tbc = null;
      const v = f.regs[r];
      if (v === null || v === false) continue;
      const tm = getMM(L, v, '__close');
      L.frame = caller;
      if (!(tm instanceof LuaFunction) && getMM(L, tm, '__call') === null) {
        // the metamethod was removed after the declaration: calling it fails (no position)
        u.v = typeErrorMsg(tm, 'call', null);
        continue;
      }
      if (tm instanceof LuaBuiltin && tm.id >= FIRST_PLAIN) {
        try {
          callValue(L, tm, [v, u.v]);
        } catch (e) {
          L.frame = caller;
          u.v = toLuaError(L, e).value;
        }
        continue;
      }
      const cf = closeFrame(L, tm, v, u.v, caller);
      L.unwinds.set(cf, u);
      return cf;
    }
    if (f !== u.stop) {
      u.top = f.parent as Frame;
      continue;
    }
    const outer = u.outer;
    if (outer !== null) {
      outer.v = u.v;
      u = outer;
      continue;
    }
    const c = u.stop;
    deliver(caller, c.retBase, c.nwant, [false, u.v]);
    L.frame = caller;
    return caller;
  }
}

/** A K_CLOSE frame calling close method `tm` (through the trampoline when not a Lua function). */
function closeFrame(L: LuaState, tm: LuaValue, v: LuaValue, err: LuaValue, parent: Frame): Frame {
  let cf: Frame;
  if (tm instanceof LuaClosure) cf = newLuaFrame(L, tm, parent, [v, err], 0, 2, 0, 0, K_CLOSE);
  else cf = newLuaFrame(L, L.trampoline as LuaClosure, parent, [tm, v, err], 0, 3, 0, 0, K_CLOSE);
  L.frame = cf;
  return cf;
}

/**
 * OP_CLOSE and RETURN: closes the to-be-closed variables of `f` at registers >= level,
 * in reverse order. A close method that may yield (a Lua function, a VM builtin such as
 * coroutine.yield, a callable object) runs in a K_CLOSE frame, which is returned; when
 * it returns, `f` runs the closing instruction again for the next variable (PUC's
 * luaV_finishOp does the same). Returns null when all are closed.
 */
export function closeStep(L: LuaState, f: Frame, level: number): Frame | null {
  const list = f.tbc as number[];
  while (list.length > 0 && list[list.length - 1] >= level) {
    const r = list.pop() as number;
    if (list.length === 0) f.tbc = null;
    const v = f.regs[r];
    if (v === null || v === false) continue;
    const tm = getMM(L, v, '__close');
    if (!(tm instanceof LuaFunction) && getMM(L, tm, '__call') === null) {
      throw rtError(L, typeErrorMsg(tm, 'call', "metamethod 'close'"));
    }
    if (tm instanceof LuaBuiltin && tm.id >= FIRST_PLAIN) {
      callValue(L, tm, [v, null]);
      continue;
    }
    return closeFrame(L, tm, v, null, f);
  }
  if (list.length === 0) f.tbc = null;
  return null;
}

/**
 * Closes all to-be-closed variables of `f` (in reverse order) where no close method can
 * yield: at a host boundary and in a coroutine being reset. An error in one becomes the
 * error the next ones get; returns the final error value.
 */
export function closeTbc(L: LuaState, f: Frame, errv: LuaValue): LuaValue {
  const list = f.tbc as number[];
  let ev = errv;
  while (list.length > 0) {
    const r = list.pop() as number;
    const v = f.regs[r];
    if (v === null || v === false) continue;
    const tm = getMM(L, v, '__close');
    const savedFrame = L.frame;
    if (!(tm instanceof LuaFunction) && getMM(L, tm, '__call') === null) {
      // the metamethod was removed after the declaration: calling it fails (no position)
      ev = typeErrorMsg(tm, 'call', null);
      continue;
    }
    try {
      callValue(L, tm, [v, ev]);
    } catch (e) {
      L.frame = savedFrame;
      ev = toLuaError(L, e).value;
    }
    L.frame = savedFrame;
  }
  f.tbc = null;
  return ev;
}

// ---------------------------------------------------------------------------
// Slow paths of the dispatch loop. Each returns the frame to continue in; the loop
// resumes at frame.pc + 1.

function opName(frame: Frame, which: number): string | null {
  return frame.closure.proto.names[frame.pc * 2 + which];
}

/** Drops the registers above `size` (values past the top, already consumed). */
function shrinkRegs(R: LuaValue[], size: number): void {
  while (R.length > size) R.pop();
}

/**
 * R[a] = t[key] when t lacks the key and its `__index` is a table that has it
 * (a method on a class table, the common object lookup). Traced inline: unlike
 * indexSlow it takes no frame, so compiled code need not write the registers
 * back for it. false: not that case, take indexSlow.
 */
function indexViaClass(R: LuaValue[], a: number, t: LuaTable, key: string): boolean {
  const mt = t.metatable;
  if (mt === null) return false;
  const idx = fastTM(mt, TM_INDEX, '__index');
  if (!(idx instanceof LuaTable)) return false;
  const v = idx.getStr(key);
  if (v === null && idx.metatable !== null) return false;
  R[a] = v;
  return true;
}

export function indexSlow(L: LuaState, frame: Frame, t0: LuaValue, k: LuaValue, dest: number): Frame {
  let t = t0;
  for (let loop = 0; loop < 2000; loop++) {
    let tm: LuaValue;
    if (t instanceof LuaTable) {
      const v = t.get(k);
      if (v !== null) {
        frame.regs[dest] = v;
        return frame;
      }
      const mt = t.metatable;
      if (mt === null) {
        frame.regs[dest] = null;
        return frame;
      }
      tm = fastTM(mt, TM_INDEX, '__index');
      if (tm === null) {
        frame.regs[dest] = null;
        return frame;
      }
    } else {
      tm = getMM(L, t, '__index');
      if (tm === null) {
        syncFrame(L, frame);
        throw rtError(L, indexErrorMsg(t, k, loop === 0 ? opName(frame, 0) : null));
      }
    }
    if (tm instanceof LuaFunction) return callMeta(L, frame, tm, [t, k], dest, 1, K_NORMAL, '__index');
    t = tm;
  }
  syncFrame(L, frame);
  throw rtError(L, "'__index' chain too long; possible loop");
}

function indexErrorMsg(t: LuaValue, k: LuaValue, desc: string | null): string {
  return typeErrorMsg(t, 'index', desc);
}

/** t[k] with metamethods, for builtins (host recursion for __index functions). */
export function indexValue(L: LuaState, t0: LuaValue, k: LuaValue): LuaValue {
  let t = t0;
  for (let loop = 0; loop < 2000; loop++) {
    let tm: LuaValue;
    if (t instanceof LuaTable) {
      const v = t.get(k);
      if (v !== null) return v;
      const mt = t.metatable;
      if (mt === null) return null;
      tm = fastTM(mt, TM_INDEX, '__index');
      if (tm === null) return null;
    } else {
      tm = getMM(L, t, '__index');
      if (tm === null) throw builtinRtError(typeErrorMsg(t, 'index', null));
    }
    if (tm instanceof LuaFunction) {
      const r = callValue(L, tm, [t, k]);
      return r.length > 0 ? r[0] : null;
    }
    t = tm;
  }
  throw builtinRtError("'__index' chain too long; possible loop");
}

/** t[k] = v with metamethods, for builtins. */
export function setIndexValue(L: LuaState, t0: LuaValue, k: LuaValue, v: LuaValue): void {
  let t = t0;
  for (let loop = 0; loop < 2000; loop++) {
    let tm: LuaValue;
    if (t instanceof LuaTable) {
      const mt = t.metatable;
      if (mt === null || t.get(k) !== null) {
        rawSetChecked(L, t, k, v, true);
        return;
      }
      tm = fastTM(mt, TM_NEWINDEX, '__newindex');
      if (tm === null) {
        rawSetChecked(L, t, k, v, true);
        return;
      }
    } else {
      tm = getMM(L, t, '__newindex');
      if (tm === null) throw builtinRtError(typeErrorMsg(t, 'index', null));
    }
    if (tm instanceof LuaFunction) {
      callValue(L, tm, [t, k, v]);
      return;
    }
    t = tm;
  }
  throw builtinRtError("'__newindex' chain too long; possible loop");
}

export function rawSetChecked(L: LuaState, t: LuaTable, k: LuaValue, v: LuaValue, inBuiltin = false): void {
  if (k === null) throw inBuiltin ? builtinRtError('table index is nil') : rtError(L, 'table index is nil');
  if (typeof k === 'number' && k !== k) throw inBuiltin ? builtinRtError('table index is NaN') : rtError(L, 'table index is NaN');
  t.set(k, v);
}

function setSlow(L: LuaState, frame: Frame, t0: LuaValue, k: LuaValue, v: LuaValue): Frame {
  syncFrame(L, frame);
  let t = t0;
  for (let loop = 0; loop < 2000; loop++) {
    let tm: LuaValue;
    if (t instanceof LuaTable) {
      const mt = t.metatable;
      if (mt === null || t.get(k) !== null) {
        rawSetChecked(L, t, k, v);
        return frame;
      }
      tm = fastTM(mt, TM_NEWINDEX, '__newindex');
      if (tm === null) {
        rawSetChecked(L, t, k, v);
        return frame;
      }
    } else {
      tm = getMM(L, t, '__newindex');
      if (tm === null) throw rtError(L, indexErrorMsg(t, k, loop === 0 ? opName(frame, 0) : null));
    }
    if (tm instanceof LuaFunction) return callMeta(L, frame, tm, [t, k, v], 0, 0, K_NORMAL, '__newindex');
    t = tm;
  }
  throw rtError(L, "'__newindex' chain too long; possible loop");
}

const EVENT_SHORT: string[] = ['add', 'sub', 'mul', 'mod', 'pow', 'div', 'idiv'];

function arithSlow(L: LuaState, frame: Frame, op: number, x: LuaValue, y: LuaValue, dest: number, unary: boolean): Frame {
  // Float arithmetic with an integral-valued (boxed) float operand: common in
  // float code (0.0, 2.0), so it skips the generic path below.
  if (!unary && op <= B_DIV && op !== B_MOD && op !== B_POW && (x instanceof LFloat || y instanceof LFloat)) {
    const fx = typeof x === 'number' ? x : x instanceof LFloat ? x.n : null;
    const fy = typeof y === 'number' ? y : y instanceof LFloat ? y.n : null;
    if (fx !== null && fy !== null) {
      frame.regs[dest] = mkFloat(op === B_ADD ? fx + fy : op === B_SUB ? fx - fy : op === B_MUL ? fx * fy : fx / fy);
      return frame;
    }
  }
  syncFrame(L, frame);
  if (op < B_BAND) {
    const nx = toNumberCoerce(x);
    const ny = toNumberCoerce(y);
    if (nx !== null && ny !== null) {
      try {
        frame.regs[dest] = unary ? unm(nx) : arithNum(op, nx, ny);
      } catch (e) {
        if (e instanceof ArithError) {
          // with a string operand the string library's metamethod (a builtin) raised it
          if (typeof x === 'string' || typeof y === 'string') throw new LuaError(e.msg);
          throw rtError(L, e.msg);
        }
        throw e;
      }
      return frame;
    }
  } else if (isNumVal(x) && isNumVal(y)) {
    // (5.4 does not coerce strings for bitwise operators)
    try {
      frame.regs[dest] = unary ? bnot(x) : arithNum(op, x, y);
    } catch (e) {
      if (e instanceof ArithError) {
        if (!isNumVal(x) || !isNumVal(y)) {
          const w = 'perform bitwise operation on';
          if (!isNumVal(x)) throw rtError(L, typeErrorMsg(x, w, opName(frame, 0)));
          throw rtError(L, typeErrorMsg(y, w, opName(frame, 1)));
        }
        const bad = toIntegerStrict(x) === null ? 0 : 1;
        const d = opName(frame, unary ? 0 : bad);
        throw rtError(L, 'number' + (d !== null ? ' (' + d + ')' : '') + ' has no integer representation');
      }
      throw e;
    }
    return frame;
  }
  const ev = unary ? (op < B_BAND ? '__unm' : '__bnot') : ARITH_EVENTS[op];
  const mx = getMM(L, x, ev);
  if (op < B_BAND && (typeof x === 'string' || (mx === null && typeof y === 'string'))) {
    // the string library's arithmetic metamethod would run and fail
    const my = typeof y === 'string' ? null : getMM(L, y, ev);
    if (my === null) {
      const name = unary ? 'unm' : EVENT_SHORT[op];
      throw rtError(L, 'attempt to ' + name + " a '" + typeName(x) + "' with a '" + typeName(y) + "'");
    }
    return callMeta(L, frame, my, [x, y], dest, 1, K_NORMAL, ev);
  }
  let tm = mx;
  if (tm === null) tm = getMM(L, y, ev);
  if (tm !== null) return callMeta(L, frame, tm, [x, y], dest, 1, K_NORMAL, ev);
  const what = op < B_BAND ? 'perform arithmetic on' : 'perform bitwise operation on';
  if (!isNumVal(x) || unary) throw rtError(L, typeErrorMsg(x, what, opName(frame, 0)));
  throw rtError(L, typeErrorMsg(y, what, opName(frame, 1)));
}

/** Slow path of the float-numeral arithmetic opcodes (k is the constant as a Lua value). */
function arithKfSlow(L: LuaState, frame: Frame, op: number, x: LuaValue, k: LuaValue, dest: number): Frame {
  if (op >= OP_ARITHKFL) return arithSlow(L, frame, op - OP_ARITHKFL, k, x, dest, false);
  return arithSlow(L, frame, op - OP_ARITHKF, x, k, dest, false);
}

function isNumOrStrNum(v: LuaValue): boolean {
  if (isNumVal(v)) return true;
  return typeof v === 'string' && toNumberCoerce(v) !== null;
}

export function tostringBasic(v: LuaValue): string | null {
  if (typeof v === 'string') return v;
  return numberToString(v);
}

function concatSlow(L: LuaState, frame: Frame, x: LuaValue, y: LuaValue, dest: number): Frame {
  syncFrame(L, frame);
  const sx = tostringBasic(x);
  const sy = tostringBasic(y);
  if (sx !== null && sy !== null) {
    frame.regs[dest] = sx + sy;
    return frame;
  }
  let tm = getMM(L, x, '__concat');
  if (tm === null) tm = getMM(L, y, '__concat');
  if (tm !== null) return callMeta(L, frame, tm, [x, y], dest, 1, K_NORMAL, '__concat');
  if (sx === null) throw rtError(L, typeErrorMsg(x, 'concatenate', opName(frame, 0)));
  throw rtError(L, typeErrorMsg(y, 'concatenate', opName(frame, 1)));
}

function lenSlow(L: LuaState, frame: Frame, x: LuaValue, dest: number): Frame {
  syncFrame(L, frame);
  if (typeof x === 'string') {
    frame.regs[dest] = x.length;
    return frame;
  }
  const tm = getMM(L, x, '__len');
  if (tm !== null) return callMeta(L, frame, tm, [x, x], dest, 1, K_NORMAL, '__len');
  if (x instanceof LuaTable) {
    frame.regs[dest] = x.length();
    return frame;
  }
  throw rtError(L, typeErrorMsg(x, 'get length of', opName(frame, 0)));
}

/** Length with metamethods, for builtins. */
export function lenValue(L: LuaState, x: LuaValue): LuaValue {
  if (typeof x === 'string') return x.length;
  const tm = getMM(L, x, '__len');
  if (tm !== null) {
    const r = callValue(L, tm, [x]);
    return r.length > 0 ? r[0] : null;
  }
  if (x instanceof LuaTable) return x.length();
  throw builtinRtError(typeErrorMsg(x, 'get length of', null));
}

function orderError(L: LuaState, x: LuaValue, y: LuaValue): LuaError {
  const t1 = objTypeName(x);
  const t2 = objTypeName(y);
  if (t1 === t2) return rtError(L, 'attempt to compare two ' + t1 + ' values');
  return rtError(L, 'attempt to compare ' + t1 + ' with ' + t2);
}

/** Comparison slow path; k is the instruction's expected result. */
function cmpSlow(L: LuaState, frame: Frame, x: LuaValue, y: LuaValue, isLe: boolean): Frame {
  syncFrame(L, frame);
  let res: boolean;
  if (isNumVal(x) && isNumVal(y)) res = isLe ? numLe(x, y) : numLt(x, y);
  else if (typeof x === 'string' && typeof y === 'string') res = isLe ? x <= y : x < y;
  else {
    const ev = isLe ? '__le' : '__lt';
    let tm = getMM(L, x, ev);
    if (tm === null) tm = getMM(L, y, ev);
    if (tm === null) throw orderError(L, x, y);
    return callMeta(L, frame, tm, [x, y], 0, 1, K_COND, ev);
  }
  const ins = frame.closure.proto.code[frame.pc];
  if (res !== (((ins >>> 24) & 1) !== 0)) frame.pc++;
  return frame;
}

/** x < y with metamethods, for builtins (sort). */
export function lessThan(L: LuaState, x: LuaValue, y: LuaValue): boolean {
  if (typeof x === 'number' && typeof y === 'number') return x < y;
  if (isNumVal(x) && isNumVal(y)) return numLt(x, y);
  if (typeof x === 'string' && typeof y === 'string') return x < y;
  let tm = getMM(L, x, '__lt');
  if (tm === null) tm = getMM(L, y, '__lt');
  if (tm === null) throw libOrderError(L, x, y);
  const r = callValue(L, tm, [x, y]);
  return r.length > 0 && truthy(r[0]);
}

function libOrderError(L: LuaState, x: LuaValue, y: LuaValue): LuaError {
  const t1 = objTypeName(x);
  const t2 = objTypeName(y);
  if (t1 === t2) return builtinRtError('attempt to compare two ' + t1 + ' values');
  return builtinRtError('attempt to compare ' + t1 + ' with ' + t2);
}

function eqSlow(L: LuaState, frame: Frame, x: LuaValue, y: LuaValue): Frame {
  syncFrame(L, frame);
  let res = false;
  if (isNumVal(x) && isNumVal(y)) res = numEq(x, y);
  else if ((x instanceof LuaTable && y instanceof LuaTable) || (x instanceof LuaUserdata && y instanceof LuaUserdata)) {
    let tm = getMM(L, x, '__eq');
    if (tm === null) tm = getMM(L, y, '__eq');
    if (tm !== null) return callMeta(L, frame, tm, [x, y], 0, 1, K_COND, '__eq');
  }
  const ins = frame.closure.proto.code[frame.pc];
  if (res !== (((ins >>> 24) & 1) !== 0)) frame.pc++;
  return frame;
}

/** x == y with metamethods, for builtins. */
export function equalsValue(L: LuaState, x: LuaValue, y: LuaValue): boolean {
  if (x === y) return true;
  if (isNumVal(x) && isNumVal(y)) return numEq(x, y);
  if ((x instanceof LuaTable && y instanceof LuaTable) || (x instanceof LuaUserdata && y instanceof LuaUserdata)) {
    let tm = getMM(L, x, '__eq');
    if (tm === null) tm = getMM(L, y, '__eq');
    if (tm !== null) {
      const r = callValue(L, tm, [x, y]);
      return r.length > 0 && truthy(r[0]);
    }
  }
  return false;
}

// ---- numeric for

function forError(L: LuaState, v: LuaValue, what: string): LuaError {
  return rtError(L, "bad 'for' " + what + ' (number expected, got ' + objTypeName(v) + ')');
}

/** FORPREP for everything but all-safe-integer loops. Returns true to skip the loop. */
function forPrepSlow(L: LuaState, R: LuaValue[], a: number): boolean {
  const init = R[a];
  const limit = R[a + 1];
  const step = R[a + 2];
  if (isIntValNum(init) && isIntValNum(step)) {
    if (isZero(step)) throw rtError(L, "'for' step is zero");
    // integer loop; convert the limit
    let lim: LuaValue;
    const stepNeg = isNegInt(step);
    if (isIntValNum(limit)) lim = limit;
    else {
      const ln = toNumberCoerce(limit);
      if (ln === null) throw forError(L, limit, 'limit');
      const f = fval(ln);
      if (f !== f) return true;
      if (isIntValNum(ln)) lim = ln;
      else {
        const fl = stepNeg ? Math.ceil(f) : Math.floor(f);
        if (fl >= TWO63) {
          if (stepNeg) return true;
          lim = i64Norm(i64Of(MAXINT));
        } else if (fl < -TWO63) {
          if (!stepNeg) return true;
          lim = MININT;
        } else lim = floatToInt(fl);
      }
    }
    const li = lim as LuaValue;
    if (stepNeg ? numLt(init, li) : numLt(li, init)) return true;
    if (typeof init === 'number' && typeof li === 'number' && typeof step === 'number') {
      R[a + 1] = li;
      R[a + 3] = init;
      return false;
    }
    // big-integer loop: precompute the iteration count (unsigned)
    const i0 = i64Of(init);
    const l0 = i64Of(li);
    const s0 = i64Of(step);
    let count: LInt;
    if (!stepNeg) {
      const diff = i64Sub(l0, i0);
      count = s0.hi === 0 && s0.lo === 1 ? diff : i64UDivMod(diff, s0)[0];
    } else {
      const diff = i64Sub(i0, l0);
      const ns = i64Neg(s0);
      count = i64UDivMod(diff, ns)[0];
    }
    R[a + 2] = new ForState(false, count, step);
    R[a + 3] = init;
    return false;
  }
  // float loop
  const fi = toNumberCoerce(init);
  const fl = toNumberCoerce(limit);
  const fs = toNumberCoerce(step);
  if (fl === null) throw forError(L, limit, 'limit');
  if (fs === null) throw forError(L, step, 'step');
  if (fi === null) throw forError(L, init, 'initial value');
  const a0 = fval(fi);
  const l1 = fval(fl);
  const s1 = fval(fs);
  if (s1 === 0) throw rtError(L, "'for' step is zero");
  if (s1 > 0 ? !(a0 <= l1) : !(a0 >= l1)) return true;
  R[a] = a0;
  R[a + 2] = new ForState(true, l1, s1);
  R[a + 3] = mkFloat(a0);
  return false;
}

const MAXINT = new LInt(0x7fffffff, -1);
const MININT = new LInt(-0x80000000, 0);

function isIntValNum(v: LuaValue): boolean {
  return (typeof v === 'number' && Number.isInteger(v)) || v instanceof LInt;
}
function isZero(v: LuaValue): boolean {
  return v === 0;
}
function isNegInt(v: LuaValue): boolean {
  if (typeof v === 'number') return v < 0;
  return i64IsNeg(v as LInt);
}

/** FORLOOP for ForState loops. Returns true to continue looping. */
function forLoopSlow(R: LuaValue[], a: number, st: ForState): boolean {
  if (st.isFloat) {
    const s = st.step as number;
    const i = (R[a] as number) + s;
    const lim = st.count as number;
    if (s > 0 ? i <= lim : i >= lim) {
      R[a] = i;
      R[a + 3] = mkFloat(i);
      return true;
    }
    return false;
  }
  const c = st.count as LInt;
  if (i64IsZero(c)) return false;
  st.count = i64Sub(c, new LInt(0, 1));
  const ni = i64Norm(i64Add(i64Of(R[a + 3]), i64Of(st.step)));
  R[a + 3] = ni;
  return true;
}

// ---------------------------------------------------------------------------
// The dispatch loop: the JIT portal. Greens: pc, proto. Reds: frame, L.

// Case labels are numeric literals (with the opcode name in a comment): V8 compiles a
// switch over Smi literals to a jump table, but over imported constants to a chain of
// comparisons (measured: 3x slower dispatch).
// L.frame is not kept up to date by calls and returns: see syncFrame.
export function execute(pc: number, proto: Proto, frame: Frame, L: LuaState): void {
  for (;;) {
    driver.jitMergePoint(pc, proto, frame, L);
    // Derived from the greens and reds each time: nothing else may live across
    // the merge point (the JIT re-enters the portal with just those).
    const R = frame.regs;
    const code = proto.code;
    const K = proto.k;
    if (proto.gate.hooks !== 0) hookStep(L, frame, pc);
    frame.pc = pc;
    const ins = code[pc];
    const op = ins & 0xff;
    const a = (ins >>> 8) & 0xff;
    let nf: Frame | null = null;
    switch (op) {
      case 0 /* OP_MOVE */:
        R[a] = R[(ins >>> 16) & 0xff];
        pc++;
        continue;
      case 1 /* OP_LOADK */:
        R[a] = K[ins >>> 16];
        pc++;
        continue;
      case 2 /* OP_LOADNIL */: {
        const b = (ins >>> 16) & 0xff;
        for (let i = 0; i <= b; i++) R[a + i] = null;
        pc++;
        continue;
      }
      case 3 /* OP_LOADBOOL */:
        R[a] = ((ins >>> 16) & 0xff) !== 0;
        pc += ins >>> 24 !== 0 ? 2 : 1;
        continue;
      case 4 /* OP_GETUPVAL */:
        R[a] = frame.closure.upvals[(ins >>> 16) & 0xff].v;
        pc++;
        continue;
      case 5 /* OP_SETUPVAL */:
        frame.closure.upvals[(ins >>> 16) & 0xff].v = R[a];
        pc++;
        continue;
      case 6 /* OP_GETBOX */:
        R[a] = (R[(ins >>> 16) & 0xff] as Box).v;
        pc++;
        continue;
      case 7 /* OP_SETBOX */:
        (R[a] as Box).v = R[(ins >>> 16) & 0xff];
        pc++;
        continue;
      case 8 /* OP_NEWBOX */:
        R[a] = new Box(R[a]);
        pc++;
        continue;
      case 9 /* OP_GETTABUP */: {
        const t = frame.closure.upvals[(ins >>> 16) & 0xff].v;
        const key = K[ins >>> 24] as string;
        if (t instanceof LuaTable) {
          const v = t.getStr(key);
          if (v !== null || t.metatable === null) {
            R[a] = v;
            pc++;
            continue;
          }
        }
        nf = indexSlow(L, frame, t, key, a);
        break;
      }
      case 11 /* OP_GETTABLE */: {
        const t = R[(ins >>> 16) & 0xff];
        const k = R[ins >>> 24];
        if (t instanceof LuaTable) {
          const v = t.get(k);
          if (v !== null || t.metatable === null) {
            R[a] = v;
            pc++;
            continue;
          }
        }
        nf = indexSlow(L, frame, t, k, a);
        break;
      }
      case 12 /* OP_GETFIELD */: {
        const t = R[(ins >>> 16) & 0xff];
        const key = K[ins >>> 24] as string;
        if (t instanceof LuaTable) {
          const v = t.getStr(key);
          if (v !== null || t.metatable === null) {
            R[a] = v;
            pc++;
            continue;
          }
          if (indexViaClass(R, a, t, key)) {
            pc++;
            continue;
          }
        }
        nf = indexSlow(L, frame, t, key, a);
        break;
      }
      case 98 /* OP_GETI */: {
        const t = R[(ins >>> 16) & 0xff];
        const k = ins >>> 24;
        if (t instanceof LuaTable) {
          const v = t.getInt(k);
          if (v !== null || t.metatable === null) {
            R[a] = v;
            pc++;
            continue;
          }
        }
        nf = indexSlow(L, frame, t, k, a);
        break;
      }
      case 16 /* OP_SELF */: {
        const t = R[(ins >>> 16) & 0xff];
        const key = K[ins >>> 24] as string;
        R[a + 1] = t;
        if (t instanceof LuaTable) {
          const v = t.getStr(key);
          if (v !== null || t.metatable === null) {
            R[a] = v;
            pc++;
            continue;
          }
          if (indexViaClass(R, a, t, key)) {
            pc++;
            continue;
          }
        }
        nf = indexSlow(L, frame, t, key, a);
        break;
      }
      case 13 /* OP_SETTABLE */: {
        const t = R[a];
        const k = R[(ins >>> 16) & 0xff];
        const v = R[ins >>> 24];
        if (t instanceof LuaTable) {
          const mt = t.metatable;
          if (mt === null || fastTM(mt, TM_NEWINDEX, '__newindex') === null) {
            if (typeof k === 'number') {
              if (Number.isInteger(k)) {
                t.setInt(k, v);
                pc++;
                continue;
              }
            } else if (typeof k === 'string') {
              t.setStr(k, v);
              pc++;
              continue;
            }
          }
        }
        nf = setSlow(L, frame, t, k, v);
        break;
      }
      case 99 /* OP_SETI */: {
        const t = R[a];
        const k = (ins >>> 16) & 0xff;
        const v = R[ins >>> 24];
        if (t instanceof LuaTable) {
          const mt = t.metatable;
          if (mt === null || fastTM(mt, TM_NEWINDEX, '__newindex') === null) {
            t.setInt(k, v);
            pc++;
            continue;
          }
        }
        nf = setSlow(L, frame, t, k, v);
        break;
      }
      case 14 /* OP_SETFIELD */: {
        const t = R[a];
        const key = K[(ins >>> 16) & 0xff] as string;
        const v = R[ins >>> 24];
        if (t instanceof LuaTable) {
          const mt = t.metatable;
          if (mt === null || fastTM(mt, TM_NEWINDEX, '__newindex') === null) {
            t.setStr(key, v);
            pc++;
            continue;
          }
        }
        nf = setSlow(L, frame, t, key, v);
        break;
      }
      case 10 /* OP_SETTABUP */: {
        const t = frame.closure.upvals[a].v;
        const key = K[(ins >>> 16) & 0xff] as string;
        const v = R[ins >>> 24];
        if (t instanceof LuaTable) {
          const mt = t.metatable;
          if (mt === null || fastTM(mt, TM_NEWINDEX, '__newindex') === null) {
            t.setStr(key, v);
            pc++;
            continue;
          }
        }
        nf = setSlow(L, frame, t, key, v);
        break;
      }
      case 15 /* OP_NEWTABLE */:
        R[a] = new LuaTable();
        if (proto.gate.gc !== 0) gcStep(L, frame);
        pc++;
        continue;
      // Arithmetic. ARITH: R op R; ARITHK: R op K; ARITHKL: K op R (register in B, constant
      // in C for all three). Addition and multiplication commute, so their fast paths
      // ignore the order; metamethods get the operands as written.
      case 48 /* OP_ARITH + B_ADD */:
      case 60 /* OP_ARITHK + B_ADD */:
      case 72 /* OP_ARITHKL + B_ADD */: {
        const x = R[(ins >>> 16) & 0xff];
        const y = op === OP_ARITH + B_ADD ? R[ins >>> 24] : K[ins >>> 24];
        if (typeof x === 'number' && typeof y === 'number') {
          const r = x + y;
          if (!Number.isInteger(r)) R[a] = r;
          else if (Number.isInteger(x) && Number.isInteger(y)) {
            R[a] = r <= MAX_SAFE && r >= -MAX_SAFE ? r : intArith(B_ADD, x, y);
          } else R[a] = new LFloat(r);
          pc++;
          continue;
        }
        nf = op === OP_ARITHKL + B_ADD ? arithSlow(L, frame, B_ADD, y, x, a, false) : arithSlow(L, frame, B_ADD, x, y, a, false);
        break;
      }
      case 49 /* OP_ARITH + B_SUB */:
      case 61 /* OP_ARITHK + B_SUB */:
      case 73 /* OP_ARITHKL + B_SUB */: {
        const rb = R[(ins >>> 16) & 0xff];
        const c = op === OP_ARITH + B_SUB ? R[ins >>> 24] : K[ins >>> 24];
        const x = op === OP_ARITHKL + B_SUB ? c : rb;
        const y = op === OP_ARITHKL + B_SUB ? rb : c;
        if (typeof x === 'number' && typeof y === 'number') {
          const r = x - y;
          if (!Number.isInteger(r)) R[a] = r;
          else if (Number.isInteger(x) && Number.isInteger(y)) {
            R[a] = r <= MAX_SAFE && r >= -MAX_SAFE ? r : intArith(B_SUB, x, y);
          } else R[a] = new LFloat(r);
          pc++;
          continue;
        }
        nf = arithSlow(L, frame, B_SUB, x, y, a, false);
        break;
      }
      case 50 /* OP_ARITH + B_MUL */:
      case 62 /* OP_ARITHK + B_MUL */:
      case 74 /* OP_ARITHKL + B_MUL */: {
        const x = R[(ins >>> 16) & 0xff];
        const y = op === OP_ARITH + B_MUL ? R[ins >>> 24] : K[ins >>> 24];
        if (typeof x === 'number' && typeof y === 'number') {
          const r = x * y;
          if (!Number.isInteger(r)) R[a] = r;
          else if (Number.isInteger(x) && Number.isInteger(y)) {
            R[a] = r <= MAX_SAFE && r >= -MAX_SAFE ? r + 0 : intArith(B_MUL, x, y);
          } else R[a] = new LFloat(r);
          pc++;
          continue;
        }
        nf = op === OP_ARITHKL + B_MUL ? arithSlow(L, frame, B_MUL, y, x, a, false) : arithSlow(L, frame, B_MUL, x, y, a, false);
        break;
      }
      case 53 /* OP_ARITH + B_DIV */:
      case 65 /* OP_ARITHK + B_DIV */:
      case 77 /* OP_ARITHKL + B_DIV */: {
        const rb = R[(ins >>> 16) & 0xff];
        const c = op === OP_ARITH + B_DIV ? R[ins >>> 24] : K[ins >>> 24];
        const x = op === OP_ARITHKL + B_DIV ? c : rb;
        const y = op === OP_ARITHKL + B_DIV ? rb : c;
        if (typeof x === 'number' && typeof y === 'number') {
          const r = x / y;
          R[a] = Number.isInteger(r) ? new LFloat(r) : r;
          pc++;
          continue;
        }
        nf = arithSlow(L, frame, B_DIV, x, y, a, false);
        break;
      }
      case 51 /* OP_ARITH + B_MOD */:
      case 63 /* OP_ARITHK + B_MOD */:
      case 75 /* OP_ARITHKL + B_MOD */: {
        const rb = R[(ins >>> 16) & 0xff];
        const c = op === OP_ARITH + B_MOD ? R[ins >>> 24] : K[ins >>> 24];
        const x = op === OP_ARITHKL + B_MOD ? c : rb;
        const y = op === OP_ARITHKL + B_MOD ? rb : c;
        if (typeof x === 'number' && typeof y === 'number') {
          if (Number.isInteger(x) && Number.isInteger(y)) {
            if (y !== 0) {
              let r = x % y;
              if (r !== 0 && r < 0 !== y < 0) r += y;
              R[a] = r + 0;
              pc++;
              continue;
            }
          } else {
            const r = fmod(x, y);
            R[a] = Number.isInteger(r) ? new LFloat(r) : r;
            pc++;
            continue;
          }
        }
        nf = arithSlow(L, frame, B_MOD, x, y, a, false);
        break;
      }
      case 54 /* OP_ARITH + B_IDIV */:
      case 66 /* OP_ARITHK + B_IDIV */:
      case 78 /* OP_ARITHKL + B_IDIV */: {
        const rb = R[(ins >>> 16) & 0xff];
        const c = op === OP_ARITH + B_IDIV ? R[ins >>> 24] : K[ins >>> 24];
        const x = op === OP_ARITHKL + B_IDIV ? c : rb;
        const y = op === OP_ARITHKL + B_IDIV ? rb : c;
        if (typeof x === 'number' && typeof y === 'number') {
          if (Number.isInteger(x) && Number.isInteger(y)) {
            if (y !== 0) {
              R[a] = Math.floor(x / y) + 0;
              pc++;
              continue;
            }
          } else {
            R[a] = mkFloat(Math.floor(x / y));
            pc++;
            continue;
          }
        }
        nf = arithSlow(L, frame, B_IDIV, x, y, a, false);
        break;
      }
      case 52 /* OP_ARITH + B_POW */:
      case 64 /* OP_ARITHK + B_POW */:
      case 76 /* OP_ARITHKL + B_POW */: {
        const rb = R[(ins >>> 16) & 0xff];
        const c = op === OP_ARITH + B_POW ? R[ins >>> 24] : K[ins >>> 24];
        const x = op === OP_ARITHKL + B_POW ? c : rb;
        const y = op === OP_ARITHKL + B_POW ? rb : c;
        if (typeof x === 'number' && typeof y === 'number') {
          const r = pow(x, y);
          R[a] = Number.isInteger(r) ? new LFloat(r) : r;
          pc++;
          continue;
        }
        nf = arithSlow(L, frame, B_POW, x, y, a, false);
        break;
      }
      case 55 /* OP_ARITH + B_BAND */:
      case 56 /* OP_ARITH + B_BAND + 1 */:
      case 57 /* OP_ARITH + B_BAND + 2 */:
      case 58 /* OP_ARITH + B_BAND + 3 */:
      case 59 /* OP_ARITH + B_SHR */:
      case 67 /* OP_ARITHK + B_BAND */:
      case 68 /* OP_ARITHK + B_BAND + 1 */:
      case 69 /* OP_ARITHK + B_BAND + 2 */:
      case 70 /* OP_ARITHK + B_BAND + 3 */:
      case 71 /* OP_ARITHK + B_SHR */:
      case 79 /* OP_ARITHKL + B_BAND */:
      case 80 /* OP_ARITHKL + B_BAND + 1 */:
      case 81 /* OP_ARITHKL + B_BAND + 2 */:
      case 82 /* OP_ARITHKL + B_BAND + 3 */:
      case 83 /* OP_ARITHKL + B_SHR */: {
        const left = op >= OP_ARITHKL;
        const bop = op - (left ? OP_ARITHKL : op >= OP_ARITHK ? OP_ARITHK : OP_ARITH);
        const rb = R[(ins >>> 16) & 0xff];
        const c = op >= OP_ARITHK ? K[ins >>> 24] : R[ins >>> 24];
        const x = left ? c : rb;
        const y = left ? rb : c;
        if (typeof x === 'number' && typeof y === 'number' && (x | 0) === x && (y | 0) === y && bop <= B_BAND + 2) {
          R[a] = bop === B_BAND ? x & y : bop === B_BAND + 1 ? x | y : x ^ y;
          pc++;
          continue;
        }
        nf = arithSlow(L, frame, bop, x, y, a, false);
        break;
      }
      // Arithmetic with a float numeral (KF = proto.kf, raw doubles): a float result.
      case 84 /* OP_ARITHKF + B_ADD */:
      case 91 /* OP_ARITHKFL + B_ADD */: {
        const x = R[(ins >>> 16) & 0xff];
        if (typeof x === 'number') {
          const r = x + proto.kf[ins >>> 24];
          R[a] = Number.isInteger(r) ? new LFloat(r) : r;
          pc++;
          continue;
        }
        nf = arithKfSlow(L, frame, op, x, K[ins >>> 24], a);
        break;
      }
      case 85 /* OP_ARITHKF + B_SUB */:
      case 92 /* OP_ARITHKFL + B_SUB */: {
        const x = R[(ins >>> 16) & 0xff];
        if (typeof x === 'number') {
          const k = proto.kf[ins >>> 24];
          const r = op === OP_ARITHKF + B_SUB ? x - k : k - x;
          R[a] = Number.isInteger(r) ? new LFloat(r) : r;
          pc++;
          continue;
        }
        nf = arithKfSlow(L, frame, op, x, K[ins >>> 24], a);
        break;
      }
      case 86 /* OP_ARITHKF + B_MUL */:
      case 93 /* OP_ARITHKFL + B_MUL */: {
        const x = R[(ins >>> 16) & 0xff];
        if (typeof x === 'number') {
          const r = x * proto.kf[ins >>> 24];
          R[a] = Number.isInteger(r) ? new LFloat(r) : r;
          pc++;
          continue;
        }
        nf = arithKfSlow(L, frame, op, x, K[ins >>> 24], a);
        break;
      }
      case 89 /* OP_ARITHKF + B_DIV */:
      case 96 /* OP_ARITHKFL + B_DIV */: {
        const x = R[(ins >>> 16) & 0xff];
        if (typeof x === 'number') {
          const k = proto.kf[ins >>> 24];
          const r = op === OP_ARITHKF + B_DIV ? x / k : k / x;
          R[a] = Number.isInteger(r) ? new LFloat(r) : r;
          pc++;
          continue;
        }
        nf = arithKfSlow(L, frame, op, x, K[ins >>> 24], a);
        break;
      }
      case 87 /* OP_ARITHKF + B_MOD */:
      case 88 /* OP_ARITHKF + B_POW */:
      case 90 /* OP_ARITHKF + B_IDIV */:
      case 94 /* OP_ARITHKFL + B_MOD */:
      case 95 /* OP_ARITHKFL + B_POW */:
      case 97 /* OP_ARITHKFL + B_IDIV */: {
        const x = R[(ins >>> 16) & 0xff];
        if (typeof x === 'number') {
          const k = proto.kf[ins >>> 24];
          R[a] = op >= OP_ARITHKFL ? floatArith(op - OP_ARITHKFL, k, x) : floatArith(op - OP_ARITHKF, x, k);
          pc++;
          continue;
        }
        nf = arithKfSlow(L, frame, op, x, K[ins >>> 24], a);
        break;
      }
      case 17 /* OP_UNM */: {
        const x = R[(ins >>> 16) & 0xff];
        if (typeof x === 'number') {
          R[a] = -x + 0;
          pc++;
          continue;
        }
        nf = arithSlow(L, frame, B_ADD, x, x, a, true);
        break;
      }
      case 18 /* OP_NOT */: {
        const x = R[(ins >>> 16) & 0xff];
        R[a] = x === null || x === false;
        pc++;
        continue;
      }
      case 19 /* OP_LEN */: {
        const x = R[(ins >>> 16) & 0xff];
        if (typeof x === 'string') {
          R[a] = x.length;
          pc++;
          continue;
        }
        if (x instanceof LuaTable) {
          const mt = x.metatable;
          if (mt === null || fastTM(mt, TM_LEN, '__len') === null) {
            R[a] = x.length();
            pc++;
            continue;
          }
        }
        nf = lenSlow(L, frame, x, a);
        break;
      }
      case 20 /* OP_BNOT */: {
        const x = R[(ins >>> 16) & 0xff];
        if (typeof x === 'number' && (x | 0) === x) {
          R[a] = ~x;
          pc++;
          continue;
        }
        nf = arithSlow(L, frame, B_BAND, x, x, a, true);
        break;
      }
      case 21 /* OP_CONCAT */: {
        if (proto.gate.gc !== 0) gcStep(L, frame);
        const x = R[(ins >>> 16) & 0xff];
        const y = R[ins >>> 24];
        if (typeof x === 'string') {
          if (typeof y === 'string') {
            R[a] = x + y;
            pc++;
            continue;
          }
          if (typeof y === 'number' && Number.isInteger(y)) {
            R[a] = x + y;
            pc++;
            continue;
          }
        } else if (typeof y === 'string' && typeof x === 'number' && Number.isInteger(x)) {
          R[a] = x + y;
          pc++;
          continue;
        }
        nf = concatSlow(L, frame, x, y, a);
        break;
      }
      case 22 /* OP_JMP */: {
        const off = ins >> 8;
        pc += 1 + off;
        if (off < 0) driver.canEnterJit(pc, proto, frame, L);
        continue;
      }
      case 23 /* OP_EQ */: {
        const x = R[a];
        const y = R[(ins >>> 16) & 0xff];
        let res: boolean;
        if (x === y) res = true;
        else if ((typeof x === 'number' && typeof y === 'number') || typeof x === 'string' || typeof y === 'string' ||
          x === null || y === null || typeof x === 'boolean' || typeof y === 'boolean') res = false;
        else {
          nf = eqSlow(L, frame, x, y);
          break;
        }
        if (res === (((ins >>> 24) & 1) !== 0)) {
          const off = code[pc + 1] >> 8;
          pc += 2 + off;
          if (off < 0) driver.canEnterJit(pc, proto, frame, L);
        } else pc += 2;
        continue;
      }
      case 26 /* OP_EQK */: {
        const x = R[a];
        const y = K[(ins >>> 16) & 0xff];
        let res: boolean;
        if (x === y) res = true;
        else if (typeof y === 'string' || typeof x === 'string' || x === null || typeof x === 'boolean' ||
          (typeof x === 'number' && typeof y === 'number')) res = false;
        else {
          nf = eqSlow(L, frame, x, y);
          break;
        }
        if (res === (((ins >>> 24) & 1) !== 0)) {
          const off = code[pc + 1] >> 8;
          pc += 2 + off;
          if (off < 0) driver.canEnterJit(pc, proto, frame, L);
        } else pc += 2;
        continue;
      }
      case 24 /* OP_LT */:
      case 25 /* OP_LE */:
      case 27 /* OP_LTK */:
      case 28 /* OP_LEK */:
      case 29 /* OP_GTK */:
      case 30 /* OP_GEK */: {
        let x: LuaValue;
        let y: LuaValue;
        if (op === OP_LT || op === OP_LE) {
          x = R[a];
          y = R[(ins >>> 16) & 0xff];
        } else if (op === OP_LTK || op === OP_LEK) {
          x = R[a];
          y = K[(ins >>> 16) & 0xff];
        } else {
          x = K[(ins >>> 16) & 0xff];
          y = R[a];
        }
        const isLe = op === OP_LE || op === OP_LEK || op === OP_GEK;
        if (typeof x === 'number' && typeof y === 'number') {
          const res = isLe ? x <= y : x < y;
          if (res === (((ins >>> 24) & 1) !== 0)) {
            const off = code[pc + 1] >> 8;
            pc += 2 + off;
            if (off < 0) driver.canEnterJit(pc, proto, frame, L);
          } else pc += 2;
          continue;
        }
        if (ins >>> 24 > 1) {
          // the constant is an integral float the compiler stored as an integer (see compare())
          if (op === OP_GTK || op === OP_GEK) x = mkFloat(x as number);
          else y = mkFloat(y as number);
        }
        nf = cmpSlow(L, frame, x, y, isLe);
        break;
      }
      case 31 /* OP_TEST */: {
        const x = R[a];
        const res = x !== null && x !== false;
        if (res === (((ins >>> 24) & 1) !== 0)) {
          const off = code[pc + 1] >> 8;
          pc += 2 + off;
          if (off < 0) driver.canEnterJit(pc, proto, frame, L);
        } else pc += 2;
        continue;
      }
      case 32 /* OP_CALL */: {
        const b = (ins >>> 16) & 0xff;
        const nargs = b === 0 ? frame.top - a - 1 : b - 1;
        const nwant = (ins >>> 24) - 1;
        const fn = R[a];
        if (fn instanceof LuaClosure) {
          nf = newLuaFrame(L, fn, frame, R, a + 1, nargs, a, nwant, K_NORMAL);
          frame = nf;
          proto = fn.proto;
          pc = 0;
          continue;
        }
        if (fn instanceof LuaBuiltin && fn.id >= FIRST_PLAIN) {
          syncFrame(L, frame);
          const n = callBuiltin(L, fn, R, a + 1, nargs);
          if (nwant < 0) frame.top = a + n;
          else for (let i = n; i < nwant; i++) R[a + i] = null;
          pc++;
          continue;
        }
        nf = callAt(L, frame, a, nargs, nwant);
        break;
      }
      case 33 /* OP_TAILCALL */: {
        const b = (ins >>> 16) & 0xff;
        const nargs = b === 0 ? frame.top - a - 1 : b - 1;
        const fn = R[a];
        if (fn instanceof LuaClosure && frame.tbc === null) {
          const parent = frame.parent;
          const t = newLuaFrame(L, fn, parent, R, a + 1, nargs, frame.retBase, frame.nwant, frame.kind);
          t.handler = frame.handler;
          frame = t;
          proto = fn.proto;
          pc = 0;
          continue;
        }
        if (fn instanceof LuaBuiltin && fn.id >= FIRST_PLAIN) {
          // `return builtin(...)`: its results go where the RETURN that follows takes them
          syncFrame(L, frame);
          frame.top = a + callBuiltin(L, fn, R, a + 1, nargs);
          pc++;
          continue;
        }
        // not a Lua function: an ordinary call, then the RETURN that follows
        nf = callAt(L, frame, a, nargs, -1);
        break;
      }
      case 34 /* OP_RETURN */:
      case 45 /* OP_RETURN0 */:
      case 46 /* OP_RETURN1 */: {
        const b = (ins >>> 16) & 0xff;
        const n = op === OP_RETURN0 ? 0 : op === OP_RETURN1 ? 1 : b === 0 ? frame.top - a : b - 1;
        if (frame.kind === K_NORMAL && frame.tbc === null) {
          const parent = frame.parent as Frame;
          const P = parent.regs;
          const rb = frame.retBase;
          const want = frame.nwant;
          if (want === 1) P[rb] = n >= 1 ? R[a] : null;
          else if (want < 0) {
            for (let i = 0; i < n; i++) P[rb + i] = R[a + i];
            parent.top = rb + n;
          } else {
            for (let i = 0; i < want; i++) P[rb + i] = i < n ? R[a + i] : null;
          }
          frame = parent;
          proto = parent.closure.proto;
          pc = parent.pc + 1;
          continue;
        }
        nf = postReturn(L, frame, a, n);
        if (nf === null) return;
        break;
      }
      case 35 /* OP_FORPREP */: {
        const init = R[a];
        const limit = R[a + 1];
        const step = R[a + 2];
        if (typeof init === 'number' && typeof limit === 'number' && typeof step === 'number' &&
          Number.isInteger(init) && Number.isInteger(limit) && Number.isInteger(step) && step !== 0) {
          if (step > 0 ? init > limit : init < limit) pc += 1 + (ins >>> 16);
          else {
            R[a + 3] = init;
            pc++;
          }
          continue;
        }
        syncFrame(L, frame);
        if (forPrepSlow(L, R, a)) pc += 1 + (ins >>> 16);
        else pc++;
        continue;
      }
      case 36 /* OP_FORLOOP */: {
        const step = R[a + 2];
        if (typeof step === 'number') {
          const i = (R[a] as number) + step;
          if (step > 0 ? i <= (R[a + 1] as number) : i >= (R[a + 1] as number)) {
            R[a] = i;
            R[a + 3] = i;
            pc = pc + 1 - (ins >>> 16);
            driver.canEnterJit(pc, proto, frame, L);
          } else pc++;
          continue;
        }
        if (forLoopSlow(R, a, step as ForState)) {
          pc = pc + 1 - (ins >>> 16);
          driver.canEnterJit(pc, proto, frame, L);
        } else pc++;
        continue;
      }
      case 37 /* OP_TFORPREP */:
        pc += 1 + (ins >>> 16);
        continue;
      case 38 /* OP_TFORCALL */: {
        const c = ins >>> 24;
        R[a + 4] = R[a];
        R[a + 5] = R[a + 1];
        R[a + 6] = R[a + 2];
        const fn = R[a];
        if (fn instanceof LuaBuiltin && fn.id >= FIRST_PLAIN) {
          syncFrame(L, frame);
          const n = callBuiltin(L, fn, R, a + 5, 2);
          for (let i = n; i < c; i++) R[a + 4 + i] = null;
          pc++;
          continue;
        }
        nf = callAt(L, frame, a + 4, 2, c);
        break;
      }
      case 39 /* OP_TFORLOOP */: {
        const v = R[a + 4];
        if (v !== null) {
          R[a + 2] = v;
          pc = pc + 1 - (ins >>> 16);
          driver.canEnterJit(pc, proto, frame, L);
        } else pc++;
        continue;
      }
      case 40 /* OP_SETLIST */: {
        const b = (ins >>> 16) & 0xff;
        const n = b === 0 ? frame.top - a - 1 : b;
        const t = R[a] as LuaTable;
        t.setList(code[pc + 1], R, a + 1, n);
        // `{f()}` of many values grew the register array past the proto's registers:
        // drop the consumed rest, or every later trace of this frame carries each slot
        // of the virtualizable array (a 2000-slot array made a loop's trace 340 KB).
        if (b === 0 && R.length > proto.maxStack) shrinkRegs(R, proto.maxStack);
        pc += 2;
        continue;
      }
      case 41 /* OP_CLOSURE */: {
        R[a] = makeClosure(proto.protos[ins >>> 16], frame.closure, R);
        if (proto.gate.gc !== 0) gcStep(L, frame);
        pc++;
        continue;
      }
      case 42 /* OP_VARARG */: {
        const c = ins >>> 24;
        const va = frame.varargs;
        if (c === 0) {
          for (let i = 0; i < va.length; i++) R[a + i] = va[i];
          frame.top = a + va.length;
        } else {
          for (let i = 0; i < c - 1; i++) R[a + i] = i < va.length ? va[i] : null;
        }
        pc++;
        continue;
      }
      case 43 /* OP_TBC */: {
        markTbc(L, frame, a, ins >>> 16);
        pc++;
        continue;
      }
      case 44 /* OP_CLOSE */: {
        if (frame.tbc !== null) {
          syncFrame(L, frame);
          nf = closeStep(L, frame, a);
          if (nf !== null) break;
        }
        pc++;
        continue;
      }
      default:
        syncFrame(L, frame);
        throw rtError(L, 'bad opcode ' + op);
    }
    // a slow path returned the frame to continue in
    const f = nf as Frame;
    frame = f;
    proto = f.closure.proto;
    pc = f.pc + 1;
  }
}

/** @unrollSafe */
function makeClosure(p: Proto, encl: LuaClosure, R: LuaValue[]): LuaClosure {
  const n = p.upIndex.length;
  const ups: Box[] = [];
  for (let i = 0; i < n; i++) {
    if (p.upInStack[i] !== 0) ups.push(R[p.upIndex[i]] as Box);
    else ups.push(encl.upvals[p.upIndex[i]]);
  }
  return new LuaClosure(p, ups);
}

/** OP_TBC: register `a` holds a to-be-closed variable, named by constant `nameK`. */
function markTbc(L: LuaState, frame: Frame, a: number, nameK: number): void {
  syncFrame(L, frame);
  const v = frame.regs[a];
  if (v === null || v === false) {
    return;
  }
  if (getMM(L, v, '__close') === null) {
    const name = frame.closure.proto.k[nameK];
    throw rtError(L, "variable '" + (name as string) + "' got a non-closable value");
  }
  if (frame.tbc === null) frame.tbc = [];
  frame.tbc.push(a);
}

export { truthy, EMPTY, K_HOST, runFrames };
export { B_SUB, B_MUL, B_MOD, B_POW, B_DIV, B_IDIV };
