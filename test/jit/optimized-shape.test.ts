// What the whole optimizer makes of a real interpreter loop: regvm boxes every
// integer in a W_Int (PyPy's W_IntObject style) and keeps its registers in a
// virtualizable frame. The peeled loop must be just the guest's arithmetic and
// the guard the guest's loop condition needs: no allocation, no frame access.
import * as path from 'node:path';
import { expect, test } from 'vitest';
import type { Opcode } from '../../jit/ir/ops.js';
import { metaInterp } from '../support/meta-interp.js';

const HEAP_OPS: Opcode[] = ['getfield_i', 'getfield_f', 'getfield_r', 'setfield', 'getarrayitem_i', 'getarrayitem_f', 'getarrayitem_r', 'setarrayitem', 'arraylen'];

test('regvm sum loop: the peeled loop is two adds, a compare and one guard', async () => {
  const r = await metaInterp(path.resolve('interpreters/regvm/main.ts'), ['interpreters/regvm/examples/sum.rvm'], { params: { threshold: 50 } });
  expect(r.out).toBe('12499997500000\n');
  const loops = r.runtime!.compiledTraces.filter((t) => t.kind === 'loop');
  expect(loops.length).toBe(1);
  const ops = loops[0].optimized.ops;
  const header = ops.findIndex((o, i) => o.opcode === 'label' && i > 0);
  expect(header).toBeGreaterThan(0); // peeled: preamble, then the loop proper
  const body = ops.slice(header + 1).filter((o) => o.opcode !== 'debug_merge_point');
  expect(body.some((o) => o.opcode.startsWith('new'))).toBe(false);
  expect(body.some((o) => HEAP_OPS.includes(o.opcode))).toBe(false);
  expect(body.map((o) => o.opcode)).toEqual(['float_add', 'float_add', 'float_lt', 'guard_true', 'jump']);
});

test("bf's [->+<]: the loop stays in int32 (typed items, an invariant tape pointer) and keeps both cells in registers", async () => {
  // One loop nest: 200 times, set c1 = 250 and drain it into c2.
  const fs = await import('node:fs');
  const os = await import('node:os');
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bf-shape-')), 'drain.b');
  fs.writeFileSync(file, '+'.repeat(200) + '[>' + '+'.repeat(250) + '[->+<]>[-]<<-]>>.');
  const r = await metaInterp(path.resolve('interpreters/bf/main.ts'), [file], { params: { threshold: 50 } });
  expect(r.out).toBe('\0');
  const loop = r.runtime!.compiledTraces.find((t) => t.kind === 'loop')!;
  const ops = loop.optimized.ops;
  const header = ops.findIndex((o, i) => o.opcode === 'label' && i > 0);
  const body = ops.slice(header + 1).filter((o) => o.opcode !== 'debug_merge_point');
  const count = (op: Opcode) => body.filter((o) => o.opcode === op).length;
  expect(header).toBeGreaterThan(0);
  // The pointer comes back where it was: the only label args the loop changes are the two cells.
  const back = ops[ops.length - 1].args;
  expect(ops[header].args.filter((a, k) => back[k] !== a)).toHaveLength(2);
  // the cells go around the loop in phis (heap.ts carries stored items): stores only, and the loop test
  expect(count('getarrayitem_i')).toBe(0);
  expect(count('setarrayitem')).toBe(2);
  expect(count('guard_true') + count('guard_false')).toBe(1);
  expect(count('getarrayitem_f') + count('float_add') + count('float_to_int32')).toBe(0);
});

test("regvm calls: a guest call (the portal calling itself) is traced into, and its frame is virtual", async () => {
  const r = await metaInterp(path.resolve('interpreters/regvm/main.ts'), ['interpreters/regvm/examples/calls.rvm'], { params: { threshold: 50 } });
  expect(r.out).toBe('sum of i*i mod 1000: 461500000\n');
  const loop = r.runtime!.compiledTraces.find((t) => t.kind === 'loop')!;
  const ops = loop.optimized.ops;
  const body = ops.slice(ops.findIndex((o, i) => o.opcode === 'label' && i > 0) + 1);
  expect(body.filter((o) => o.opcode.startsWith('call') || o.opcode.startsWith('new'))).toEqual([]);
  expect(body.some((o) => o.opcode === 'float_mod')).toBe(true); // square_mod's work, inlined
});
