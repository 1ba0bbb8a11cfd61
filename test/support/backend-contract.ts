// The tests of test/backend-ref/ref-backend.test.ts, parametrized by backend:
// the same traces and the same expectations, for any backend that implements
// jit/backend.ts. contract.test.ts runs them on the reference backend (to
// show this copy still says what the original says) and on wasm.
//
// Error messages are matched without their "<name> backend: " prefix.

import { describe, expect, it } from 'vitest';
import { test } from '@fast-check/vitest';
import type { Backend, BackendOptions, TraceExit } from '../../jit/backend.js';
import { DescrRegistry } from '../../jit/ir/descr.js';
import type { CallDescr, Descr, ExitDescr, GuardDescr } from '../../jit/ir/descr.js';
import { OPS } from '../../jit/ir/ops.js';
import { parseTrace } from '../../jit/ir/parse.js';
import { ConstRegistry } from '../../jit/ir/print.js';
import type { Op, Trace, Value } from '../../jit/ir/trace.js';
import { randomRun } from './random-trace.js';

export type MakeBackend = (options: BackendOptions) => Backend;

const done: ExitDescr = { kind: 'exit', name: 'done', greens: ['pc', 7] };
const check: CallDescr = {
  kind: 'call', name: 'check', effect: 'readonly', canRaise: true, resultKind: 'i',
  fn: (x: number) => { if (x > 3) throw new RangeError(`too big: ${x}`); return x * 10; },
};
const quiet: CallDescr = { kind: 'call', name: 'quiet', effect: 'write', canRaise: false, resultKind: 'v', fn: () => { throw new Error('quiet raised'); } };

export const COUNT = `# trace: count to 10
[i0, f1]
label(i0, f1, descr=target:L1)
i2 = int_add(i0, 1)
f3 = float_add(f1, 0.5)
i4 = int_lt(i2, 10)
guard_true(i4, descr=guard:1) [i2, f3, 99]
jump(i2, f3, descr=target:L1)
`;

export const guardExit = (exit: TraceExit) => {
  if (exit.kind !== 'guard') throw new Error(`expected a guard exit, got ${exit.kind}`);
  return exit;
};

/** A fresh backend and the registries to parse traces for it. */
export function setupWith(make: MakeBackend, options: BackendOptions = {}) {
  const descrs = new DescrRegistry();
  for (const d of [done, check, quiet] as Descr[]) descrs.add(d);
  const consts = new ConstRegistry();
  const backend = make(options);
  const parse = (text: string) => parseTrace(text, descrs, consts);
  const guard = (id: number) => descrs.get(`guard:${id}`) as GuardDescr;
  return { backend, parse, guard, consts, descrs, done };
}

/** The tests of ref-backend.test.ts, on the backend `make` builds. */
export function backendContractTests(name: string, make: MakeBackend, propertyRuns = { agree: 300, forced: 100 }): void {
  const setup = (options: BackendOptions = {}) => setupWith(make, options);

  describe(`${name} backend: the backend contract`, () => {
    it('runs a counting loop until its guard fails, with the failArgs evaluated', () => {
      const { backend, parse, guard } = setup();
      const loop = backend.compileLoop(parse(COUNT));
      expect(loop.run([0, 0])).toEqual({ kind: 'guard', descr: guard(1), values: [10, 5, 99], exception: null });
      expect(loop.run([20, 1])).toEqual({ kind: 'guard', descr: guard(1), values: [21, 1.5, 99], exception: null });
      expect(guard(1).failures).toBe(0);
    });

    it('takes a bridge once it is attached; the bridge may finish', () => {
      const { backend, parse, guard } = setup();
      const loop = backend.compileLoop(parse(COUNT));
      backend.attachBridge(guard(1), parse(`# trace: bridge
[i0, f1, i2]
f3 = float_mul(f1, 2.0)
finish(i0, f3, i2, descr=exit:done)
`));
      expect(guard(1).bridge).not.toBe(null);
      expect(loop.run([0, 0])).toEqual({ kind: 'finish', descr: done, values: [10, 10, 99] });
    });

    it('runs a bridge that jumps back into the loop', () => {
      const { backend, parse, guard } = setup();
      const loop = backend.compileLoop(parse(COUNT));
      backend.attachBridge(guard(1), parse(`# trace: outer loop
[i0, f1, i2]
i3 = float_lt(f1, 20.0)
guard_true(i3, descr=guard:2) [i0, f1]
jump(0, f1, descr=target:L1)
`));
      expect(loop.run([0, 0])).toEqual({ kind: 'guard', descr: guard(2), values: [10, 20], exception: null });
    });

    it('jumps from a bridge of one loop into another loop', () => {
      const { backend, parse, guard } = setup();
      const a = backend.compileLoop(parse(COUNT));
      backend.compileLoop(parse(`# trace: down
[i0]
label(i0, descr=target:L2)
i1 = int_sub(i0, 3)
i2 = int_gt(i1, 0)
guard_true(i2, descr=guard:3) [i1]
jump(i1, descr=target:L2)
`));
      backend.attachBridge(guard(1), parse('[i0, f1, i2]\njump(i0, descr=target:L2)\n'));
      expect(a.run([0, 0])).toEqual({ kind: 'guard', descr: guard(3), values: [-2], exception: null });
    });

    it('finishes with the exit descr and the values', () => {
      const { backend, parse, guard } = setup();
      const loop = backend.compileLoop(parse(`[i0, r1]
label(i0, r1, descr=target:L1)
i2 = int_ge(i0, 3)
guard_false(i2, descr=guard:1) [i0, r1]
jump(3, r1, descr=target:L1)
`));
      backend.attachBridge(guard(1), parse('[i0, r1]\nr2 = str_concat(r1, "!")\nfinish(r2, i0, null, descr=exit:done)\n'));
      expect(loop.run([0, 'hi'])).toEqual({ kind: 'finish', descr: done, values: ['hi!', 3, null] });
    });

    it('a call that raises makes guard_no_exception exit with the exception', () => {
      const { backend, parse, guard } = setup();
      const loop = backend.compileLoop(parse(`[i0, i1]
label(i0, i1, descr=target:L1)
i2 = call_i(i0, descr=call:check)
guard_no_exception(descr=guard:1) [i0, i1]
i3 = int_add(i1, i2)
i4 = int_add(i0, 1)
jump(i4, i3, descr=target:L1)
`));
      const exit = guardExit(loop.run([0, 0]));
      expect(exit.descr).toBe(guard(1));
      expect(exit.values).toEqual([4, 60]);
      expect(exit.exception?.value).toBeInstanceOf(RangeError);
      expect((exit.exception?.value as Error).message).toBe('too big: 4');
      backend.attachBridge(guard(1), parse('[i0, i1]\nfinish(i0, descr=exit:done)\n'));
      expect(guardExit(loop.run([0, 0])).exception?.value).toBeInstanceOf(RangeError);
    });

    it('lets exceptions of calls that cannot raise propagate', () => {
      const { backend, parse } = setup();
      const loop = backend.compileLoop(parse('[i0]\nlabel(i0, descr=target:L1)\ncall_n(descr=call:quiet)\njump(i0, descr=target:L1)\n'));
      expect(() => loop.run([0])).toThrow('quiet raised');
    });

    it('guard_not_invalidated fails after invalidate(), also in bridges of the loop', () => {
      const { backend, parse, guard } = setup();
      const loop = backend.compileLoop(parse(`[i0]
label(i0, descr=target:L1)
guard_not_invalidated(descr=guard:1) [i0]
i1 = int_add(i0, 1)
i2 = int_lt(i1, 5)
guard_true(i2, descr=guard:2) [i1]
jump(i1, descr=target:L1)
`));
      backend.attachBridge(guard(2), parse('[i0]\nguard_not_invalidated(descr=guard:3) [i0]\nfinish(i0, descr=exit:done)\n'));
      expect(loop.run([0])).toEqual({ kind: 'finish', descr: done, values: [5] });
      expect(loop.invalidated).toBe(false);
      loop.invalidate();
      expect(loop.invalidated).toBe(true);
      expect(loop.run([0])).toEqual({ kind: 'guard', descr: guard(1), values: [0], exception: null });

      const other = setup();
      const loop2 = other.backend.compileLoop(other.parse('[i0]\nlabel(i0, descr=target:L1)\ni1 = int_add(i0, 1)\ni2 = int_lt(i1, 5)\nguard_true(i2, descr=guard:2) [i1]\njump(i1, descr=target:L1)\n'));
      other.backend.attachBridge(other.guard(2), other.parse('[i0]\nguard_not_invalidated(descr=guard:3) [i0]\nfinish(i0, descr=exit:done)\n'));
      loop2.invalidate();
      expect(loop2.run([0])).toEqual({ kind: 'guard', descr: other.guard(3), values: [5], exception: null });
    });

    it('forceGuardFailure makes selected guards fail although their condition holds', () => {
      const forced: number[] = [];
      const { backend, parse, guard } = setup({ forceGuardFailure: (g: GuardDescr) => { forced.push(g.id); return g.id === 1; } });
      const loop = backend.compileLoop(parse(COUNT));
      expect(loop.run([0, 0])).toEqual({ kind: 'guard', descr: guard(1), values: [1, 0.5, 99], exception: null });
      expect(forced).toEqual([1]);
    });

    it('checks guard_value with === and guard_class with the constructor', () => {
      class A {}
      class B extends A {}
      const { backend, parse, guard, consts } = setup();
      consts.add('A', A);
      const loop = backend.compileLoop(parse(`[r0, i1]
label(r0, i1, descr=target:L1)
guard_value(i1, 2, descr=guard:1) [i1]
guard_nonnull(r0, descr=guard:2) []
guard_class(r0, ConstPtr(A), descr=guard:3) []
guard_isnull(r0, descr=guard:4) [r0]
jump(r0, i1, descr=target:L1)
`));
      expect(guardExit(loop.run([new A(), 3])).descr).toBe(guard(1));
      expect(guardExit(loop.run([null, 2])).descr).toBe(guard(2));
      expect(guardExit(loop.run([new B(), 2])).descr).toBe(guard(3));
      const a = new A();
      expect(loop.run([a, 2])).toEqual({ kind: 'guard', descr: guard(4), values: [a], exception: null });
    });

    it('reports misuse clearly', () => {
      const { backend, parse, guard } = setup();
      expect(() => backend.compileLoop(parse('[i0]\nfinish(i0, descr=exit:done)\n'))).toThrow('loop  must start with a label of its inputs');
      backend.compileLoop(parse(COUNT));
      expect(() => backend.compileLoop(parse(COUNT.replace('guard:1', 'guard:9')))).toThrow('target:L1 is already compiled');
      expect(() => backend.attachBridge(guard(1), parse('[i0]\nfinish(i0, descr=exit:done)\n'))).toThrow('bridge  has 1 inputs, guard:1 has 3 failArgs');
      const stray: GuardDescr = { kind: 'guard', id: 77, resume: null, failures: 0, bridge: null };
      expect(() => backend.attachBridge(stray, parse('[]\nfinish(descr=exit:done)\n'))).toThrow('guard:77 is not part of code compiled by this backend');
      backend.attachBridge(guard(1), parse('[i0, f1, i2]\njump(i0, f1, descr=target:L5)\n'));
      expect(() => backend.attachBridge(guard(1), parse('[i0, f1, i2]\nfinish(descr=exit:done)\n'))).toThrow('guard:1 already has a bridge');
      const loop = backend.compileLoop(parse(COUNT.replace(/L1/g, 'L3').replace('guard:1', 'guard:4')));
      expect(() => loop.run([0, 0])).not.toThrow();
      expect(() => backend.compileLoop(parse(COUNT.replace(/L1/g, 'L4').replace('guard:1', 'guard:5'))).run([10, 0])).not.toThrow();
    });

    it('fails on a jump to a target that was never compiled', () => {
      const { backend, parse, guard } = setup();
      const loop = backend.compileLoop(parse(COUNT));
      backend.attachBridge(guard(1), parse('[i0, f1, i2]\njump(i0, f1, descr=target:L5)\n'));
      expect(() => loop.run([0, 0])).toThrow('jump to target:L5, which is not compiled');
    });
  });

  describe(`${name} backend on random traces`, () => {
    test.prop([randomRun({ maxSteps: 40 })], { numRuns: propertyRuns.agree })('agrees with a naive interpreter', ({ rt, makeInputs }) => {
      const expected = interpret(rt.trace, makeInputs());
      const got = make({}).compileLoop(rt.trace).run(makeInputs());
      expect(got).toEqual(expected);
    });

    test.prop([randomRun({ maxSteps: 40 })], { numRuns: propertyRuns.forced })('forcing every guard to fail exits at the first guard reached', ({ rt, makeInputs }) => {
      const first = rt.trace.ops.find((op) => 'guard' in OPS[op.opcode])!;
      const exit = guardExit(make({ forceGuardFailure: () => true }).compileLoop(rt.trace).run(makeInputs()));
      expect(exit.descr).toBe(first.descr);
    });
  });
}

/**
 * An independent, deliberately naive executor for single loop traces: one
 * value map, one pass over Op objects per iteration. Every backend must agree.
 */
export function interpret(trace: Trace, inputs: unknown[]): TraceExit {
  const env = new Map<number, unknown>();
  const get = (v: Value) => (v.tag === 'const' ? v.value : env.get(v.id));
  trace.inputs.forEach((b, k) => env.set(b.id, inputs[k]));
  let exc: { value: unknown } | null = null;
  for (let pc = 1; ; pc++) {
    const op: Op = trace.ops[pc];
    const args = op.args.map(get);
    const info = OPS[op.opcode] as { run?: (a: unknown[], d: Descr | null) => unknown; guard?: boolean };
    let ok = true;
    switch (op.opcode) {
      case 'jump': trace.ops[0].args.forEach((b, k) => env.set((b as { id: number }).id, args[k])); pc = 0; continue;
      case 'finish': return { kind: 'finish', descr: op.descr as ExitDescr, values: args };
      case 'label': case 'debug_merge_point': continue;
      case 'guard_true': ok = !!args[0]; break;
      case 'guard_false': ok = !args[0]; break;
      case 'guard_value': ok = args[0] === args[1]; break;
      case 'guard_nonnull': ok = args[0] !== null; break;
      case 'guard_isnull': ok = args[0] === null; break;
      case 'guard_class': ok = args[0] != null && (args[0] as object).constructor === args[1]; break;
      case 'guard_no_exception': ok = exc === null; break;
      case 'guard_not_invalidated': break;
      case 'call_i': case 'call_f': case 'call_r': case 'call_n': {
        exc = null;
        try { env.set(op.result?.id ?? -1, ((op.descr as CallDescr).fn as (...a: unknown[]) => unknown)(...args)); }
        catch (e) { exc = { value: e }; env.set(op.result?.id ?? -1, { i: 0, f: 0, r: null }[op.result?.kind ?? 'r']); }
        continue;
      }
      default: env.set(op.result?.id ?? -1, info.run!(args, op.descr));
    }
    if (info.guard && !ok) {
      return { kind: 'guard', descr: op.descr as GuardDescr, values: op.failArgs!.map(get), exception: op.opcode === 'guard_no_exception' ? exc : null };
    }
  }
}
