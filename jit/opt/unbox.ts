// Unboxing loop-carried values: in a peeled loop, a value of union type that
// both the preamble and the loop body produce with `box_float` (or `box_int`)
// is carried around the loop as the raw number instead, and boxed again right
// after the loop header. The boxing is the identity in JS; what it buys is that
// fold can then see through the header: `unbox_float(box_float(x))` is `x` and
// `ref_typeof(box_float(x))` is "number", so the type checks an interpreter
// makes on its union-typed registers leave the loop.
//
//   before                                   after
//   r5 = box_float(f4)                       r5 = box_float(f4)
//   jump(r5, descr=target:L.loop)            jump(f4, descr=target:L.loop)
//   label(r6, descr=target:L.loop)           label(f9, descr=target:L.loop)
//                                            r6 = box_float(f9)
//   f7 = unbox_float(r6) ...                 f7 = unbox_float(r6) ...   (fold: f9)
//   r8 = box_float(f7)                       r8 = box_float(f7)
//   jump(r8, descr=target:L.loop)            jump(f7, descr=target:L.loop)
//
// It must prove: the position's value is a box_float (box_int) result on BOTH
// jumps into the second label. It leaves out: positions boxed on one side only,
// bridges, and traces without a second label.

import type { Opcode } from '../ir/ops.js';
import type { Box, Op, Trace, Value } from '../ir/trace.js';
import type { OptContext, OptPass } from './pass.js';

const UNBOXED: Partial<Record<Opcode, 'f' | 'i'>> = { box_float: 'f', box_int: 'i' };

function unbox(trace: Trace, ctx: OptContext): Trace {
  const ops = trace.ops;
  const header = ops.findIndex((o, i) => i > 0 && o.opcode === 'label');
  if (header < 1 || ops[header - 1].opcode !== 'jump' || ops[header - 1].descr !== ops[header].descr) return trace;
  const last = ops[ops.length - 1];
  if (last.opcode !== 'jump' || last.descr !== ops[header].descr) return trace;
  const definedBy = new Map<number, Op>();
  for (const op of ops) if (op.result) definedBy.set(op.result.id, op);
  const boxing = (v: Value): Op | null => {
    const d = v.tag === 'box' ? definedBy.get(v.id) : undefined;
    return d && UNBOXED[d.opcode] ? d : null;
  };
  const entry = ops[header - 1];
  const label = ops[header];
  const entryArgs = entry.args.slice();
  const backArgs = last.args.slice();
  const labelArgs = label.args.slice();
  const reboxed: Op[] = [];
  label.args.forEach((arg, k) => {
    const p = boxing(entry.args[k]);
    const j = boxing(last.args[k]);
    if (!p || !j || p.opcode !== j.opcode) return;
    const raw = ctx.boxes.box(UNBOXED[p.opcode]!);
    entryArgs[k] = p.args[0];
    backArgs[k] = j.args[0];
    labelArgs[k] = raw;
    reboxed.push({ opcode: p.opcode, args: [raw], result: arg as Box, descr: null, failArgs: null });
  });
  if (reboxed.length === 0) return trace;
  const out = ops.slice();
  out[header - 1] = { ...entry, args: entryArgs };
  out[header] = { ...label, args: labelArgs };
  out[ops.length - 1] = { ...last, args: backArgs };
  out.splice(header + 1, 0, ...reboxed);
  return { ...trace, ops: out };
}

export const unboxPass: OptPass = {
  name: 'unbox',
  description: 'carry loop values that are boxed on both back-edges as raw numbers',
  run: (trace, ctx) => (ctx.kind === 'loop' ? unbox(trace, ctx) : trace),
};
