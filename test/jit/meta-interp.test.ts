// Meta-interpreter tests in PyPy's style (`meta_interp` + `check_resops`): each
// fixture is a tiny interpreter with a JitDriver; it runs under the JIT, and the
// test checks the result *and* the shape of what was compiled.
import { describe, expect, test } from 'vitest';
import type { TargetDescr } from '../../jit/ir/descr.js';
import type { Trace } from '../../jit/ir/trace.js';
import {
  bridges, dumpTraces, expectExactOps, expectLoopOps, expectTraceCount, loops, metaInterp, opsOf, theLoop,
} from '../support/meta-interp.js';

const labelOf = (t: Trace): TargetDescr => t.ops[0].descr as TargetDescr;
const jumpTargetOf = (t: Trace): TargetDescr => t.ops[t.ops.length - 1].descr as TargetDescr;
const locations = (t: Trace): string[] => opsOf(t, 'debug_merge_point').map((op) => (op.descr as { text: string }).text);

describe('countdown (DEC; JNZ 0; HALT)', () => {
  test('compiles one loop: one float_sub, one guard_true, nothing allocated', async () => {
    const r = await metaInterp('countdown.ts', ['100']);
    expect(r.out).toBe('0\n');
    expectTraceCount(r, 1);
    expectExactOps(theLoop(r), { getfield_f: 2, float_sub: 1, setfield: 1, float_gt: 1, guard_true: 1 });
    expectLoopOps(r, { new: 0, guard_value: 0 });
    // The loop is closed: it jumps back to its own label, spanning both guest ops.
    const loop = theLoop(r);
    expect(jumpTargetOf(loop)).toBe(labelOf(loop));
    expect(locations(loop)).toHaveLength(2);
  });

  test('a loop that never gets hot compiles nothing and still computes the result', async () => {
    const r = await metaInterp('countdown.ts', ['2']);
    expect(r.out).toBe('0\n');
    expectTraceCount(r, 0);
    expect(r.stats.bridges).toBe(0);
  });
});

describe('switch dispatch on a constant opcode', () => {
  test('the dispatch leaves no trace: no guards, comparisons or bytecode reads for it', async () => {
    const r = await metaInterp('switch-dispatch.ts', ['100']);
    expect(r.out).toBe('5050\n');
    expectTraceCount(r, 1);
    const loop = theLoop(r);
    // Three guest instructions (ADD, DEC, JNZ), and only their own work: the one
    // guard is JNZ's `i !== 0`.
    expect(locations(loop)).toHaveLength(3);
    expectExactOps(loop, { getfield_f: 4, float_add: 1, float_sub: 1, setfield: 2, float_ne: 1, guard_true: 1 });
  });

  test('gives the same result as the plain interpreter for many loop lengths', async () => {
    for (const n of ['1', '3', '4', '17']) {
      const jit = await metaInterp('switch-dispatch.ts', [n]);
      const plain = await metaInterp('switch-dispatch.ts', [n], { jit: false });
      expect(jit.out).toBe(plain.out);
    }
  });
});

describe('nested guest loops', () => {
  test('compile two loops, connected by bridges that jump into each other', async () => {
    const r = await metaInterp('nested-loops.ts', ['30']);
    // sum over i < 30 of i(i+1)/2
    expect(r.out).toBe('4495\n');
    expectTraceCount(r, 2);
    const [a, b] = loops(r);
    for (const loop of [a, b]) expect(jumpTargetOf(loop), dumpTraces(r)).toBe(labelOf(loop));
    // Leaving either loop is a bridge into the other one, not a trip through the interpreter.
    const targets = new Set(bridges(r).map(jumpTargetOf));
    expect(targets, dumpTraces(r)).toEqual(new Set([labelOf(a), labelOf(b)]));
    const plain = await metaInterp('nested-loops.ts', ['30'], { jit: false });
    expect(r.out).toBe(plain.out);
  });
});

describe('leaving compiled code', () => {
  test("goes on in the portal's own loop: the portal's prologue runs once per call, as without the JIT", async () => {
    const r = await metaInterp('portal-prologue.ts', ['1000']);
    expect(r.stats.loops).toBe(1);
    expect(r.stats.guardFailures).toBeGreaterThan(0);
    expect(r.out).toBe('0 1\n');
  });
});

describe('objects and virtual methods', () => {
  test('one guard_class for the red receiver, the method inlined, one allocation per iteration', async () => {
    const r = await metaInterp('objects.ts', ['50']);
    expect(r.out).toBe('100\n');
    expectTraceCount(r, 1);
    expectLoopOps(r, { guard_class: 1, new: 1, call_r: 0, call_f: 0, call_n: 0 });
  });
});

describe('guest function calls (the portal called recursively)', () => {
  test('each guest loop gets its own trace; in the caller the callee is one residual call', async () => {
    const r = await metaInterp('guest-calls.ts', ['30']);
    // sum over i < 30 of (sum over j < i of j) = C(30, 3)
    expect(r.out).toBe('4060\n');
    expectTraceCount(r, 2);
    const portalCalls = (t: Trace) => opsOf(t, 'call_f').filter((op) => (op.descr as { name: string }).name === 'guest-calls.ts:run').length;
    const [outer, inner] = loops(r).sort((a, b) => portalCalls(b) - portalCalls(a));
    expect(portalCalls(outer), dumpTraces(r)).toBe(1);
    // the loop's exit test `if (!(i < n)) break`, then acc += i and i++
    expectExactOps(inner, { getfield_f: 5, float_add: 2, setfield: 2, float_lt: 1, bool_not: 1, guard_false: 1 });
    const plain = await metaInterp('guest-calls.ts', ['30'], { jit: false });
    expect(r.out).toBe(plain.out);
  });
});

describe('recursive interpreter helpers', () => {
  test('are inlined max_unroll_recursion levels deep, then called', async () => {
    const r = await metaInterp('recursive-helper.ts', ['50', '10']);
    expect(r.out).toBe('2750\n'); // 50 * (10 + 9 + ... + 1)
    // The loop's exit test, one `k <= 0` guard per inlined level, then the residual call.
    expectLoopOps(r, { guard_false: 4, call_f: 1 });

    const shallow = await metaInterp('recursive-helper.ts', ['50', '10'], { params: { max_unroll_recursion: 1 } });
    expect(shallow.out).toBe('2750\n');
    expectLoopOps(shallow, { guard_false: 2, call_f: 1 });
  });
});

describe('the portal', () => {
  test('a dispatch loop with a condition is refused, with its position: entering compiled code would skip it', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'portal-')), 'cond.ts');
    fs.writeFileSync(file, [
      "import { JitDriver } from 'metajit';",
      'class Frame { i: number; constructor(i: number) { this.i = i; } }',
      "const driver = new JitDriver({ greens: [], reds: ['frame'] });",
      'function run(frame: Frame): void {',
      '  while (frame.i > 0) {',
      '    driver.jitMergePoint(frame);',
      '    frame.i = frame.i - 1;',
      '    driver.canEnterJit(frame);',
      '  }',
      '}',
      'export function main(argv: readonly string[]): number { run(new Frame(Number(argv[0]))); return 0; }',
      '',
    ].join('\n'));
    await expect(metaInterp(file, ['10'])).rejects.toThrow(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:5:3: the dispatch loop must be \`while \\(true\\)\` or \`for \\(;;\\)\``));
  });
});
