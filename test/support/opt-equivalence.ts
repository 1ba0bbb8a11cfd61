// Checks that an optimized trace behaves like the original: run both on the
// reference backend from equal inputs and compare how they exit, the resume
// state at the exit (failArg values by position, virtuals materialized), any
// exception, and the heap reachable from the inputs afterwards. Optionally one
// guard is forced to fail in both, to compare resume state at that guard.

import { expect } from 'vitest';
import { RefBackend } from '../../jit/backend-ref/ref-backend.js';
import type { TraceExit } from '../../jit/backend.js';
import type { GuardDescr } from '../../jit/ir/descr.js';
import type { Trace } from '../../jit/ir/trace.js';
import { materialize } from '../../jit/resume/materialize.js';
import { PEELED_GUARD_ID_OFFSET } from '../../jit/opt/unroll.js';
import type { ResumeSnapshot } from '../../jit/resume/snapshot.js';

/** The resume snapshots of a trace's guards as they are now (passes replace them). */
export function snapshotsOf(trace: Trace): Map<GuardDescr, ResumeSnapshot | null> {
  const out = new Map<GuardDescr, ResumeSnapshot | null>();
  for (const op of trace.ops) if (op.descr?.kind === 'guard') out.set(op.descr, op.descr.resume);
  return out;
}

function run(trace: Trace, inputs: unknown[], force: GuardDescr | null): TraceExit {
  const backend = new RefBackend({ forceGuardFailure: force ? (g) => g === force : undefined });
  return backend.compileLoop(trace).run(inputs);
}

function guardIds(trace: Trace): Set<GuardDescr> {
  return new Set(trace.ops.filter((o) => o.descr?.kind === 'guard').map((o) => o.descr as GuardDescr));
}

/**
 * `before` must be the original snapshots (taken with snapshotsOf before the pass
 * ran), because passes update the shared GuardDescrs in place.
 */
export function expectSameBehaviour(
  original: Trace,
  before: Map<GuardDescr, ResumeSnapshot | null>,
  optimized: Trace,
  makeInputs: () => unknown[],
  force: GuardDescr | null = null,
): void {
  if (force && !guardIds(optimized).has(force)) force = null;
  // Run the optimized trace first: the run of the original restores nothing.
  const optimizedSnapshots = snapshotsOf(optimized);
  const in2 = makeInputs();
  const e2 = run(optimized, in2, force);
  for (const [g, snap] of before) g.resume = snap;
  const in1 = makeInputs();
  const e1 = run(original, in1, force);
  for (const [g, snap] of optimizedSnapshots) g.resume = snap;
  expect(e2.kind).toBe(e1.kind);
  // A peeled loop exits through copies of the original guards (id + offset).
  if (e1.kind === 'guard' && e2.kind === 'guard') expect(e2.descr.id % PEELED_GUARD_ID_OFFSET).toBe(e1.descr.id % PEELED_GUARD_ID_OFFSET);
  else expect(e2.descr).toBe(e1.descr);
  if (e1.kind === 'guard' && e2.kind === 'guard') {
    expect(e2.exception === null).toBe(e1.exception === null);
    if (e1.exception && e2.exception) expect(String(e2.exception.value)).toBe(String(e1.exception.value));
    const n = e1.values.length;
    const state1 = e1.values;
    const snap2 = optimizedSnapshots.get(e2.descr);
    const state2 = snap2 ? materialize(snap2, e2.values).slice(0, n) : e2.values;
    expectDeepSame(state2, state1);
  } else {
    expectDeepSame(e2.values, e1.values);
  }
  expectDeepSame(in2, in1);
}

/** Structural equality that follows object fields (with cycles), keeps object identity, and compares numbers with Object.is. */
export function expectDeepSame(actual: unknown, expected: unknown): void {
  // A bijection between the objects of both sides: one object where the
  // original had one, two where it had two (identity is observable).
  const seen = new Map<unknown, unknown>();
  const back = new Map<unknown, unknown>();
  const same = (a: unknown, b: unknown): boolean => {
    if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b);
    if (seen.has(a) || back.has(b)) return seen.get(a) === b && back.get(b) === a;
    seen.set(a, b);
    back.set(b, a);
    if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  };
  if (!same(actual, expected)) expect(actual).toEqual(expected);
}
