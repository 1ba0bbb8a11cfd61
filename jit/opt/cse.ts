// Common subexpression elimination: a pure op, an `elidable` call or a guard
// that repeats an earlier one on the same arguments is removed, and later uses
// of its result read the earlier result.
//
//   before                                   after
//   i10 = int_add(i0, i1)                    i10 = int_add(i0, i1)
//   guard_nonnull(r4, descr=guard:1) []      guard_nonnull(r4, descr=guard:1) []
//   i11 = int_add(i1, i0)                    (gone: i10)
//   guard_nonnull(r4, descr=guard:2) [i11]   (gone: guard 1 checked it)
//   guard_true(i6, descr=guard:3) [i11]      guard_true(i6, descr=guard:3) [i10]
//   finish(i11, descr=exit:done)             finish(i10, descr=exit:done)
//
// What it must prove: the earlier op computed the same value (same opcode,
// descriptor and arguments; the two arguments of a commutative op in either
// order), or the earlier guard checked the same condition on the same values,
// and everything it replaces is defined before its uses. A trace is one line of
// code, so an earlier op dominates every later one; only labels matter: the
// first label starts a new scope (nothing before it is visible after it). A
// peeled loop's second label defines fresh boxes (its phis), so what was
// computed before it is still valid after it (SSA; unroll.ts counts on this to
// run loop-invariant work once). Were a label ever to reuse an earlier box, the
// jump would reassign it: entries that mention a label's args are forgotten.
//
// Replacing a box substitutes it everywhere after, in args and in failArgs (in
// place: failArg positions are stable, see pass.ts). A removed elidable call
// that can raise takes its guard_no_exception with it: the earlier call with
// the same arguments did not raise.
//
// Guards: guard_true, guard_false, guard_value, guard_class, guard_nonnull and
// guard_isnull on the same arguments are kept once; guard_class, and
// guard_value with a non-null constant, also imply guard_nonnull (and
// guard_value with null implies guard_isnull). Left out:
// heap reads (heap pass), other implications between guards (guard pass),
// guard_no_exception and guard_not_invalidated (they check state that changes).

import type { CallDescr, Descr } from '../ir/descr.js';
import { OPS } from '../ir/ops.js';
import type { Opcode } from '../ir/ops.js';
import type { Box, Op, Trace, Value } from '../ir/trace.js';
import { setFailArgs } from './pass.js';
import type { OptPass } from './pass.js';

const GUARDS: ReadonlySet<Opcode> = new Set(['guard_true', 'guard_false', 'guard_value', 'guard_class', 'guard_nonnull', 'guard_isnull']);

/** An earlier op: its result (null for guards and void calls) and the boxes its key mentions. */
interface Entry {
  readonly result: Box | null;
  readonly boxes: readonly number[];
}

/** Stable keys for values and descriptors of one trace (objects by identity). */
class Keys {
  private readonly ids = new Map<unknown, number>();

  private id(x: unknown): number {
    let n = this.ids.get(x);
    if (n === undefined) this.ids.set(x, (n = this.ids.size));
    return n;
  }

  value(v: Value): string {
    if (v.tag === 'box') return `#${v.id}`;
    const x = v.value;
    if (typeof x === 'object' || typeof x === 'function') return `${v.kind}@${x === null ? 'null' : this.id(x)}`;
    if (typeof x === 'number') return `${v.kind}:${Object.is(x, -0) ? '-0' : String(x)}`; // Object.is: NaN is one value, -0 another
    return `${v.kind}:${typeof x}:${typeof x === 'string' ? JSON.stringify(x) : String(x)}`; // quoted: a string cannot fake a separator
  }

  descr(d: Descr | null): string {
    return d === null ? '' : String(this.id(d));
  }
}

/** The key of an op CSE may merge, or null. Guards are keyed without their descriptor. */
function keyOf(op: Op, keys: Keys): string | null {
  const info = OPS[op.opcode];
  const elidable = 'call' in info && (op.descr as CallDescr).effect === 'elidable';
  if (!('pure' in info) && !elidable && !GUARDS.has(op.opcode)) return null;
  const args = op.args.map((a) => keys.value(a));
  if ('commutative' in info && args[0] > args[1]) args.reverse();
  return `${op.opcode}(${args.join(',')})${GUARDS.has(op.opcode) ? '' : keys.descr(op.descr)}`;
}

/** guard_class(x, C) and guard_value(x, non-null) imply guard_nonnull(x); guard_value(x, null) implies guard_isnull(x). */
function impliedGuard(op: Op): Opcode | null {
  if (op.opcode === 'guard_class') return 'guard_nonnull';
  if (op.opcode !== 'guard_value' || op.args[0].kind !== 'r' || op.args[1].tag !== 'const') return null;
  return op.args[1].value === null ? 'guard_isnull' : 'guard_nonnull';
}

const boxIds = (vs: readonly Value[]): number[] => vs.flatMap((v) => (v.tag === 'box' ? [v.id] : []));

function cse(trace: Trace): Trace {
  const keys = new Keys();
  const seen = new Map<string, Entry>();
  const subst = new Map<number, Value>();
  const out: Op[] = [];
  let changed = false;
  let firstLabel = true;
  let droppedRaisingCall = false;
  const get = (v: Value): Value => (v.tag === 'box' ? subst.get(v.id) ?? v : v);
  for (const original of trace.ops) {
    const args = original.args.map(get);
    const failArgs = original.failArgs?.map(get) ?? null;
    const moved = args.some((a, k) => a !== original.args[k]) || (failArgs?.some((a, k) => a !== original.failArgs![k]) ?? false);
    const op = !moved ? original : failArgs === null ? { ...original, args } : setFailArgs({ ...original, args }, failArgs);
    if (moved) changed = true;
    if (droppedRaisingCall) {
      droppedRaisingCall = false;
      if (op.opcode === 'guard_no_exception') continue;
    }
    if (op.opcode === 'label') {
      const reassigned = new Set(boxIds(op.args));
      if (firstLabel) seen.clear();
      else for (const [k, e] of seen) if (e.boxes.some((id) => reassigned.has(id))) seen.delete(k);
      firstLabel = false;
    }
    const key = keyOf(op, keys);
    if (key === null) {
      out.push(op);
      continue;
    }
    const earlier = seen.get(key);
    if (earlier === undefined) {
      const boxes = [...boxIds(op.args), ...(op.result === null ? [] : [op.result.id])];
      seen.set(key, { result: op.result, boxes });
      const implied = impliedGuard(op);
      if (implied !== null) seen.set(keyOf({ ...op, opcode: implied, args: [op.args[0]] }, keys)!, { result: null, boxes });
      out.push(op);
      continue;
    }
    changed = true;
    if (op.result !== null && earlier.result !== null) subst.set(op.result.id, earlier.result);
    if ('call' in OPS[op.opcode] && (op.descr as CallDescr).canRaise) droppedRaisingCall = true;
  }
  return changed ? { ...trace, ops: out } : trace;
}

export const csePass: OptPass = {
  name: 'cse',
  description: 'common subexpression elimination of pure ops, elidable calls and repeated guards',
  run: (trace) => cse(trace),
};
