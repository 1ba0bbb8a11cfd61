// Jitcodes: the register bytecode the codewriter makes of every interpreter
// function, and the one program text both executors run (RPython's JitCode).
// The tracer runs it on boxes and records a trace; the blackhole interpreter runs
// it on plain values to finish an iteration after a guard fails.
//
// Registers hold one value each and have a fixed kind (i, f, r). An operand is a
// register number (>= 0) or a constant (< 0: index -1-operand of `consts`).
//
//   op      dst = OP(args)            a trace op (pure, heap, alloc, conversions)
//   call    dst = host fn(args)       residual call: recorded, never looked into
//   inline  dst = callee(args)        call to interpreter code: the tracer inlines it
//   invoke  dst = recv.method(args)   virtual dispatch on the receiver's class
//   move    dst = src
//   goto    pc = target
//   branch  if !cond: pc = target
//   return  [value]
//   throw   value
//   promote reg                       becomes a constant behind guard_value
//   jitted  dst = weAreJitted()       true in the tracer and the blackhole
//   merge   jitMergePoint(greens, reds)
//   enter   canEnterJit(greens, reds)
//   qiread  dst = getfield of a quasi-immutable field (obj, descr)
//   qiwrite a quasi-immutable field was just written: invalidate dependent traces
//
// `op` reads of arrays typed `readonly T[]` carry `immutableItems`: on a constant
// array with a constant index they fold while tracing (bytecode fetch).
//
// Exceptions: `handlers` lists try regions [start, end) whose exceptions store
// the thrown value into `reg` and continue at `target`; inner regions come first.

import type { CallDescr, ClassDescr, Descr, FieldDescr } from './ir/descr.js';
import type { Kind, Opcode } from './ir/ops.js';

export type Operand = number;

export type Insn =
  | { readonly k: 'op'; readonly op: Opcode; readonly args: Operand[]; readonly dst: number; readonly descr: Descr | null; readonly immutableItems: boolean }
  | { readonly k: 'call'; readonly descr: CallDescr; readonly args: Operand[]; readonly dst: number }
  | { readonly k: 'inline'; readonly callee: JitCode; readonly args: Operand[]; readonly dst: number }
  | { readonly k: 'invoke'; readonly method: string; readonly targets: DispatchTable; readonly args: Operand[]; readonly dst: number }
  | { readonly k: 'move'; readonly src: Operand; readonly dst: number }
  | { readonly k: 'goto'; readonly target: number }
  | { readonly k: 'branch'; readonly cond: Operand; readonly target: number }
  | { readonly k: 'return'; readonly value: Operand | null }
  | { readonly k: 'throw'; readonly value: Operand }
  | { readonly k: 'promote'; readonly reg: number }
  | { readonly k: 'jitted'; readonly dst: number }
  | { readonly k: 'merge'; readonly greens: Operand[]; readonly reds: Operand[] }
  | { readonly k: 'enter'; readonly greens: Operand[]; readonly reds: Operand[] }
  | { readonly k: 'qiread'; readonly obj: Operand; readonly descr: FieldDescr; readonly dst: number }
  | { readonly k: 'qiwrite'; readonly descr: FieldDescr };

/** Receiver class -> implementation, for `invoke`. Filled at link time. */
export interface DispatchTable {
  readonly byClass: Map<Function, JitCode>;
  /** Calls the method by name on any receiver (JS dispatch): for classes not in the table, and the blackhole. */
  readonly residual: CallDescr;
  /** Classes of the table in a fixed order, for error messages and tests. */
  readonly classes: readonly ClassDescr[];
}

export interface Handler {
  readonly start: number;
  readonly end: number;
  readonly target: number;
  readonly reg: number; // receives the exception; -1 if unused
}

export interface JitCodeFlags {
  readonly elidable: boolean;
  readonly dontLookInside: boolean;
  readonly unrollSafe: boolean;
  readonly hasLoop: boolean;
}

export class JitCode {
  /** Filled by the linker once every jitcode exists (calls can be cyclic). */
  insns: Insn[] = [];
  consts: unknown[] = [];
  constKinds: Kind[] = [];
  handlers: Handler[] = [];
  /** live[pc]: registers whose values are needed at or after pc (for resume data). */
  live: number[][] = [];
  /** The real JS function, for calling this code residually (set at link time). */
  residual: CallDescr | null = null;

  constructor(
    readonly name: string,
    readonly params: readonly number[],
    readonly kinds: readonly Kind[],
    readonly resultKind: Kind,
    readonly flags: JitCodeFlags,
    readonly location: string, // file:line of the source function
  ) {}

  get numRegs(): number {
    return this.kinds.length;
  }

  /** The value of an operand given the frame's registers. */
  static constIndex(operand: Operand): number {
    return -1 - operand;
  }

  /** Whether the tracer may inline this code (RPython's look_inside_graph policy). */
  get inlinable(): boolean {
    const f = this.flags;
    if (f.dontLookInside || f.elidable) return false;
    return !f.hasLoop || f.unrollSafe;
  }

  /** The innermost handler covering pc, if any. */
  handlerAt(pc: number): Handler | null {
    for (const h of this.handlers) if (pc >= h.start && pc < h.end) return h;
    return null;
  }
}
