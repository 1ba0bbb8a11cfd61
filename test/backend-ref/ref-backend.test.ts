import { describe, expect, it } from 'vitest';
import { test } from '@fast-check/vitest';
import type { TraceExit } from '../../jit/backend.js';
import { RefBackend } from '../../jit/backend-ref/ref-backend.js';
import { DescrRegistry } from '../../jit/ir/descr.js';
import type { CallDescr, Descr, ExitDescr, GuardDescr } from '../../jit/ir/descr.js';
import { OPS } from '../../jit/ir/ops.js';
import { parseTrace } from '../../jit/ir/parse.js';
import { ConstRegistry } from '../../jit/ir/print.js';
import type { Op, Trace, Value } from '../../jit/ir/trace.js';
import { randomRun } from '../support/random-trace.js';

// The backend contract (loops, bridges, finish, exceptions, invalidation,
// forced failures, misuse) is tested for every backend alike in
// test/backends/contract.test.ts; this file checks the reference backend
// against an independent, naive executor.

const guardExit = (exit: TraceExit) => {
  if (exit.kind !== 'guard') throw new Error(`expected a guard exit, got ${exit.kind}`);
  return exit;
};

/**
 * An independent, deliberately naive executor for single loop traces: one
 * value map, one pass over Op objects per iteration. The backend must agree.
 */
function interpret(trace: Trace, inputs: unknown[]): TraceExit {
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

describe('RefBackend on random traces', () => {
  test.prop([randomRun({ maxSteps: 40 })], { numRuns: 300 })('agrees with a naive interpreter', ({ rt, makeInputs }) => {
    const expected = interpret(rt.trace, makeInputs());
    const got = new RefBackend().compileLoop(rt.trace).run(makeInputs());
    expect(got).toEqual(expected);
  });

  test.prop([randomRun({ maxSteps: 40 })], { numRuns: 100 })('forcing every guard to fail exits at the first guard reached', ({ rt, makeInputs }) => {
    const first = rt.trace.ops.find((op) => 'guard' in OPS[op.opcode])!;
    const exit = guardExit(new RefBackend({ forceGuardFailure: () => true }).compileLoop(rt.trace).run(makeInputs()));
    expect(exit.descr).toBe(first.descr);
  });
});
