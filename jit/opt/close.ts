// Closing the peeled loop: the loop proper's label (unroll.ts) takes every
// value it uses from the preamble as an arg, passed unchanged by the loop's
// back-edge. Until now those values were simply in scope after the label, which
// lets the passes carry the preamble's facts into the loop; once they are done,
// a closed label is a complete entry: a bridge that has computed the preamble's
// values (bridge-preamble.ts) can jump straight into the loop proper, and a
// backend resumes the loop from its label args alone.
//
//   before                                     after
//   r2 = getfield_r(r0, descr=Tape.cells)      r2 = getfield_r(r0, descr=Tape.cells)
//   jump(f1, descr=target:L.loop)              jump(f1, r2, descr=target:L.loop)
//   label(f3, descr=target:L.loop)             label(f3, r4, descr=target:L.loop)
//   f5 = getarrayitem_f(r2, f3)                f5 = getarrayitem_f(r4, f3)
//   jump(f5, descr=target:L.loop)              jump(f5, r4, descr=target:L.loop)
//
// It must prove nothing: the new args are the same values on every iteration
// (the back-edge passes each one back), so the loop computes what it did.
// Runs last: no pass after it needs the preamble's values in scope.

import type { Box, Op, Trace, Value } from '../ir/trace.js';
import { setFailArgs, type OptContext, type OptPass } from './pass.js';

/** The peeled loop's label index, or -1 when the trace is not a loop peeled by unroll. */
export function peeledHeader(ops: readonly Op[]): number {
  const header = ops.findIndex((o, i) => i > 0 && o.opcode === 'label');
  if (header < 1 || ops[header - 1].opcode !== 'jump' || ops[header - 1].descr !== ops[header].descr) return -1;
  const last = ops[ops.length - 1];
  return last.opcode === 'jump' && last.descr === ops[header].descr ? header : -1;
}

function close(trace: Trace, ctx: OptContext): Trace {
  const ops = trace.ops;
  const header = peeledHeader(ops);
  if (header < 0) return trace;
  // Boxes defined before the header (inputs included) that ops after it use.
  const defined = new Set<number>(trace.inputs.map((b) => b.id));
  for (let i = 0; i < header; i++) if (ops[i].result !== null) defined.add(ops[i].result!.id);
  const used = new Map<number, Box>();
  for (let i = header + 1; i < ops.length; i++) {
    for (const a of [...ops[i].args, ...(ops[i].failArgs ?? [])]) if (a.tag === 'box' && defined.has(a.id)) used.set(a.id, a);
  }
  if (used.size === 0) return trace;
  // An int_to_float of a preamble value is made again after the label from its
  // int, which the label takes instead: backends index arrays with that int.
  const defs = new Map<number, Op>();
  for (let i = 0; i < header; i++) if (ops[i].result !== null) defs.set(ops[i].result!.id, ops[i]);
  const remade: Op[] = [];
  for (const b of [...used.values()]) {
    const d = defs.get(b.id);
    if (d === undefined || d.opcode !== 'int_to_float' || d.args[0].tag !== 'box') continue;
    used.delete(b.id);
    used.set(d.args[0].id, d.args[0]);
    remade.push(d);
  }
  const inner = new Map<number, Box>([...used.values()].map((b) => [b.id, ctx.boxes.box(b.kind)]));
  const subst = (v: Value): Value => (v.tag === 'box' ? inner.get(v.id) ?? v : v);
  for (const d of remade) inner.set(d.result!.id, ctx.boxes.box('f'));
  const entry = ops[header - 1];
  const label = ops[header];
  const out: Op[] = ops.slice(0, header - 1);
  const args = [...used.values()];
  out.push({ ...entry, args: [...entry.args, ...args] }, { ...label, args: [...label.args, ...args.map((b) => inner.get(b.id)!)] });
  for (const d of remade) out.push({ ...d, args: d.args.map(subst), result: inner.get(d.result!.id)! });
  for (let i = header + 1; i < ops.length - 1; i++) {
    const op = ops[i];
    const copy: Op = { ...op, args: op.args.map(subst) };
    out.push(op.failArgs === null ? copy : setFailArgs(copy, op.failArgs.map(subst)));
  }
  const last = ops[ops.length - 1];
  out.push({ ...last, args: [...last.args.map(subst), ...args.map((b) => inner.get(b.id)!)] });
  return { ...trace, ops: out };
}

export const closePass: OptPass = {
  name: 'close',
  description: "give the loop proper's label every preamble value it uses, so that bridges can jump into it",
  run: (trace, ctx) => (ctx.kind === 'loop' ? close(trace, ctx) : trace),
};
