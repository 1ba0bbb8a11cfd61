// Loop peeling (PyPy's unroll.py, copy-substitution in lj_opt_loop.c):
// one iteration of a loop trace becomes a preamble, followed by a copy of the
// body that is the loop proper. The pass itself removes nothing; its value comes
// from the passes after it, which see the preamble's facts (guards passed,
// invariant loads and pure results computed) while optimizing the loop, so
// loop-invariant work and guards run once, in the preamble.
//
//   before                                    after
//   [i0, i1]                                  [i0, i1]
//   label(i0, i1, descr=target:L0)            label(i0, i1, descr=target:L0)
//   i2 = int_mul(i1, 3)                       i2 = int_mul(i1, 3)
//   i3 = int_sub(i0, i2)                      i3 = int_sub(i0, i2)
//   i4 = int_gt(i3, 0)                        i4 = int_gt(i3, 0)
//   guard_true(i4, descr=guard:1) [i3]        guard_true(i4, descr=guard:1) [i3]
//   jump(i3, i1, descr=target:L0)             jump(i3, descr=target:L0.loop)
//                                             label(i5, descr=target:L0.loop)
//                                             i6 = int_mul(i1, 3)      <- CSE: i2
//                                             i7 = int_sub(i5, i6)
//                                             i8 = int_gt(i7, 0)
//                                             guard_true(i8, descr=guard:1000001) [i7]
//                                             jump(i7, descr=target:L0.loop)
//
// Input position k of the loop is FIXED when every iteration sees the same value
// there, so the copy can use that value itself: the jump passes back the label's
// own arg (J[k] is I[k], "invariant"), a constant, or an invariant input I[m].
// The other positions are loop-carried.
//
// The second label defines one fresh box per distinct loop-carried value (the
// loop's phis); the preamble ends with a jump into it passing those values, and
// the loop's final jump passes their copies. Every box is thus defined exactly
// once, so everything a pass knows about a value defined before the second
// label still holds after it (verify.ts [scope] keeps those values in scope and
// [end] allows a jump directly into the next label). Heap knowledge does not
// carry over: the loop body runs many times.
//
// What the copy is. Every box defined after the first label gets a fresh box
// from ctx.boxes; inputs are replaced by their fixed value or their label arg.
// Every guard gets a new GuardDescr (the preamble keeps the original ops and
// descriptors): id = original id + PEELED_GUARD_ID_OFFSET (so `guard:1000017` is
// the loop's copy of guard 17 in logs; see peeledGuardOf), failures 0, no
// bridge, and a resume snapshot equal to the original's but for the renamed
// failArgs (frames, vable and virtuals refer to failArgs by index, which the
// copy keeps). debug_merge_points are copied.
//
// What it must prove: nothing beyond the shape check. The copy is the second
// iteration of the same trace over the same values, so any run of the result
// performs the same ops on the same values as the original, and leaves through
// the original guard (first iteration) or its copy (later ones) with the same
// failArg values.
//
// Leaves alone: bridges (ctx.kind === 'bridge'), traces ending in `finish` or
// in a jump to another loop's label, traces that already have a second label,
// and traces whose first label is not exactly the trace inputs. It does not
// find loop-invariant loop-carried values beyond the cases above (a J[k] that
// is a pure function of invariants stays a label arg; PyPy's virtual state and
// short preamble are not done here), and does not limit the size of the doubled
// trace.

import type { GuardDescr, TargetDescr } from '../ir/descr.js';
import type { Box, Op, Trace, Value } from '../ir/trace.js';
import { copyOp } from './copy-op.js';
import type { OptContext, OptPass } from './pass.js';

/**
 * A guard copied into the peeled loop has the id of its original plus this.
 * Guard ids come from a per-runtime counter that a pass cannot reach; originals
 * are unique, so copies are unique too (until a runtime makes this many guards).
 */
export const PEELED_GUARD_ID_OFFSET = 1_000_000;

export const unrollPass: OptPass = {
  name: 'unroll',
  description: 'peel one iteration off a loop, so later passes move invariant work and guards into the preamble',
  run: (trace, ctx) => unroll(trace, ctx),
};

/** The loop's label and jump targets, when the trace is a loop this pass peels. */
function peelable(trace: Trace, ctx: OptContext): TargetDescr | null {
  if (ctx.kind !== 'loop') return null;
  const ops = trace.ops;
  const first = ops[0];
  const last = ops[ops.length - 1];
  if (ops.length < 2 || first.opcode !== 'label' || last.opcode !== 'jump' || last.descr !== first.descr) return null;
  if (first.args.length !== trace.inputs.length) return null;
  if (first.args.some((a, k) => a.tag !== 'box' || a.id !== trace.inputs[k].id)) return null;
  for (let i = 1; i < ops.length - 1; i++) if (ops[i].opcode === 'label') return null;
  return first.descr as TargetDescr;
}

function unroll(trace: Trace, ctx: OptContext): Trace {
  const target = peelable(trace, ctx);
  if (target === null) return trace;
  const ops = trace.ops;
  const inputs = trace.inputs;
  const jump = ops[ops.length - 1];
  const body = ops.slice(1, -1);

  // Input id -> position, and the invariant positions (J[k] is I[k]).
  const position = new Map<number, number>(inputs.map((b, k) => [b.id, k]));
  const invariant = (m: number | undefined): boolean => m !== undefined && jump.args[m].tag === 'box' && (jump.args[m] as Box).id === inputs[m].id;

  // In the copy, input k reads `loopValue[k]`: its fixed value, or the label arg
  // that carries it. The label args are the distinct loop-carried J[k].
  // The second label defines fresh boxes (one per distinct carried value); the
  // preamble jumps into it with the carried values themselves.
  const loopValue: Value[] = [];
  const labelArgs: Box[] = [];
  const entryArgs: Value[] = [];
  const fresh = new Map<number, Box>();
  for (const j of jump.args) {
    const fixed = j.tag === 'const' || invariant(position.get(j.id));
    if (fixed) {
      loopValue.push(j);
      continue;
    }
    let b = fresh.get((j as Box).id);
    if (b === undefined) {
      b = ctx.boxes.box(j.kind);
      fresh.set((j as Box).id, b);
      labelArgs.push(b);
      entryArgs.push(j);
    }
    loopValue.push(b);
  }

  const rename = new Map<number, Value>(inputs.map((b, k) => [b.id, loopValue[k]]));
  const subst = (v: Value): Value => {
    if (v.tag === 'const') return v;
    const w = rename.get(v.id);
    if (w === undefined) throw new Error(`unroll: box ${v.kind}${v.id} used before its definition`);
    return w;
  };

  const peeledTarget: TargetDescr = { kind: 'target', name: `${target.name}.loop` };
  const loop: Op[] = [
    { opcode: 'jump', args: entryArgs, result: null, descr: peeledTarget, failArgs: null },
    { opcode: 'label', args: labelArgs, result: null, descr: peeledTarget, failArgs: null },
  ];
  for (const op of body) loop.push(copyOp(op, subst, rename, ctx, (g) => g.id + PEELED_GUARD_ID_OFFSET));
  loop.push({ opcode: 'jump', args: entryArgs.map(subst), result: null, descr: peeledTarget, failArgs: null });

  return { name: trace.name, inputs, ops: [...ops.slice(0, -1), ...loop] };
}

/**
 * The copy of `guard` in the peeled loop of `trace` (an output of this pass), or
 * null if it has none: the guard after the second label whose id is the
 * original's plus PEELED_GUARD_ID_OFFSET. For tests and logs.
 */
export function peeledGuardOf(trace: Trace, guard: GuardDescr): GuardDescr | null {
  const second = trace.ops.findIndex((op, i) => i > 0 && op.opcode === 'label');
  if (second < 0) return null;
  for (let i = second + 1; i < trace.ops.length; i++) {
    const d = trace.ops[i].descr;
    if (d !== null && d.kind === 'guard' && d.id === guard.id + PEELED_GUARD_ID_OFFSET) return d;
  }
  return null;
}
