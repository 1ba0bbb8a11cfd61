// The coroutine library (resume, yield and wrap calls are handled by the VM: interp.ts).

import { LuaBuiltin, LuaFunction, Coroutine, CO_SUSPENDED, CO_RUNNING, CO_NORMAL, CO_DEAD } from './value.js';
import type { LuaValue } from './value.js';
import { LuaState, libError, Frame } from './state.js';
import { typeError, arg } from './libutil.js';
import { ID_WRAPCALL } from './builtins.js';
import { closeTbc } from './interp.js';

function checkCo(L: LuaState, R: LuaValue[], b: number, n: number, fname: string): Coroutine {
  const v = arg(R, b, n, 0);
  if (v instanceof Coroutine) return v;
  throw typeError(L, R, b, n, 0, fname, 'thread');
}

export function co_create(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const fn = arg(R, b, n, 0);
  if (!(fn instanceof LuaFunction)) throw typeError(L, R, b, n, 0, 'create', 'function');
  R[b - 1] = new Coroutine(fn, false);
  return 1;
}

export function co_wrap(L: LuaState, f: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const fn = arg(R, b, n, 0);
  if (!(fn instanceof LuaFunction)) throw typeError(L, R, b, n, 0, 'wrap', 'function');
  R[b - 1] = new LuaBuiltin(ID_WRAPCALL, 'wrap', new Coroutine(fn, false), null);
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
  let fr = co.frame as Frame | null;
  co.status = CO_DEAD;
  co.frame = null;
  let errv: LuaValue = null;
  let failed = false;
  while (fr !== null) {
    if (fr.tbc !== null) {
      try {
        closeTbc(L, fr, 0, null, false);
      } catch (e) {
        failed = true;
        errv = (e as { value: LuaValue }).value;
      }
    }
    fr = fr.parent;
  }
  if (failed) {
    R[b - 1] = false;
    R[b] = errv;
    return 2;
  }
  R[b - 1] = true;
  return 1;
}
