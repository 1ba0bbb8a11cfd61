// Dead code elimination: ops whose only effect is their result go when nothing
// uses the result (after lj_opt_dce.c: one backward sweep marks what
// is used, and drops what is not).
//
//   before                                     after
//   f3 = float_add(f1, 1.5)                    (gone)
//   r4 = new(f1, i0, true, r2, descr=class:Point)
//   i5 = getfield_i(r2, descr=Point.n)         (gone)
//   guard_true(i0, descr=guard:1) [r4]         guard_true(i0, descr=guard:1) [r4]
//   jump(i0, f1, r2, descr=target:L0)          jump(i0, f1, r2, descr=target:L0)
//
// A use is any argument (of any op, labels, jumps and finishes included: a
// label arg is a loop-carried value) or failArg (the resume data reads it, so
// an allocation seen only by guards stays; making it virtual is the virtualize
// pass's job). Removable when unused: pure ops, allocations (`new` runs a
// constructor that only stores fields), heap reads, and calls that are
// `elidable` and cannot raise. Everything else stays: guards, heap writes,
// other calls, labels, jumps and debug_merge_point (it marks guest locations
// for --jit-log).
//
// What it relies on: removable ops do not trap. Pure ops and heap reads are
// only recorded on operands the trace has already guarded (a getfield's object
// is not null, str_len's operand is a string), so dropping one cannot remove
// an exception.

import type { CallDescr } from '../ir/descr.js';
import { OPS } from '../ir/ops.js';
import type { Op, Trace } from '../ir/trace.js';
import type { OptPass } from './pass.js';

function removable(op: Op): boolean {
  const info = OPS[op.opcode];
  if ('pure' in info || 'alloc' in info || 'heapRead' in info) return true;
  const call = op.descr as CallDescr | null;
  return 'call' in info && call !== null && call.effect === 'elidable' && !call.canRaise;
}

function dce(trace: Trace): Trace {
  const used = new Set<number>();
  const keep: boolean[] = new Array<boolean>(trace.ops.length);
  for (let k = trace.ops.length - 1; k >= 0; k--) {
    const op = trace.ops[k];
    keep[k] = !removable(op) || (op.result !== null && used.has(op.result.id));
    if (!keep[k]) continue;
    for (const v of op.args) if (v.tag === 'box') used.add(v.id);
    for (const v of op.failArgs ?? []) if (v.tag === 'box') used.add(v.id);
  }
  return keep.every(Boolean) ? trace : { ...trace, ops: trace.ops.filter((_, k) => keep[k]) };
}

export const dcePass: OptPass = {
  name: 'dce',
  description: 'dead code elimination: unused pure ops, allocations, heap reads and elidable calls',
  run: (trace) => dce(trace),
};
