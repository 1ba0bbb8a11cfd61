// Interpreter state: frames, threads, the Lua state, and error construction.

import { LuaTable } from './table.js';
import { Coroutine, LuaClosure, LuaError, LuaUserdata, typeName, internString } from './value.js';
import type { LuaValue, LuaBuiltin, Box } from './value.js';
import { StdinReader } from './host_extra.host.js';
import { VmGate } from './proto.js';

// Frame kinds: what happens to a frame's results when it returns (and where error
// unwinding stops).
export const K_NORMAL = 0; // results -> parent.regs[retBase..] adjusted to nwant
export const K_PCALL = 1; // results prefixed by true; errors stop here -> (false, err)
export const K_XPCALL = 2; // like pcall, errors go through `handler` first
export const K_COND = 3; // metamethod of a comparison: truthiness decides the parent's jump
export const K_COBASE = 4; // bottom frame of a coroutine: results go to the resumer
export const K_HOST = 5; // called from TypeScript (callValue): execute() returns
export const K_CLOSE = 6; // a __close method: its parent closes the next variable (see closeStep)

export const MAX_FRAMES = 200000;

/** Names the VM looks up with TypeScript literals: Lua constants become these objects. */
const VM_NAMES: string[] = [
  '__add', '__band', '__bnot', '__bor', '__bxor', '__call', '__close', '__concat', '__div', '__eq', '__gc',
  '__idiv', '__index', '__le', '__len', '__lt', '__metatable', '__mod', '__mul', '__name', '__newindex',
  '__pairs', '__pow', '__shl', '__shr', '__sub', '__tostring', '__unm', '__mode',
];
export const MAX_HOST_DEPTH = 180;

/**
 * One activation of a Lua function. `regs` is the register file (a virtualizable for
 * the JIT: `regs` and `pc` are what traces keep in machine registers).
 */
// The constructor only stores its parameters (fields with initializers use literals):
// the codewriter makes `new Frame` an allocation the optimizer can keep virtual.
export class Frame {
  /**
   * Index of the instruction being executed (of the CALL, in a suspended caller).
   * @virtualizable
   */
  pc: number = -1;
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
  }
}

export class LuaState {
  readonly globals: LuaTable;
  /** Intern table of string constants and library names (see internString). */
  readonly strings: Map<string, string> = new Map();
  stringMeta: LuaTable | null = null;
  // metatables of the other basic types (debug.setmetatable)
  numberMeta: LuaTable | null = null;
  booleanMeta: LuaTable | null = null;
  nilMeta: LuaTable | null = null;
  functionMeta: LuaTable | null = null;
  threadMeta: LuaTable | null = null;
  readonly mainThread: Coroutine;
  thread: Coroutine;
  /** The frame currently executing (null when no Lua code runs). */
  frame: Frame | null = null;
  /** What the dispatch loop reports to lhook.ts and lgc.ts. */
  readonly gate: VmGate = new VmGate();
  /** Allocations (table constructors, closures, concatenations) since the last collection cycle, and how many start one. */
  gcDebt: number = 0;
  gcThreshold: number = 0;
  /** Threads with a hook. */
  hookThreads: number = 0;
  /** While a hook runs: the frame it reports about, and the builtin standing above it (or null). */
  hookFrame: Frame | null = null;
  hookCFn: LuaValue = null;
  /** The unwinding that each K_CLOSE frame of an error belongs to. */
  readonly unwinds: Map<Frame, Unwind> = new Map();
  /** Frames calling a builtin whose return is still to be reported. */
  hookPending: WeakMap<Frame, LuaBuiltin> = new WeakMap();
  /** Results of the last K_HOST frame that returned. */
  hostResults: LuaValue[] = [];
  /** debug.upvalueid's identities, one per captured cell (kept for the state's life). */
  readonly upvalueIds: Map<Box, LuaUserdata> = new Map();
  /** The same for the upvalues of builtins that are C closures in PUC. */
  readonly builtinUpvalueIds: Map<LuaBuiltin, LuaUserdata[]> = new Map();
  /** Frames allowed beyond MAX_FRAMES (while a message handler runs). */
  extraFrames: number = 0;
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
  /** The error that killed a coroutine, until coroutine.close reports it. */
  readonly coErrors: WeakMap<Coroutine, LuaValue> = new WeakMap();
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
    for (let i = 0; i < VM_NAMES.length; i++) internString(this.strings, VM_NAMES[i]);
  }
}

/**
 * An error unwinding to a pcall: the to-be-closed variables of the frames from `top` to
 * `stop` (pcall's frame) are closed one by one, each close method in a K_CLOSE frame
 * (so that it can yield), with the error `v` that each may replace. `stop` is the close
 * frame of an `outer` unwinding when a close method itself failed.
 */
export class Unwind {
  top: Frame;
  readonly stop: Frame;
  v: LuaValue;
  readonly outer: Unwind | null;
  constructor(top: Frame, stop: Frame, v: LuaValue, outer: Unwind | null) {
    this.top = top;
    this.stop = stop;
    this.v = v;
    this.outer = outer;
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

/**
 * An error the VM's own checks raise while a builtin runs (PUC's luaG_runerror
 * with a C function current: indexing or comparing inside table.unpack, sort,
 * math.max...): it carries no position.
 */
export function builtinRtError(msg: string): LuaError {
  return new LuaError(msg);
}

/** An error raised by a builtin (luaL_error): position of the calling Lua function. */
export function libError(L: LuaState, msg: string): LuaError {
  const f = L.frame;
  if (f === null || L.nativeCaller || f.closure === L.trampoline) return new LuaError(msg);
  return new LuaError(framePosition(f) + ' ' + msg);
}

/** The type name for error messages: a metatable's string __name wins (luaT_objtypename). */
export function objTypeName(v: LuaValue): string {
  let mt: LuaTable | null = null;
  if (v instanceof LuaTable) mt = v.metatable;
  else if (v instanceof LuaUserdata) mt = v.metatable;
  if (mt !== null) {
    const name = mt.getStr('__name');
    if (typeof name === 'string') return name;
  }
  return typeName(v);
}

export function typeErrorMsg(v: LuaValue, op: string, desc: string | null): string {
  let m = 'attempt to ' + op + ' a ' + objTypeName(v) + ' value';
  if (desc !== null) m += ' (' + desc + ')';
  return m;
}
