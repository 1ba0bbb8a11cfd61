// The heap cache (jit/opt/heap.ts): before/after pairs, then property tests,
// then the small interpreters end to end with unroll, heap, guards and intbounds.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { CapturedOutput, setOutput } from '../../framework/host.js';
import { loadInterpreter } from '../../framework/loader.js';
import { eagerParams } from '../../framework/testing/index.js';
import { programArbitrary as bfPrograms } from '../../interpreters/bf/arbitrary.js';
import { programArbitrary as regvmPrograms } from '../../interpreters/regvm/arbitrary.js';
import { RefBackend } from '../../jit/backend-ref/ref-backend.js';
import { verifyTrace } from '../../jit/ir/verify.js';
import { guardsPass } from '../../jit/opt/guards.js';
import { heapPass } from '../../jit/opt/heap.js';
import { intboundsPass } from '../../jit/opt/intbounds.js';
import { contextFor } from '../../jit/opt/pass.js';
import { unrollPass } from '../../jit/opt/unroll.js';
import { randomRun } from '../support/random-trace.js';
import { expectOptimized, expectPassKeepsBehaviour, heapRegistries, peel, randomHeapRun, unrolled } from '../support/opt-support.js';

const { descrs, consts } = heapRegistries();
const opt = (before: string, after: string) => expectOptimized(heapPass, descrs, consts, before, after);
const same = (trace: string) => opt(trace, trace);

describe('heap: forwarding loads', () => {
  it('a second read of a field is the first', () => opt(`
[r0, r1]
label(r0, r1, descr=target:L)
f2 = getfield_f(r0, descr=Cell.v)
f3 = getfield_f(r0, descr=Cell.v)
f4 = float_add(f2, f3)
jump(r0, r1, descr=target:L)
`, `
[r0, r1]
label(r0, r1, descr=target:L)
f2 = getfield_f(r0, descr=Cell.v)
f4 = float_add(f2, f2)
jump(r0, r1, descr=target:L)
`));

  it('a read after a store is the stored value, also in failArgs', () => opt(`
[r0, f1]
label(r0, f1, descr=target:L)
setfield(r0, f1, descr=Cell.v)
f2 = getfield_f(r0, descr=Cell.v)
guard_true(true, descr=guard:1) [f2, r0]
jump(r0, f2, descr=target:L)
`, `
[r0, f1]
label(r0, f1, descr=target:L)
setfield(r0, f1, descr=Cell.v)
guard_true(true, descr=guard:1) [f1, r0]
jump(r0, f1, descr=target:L)
`));

  it('a store to another field, or to a constant index elsewhere, keeps the value', () => opt(`
[r0, r1, f2]
label(r0, r1, f2, descr=target:L)
f3 = getfield_f(r0, descr=Cell.v)
f4 = getarrayitem_f(r1, 0.0)
setfield(r0, r0, descr=Cell.next)
setarrayitem(r1, 1.0, f2)
f5 = getfield_f(r0, descr=Cell.v)
f6 = getarrayitem_f(r1, -0.0)
jump(r0, r1, f6, descr=target:L)
`, `
[r0, r1, f2]
label(r0, r1, f2, descr=target:L)
f3 = getfield_f(r0, descr=Cell.v)
f4 = getarrayitem_f(r1, 0.0)
setfield(r0, r0, descr=Cell.next)
setarrayitem(r1, 1.0, f2)
jump(r0, r1, f4, descr=target:L)
`));

  it('new and new_array tell their fields, items and length', () => opt(`
[f0]
label(f0, descr=target:L)
r1 = new(f0, 2.0, null, descr=class:Cell)
f2 = getfield_f(r1, descr=Cell.k)
r3 = new_array(f0, f2)
f4 = getarrayitem_f(r3, 1.0)
f5 = arraylen(r3)
f6 = float_add(f4, f5)
jump(f6, descr=target:L)
`, `
[f0]
label(f0, descr=target:L)
r1 = new(f0, 2.0, null, descr=class:Cell)
r3 = new_array(f0, 2.0)
f6 = float_add(2.0, 2.0)
jump(f6, descr=target:L)
`));

  it('two descriptors of one property alias: a store through one forgets reads through the other', () => opt(`
[r0, f1]
label(r0, f1, descr=target:L)
f2 = getfield_f(r0, descr=Cell.v)
setfield(r0, f1, descr=Other.v)
f3 = getfield_f(r0, descr=Cell.v)
f4 = getfield_f(r0, descr=Other.v)
jump(r0, f3, descr=target:L)
`, `
[r0, f1]
label(r0, f1, descr=target:L)
f2 = getfield_f(r0, descr=Cell.v)
setfield(r0, f1, descr=Other.v)
f3 = getfield_f(r0, descr=Cell.v)
jump(r0, f3, descr=target:L)
`));
});

describe('heap: aliasing', () => {
  it('a store through another box that may be the same object forgets the field', () => same(`
[r0, r1, f2]
label(r0, r1, f2, descr=target:L)
f3 = getfield_f(r0, descr=Cell.v)
setfield(r1, f2, descr=Cell.v)
f4 = getfield_f(r0, descr=Cell.v)
jump(r0, r1, f4, descr=target:L)
`));

  it('a store to an array through another box, or at an index box, forgets the item', () => same(`
[r0, r1, f2]
label(r0, r1, f2, descr=target:L)
f3 = getarrayitem_f(r0, 1.0)
setarrayitem(r1, 1.0, f2)
f4 = getarrayitem_f(r0, 1.0)
setarrayitem(r0, f2, f2)
f5 = getarrayitem_f(r0, 1.0)
jump(r0, r1, f5, descr=target:L)
`));

  it('a fresh allocation is no other object, until it escapes', () => opt(`
[r0, f1]
label(r0, f1, descr=target:L)
r2 = new(1.0, 2.0, r0, descr=class:Cell)
setfield(r0, f1, descr=Cell.v)
f3 = getfield_f(r2, descr=Cell.v)
setfield(r0, r2, descr=Cell.next)
r4 = getfield_r(r0, descr=Cell.next)
setfield(r4, f1, descr=Cell.v)
f5 = getfield_f(r2, descr=Cell.v)
jump(r0, f5, descr=target:L)
`, `
[r0, f1]
label(r0, f1, descr=target:L)
r2 = new(1.0, 2.0, r0, descr=class:Cell)
setfield(r0, f1, descr=Cell.v)
setfield(r0, r2, descr=Cell.next)
setfield(r2, f1, descr=Cell.v)
jump(r0, f1, descr=target:L)
`));

  it('an escaped allocation may be a value defined after it, but no older one and no constant', () => opt(`
[r0, r1, f5]
label(r0, r1, f5, descr=target:L)
r2 = new(1.0, 2.0, r0, descr=class:Cell)
setfield(r0, r2, descr=Cell.next)
setfield(r1, f5, descr=Cell.v)
f7 = getfield_f(r2, descr=Cell.v)
r3 = getfield_r(r1, descr=Cell.next)
setfield(r3, f5, descr=Cell.v)
f4 = getfield_f(r2, descr=Cell.v)
setfield(ConstPtr(Cell), 0.0, descr=Cell.v)
f6 = getfield_f(r2, descr=Cell.v)
jump(r0, r1, f6, descr=target:L)
`, `
[r0, r1, f5]
label(r0, r1, f5, descr=target:L)
r2 = new(1.0, 2.0, r0, descr=class:Cell)
setfield(r0, r2, descr=Cell.next)
setfield(r1, f5, descr=Cell.v)
r3 = getfield_r(r1, descr=Cell.next)
setfield(r3, f5, descr=Cell.v)
f4 = getfield_f(r2, descr=Cell.v)
setfield(ConstPtr(Cell), 0.0, descr=Cell.v)
jump(r0, r1, f4, descr=target:L)
`));

  it('objects of different known classes are different', () => opt(`
[r0, r1, f2]
label(r0, r1, f2, descr=target:L)
guard_class(r0, ConstPtr(Cell), descr=guard:1) []
guard_class(r1, ConstPtr(SubCell), descr=guard:2) []
f3 = getfield_f(r0, descr=Cell.v)
setfield(r1, f2, descr=Cell.v)
f4 = getfield_f(r0, descr=Cell.v)
jump(r0, r1, f4, descr=target:L)
`, `
[r0, r1, f2]
label(r0, r1, f2, descr=target:L)
guard_class(r0, ConstPtr(Cell), descr=guard:1) []
guard_class(r1, ConstPtr(SubCell), descr=guard:2) []
f3 = getfield_f(r0, descr=Cell.v)
setfield(r1, f2, descr=Cell.v)
jump(r0, r1, f3, descr=target:L)
`));

  it('storing into an array forgets its length, unless below a known constant length', () => opt(`
[r0, f1]
label(r0, f1, descr=target:L)
r2 = new_array(f1, f1)
setarrayitem(r2, 1.0, 5.0)
f3 = arraylen(r2)
f4 = arraylen(r0)
setarrayitem(r0, f1, 5.0)
f5 = arraylen(r0)
jump(r0, f5, descr=target:L)
`, `
[r0, f1]
label(r0, f1, descr=target:L)
r2 = new_array(f1, f1)
setarrayitem(r2, 1.0, 5.0)
f4 = arraylen(r0)
setarrayitem(r0, f1, 5.0)
f5 = arraylen(r0)
jump(r0, f5, descr=target:L)
`));
});

describe('heap: typed arrays', () => {
  it('a typed store is read back only where its conversion keeps the value', () => opt(`
[r0, r1, r2, f3, i4]
label(r0, r1, r2, f3, i4, descr=target:L)
i5 = int_and(i4, 255)
f6 = int_to_float(i5)
setarrayitem(r0, 0.0, f6, descr=array:Uint8Array)
i7 = getarrayitem_i(r0, 0.0, descr=array:Uint8Array)
f8 = int_to_float(i4)
setarrayitem(r0, 1.0, f8, descr=array:Uint8Array)
i9 = getarrayitem_i(r0, 1.0, descr=array:Uint8Array)
setarrayitem(r1, 0.0, f8, descr=array:Int32Array)
i10 = getarrayitem_i(r1, 0.0, descr=array:Int32Array)
setarrayitem(r2, 0.0, f3, descr=array:Float32Array)
f11 = getarrayitem_f(r2, 0.0, descr=array:Float32Array)
setarrayitem(r2, 1.0, f3, descr=array:Float64Array)
f12 = getarrayitem_f(r2, 1.0, descr=array:Float64Array)
jump(r0, r1, r2, f3, i7, i9, i10, f11, f12, descr=target:L2)
`, `
[r0, r1, r2, f3, i4]
label(r0, r1, r2, f3, i4, descr=target:L)
i5 = int_and(i4, 255)
f6 = int_to_float(i5)
setarrayitem(r0, 0.0, f6, descr=array:Uint8Array)
f8 = int_to_float(i4)
setarrayitem(r0, 1.0, f8, descr=array:Uint8Array)
i9 = getarrayitem_i(r0, 1.0, descr=array:Uint8Array)
setarrayitem(r1, 0.0, f8, descr=array:Int32Array)
setarrayitem(r2, 0.0, f3, descr=array:Float32Array)
f11 = getarrayitem_f(r2, 0.0, descr=array:Float32Array)
setarrayitem(r2, 1.0, f3, descr=array:Float64Array)
jump(r0, r1, r2, f3, i5, i9, i4, f11, f3, descr=target:L2)
`));

  it('int32 indices x + C1 and x + C2 are different cells; x and an unknown index may be one', () => opt(`
[r0, i1, f2, f3]
label(r0, i1, f2, f3, descr=target:L)
f4 = int_to_float(i1)
i5 = int_add(i1, 1)
f6 = int_to_float(i5)
f7 = getarrayitem_f(r0, f4)
setarrayitem(r0, f6, f3)
f8 = getarrayitem_f(r0, f4)
setarrayitem(r0, f2, f3)
f9 = getarrayitem_f(r0, f4)
jump(r0, i1, f8, f9, descr=target:L2)
`, `
[r0, i1, f2, f3]
label(r0, i1, f2, f3, descr=target:L)
f4 = int_to_float(i1)
i5 = int_add(i1, 1)
f6 = int_to_float(i5)
f7 = getarrayitem_f(r0, f4)
setarrayitem(r0, f6, f3)
setarrayitem(r0, f2, f3)
f9 = getarrayitem_f(r0, f4)
jump(r0, i1, f7, f9, descr=target:L2)
`));
});

describe('heap: calls', () => {
  it("a 'write' call forgets mutable fields, keeps immutable ones and fresh allocations", () => opt(`
[r0, r1]
label(r0, r1, descr=target:L)
f2 = getfield_f(r0, descr=Cell.v)
f3 = getfield_f(r0, descr=Cell.k)
r4 = new(1.0, 2.0, r0, descr=class:Cell)
call_n(r0, r1, descr=call:poke)
f5 = getfield_f(r0, descr=Cell.v)
f6 = getfield_f(r0, descr=Cell.k)
f7 = getfield_f(r4, descr=Cell.v)
f8 = float_add(f5, f6)
f9 = float_add(f8, f7)
jump(r0, r1, descr=target:L)
`, `
[r0, r1]
label(r0, r1, descr=target:L)
f2 = getfield_f(r0, descr=Cell.v)
f3 = getfield_f(r0, descr=Cell.k)
r4 = new(1.0, 2.0, r0, descr=class:Cell)
call_n(r0, r1, descr=call:poke)
f5 = getfield_f(r0, descr=Cell.v)
f8 = float_add(f5, f3)
f9 = float_add(f8, 1.0)
jump(r0, r1, descr=target:L)
`));

  it("'readonly' and 'elidable' calls forget nothing", () => opt(`
[r0, r1]
label(r0, r1, descr=target:L)
f2 = getarrayitem_f(r1, 0.0)
f3 = call_f(r0, r1, descr=call:peek)
f4 = call_f(f3, descr=call:half)
f5 = getarrayitem_f(r1, 0.0)
jump(r0, r1, descr=target:L)
`, `
[r0, r1]
label(r0, r1, descr=target:L)
f2 = getarrayitem_f(r1, 0.0)
f3 = call_f(r0, r1, descr=call:peek)
f4 = call_f(f3, descr=call:half)
jump(r0, r1, descr=target:L)
`));

  it('a fresh allocation passed to a call has escaped', () => same(`
[r0, r1]
label(r0, r1, descr=target:L)
r2 = new(1.0, 2.0, r0, descr=class:Cell)
call_n(r2, r1, descr=call:poke)
f3 = getfield_f(r2, descr=Cell.v)
jump(r0, r1, descr=target:L)
`));
});

describe('heap: stores', () => {
  it('a store of the value the cell holds goes', () => opt(`
[r0, r1]
label(r0, r1, descr=target:L)
f2 = getfield_f(r0, descr=Cell.v)
setfield(r0, f2, descr=Cell.v)
setarrayitem(r1, 2.0, f2)
guard_true(true, descr=guard:1) []
setarrayitem(r1, 2.0, f2)
jump(r0, r1, descr=target:L)
`, `
[r0, r1]
label(r0, r1, descr=target:L)
f2 = getfield_f(r0, descr=Cell.v)
setarrayitem(r1, 2.0, f2)
guard_true(true, descr=guard:1) []
jump(r0, r1, descr=target:L)
`));

  it('an item store of the value read stays: the read may have seen a hole', () => same(`
[r0]
label(r0, descr=target:L)
f1 = getarrayitem_f(r0, 5.0)
setarrayitem(r0, 5.0, f1)
jump(r0, descr=target:L)
`));

  it('a store overwritten before any read goes (a forwarded read reads nothing)', () => opt(`
[r0, r1, f2]
label(r0, r1, f2, descr=target:L)
setfield(r0, f2, descr=Cell.v)
f3 = getfield_f(r0, descr=Cell.v)
setfield(r1, f2, descr=Cell.k)
setarrayitem(r1, 0.0, f2)
f4 = float_add(f3, 1.0)
setfield(r0, f4, descr=Cell.v)
setarrayitem(r1, 0.0, f4)
jump(r0, r1, f4, descr=target:L)
`, `
[r0, r1, f2]
label(r0, r1, f2, descr=target:L)
setfield(r1, f2, descr=Cell.k)
f4 = float_add(f2, 1.0)
setfield(r0, f4, descr=Cell.v)
setarrayitem(r1, 0.0, f4)
jump(r0, r1, f4, descr=target:L)
`));

  it('a guard, a call or a read of an aliasing object keeps the earlier store', () => opt(`
[r0, r1, f2]
label(r0, r1, f2, descr=target:L)
setfield(r0, f2, descr=Cell.v)
guard_true(true, descr=guard:1) [r0]
setfield(r0, 1.0, descr=Cell.v)
f3 = call_f(f2, descr=call:half)
setfield(r0, 2.0, descr=Cell.v)
f4 = getfield_f(r1, descr=Cell.v)
setfield(r0, 3.0, descr=Cell.v)
f5 = getfield_f(r1, descr=Other.v)
setfield(r0, 4.0, descr=Cell.v)
jump(r0, r1, f4, descr=target:L)
`, `
[r0, r1, f2]
label(r0, r1, f2, descr=target:L)
setfield(r0, f2, descr=Cell.v)
guard_true(true, descr=guard:1) [r0]
setfield(r0, 1.0, descr=Cell.v)
f3 = call_f(f2, descr=call:half)
setfield(r0, 2.0, descr=Cell.v)
f4 = getfield_f(r1, descr=Cell.v)
setfield(r0, 3.0, descr=Cell.v)
f5 = getfield_f(r1, descr=Other.v)
setfield(r0, 4.0, descr=Cell.v)
jump(r0, r1, f4, descr=target:L)
`));

  it('an array store stays when the length or a possibly equal index is read in between', () => same(`
[r0, f1]
label(r0, f1, descr=target:L)
setarrayitem(r0, 5.0, f1)
f2 = arraylen(r0)
setarrayitem(r0, 5.0, f2)
f3 = getarrayitem_f(r0, f1)
setarrayitem(r0, 5.0, f3)
jump(r0, f3, descr=target:L)
`));
});

describe('heap: labels', () => {
  it('an item the loop stores at a fixed index goes around the loop in a phi; one it only reads keeps its load', () => opt(`
[r0, f1]
label(r0, f1, descr=target:L)
f2 = getarrayitem_f(r0, 0.0)
f3 = float_add(f2, f1)
setarrayitem(r0, 0.0, f3)
f4 = getarrayitem_f(r0, 1.0)
jump(f3, descr=target:P)
label(f5, descr=target:P)
f6 = getarrayitem_f(r0, 0.0)
f7 = float_add(f6, f5)
setarrayitem(r0, 0.0, f7)
f8 = getarrayitem_f(r0, 1.0)
f9 = float_add(f7, f8)
jump(f9, descr=target:P)
`, `
[r0, f1]
label(r0, f1, descr=target:L)
f2 = getarrayitem_f(r0, 0.0)
f3 = float_add(f2, f1)
setarrayitem(r0, 0.0, f3)
f4 = getarrayitem_f(r0, 1.0)
jump(f3, f3, descr=target:P)
label(f5, f10, descr=target:P)
f7 = float_add(f10, f5)
setarrayitem(r0, 0.0, f7)
f8 = getarrayitem_f(r0, 1.0)
f9 = float_add(f7, f8)
jump(f9, f7, descr=target:P)
`));

  it('at the peeled loop header, loads the loop cannot change stay in the preamble', () => opt(`
[r0, r1]
label(r0, r1, descr=target:L)
f2 = getfield_f(r0, descr=Cell.v)
r3 = getfield_r(r0, descr=Cell.next)
f4 = getarrayitem_f(r1, 0.0)
jump(r3, descr=target:P)
label(r5, descr=target:P)
f6 = getfield_f(r0, descr=Cell.v)
r7 = getfield_r(r0, descr=Cell.next)
f8 = getarrayitem_f(r1, 0.0)
f9 = getfield_f(r5, descr=Cell.v)
setfield(r5, f6, descr=Cell.k)
f10 = float_add(f8, f9)
jump(r7, descr=target:P)
`, `
[r0, r1]
label(r0, r1, descr=target:L)
f2 = getfield_f(r0, descr=Cell.v)
r3 = getfield_r(r0, descr=Cell.next)
f4 = getarrayitem_f(r1, 0.0)
jump(r3, descr=target:P)
label(r5, descr=target:P)
f9 = getfield_f(r5, descr=Cell.v)
setfield(r5, f2, descr=Cell.k)
f10 = float_add(f4, f9)
jump(r3, descr=target:P)
`));

  it("a store of the property or a 'write' call in the loop forgets it; immutable fields survive calls", () => opt(`
[r0, r1]
label(r0, r1, descr=target:L)
f2 = getfield_f(r0, descr=Cell.v)
f3 = getfield_f(r0, descr=Cell.k)
r4 = getfield_r(r0, descr=Cell.next)
f5 = arraylen(r1)
jump(r4, descr=target:P)
label(r6, descr=target:P)
f7 = getfield_f(r0, descr=Cell.v)
f8 = getfield_f(r0, descr=Cell.k)
r9 = getfield_r(r0, descr=Cell.next)
f10 = arraylen(r1)
call_n(r6, r1, descr=call:poke)
setfield(r6, r9, descr=Cell.next)
jump(r9, descr=target:P)
`, `
[r0, r1]
label(r0, r1, descr=target:L)
f2 = getfield_f(r0, descr=Cell.v)
f3 = getfield_f(r0, descr=Cell.k)
r4 = getfield_r(r0, descr=Cell.next)
f5 = arraylen(r1)
jump(r4, descr=target:P)
label(r6, descr=target:P)
f7 = getfield_f(r0, descr=Cell.v)
r9 = getfield_r(r0, descr=Cell.next)
f10 = arraylen(r1)
call_n(r6, r1, descr=call:poke)
setfield(r6, r9, descr=Cell.next)
jump(r9, descr=target:P)
`));

  it('an immutable field the loop stores does not survive the peeled loop header', () => same(`
[r0, f1]
label(r0, f1, descr=target:L)
f2 = getfield_f(r0, descr=Cell.k)
jump(f1, descr=target:P)
label(f3, descr=target:P)
f4 = getfield_f(r0, descr=Cell.k)
setfield(r0, f3, descr=Cell.k)
jump(f4, descr=target:P)
`));

  it('the preamble jump and the label keep earlier stores', () => same(`
[r0, f1]
label(r0, f1, descr=target:L)
setfield(r0, f1, descr=Cell.v)
jump(f1, descr=target:P)
label(f2, descr=target:P)
setfield(r0, f2, descr=Cell.v)
jump(f2, descr=target:P)
`));
});

describe('heap: property', () => {
  test.prop([randomRun(), fc.nat()], { numRuns: 300 })('random traces keep their behaviour', ({ rt, makeInputs }, k) => {
    expectPassKeepsBehaviour(heapPass, rt.trace, makeInputs, k);
  });

  test.prop([randomHeapRun(), fc.nat()], { numRuns: 400 })('random heap traces keep their behaviour', ({ trace, makeInputs }, k) => {
    expectPassKeepsBehaviour(heapPass, trace, makeInputs, k);
  });

  test.prop([randomHeapRun(), fc.nat(), fc.nat()], { numRuns: 400 })('peeled random heap traces keep their behaviour', ({ trace, makeInputs }, bits, k) => {
    expectPassKeepsBehaviour(heapPass, peel(trace, bits), makeInputs, k);
  });

  test.prop([randomHeapRun(), fc.nat()], { numRuns: 200 })('random heap traces after unroll keep their behaviour', ({ trace, makeInputs }, k) => {
    expectPassKeepsBehaviour(heapPass, unrolled(trace), makeInputs, k);
  });
});

// ---- end to end: the small interpreters with unroll, heap, guards and intbounds ----

const PASSES = [unrollPass, heapPass, guardsPass, intboundsPass];

async function runGuest(interpreter: string, program: string, fileName: string, jit: 'off' | 'on' | 'every guard fails', removed: Map<string, number>): Promise<unknown> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'metajit-heap-'));
  const file = path.join(dir, fileName);
  fs.writeFileSync(file, program);
  const interp = await loadInterpreter(interpreter, jit === 'off' ? null : {
    backend: new RefBackend({ forceGuardFailure: jit === 'every guard fails' ? () => true : undefined }),
    params: eagerParams({ threshold: 2 }),
    optimize: (trace, kind) => {
      let t = trace;
      for (const pass of PASSES) {
        const before = t.ops.length;
        t = pass.run(t, contextFor(t, kind));
        verifyTrace(t);
        removed.set(pass.name, (removed.get(pass.name) ?? 0) + before - t.ops.length);
      }
      return t;
    },
  });
  const out = new CapturedOutput();
  const old = setOutput(out);
  let exit: unknown;
  try {
    exit = interp.main([file]);
  } catch (e) {
    exit = `host exception: ${String(e)}`;
  } finally {
    setOutput(old);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { out: out.out, err: out.err.split(dir + path.sep).join(''), exit };
}

for (const [interpreter, programs, fileName] of [
  ['interpreters/bf/main.ts', bfPrograms(), 'prog.b'],
  ['interpreters/regvm/main.ts', regvmPrograms(), 'prog.rvm'],
] as const) {
  it(`${interpreter}: random programs agree with the JIT off after unroll, heap, guards and intbounds (also with every guard failing)`, async () => {
    const removed = new Map<string, number>();
    await fc.assert(fc.asyncProperty(programs, async (program) => {
      const expected = await runGuest(interpreter, program, fileName, 'off', removed);
      for (const jit of ['on', 'every guard fails'] as const) expect(await runGuest(interpreter, program, fileName, jit, removed)).toEqual(expected);
    }), { numRuns: 60 });
    expect(removed.get('heap')).toBeGreaterThan(100);
  });
}
