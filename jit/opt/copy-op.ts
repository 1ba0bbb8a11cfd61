// Copying an op of a trace into another place of a trace (loop peeling copies the
// loop body; a bridge copies the preamble of the peeled loop it enters): the args
// and failArgs renamed, a fresh result box, and for a guard a descriptor of its own,
// with its own id, failure count and bridge.

import type { GuardDescr } from '../ir/descr.js';
import type { Box, Op, Value } from '../ir/trace.js';
import type { OptContext } from './pass.js';

/** The copy of `op`: args through `subst`, its result renamed in `rename`, a guard given `guardId(original)`. */
export function copyOp(
  op: Op, subst: (v: Value) => Value, rename: Map<number, Value>, ctx: OptContext, guardId: (original: GuardDescr) => number,
): Op {
  const args = op.args.map(subst);
  const failArgs = op.failArgs === null ? null : op.failArgs.map(subst);
  let result: Box | null = null;
  if (op.result !== null) {
    result = ctx.boxes.box(op.result.kind);
    rename.set(op.result.id, result);
  }
  let descr = op.descr;
  if (descr !== null && descr.kind === 'guard') {
    const copy: GuardDescr = {
      kind: 'guard',
      id: guardId(descr),
      resume: descr.resume === null || failArgs === null ? null : { ...descr.resume, failArgs },
      failures: 0,
      bridge: null,
    };
    descr = copy;
  }
  return { opcode: op.opcode, args, result, descr, failArgs };
}
