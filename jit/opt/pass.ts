// What an optimizer pass is and what it may rely on.
//
// A pass takes a trace and returns an equivalent trace (a new one, or the same
// one when nothing changed). Equivalent means: the same effects in the same
// order, the same exits with the same resume state, for every input.
//
// Rules every pass keeps:
// - SSA: boxes are defined once, before use; new boxes come from ctx.boxes.
// - A guard's resume data refers to its failArgs by index. A pass that changes
//   a guard's failArgs replaces them with `setFailArgs`, which keeps the
//   GuardDescr's snapshot in step (a bridge reads kinds and constants there).
//   Positions are stable: a pass may replace failArgs[k] by an equal value or
//   mark it virtual (then failArgs[k] becomes a null constant), and may append
//   entries (fields of virtuals); it never removes or reorders entries.
// - Values that disappear from the trace (an allocation made virtual) may stay
//   in failArgs only as descriptions: see resume/snapshot.ts `virtuals`.
// - The trace's inputs and its final jump/finish keep their meaning; loop
//   peeling may add a second label (see unroll.ts).

import type { GuardDescr, TargetDescr } from '../ir/descr.js';
import { BoxFactory, type Box, type Op, type Trace, type Value } from '../ir/trace.js';

export interface OptContext {
  /** A loop trace (starts with a label) or a bridge (starts at a guard). */
  readonly kind: 'loop' | 'bridge';
  /** Fresh boxes, numbered after every box of the trace being optimized. */
  readonly boxes: BoxFactory;
  /** What the JIT runtime knows beyond this trace (absent when a pass runs alone, e.g. in tests). */
  readonly env?: OptEnv;
}

/** The JIT runtime, as the optimizer sees it. */
export interface OptEnv {
  /** The optimized trace of the compiled loop whose first label is `target`, or null. */
  loopTrace(target: TargetDescr): Trace | null;
  /** A guard id not used before (for guards a pass copies). */
  newGuardId(): number;
  /** The loop the trace belongs to (for a bridge: the loop of its guard), by its first label; null if unknown. */
  readonly owner: TargetDescr | null;
}

export interface OptPass {
  /** Short name, used by `--jit-opt=-name` and in `--jit-stats`. */
  readonly name: string;
  /** One line: what the pass does. */
  readonly description: string;
  run(trace: Trace, ctx: OptContext): Trace;
}

/** Replaces a guard op's failArgs and updates its resume snapshot to match. */
export function setFailArgs(op: Op, failArgs: Value[]): Op {
  const copy: Op = { ...op, failArgs };
  const d = op.descr as GuardDescr | null;
  if (d && d.kind === 'guard' && d.resume) d.resume = { ...d.resume, failArgs };
  return copy;
}

/** The largest box id used in a trace, plus one. */
export function nextBoxId(trace: Trace): number {
  let max = -1;
  const see = (v: Value | Box | null) => {
    if (v && v.tag === 'box' && v.id > max) max = v.id;
  };
  trace.inputs.forEach(see);
  for (const op of trace.ops) {
    see(op.result);
    op.args.forEach(see);
    op.failArgs?.forEach(see);
  }
  return max + 1;
}

export function contextFor(trace: Trace, kind: 'loop' | 'bridge', env?: OptEnv): OptContext {
  return { kind, boxes: new BoxFactory(nextBoxId(trace)), ...(env ? { env } : {}) };
}
