// Debug hooks (debug.sethook): call, return, line and count events, per thread as in PUC.
//
// The dispatch loop calls hookStep before each instruction while any thread has a hook
// (VmGate.hooks, read from every Proto), so a program without hooks pays one field test per
// instruction, which traces fold away.
// hookStep derives every event from the frame and the instruction about to run:
//   - call: the frame has not run yet (frame.pc is -1); "tail call" when it replaced
//     its caller's callee;
//   - line: the instruction starts a new line, or the frame jumped back (frame.pc still
//     holds the instruction executed before, the "old pc" of PUC's luaG_traceexec);
//   - return: before RETURN* of a frame without to-be-closed variables; a frame with
//     some reports it from postReturn, after closing them (PUC's order);
//   - builtins: "call" before a CALL/TAILCALL/TFORCALL of a builtin, "return" at the
//     frame's next instruction, which runs when the builtin returned (for yield: when
//     the coroutine is resumed), as a pending return (LuaState.hookPending).
// While a hook runs, LuaState.hookFrame says which frame it is reporting about and
// hookCFn which builtin (or none) stands above it, so that the stack levels the hook
// sees (debug.getinfo(2)) are PUC's. Hooks do not run inside hooks.

import type { LuaValue } from './value.js';
import { LuaBuiltin, LuaFunction, Coroutine } from './value.js';
import { LuaState, Frame, K_NORMAL } from './state.js';
import { OP_CALL, OP_TAILCALL, OP_TFORCALL, OP_RETURN, OP_RETURN0, OP_RETURN1 } from './proto.js';
import { callValue } from './frames.js';

export const MASK_CALL = 1;
export const MASK_RET = 2;
export const MASK_LINE = 4;
export const MASK_COUNT = 8;

/** Runs the hook of thread `th` for `event` about `frame` (and builtin `cfn` above it). */
function runHook(L: LuaState, th: Coroutine, frame: Frame, cfn: LuaValue, event: string, line: number): void {
  const savedFrame = L.frame;
  const savedHF = L.hookFrame;
  const savedCF = L.hookCFn;
  L.frame = frame;
  L.hookFrame = frame;
  L.hookCFn = cfn;
  th.allowHook = false;
  try {
    callValue(L, th.hook, [event, line >= 0 ? line : null]);
  } catch (e) {
    th.allowHook = true;
    L.frame = savedFrame;
    L.hookFrame = savedHF;
    L.hookCFn = savedCF;
    throw e;
  }
  th.allowHook = true;
  L.frame = savedFrame;
  L.hookFrame = savedHF;
  L.hookCFn = savedCF;
}

/** A frame that replaced its caller's callee (a Lua tail call). */
function enteredByTailCall(frame: Frame): boolean {
  const caller = frame.parent;
  if (frame.kind !== K_NORMAL || caller === null) return false;
  const ins = caller.closure.proto.code[caller.pc];
  const op = ins & 0xff;
  if (op !== OP_CALL && op !== OP_TAILCALL) return false;
  return caller.regs[(ins >>> 8) & 0xff] !== frame.closure;
}

/** The events before instruction `pc` of `frame` (frame.pc is still the previous one). */
export function hookStep(L: LuaState, frame: Frame, pc: number): void {
  const th = L.thread;
  const mask = th.hookMask;
  if (mask === 0 || !th.allowHook || frame.closure === L.trampoline) return;
  const old = frame.pc;
  if (old < 0) {
    frame.pc = pc;
    if ((mask & MASK_CALL) !== 0) runHook(L, th, frame, null, enteredByTailCall(frame) ? 'tail call' : 'call', -1);
  } else if (L.hookPending.has(frame)) {
    const cfn = L.hookPending.get(frame) as LuaBuiltin;
    L.hookPending.delete(frame);
    if ((mask & MASK_RET) !== 0) runHook(L, th, frame, cfn, 'return', -1);
  }
  frame.pc = pc;
  const p = frame.closure.proto;
  if ((mask & MASK_COUNT) !== 0) {
    th.hookCountLeft--;
    if (th.hookCountLeft <= 0) {
      th.hookCountLeft = th.hookCount;
      runHook(L, th, frame, null, 'count', -1);
    }
  }
  if ((mask & MASK_LINE) !== 0) {
    const oldpc = old < 0 ? 0 : old;
    if (pc <= oldpc || p.lines[oldpc] !== p.lines[pc]) runHook(L, th, frame, null, 'line', p.lines[pc]);
  }
  const ins = p.code[pc];
  const op = ins & 0xff;
  if (op === OP_CALL || op === OP_TAILCALL || op === OP_TFORCALL) {
    const fn = frame.regs[(ins >>> 8) & 0xff];
    if (fn instanceof LuaBuiltin) {
      if ((mask & MASK_CALL) !== 0) runHook(L, th, frame, fn, 'call', -1);
      if ((mask & MASK_RET) !== 0) L.hookPending.set(frame, fn);
    }
  } else if ((op === OP_RETURN || op === OP_RETURN0 || op === OP_RETURN1) && frame.tbc === null) {
    if ((mask & MASK_RET) !== 0) runHook(L, th, frame, null, 'return', -1);
  }
}

/** The return event of a frame that has just closed its to-be-closed variables. */
export function hookReturn(L: LuaState, frame: Frame): void {
  const th = L.thread;
  if ((th.hookMask & MASK_RET) === 0 || !th.allowHook || frame.closure === L.trampoline) return;
  runHook(L, th, frame, null, 'return', -1);
}

/** Sets (or with mask 0, removes) the hook of a thread; keeps the hook gate in step. */
export function setHook(L: LuaState, th: Coroutine, hook: LuaValue, mask: number, count: number): void {
  const on = hook instanceof LuaFunction && mask !== 0;
  if (on && th.hookMask === 0) L.hookThreads++;
  if (!on && th.hookMask !== 0) L.hookThreads--;
  th.hook = on ? hook : null;
  th.hookMask = on ? mask : 0;
  th.hookCount = count;
  th.hookCountLeft = count;
  L.gate.hooks = L.hookThreads > 0 ? 1 : 0;
  L.hookPending = new WeakMap();
  // sethook itself returns under the new hook (PUC checks the mask at the return)
  if (on && th === L.thread && L.frame !== null && (mask & MASK_RET) !== 0) L.hookPending.set(L.frame, L.curBuiltin as LuaBuiltin);
}

/** A new coroutine starts with its creator's hook (lua_newthread). */
export function inheritHook(L: LuaState, co: Coroutine): void {
  const th = L.thread;
  if (th.hookMask === 0) return;
  co.hook = th.hook;
  co.hookMask = th.hookMask;
  co.hookCount = th.hookCount;
  co.hookCountLeft = th.hookCount;
  L.hookThreads++;
  L.gate.hooks = 1;
}
