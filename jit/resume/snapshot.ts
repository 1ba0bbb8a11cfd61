// Resume data: what a guard needs to rebuild the interpreter's state when it fails.
//
// A snapshot lists the jitcode frames that were active when the guard was
// recorded, outermost (the portal) first:
//
//   ResumeSnapshot = frames: FrameSnapshot[], failArgs: Value[], vable, virtuals
//   FrameSnapshot  = code, pc, regs[k] <- value ref values[k]
//   value ref      = index into the guard's failArgs
//
// `pc` of the innermost frame is the jitcode instruction to execute next (for a
// guard recorded at a branch, the branch itself, re-run on the real condition);
// `pc` of every outer frame is its call instruction, which receives the callee's
// result when the blackhole returns into it. A guard_no_exception after a call
// resumes after the call (pc = call + 1, its result register filled); when the
// call did raise, the exit carries the exception and the blackhole throws it as
// if from the call instruction (pc - 1).
// Registers that are not live at `pc` are not saved (liveness from the codewriter).

import type { ClassDescr, FieldDescr } from '../ir/descr.js';
import type { Value } from '../ir/trace.js';
import type { JitCode } from '../jitcode.js';
import type { VableLayout } from './virtualizable.js';

export interface FrameSnapshot {
  readonly code: JitCode;
  readonly pc: number;
  readonly regs: readonly number[];
  readonly values: readonly number[];
}

export interface ResumeSnapshot {
  readonly frames: readonly FrameSnapshot[];
  /** The guard's failArgs (kinds, and constants a bridge can keep constant). */
  readonly failArgs: readonly Value[];
  /** The virtualizable's object and slot values (failArg indices), written back on failure. */
  readonly vable: VableSnapshot | null;
  /**
   * Objects the optimizer removed from the trace that this guard still needs:
   * each gives the failArg index it stands for (whose value in the exit is
   * meaningless) and how to build it from other failArgs, which may be virtual
   * too (nested or cyclic). Resume materializes them first (materialize.ts).
   */
  readonly virtuals: readonly VirtualInfo[];
  /** The guest location of the guard (for logs, e.g. a bridge's abort). */
  readonly location?: string;
}

export type VirtualInfo =
  | { readonly kind: 'object'; readonly at: number; readonly cls: ClassDescr; readonly fields: readonly { readonly field: FieldDescr; readonly value: number }[] }
  | { readonly kind: 'array'; readonly at: number; readonly items: readonly number[] };

export interface VableSnapshot {
  readonly obj: number;
  readonly layout: VableLayout;
  readonly values: readonly number[];
  /** failArgs known to be one of the object's virtualizable arrays (slot of item 0), for bridges. */
  readonly arrays: readonly { readonly at: number; readonly base: number }[];
  /**
   * The object holds the slots already: the guard follows a residual call that
   * was given them (written back before it) and may have changed them. Nothing is
   * written back on failure; a bridge reads them from the object.
   */
  readonly inHeap?: boolean;
}
