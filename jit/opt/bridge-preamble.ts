// A bridge that ends by jumping to a peeled loop's first label runs the loop's
// preamble itself and jumps into the loop proper (PyPy jumps to the loop's
// target token after inlining its short preamble; this copies the whole one).
// The effect is the same (the preamble is the loop's first iteration), but the
// passes after this one optimize the copy with what the bridge knows (the
// array it just indexed, the class it just checked, values it just stored),
// and the way back into the loop costs no second trip through the preamble.
//
//   bridge before                             bridge after
//   ...                                       ...
//   jump(r7, f8, descr=target:L)              r9 = getfield_r(r7, descr=Tape.cells)    (the preamble,
//                                             i10 = typed_index_ok(r9, f8, ...)         its inputs
//   loop L (closed, close.ts)                 guard_true(i10, descr=guard:42) [...]     renamed to the
//   label(r0, f1, descr=target:L)             ...                                       jump's args)
//   r2 = getfield_r(r0, descr=Tape.cells)     jump(f8, r9, descr=target:L.loop)
//   ...
//   jump(f1, r2, descr=target:L.loop)
//   label(f3, r4, descr=target:L.loop) ...
//
// Copied guards get new descriptors (ids from the runtime) with the
// original's resume data over the renamed failArgs: a guard of the copy
// resumes where the preamble's would, which is the same guest state.
//
// It must prove: the loop's label L.loop is closed (its args are everything the
// loop proper uses), so a jump with the preamble's values enters it as the
// preamble would. Leaves alone: loops that are not peeled, and the preamble of
// another loop than the bridge's own when it has guard_not_invalidated (a
// bridge is invalidated with its own loop: it checks that loop's flag), and
// preambles longer than MAX_COPIED_PREAMBLE ops: a large interpreter's loops have
// preambles of hundreds of ops, and a copy in each of hundreds of bridges made
// optimizing and compiling them the whole run time.

import type { TargetDescr } from '../ir/descr.js';
import type { Op, Trace, Value } from '../ir/trace.js';
import { peeledHeader } from './close.js';
import { copyOp } from './copy-op.js';
import type { OptContext, OptPass } from './pass.js';

const MAX_COPIED_PREAMBLE = 120;

function inlinePreamble(bridge: Trace, ctx: OptContext): Trace {
  const env = ctx.env;
  const last = bridge.ops[bridge.ops.length - 1];
  if (env === undefined || last.opcode !== 'jump') return bridge;
  const loop = env.loopTrace(last.descr as TargetDescr);
  if (loop === null || loop.ops[0].descr !== last.descr) return bridge;
  const header = peeledHeader(loop.ops);
  if (header < 0) return bridge;
  const preamble = loop.ops.slice(1, header - 1);
  if (preamble.length > MAX_COPIED_PREAMBLE) return bridge;
  if (env.owner !== last.descr && preamble.some((o) => o.opcode === 'guard_not_invalidated')) return bridge;

  const rename = new Map<number, Value>(loop.inputs.map((b, k) => [b.id, last.args[k]]));
  const subst = (v: Value): Value => (v.tag === 'box' ? rename.get(v.id) ?? v : v);
  const copies: Op[] = preamble.map((op) => copyOp(op, subst, rename, ctx, () => env.newGuardId()));
  const entry = loop.ops[header - 1];
  const jump: Op = { ...entry, args: entry.args.map(subst) };
  return { ...bridge, ops: [...bridge.ops.slice(0, -1), ...copies, jump] };
}

export const bridgePreamblePass: OptPass = {
  name: 'bridge-preamble',
  description: "a bridge into a peeled loop runs the loop's preamble itself and enters the loop proper",
  run: (trace, ctx) => (ctx.kind === 'bridge' ? inlinePreamble(trace, ctx) : trace),
};
