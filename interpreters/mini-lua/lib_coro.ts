// The coroutine library (resume, yield and wrap calls are handled by the VM: interp.ts).

import { LuaBuiltin, LuaFunction, Coroutine, CO_SUSPENDED, CO_RUNNING, CO_NORMAL, CO_DEAD } from './value.js';
import type { LuaValue } from './value.js';
import { LuaState, libError, Frame } from './state.js';
import { typeError, arg } from './libutil.js';
import { ID_WRAPCALL } from './builtins.js';
import { closeTbc } from './frames.js';
import { inheritHook } from './lhook.js';

function checkCo(L: LuaState, R: LuaValue[], b: number, n: number, fname: string): Coroutine {
  const v = arg(R, b, n, 0);
  if (v instanceof Coroutine) return v;
  throw typeError(L, R, b, n, 0, fname, 'thread');
}

export function co_create(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const fn = arg(R, b, n, 0);
  if (!(fn instanceof LuaFunction)) throw typeError(L, R, b, n, 0, 'create', 'function');
  const co = new Coroutine(fn, false);
  inheritHook(L, co);
  R[b - 1] = co;
  return 1;
}

export function co_wrap(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const fn = arg(R, b, n, 0);
  if (!(fn instanceof LuaFunction)) throw typeError(L, R, b, n, 0, 'wrap', 'function');
  const co = new Coroutine(fn, false);
  inheritHook(L, co);
  R[b - 1] = new LuaBuiltin(ID_WRAPCALL, 'wrap', co, null);
  return 1;
}

export function statusName(L: LuaState, co: Coroutine): string {
  if (co === L.thread) return 'running';
  switch (co.status) {
    case CO_SUSPENDED: return 'suspended';
    case CO_RUNNING: return 'running';
    case CO_NORMAL: return 'normal';
    default: return 'dead';
  }
}

export function co_status(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  R[b - 1] = statusName(L, checkCo(L, R, b, n, 'status'));
  return 1;
}

export function co_isyieldable(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const co = n > 0 ? checkCo(L, R, b, n, 'isyieldable') : L.thread;
  R[b - 1] = !co.isMain && co.hostDepth === 0;
  return 1;
}

export function co_running(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  R[b - 1] = L.thread;
  R[b] = L.thread.isMain;
  return 2;
}

export function co_close(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const co = checkCo(L, R, b, n, 'close');
  const st = statusName(L, co);
  if (st !== 'suspended' && st !== 'dead') {
    throw libError(L, 'cannot close a ' + st + ' coroutine');
  }
  // a coroutine killed by an error reports it (once), after closing its variables
  const failed = st === 'dead';
  if (failed && !L.coErrors.has(co)) {
    R[b - 1] = true;
    return 1;
  }
  const errv = failed ? L.coErrors.get(co) as LuaValue : null;
  L.coErrors.delete(co);
  const ev = closeCoroutine(L, co, errv);
  if (failed || ev !== null) {
    R[b - 1] = false;
    R[b] = ev;
    return 2;
  }
  R[b - 1] = true;
  return 1;
}

/**
 * lua_resetthread: closes the pending to-be-closed variables of a coroutine that is
 * suspended or was killed by an error, innermost first. They run in the coroutine
 * (it is "running" meanwhile) with its stack gone; an error in one goes on to the next
 * ones as their error argument. Returns the final error value (`errv` when none).
 */
export function closeCoroutine(L: LuaState, co: Coroutine, errv0: LuaValue): LuaValue {
  let fr = co.frame;
  co.frame = null;
  const caller = L.thread;
  const savedStatus = caller.status;
  const savedFrame = L.frame;
  caller.status = CO_NORMAL;
  co.status = CO_RUNNING;
  L.thread = co;
  L.frame = null;
  let errv = errv0;
  while (fr !== null) {
    if (fr.tbc !== null) errv = closeTbc(L, fr, errv);
    fr = fr.parent;
  }
  L.thread = caller;
  L.frame = savedFrame;
  caller.status = savedStatus;
  co.status = CO_DEAD;
  return errv;
}
