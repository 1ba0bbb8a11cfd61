// One test per JIT hint: the same loop traced with and without the hint (a
// green `mode` picks the code path, so only that path is in the trace), showing
// what the hint changes in the trace, and that the result does not change.
import { describe, expect, test } from 'vitest';
import * as path from 'node:path';
import { loadInterpreter } from '../../framework/loader.js';
import { listenerCount } from '../../framework/quasi-immutable.js';
import { eagerParams } from '../../framework/testing/index.js';
import { BACKENDS } from '../../jit/backends.js';
import type { FieldDescr } from '../../jit/ir/descr.js';
import type { Opcode } from '../../jit/ir/ops.js';
import type { Trace } from '../../jit/ir/trace.js';
import { expectOps, expectTraceCount, loops, metaInterp, opsOf, theLoop, type MetaInterpResult } from '../support/meta-interp.js';

/** Runs a fixture under the JIT and checks its output against the plain interpreter. */
async function run(fixture: string, argv: string[]): Promise<MetaInterpResult> {
  const jit = await metaInterp(fixture, argv);
  const plain = await metaInterp(fixture, argv, { jit: false });
  expect(jit.exit).toBe(0);
  expect(jit.out).toBe(plain.out);
  return jit;
}

/** Reads of `Owner.field` in a trace. */
function reads(trace: Trace, owner: string, field: string): number {
  const getfields: Opcode[] = ['getfield_i', 'getfield_f', 'getfield_r'];
  return getfields.flatMap((o) => opsOf(trace, o)).filter((op) => {
    const d = op.descr as FieldDescr;
    return d.owner === owner && d.name === field;
  }).length;
}

describe('promote', () => {
  test('turns a red field into a constant behind one guard_value, and its uses fold', async () => {
    const with_ = await run('hint-promote.ts', ['1', '50']);
    expect(with_.out).toBe('450\n');
    const loop = theLoop(with_);
    expectOps(loop, { guard_value: 1, float_mul: 0 });
    const [guard] = opsOf(loop, 'guard_value');
    expect(guard.args[1]).toMatchObject({ tag: 'const', value: 3 });

    const without = await run('hint-promote.ts', ['0', '50']);
    expectOps(theLoop(without), { guard_value: 0, float_mul: 1 });
  });
});

describe('@elidable', () => {
  test('with constant arguments the call folds to its result', async () => {
    const r = await run('hint-elidable.ts', ['2', '50']);
    expect(r.out).toBe('350\n'); // cost(2) = 7, fifty times
    expectOps(theLoop(r), { call_f: 0, float_mul: 0, float_add: 1 });
  });

  test('with non-constant arguments it is one residual call, never inlined', async () => {
    const r = await run('hint-elidable.ts', ['1', '50']);
    expectOps(theLoop(r), { call_f: 1, float_mul: 0 });
    // The same body without the hint is inlined.
    const plain = await run('hint-elidable.ts', ['0', '50']);
    expectOps(theLoop(plain), { call_f: 0, float_mul: 1 });
  });
});

describe('@dontLookInside', () => {
  test('the helper is a residual call (then guard_no_exception) instead of its inlined ops', async () => {
    const with_ = await run('hint-dont-look-inside.ts', ['1', '50']);
    expect(with_.out).toBe('2500\n');
    expectOps(theLoop(with_), { call_f: 1, guard_no_exception: 1, float_mul: 0 });

    const without = await run('hint-dont-look-inside.ts', ['0', '50']);
    expectOps(theLoop(without), { call_f: 0, guard_no_exception: 0, float_mul: 1 });
  });
});

describe('@unrollSafe', () => {
  test('a helper with a loop is inlined and unrolled instead of called', async () => {
    const with_ = await run('hint-unroll-safe.ts', ['1', '50']);
    expect(with_.out).toBe('3825\n');
    // Three unrolled `s + x`, plus the `acc +` of the caller.
    expectOps(theLoop(with_), { call_f: 0, float_add: 4 });

    const without = await run('hint-unroll-safe.ts', ['0', '50']);
    expectOps(theLoop(without), { call_f: 1, float_add: 1 });
  });
});

describe('weAreJitted', () => {
  test('is a constant true in traces: only the jitted branch is recorded, without a guard', async () => {
    const r = await run('hint-we-are-jitted.ts', ['50']);
    expect(r.out).toBe('2550\n');
    // The fast path's float_mul, not the slow path's call; the only guard is the loop test.
    expectOps(theLoop(r), { float_mul: 1, call_f: 0 });
    expect(theLoop(r).ops.filter((o) => o.opcode === 'guard_true' || o.opcode === 'guard_false').length).toBe(1);
  });
});

describe('readonly fields', () => {
  test('a readonly field of a constant object folds; a mutable one stays a getfield', async () => {
    const with_ = await run('hint-readonly-field.ts', ['1', '50']);
    expect(with_.out).toBe('350\n');
    expect(reads(theLoop(with_), 'Config', 'scale')).toBe(0);

    const without = await run('hint-readonly-field.ts', ['0', '50']);
    expect(reads(theLoop(without), 'Config', 'mscale')).toBe(1);
  });
});

describe('readonly arrays', () => {
  test('items and length of a constant `readonly number[]` fold; a `number[]` is read', async () => {
    const with_ = await run('hint-readonly-array.ts', ['1', '50']);
    expect(with_.out).toBe('350\n');
    expectOps(theLoop(with_), { getarrayitem_f: 0, arraylen: 0 });

    const without = await run('hint-readonly-array.ts', ['0', '50']);
    expectOps(theLoop(without), { getarrayitem_f: 1, arraylen: 1 });
  });
});

describe('@quasiImmutable', () => {
  const folded = (t: Trace) => reads(t, 'Globals', 'factor');

  test('a read on a constant object folds behind guard_not_invalidated', async () => {
    const r = await run('hint-quasi-immutable.ts', ['50', '-1']);
    expect(r.out).toBe('50\n');
    const loop = theLoop(r);
    expect(folded(loop)).toBe(0);
    expectOps(loop, { guard_not_invalidated: 1 });
    expect(r.stats.invalidations).toBe(0);
  });

  test('a write from guest code running compiled invalidates the loop; it is retraced with the new value', async () => {
    // Factor 1 for n = 50..20, then 10 for n = 19..1.
    const r = await run('hint-quasi-immutable.ts', ['50', '20']);
    expect(r.out).toBe('221\n');
    expect(r.stats.invalidations).toBeGreaterThan(0);
    expectTraceCount(r, 2);
    const [before, after] = loops(r);
    for (const t of [before, after]) expect(folded(t)).toBe(0);
    expect(opsOf(after, 'float_add').some((op) => op.args.some((a) => a.tag === 'const' && a.value === 10))).toBe(true);
  });

  test('a write from plain interpreter code (main, between two runs) invalidates the loop', async () => {
    const r = await run('hint-quasi-immutable.ts', ['50', '-1', 'again']);
    expect(r.out).toBe('50\n5000\n');
    expect(r.stats.invalidations).toBeGreaterThan(0);
  });

  test('a new load of the interpreter replaces the listener of the last one (which would keep its runtime alive)', async () => {
    const fixture = path.join(__dirname, 'fixtures/hint-quasi-immutable.ts');
    const jit = { backend: BACKENDS.ref({}), params: eagerParams({ threshold: 5 }) };
    await loadInterpreter(fixture, jit);
    const once = listenerCount();
    await loadInterpreter(fixture, jit);
    await loadInterpreter(fixture, jit);
    expect(listenerCount()).toBe(once);
    await loadInterpreter(fixture, null);
    expect(listenerCount()).toBe(once - 1);
  });
});

describe('virtualizables', () => {
  test("the frame's @virtualizable fields and array items live in trace values, not the heap", async () => {
    const with_ = await run('hint-virtualizable.ts', ['100']);
    expect(with_.out).toBe('5050\n');
    const loop = theLoop(with_);
    expect(reads(loop, 'Frame', 'acc')).toBe(0);
    expectOps(loop, { setfield: 0, getarrayitem_f: 0, setarrayitem: 0 });
    // The label carries the frame, then the slots: acc and the three registers.
    expect(loop.ops[0].args.length).toBe(1 + 1 + 3);

    const without = await run('hint-virtualizable-off.ts', ['100']);
    const plainLoop = theLoop(without);
    expect(reads(plainLoop, 'Frame', 'acc')).toBeGreaterThan(0);
    expect(opsOf(plainLoop, 'setarrayitem').length).toBeGreaterThan(0);
    expect(plainLoop.ops[0].args.length).toBe(1);
  });
});
