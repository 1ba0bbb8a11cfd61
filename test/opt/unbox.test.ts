// The unbox pass: loop-carried values boxed on both edges into the peeled loop's
// header are carried raw and boxed again after it; positions boxed on one edge
// only are left alone.
import { expect, test } from 'vitest';
import { DescrRegistry } from '../../jit/ir/descr.js';
import { parseTrace } from '../../jit/ir/parse.js';
import { ConstRegistry, printTrace } from '../../jit/ir/print.js';
import { verifyTrace } from '../../jit/ir/verify.js';
import { contextFor } from '../../jit/opt/pass.js';
import { unboxPass } from '../../jit/opt/unbox.js';

function expectUnboxed(before: string, after: string): void {
  const descrs = new DescrRegistry();
  const consts = new ConstRegistry();
  const t = parseTrace(before, descrs, consts);
  const out = unboxPass.run(t, contextFor(t, 'loop'));
  verifyTrace(out);
  const lines = (s: string) => s.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  expect(lines(printTrace(out, consts))).toEqual(lines(after));
}

test('a value boxed on both edges is carried raw and reboxed after the header', () => {
  expectUnboxed(`
    [r0]
    label(r0, descr=target:L)
    f1 = unbox_float(r0)
    f2 = float_add(f1, 1.0)
    r3 = box_float(f2)
    jump(r3, descr=target:L.loop)
    label(r4, descr=target:L.loop)
    f5 = unbox_float(r4)
    f6 = float_add(f5, 1.0)
    r7 = box_float(f6)
    jump(r7, descr=target:L.loop)
  `, `
    [r0]
    label(r0, descr=target:L)
    f1 = unbox_float(r0)
    f2 = float_add(f1, 1.0)
    r3 = box_float(f2)
    jump(f2, descr=target:L.loop)
    label(f8, descr=target:L.loop)
    r4 = box_float(f8)
    f5 = unbox_float(r4)
    f6 = float_add(f5, 1.0)
    r7 = box_float(f6)
    jump(f6, descr=target:L.loop)
  `);
});

test('a position boxed on one edge only stays boxed', () => {
  const text = `
    [r0, r1]
    label(r0, r1, descr=target:L)
    f2 = unbox_float(r0)
    r3 = box_float(f2)
    jump(r3, r1, descr=target:L.loop)
    label(r4, r5, descr=target:L.loop)
    jump(r5, r4, descr=target:L.loop)
  `;
  expectUnboxed(text, text);
});
