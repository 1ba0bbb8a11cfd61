// Interpreter state: frames, threads, the Lua state, and error construction.

import { LuaTable } from './table.js';
import { Coroutine, LuaClosure, LuaError, typeName } from './value.js';
import type { LuaValue, LuaBuiltin } from './value.js';
import { StdinReader } from './host_extra.host.js';

// Frame kinds: what happens to a frame's results when it returns (and where error
// unwinding stops).
export const K_NORMAL = 0; // results -> parent.regs[retBase..] adjusted to nwant
export const K_PCALL = 1; // results prefixed by true; errors stop here -> (false, err)
export const K_XPCALL = 2; // like pcall, errors go through `handler` first
export const K_COND = 3; // metamethod of a comparison: truthiness decides the parent's jump
export const K_COBASE = 4; // bottom frame of a coroutine: results go to the resumer
export const K_HOST = 5; // called from TypeScript (callValue): execute() returns

export const MAX_FRAMES = 200000;
export const MAX_HOST_DEPTH = 180;

/**
 * One activation of a Lua function. `regs` is the register file (a virtualizable for
 * the JIT: `regs` and `pc` are what traces keep in machine registers).
 */
export class Frame {
  /**
   * Index of the instruction being executed (of the CALL, in a suspended caller).
   * @virtualizable
   */
  pc: number;
  readonly closure: LuaClosure;
  /** @virtualizable */
  readonly regs: LuaValue[];
  top: number = 0;
  readonly parent: Frame | null;
  varargs: LuaValue[];
  readonly retBase: number;
  readonly nwant: number;
  readonly kind: number;
  readonly depth: number;
  /** Registers holding to-be-closed variables, in declaration order. */
  tbc: number[] | null = null;
  /** xpcall message handler. */
  handler: LuaValue = null;
  constructor(
    closure: LuaClosure, regs: LuaValue[], parent: Frame | null, varargs: LuaValue[], retBase: number,
    nwant: number, kind: number, depth: number,
  ) {
    this.closure = closure;
    this.regs = regs;
    this.parent = parent;
    this.varargs = varargs;
    this.retBase = retBase;
    this.nwant = nwant;
    this.kind = kind;
    this.depth = depth;
    this.pc = -1;
  }
}

export class LuaState {
  readonly globals: LuaTable;
  stringMeta: LuaTable | null = null;
  readonly mainThread: Coroutine;
  thread: Coroutine;
  /** The frame currently executing (null when no Lua code runs). */
  frame: Frame | null = null;
  /** Results of the last K_HOST frame that returned. */
  hostResults: LuaValue[] = [];
  /** Nesting of callValue (host -> Lua) calls, for "C stack overflow". */
  hostDepth: number = 0;
  /** A builtin is being called by another builtin (errors get no position). */
  nativeCaller: boolean = false;
  /** The builtin being called (for "bad argument ... to 'name'" messages). */
  curBuiltin: LuaBuiltin | null = null;
  /** `function(f, ...) return f(...) end`: runs special builtins from host context. */
  trampoline: LuaClosure | null = null;
  readonly loaded: LuaTable;
  readonly registry: LuaTable;
  scriptDir: string = '';
  // math.random state (xoshiro256**, as four 32-bit pairs)
  readonly rng: Int32Array = new Int32Array(8);
  readonly startTime: number;
  /** Builtins by name ("print", "string.format") for lookups the VM needs. */
  readonly builtins: Map<string, LuaBuiltin> = new Map();
  /** Stable fake addresses for tostring(table) etc. */
  readonly addrs: WeakMap<object, number> = new WeakMap();
  nextAddr: number = 0;
  /** io library state: default input/output files (LuaFile userdata). */
  ioInput: LuaValue = null;
  ioOutput: LuaValue = null;
  readonly stdin: StdinReader = new StdinReader();

  constructor(startTime: number) {
    this.globals = new LuaTable();
    this.loaded = new LuaTable();
    this.registry = new LuaTable();
    this.mainThread = new Coroutine(null, true);
    this.mainThread.status = 1;
    this.thread = this.mainThread;
    this.startTime = startTime;
  }
}

/** Thrown by os.exit to unwind to main(). */
export class ExitSignal {
  readonly code: number;
  constructor(code: number) {
    this.code = code;
  }
}

/** "chunk:line:" of a frame's current instruction. */
export function framePosition(f: Frame): string {
  const p = f.closure.proto;
  const pc = f.pc < 0 ? 0 : f.pc;
  const line = pc < p.lines.length ? p.lines[pc] : p.lineDefined;
  return p.source + ':' + line + ':';
}

/** A runtime error raised by the VM at the current instruction. */
export function rtError(L: LuaState, msg: string): LuaError {
  const f = L.frame;
  if (f === null) return new LuaError(msg);
  return new LuaError(framePosition(f) + ' ' + msg);
}

/** An error raised by a builtin (luaL_error): position of the calling Lua function. */
export function libError(L: LuaState, msg: string): LuaError {
  const f = L.frame;
  if (f === null || L.nativeCaller || f.closure === L.trampoline) return new LuaError(msg);
  return new LuaError(framePosition(f) + ' ' + msg);
}

/** Position for `error(msg, level)`; '' when unknown. */
export function wherePosition(L: LuaState, level: number): string {
  if (level <= 0) return '';
  let f = L.frame;
  if (f === null) return '';
  let l = level;
  if (L.nativeCaller || f.closure === L.trampoline) {
    // level 1 is the builtin that called us
    if (l === 1) return '';
    l--;
  }
  while (l > 1) {
    const k = f.kind;
    if (k === K_PCALL || k === K_XPCALL || k === K_HOST) {
      // f was called by a builtin (pcall, callValue): that builtin is one level
      l--;
      if (l === 1) return '';
    } else if (k === K_COBASE) return '';
    const p: Frame | null = f.parent;
    if (p === null) return '';
    f = p;
    l--;
  }
  if (f.closure === L.trampoline) return '';
  return framePosition(f) + ' ';
}

export function typeErrorMsg(v: LuaValue, op: string, desc: string | null): string {
  let m = 'attempt to ' + op + ' a ' + typeName(v) + ' value';
  if (desc !== null) m += ' (' + desc + ')';
  return m;
}
