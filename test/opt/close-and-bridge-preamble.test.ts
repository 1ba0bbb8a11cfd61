// Closing the peeled loop (jit/opt/close.ts) and bridges that run a loop's
// preamble themselves (jit/opt/bridge-preamble.ts).
import { describe, expect, it } from 'vitest';
import type { GuardDescr, TargetDescr } from '../../jit/ir/descr.js';
import { parseTrace } from '../../jit/ir/parse.js';
import { bridgePreamblePass } from '../../jit/opt/bridge-preamble.js';
import { closePass } from '../../jit/opt/close.js';
import { contextFor, type OptEnv } from '../../jit/opt/pass.js';
import { expectOptimized, heapRegistries } from '../support/opt-support.js';

const { descrs, consts } = heapRegistries();

const LOOP = `
[r0, f1]
label(r0, f1, descr=target:L)
f2 = getfield_f(r0, descr=Cell.v)
f3 = float_add(f1, f2)
i4 = float_lt(f3, 100.0)
guard_true(i4, descr=guard:1) [r0, f3]
jump(f3, descr=target:L.loop)
label(f5, descr=target:L.loop)
f6 = float_add(f5, f2)
i7 = float_lt(f6, 100.0)
guard_true(i7, descr=guard:2) [r0, f6]
jump(f6, descr=target:L.loop)
`;

const CLOSED = `
[r0, f1]
label(r0, f1, descr=target:L)
f2 = getfield_f(r0, descr=Cell.v)
f3 = float_add(f1, f2)
i4 = float_lt(f3, 100.0)
guard_true(i4, descr=guard:1) [r0, f3]
jump(f3, f2, r0, descr=target:L.loop)
label(f5, f8, r9, descr=target:L.loop)
f6 = float_add(f5, f8)
i7 = float_lt(f6, 100.0)
guard_true(i7, descr=guard:2) [r9, f6]
jump(f6, f8, r9, descr=target:L.loop)
`;

describe('close', () => {
  it("the loop proper's label takes the preamble values it uses, passed back unchanged", () => expectOptimized(closePass, descrs, consts, LOOP, CLOSED));
});

describe('bridge-preamble', () => {
  const loop = parseTrace(CLOSED, descrs, consts);
  const L = loop.ops[0].descr as TargetDescr;
  let nextGuard = 100;
  const env = (owner: TargetDescr | null): OptEnv => ({ loopTrace: (t) => (t === L ? loop : null), newGuardId: () => nextGuard++, owner });

  it("a bridge jumping to the loop's first label runs its preamble and enters the loop proper, with new guards", () => {
    const bridge = parseTrace(`
[r0, f1]
f2 = float_mul(f1, 2.0)
jump(r0, f2, descr=target:L)
`, descrs, consts);
    const out = bridgePreamblePass.run(bridge, contextFor(bridge, 'bridge', env(L)));
    const ops = out.ops.map((o) => o.opcode);
    expect(ops).toEqual(['float_mul', 'getfield_f', 'float_add', 'float_lt', 'guard_true', 'jump']);
    const jump = out.ops[out.ops.length - 1];
    expect((jump.descr as TargetDescr).name).toBe('L.loop');
    expect(jump.args[2]).toEqual(bridge.inputs[0]); // the loop's r0 is the bridge's
    const guard = out.ops[4].descr as GuardDescr;
    expect(guard.id).toBeGreaterThanOrEqual(100);
    expect(guard.resume).toBe(null); // the loop's test guard had none
  });

  it('leaves a bridge alone when it jumps elsewhere, or when a pass runs without the runtime', () => {
    const other = `
[r0, f1]
jump(r0, f1, descr=target:M)
`;
    expectOptimized(bridgePreamblePass, descrs, consts, other, other, env(L));
    const toL = `
[r0, f1]
jump(r0, f1, descr=target:L)
`;
    expectOptimized(bridgePreamblePass, descrs, consts, toL, toL);
  });
});
