// mini-lua frames, calls, returns, coroutine switches and errors: the machinery
// around the dispatch loop (interp.ts, whose header explains how guest calls run).

import { weAreJitted, HostError } from 'metajit';
import { Proto } from './proto.js';
import {
  Box, LuaClosure, LuaBuiltin, LuaFunction, LuaError, Coroutine, CO_DEAD, CO_RUNNING, CO_SUSPENDED,
  CO_NORMAL, type LuaValue,
} from './value.js';
import {
  Frame, LuaState, Unwind, K_NORMAL, K_PCALL, K_XPCALL, K_COND, K_COBASE, K_HOST, K_CLOSE, MAX_FRAMES,
  MAX_HOST_DEPTH, rtError, libError, typeErrorMsg, framePosition, ExitSignal,
} from './state.js';
import { ArithError } from './arith.js';
import {
  callBuiltin, ID_PCALL, ID_XPCALL, ID_RESUME, ID_YIELD, ID_WRAPCALL, ID_PAIRS, FIRST_PLAIN,
} from './builtins.js';
import { closeCoroutine } from './lib_coro.js';
import { hookReturn } from './lhook.js';
import { argError, typeNameMeta } from './libutil.js';
import { execute, getMM, truthy } from './interp.js';

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

export const EMPTY: LuaValue[] = [];

/**
 * Makes L.frame the running frame. The dispatch loop keeps the running frame in a
 * local and publishes it only before what may read L.frame (slow paths, builtins,
 * errors): L is old and frames are young, so a store per call and return paid V8's
 * old-to-new write barrier (about 100 instructions) on every call.
 */
export function syncFrame(L: LuaState, frame: Frame): void {
  if (L.frame !== frame) L.frame = frame;
}

/** Past MAX_FRAMES only a message handler may go on, for a few frames (PUC's extra stack). */
export function checkFrameOverflow(L: LuaState, caller: Frame, depth: number): void {
  if (depth < MAX_FRAMES + L.extraFrames) return;
  syncFrame(L, caller);
  // overflowing the extra space too is PUC's LUA_ERRERR
  if (L.extraFrames > 0) throw new LuaError('error in error handling');
  throw rtError(L, 'stack overflow');
}

/** Stores vals into dst.regs[base..] adjusted to `want` (-1: all, sets top). */
export function deliver(dst: Frame, base: number, want: number, vals: LuaValue[]): void {
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
export function postReturn(L: LuaState, frame: Frame, a: number, n: number): Frame | null {
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

export function switchToResumer(L: LuaState, co: Coroutine, vals: LuaValue[]): Frame {
  const rf = leaveCoroutine(L, co);
  deliver(rf, co.resumeBase, co.resumeWant, vals);
  return rf;
}

/** Makes the thread that resumed `co` the running one again; returns the frame that resumed it. */
function leaveCoroutine(L: LuaState, co: Coroutine): Frame {
  const prev = co.prevThread as Coroutine;
  const rf = co.resumerFrame as Frame;
  L.thread = prev;
  prev.status = CO_RUNNING;
  co.prevThread = null;
  co.resumerFrame = null;
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

export const MAX_CALL_CHAIN = 2000;

export function callSpecial(L: LuaState, frame: Frame, fn: LuaBuiltin, a: number, nargs: number, nwant: number): Frame {
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

export function countResumers(L: LuaState): number {
  let n = 0;
  for (let t: Coroutine | null = L.thread; t !== null; t = t.prevThread) n++;
  return n;
}

/** Calls a metamethod with args; its (first) result goes to frame.regs[dest]. */
export function callMeta(
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

export function runClosure(L: LuaState, cl: LuaClosure, args: LuaValue[]): LuaValue[] {
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
export function runFrames(L: LuaState, base: Frame): void {
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

export function callHandler(L: LuaState, h: LuaValue, v: LuaValue): LuaValue {
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
export const EXTRA_HANDLER_FRAMES = 50;

/**
 * Unwinds to the nearest pcall/xpcall or coroutine boundary; rethrows at `base`.
 * As in PUC, an xpcall message handler runs first, at the error point; then the
 * to-be-closed variables of the unwound frames are closed (unwindStep), their close
 * methods called at the level of pcall's caller. An error in one of them replaces the
 * error (the unwinding it belongs to catches it). A coroutine that dies by an error
 * keeps its frames: coroutine.close closes them later (wrap closes them at once).
 */
export function handleError(L: LuaState, base: Frame, err0: LuaError): Frame {
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
      const rf = leaveCoroutine(L, co);
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
export function unwindStep(L: LuaState, u0: Unwind): Frame {
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
export function closeFrame(L: LuaState, tm: LuaValue, v: LuaValue, err: LuaValue, parent: Frame): Frame {
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

/** @unrollSafe */
export function makeClosure(p: Proto, encl: LuaClosure, R: LuaValue[]): LuaClosure {
  const n = p.upIndex.length;
  const ups: Box[] = [];
  for (let i = 0; i < n; i++) {
    if (p.upInStack[i] !== 0) ups.push(R[p.upIndex[i]] as Box);
    else ups.push(encl.upvals[p.upIndex[i]]);
  }
  return new LuaClosure(p, ups);
}

/** OP_TBC: register `a` holds a to-be-closed variable, named by constant `nameK`. */
export function markTbc(L: LuaState, frame: Frame, a: number, nameK: number): void {
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
