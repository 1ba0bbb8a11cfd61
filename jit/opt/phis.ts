// Loop-invariant phis: a peeled loop's label arg (a phi) that the loop passes
// back unchanged always holds the value the preamble entered with, so it is
// that value. The pass drops the phi from the label and from both jumps into
// it, and uses the entry value in the loop. Such phis appear once other
// passes simplified the loop: unroll only sees the trace as recorded, where
// `p + 1 - 1` is not yet `p`.
//
//   before                                     after
//   jump(f1, i2, descr=target:L.loop)          jump(i2, descr=target:L.loop)
//   label(f3, i4, descr=target:L.loop)         label(i4, descr=target:L.loop)
//   i5 = typed_index_ok(r0, f3, ...)           i5 = typed_index_ok(r0, f1, ...)   (cse: the preamble's)
//   i6 = int_add(i4, 1)                        i6 = int_add(i4, 1)
//   jump(f3, i6, descr=target:L.loop)          jump(i6, descr=target:L.loop)
//
// It must prove: position k of the loop's back-edge jump is the label's own
// arg k. By induction every iteration then sees the entry value there. The
// entry value is defined before the label and so in scope after it (unroll.ts).
// Leaves out: phis passed back as another phi (cycles), bridges, and traces
// without a second label.

import type { Box, Op, Trace, Value } from '../ir/trace.js';
import { peeledHeader } from './close.js';
import { setFailArgs, type OptPass } from './pass.js';

function dropInvariantPhis(trace: Trace): Trace {
  const ops = trace.ops;
  const header = peeledHeader(ops);
  if (header < 0) return trace;
  const last = ops[ops.length - 1];
  const entry = ops[header - 1];
  const label = ops[header];
  const invariant = new Map<number, Value>();
  label.args.forEach((arg, k) => {
    const back = last.args[k];
    if (back.tag === 'box' && back.id === (arg as Box).id) invariant.set(back.id, entry.args[k]);
  });
  if (invariant.size === 0) return trace;
  const keep = (_: Value, k: number) => !invariant.has((label.args[k] as Box).id);
  const subst = (v: Value): Value => (v.tag === 'box' ? invariant.get(v.id) ?? v : v);
  const out: Op[] = ops.slice(0, header - 1);
  out.push({ ...entry, args: entry.args.filter(keep) }, { ...label, args: label.args.filter(keep) });
  for (let i = header + 1; i < ops.length - 1; i++) {
    const op = ops[i];
    const copy: Op = { ...op, args: op.args.map(subst) };
    out.push(op.failArgs === null ? copy : setFailArgs(copy, op.failArgs.map(subst)));
  }
  out.push({ ...last, args: last.args.filter(keep).map(subst) });
  return { ...trace, ops: out };
}

export const phisPass: OptPass = {
  name: 'phis',
  description: 'drop loop phis the loop passes back unchanged: they are the value the loop was entered with',
  run: (trace, ctx) => (ctx.kind === 'loop' ? dropInvariantPhis(trace) : trace),
};
