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
  const loops = r.runtime.compiledTraces.filter((t) => t.kind === 'loop');
  expect(loops.length).toBe(1);
  const ops = loops[0].optimized.ops;
  const header = ops.findIndex((o, i) => o.opcode === 'label' && i > 0);
  expect(header).toBeGreaterThan(0); // peeled: preamble, then the loop proper
  const body = ops.slice(header + 1).filter((o) => o.opcode !== 'debug_merge_point');
  expect(body.some((o) => o.opcode.startsWith('new'))).toBe(false);
  expect(body.some((o) => HEAP_OPS.includes(o.opcode))).toBe(false);
  expect(body.map((o) => o.opcode)).toEqual(['float_add', 'float_add', 'float_lt', 'guard_true', 'jump']);
});
