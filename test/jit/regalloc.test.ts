// The codewriter's register allocation (framework/codewriter/regalloc.ts): registers
// never live at once share one, and a program computes the same before and after.
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import * as path from 'node:path';
import type { InsnJSON } from '../../framework/codewriter/bundle.js';
import { allocateRegisters, type Handler } from '../../framework/codewriter/regalloc.js';
import { loadInterpreter } from '../../framework/loader.js';
import { BACKENDS } from '../../jit/backends.js';
import type { Kind } from '../../jit/ir/ops.js';

const add = (a: number, b: number, dst: number): InsnJSON => ({ k: 'op', op: 'int_add', args: [a, b], dst, descr: -1 });
const ret = (value: number): InsnJSON => ({ k: 'return', value });

describe('register allocation', () => {
  test('temporaries used one after another share a register', () => {
    // r1 = r0 + r0; r2 = r1 + r1; r3 = r2 + r2; return r3: each dies where the next is written
    const a = allocateRegisters([add(0, 0, 1), add(1, 1, 2), add(2, 2, 3), ret(3)], [0], ['i', 'i', 'i', 'i'], []);
    expect(a.kinds.length).toBe(1);
  });

  test('registers live at the same time do not, nor do parameters, nor registers of different kinds', () => {
    // r2 = r0 + r0; r3 = r0 + r0; r4 = r2 + r3; return r4 (r1 is an unused parameter)
    const a = allocateRegisters([add(0, 0, 2), add(0, 0, 3), add(2, 3, 4), ret(4)], [0, 1], ['i', 'i', 'i', 'i', 'i'], []);
    expect(new Set(a.params).size).toBe(2);
    const [i2, i3] = [a.insns[0], a.insns[1]] as { dst: number }[];
    expect(i2.dst).not.toBe(i3.dst);
    const f = allocateRegisters([{ k: 'move', src: 0, dst: 1 }, ret(1)], [0], ['i', 'f'], []);
    expect(f.kinds).toEqual(['i', 'f']);
  });

  test('a value the exception handler reads survives writes inside the try region', () => {
    // try { r1 = r0 + r0; r2 = r1 + r1 } catch (r3) { return r0 }; return r2
    const handlers: Handler[] = [{ start: 0, end: 2, target: 3, reg: 3 }];
    const a = allocateRegisters([add(0, 0, 1), add(1, 1, 2), ret(2), ret(0)], [0], ['i', 'i', 'i', 'r'], handlers);
    const p = a.params[0];
    for (const insn of a.insns.slice(0, 2)) expect((insn as { dst: number }).dst).not.toBe(p);
  });

  test('random programs compute the same with allocated registers', () => {
    fc.assert(fc.property(randomProgram(), ({ insns, params, kinds, args }) => {
      const before = evaluate(insns, params, kinds.length, args);
      const a = allocateRegisters(insns, params, kinds, []);
      expect(a.kinds.length).toBeLessThanOrEqual(kinds.length);
      expect(evaluate(a.insns, a.params, a.kinds.length, args)).toEqual(before);
    }), { numRuns: 300 });
  });

  test("a dispatch loop's frame holds tens of registers, not one per local and temporary", async () => {
    const interp = await loadInterpreter(path.join(__dirname, '../../interpreters/mini-lua/main.ts'), { backend: BACKENDS.ref({}) });
    expect(interp.runtimes[0].portal.code.numRegs).toBeLessThan(64);
  });
});

/** Straight-line adds with forward branches and a bounded backward jump; every register written before it is read. */
function randomProgram() {
  return fc.record({
    nparams: fc.integer({ min: 1, max: 3 }),
    body: fc.array(fc.record({ a: fc.nat(), b: fc.nat(), branch: fc.nat({ max: 4 }), skip: fc.integer({ min: 1, max: 3 }) }), { minLength: 1, maxLength: 30 }),
    args: fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 3, maxLength: 3 }),
  }).map(({ nparams, body, args }) => {
    const params = Array.from({ length: nparams }, (_, i) => i);
    const kinds: Kind[] = params.map(() => 'i');
    const insns: InsnJSON[] = [];
    const written = [...params];
    for (const s of body) {
      const x = written[s.a % written.length];
      const y = written[s.b % written.length];
      if (s.branch === 0 && insns.length + s.skip < body.length * 2) {
        // jump over the next few instructions when x is odd: registers written there may be unset after
        insns.push({ k: 'op', op: 'int_and', args: [x, -1], dst: kinds.length, descr: -1 });
        kinds.push('i');
        insns.push({ k: 'branch', cond: kinds.length - 1, target: -1 - s.skip }); // patched below
        continue;
      }
      insns.push(add(x, y, kinds.length));
      written.push(kinds.length);
      kinds.push('i');
    }
    // the sum of every parameter and the last few results
    let acc = written[0];
    for (const r of written.slice(-4)) {
      insns.push(add(acc, r, kinds.length));
      acc = kinds.length;
      kinds.push('i');
    }
    insns.push(ret(acc));
    // Branch targets: skip forward, but only over instructions whose results are not read later.
    return { insns: patchBranches(insns), params, kinds, args };
  });
}

/** Turns a branch's placeholder into a forward target; a branch whose skipped writes are read later becomes a no-op move. */
function patchBranches(insns: InsnJSON[]): InsnJSON[] {
  return insns.map((insn, pc) => {
    if (insn.k !== 'branch' || insn.target >= 0) return insn;
    const target = Math.min(insns.length - 1, pc + 1 + (-1 - insn.target));
    const skippedWrites = new Set(insns.slice(pc + 1, target).map((i) => ('dst' in i ? i.dst : -1)));
    const readLater = insns.slice(target).some((i) => 'args' in i && i.args.some((a) => skippedWrites.has(a)));
    return readLater ? { k: 'move', src: insn.cond, dst: insn.cond } : { ...insn, target };
  });
}

/** Runs a program of int_add, int_and (with the constant 1), move, branch and return. */
function evaluate(insns: readonly InsnJSON[], params: readonly number[], numRegs: number, args: readonly number[]): number {
  const regs = new Array<number>(numRegs).fill(0);
  params.forEach((p, i) => { regs[p] = args[i]; });
  const val = (o: number) => (o >= 0 ? regs[o] : 1);
  for (let pc = 0, steps = 0; steps < 1000; steps++) {
    const insn = insns[pc];
    switch (insn.k) {
      case 'op':
        regs[insn.dst] = insn.op === 'int_add' ? val(insn.args[0]) + val(insn.args[1]) : val(insn.args[0]) & val(insn.args[1]);
        pc++;
        break;
      case 'move':
        regs[insn.dst] = val(insn.src);
        pc++;
        break;
      case 'branch':
        pc = val(insn.cond) !== 0 ? insn.target : pc + 1;
        break;
      case 'return':
        return val(insn.value!);
      default:
        throw new Error(`unexpected ${insn.k}`);
    }
  }
  throw new Error('did not return');
}
