import { describe, expect, it } from 'vitest';
import { test } from '@fast-check/vitest';
import { arrayDescr, DescrRegistry } from '../../jit/ir/descr.js';
import type { CallDescr, ClassDescr, Descr, FieldDescr } from '../../jit/ir/descr.js';
import type { Opcode } from '../../jit/ir/ops.js';
import { parseTrace } from '../../jit/ir/parse.js';
import { constOf } from '../../jit/ir/trace.js';
import type { Box, Op, Trace, Value } from '../../jit/ir/trace.js';
import { VerifyError, verifyTrace } from '../../jit/ir/verify.js';
import { randomTrace } from '../support/random-trace.js';

const acc: FieldDescr = { kind: 'field', owner: 'Frame', name: 'acc', valueKind: 'f', immutable: false, quasiImmutable: false };
const check: CallDescr = { kind: 'call', name: 'check', fn: (x: number) => x, effect: 'readonly', canRaise: true, resultKind: 'i' };
const half: CallDescr = { kind: 'call', name: 'half', fn: (x: number) => x / 2, effect: 'elidable', canRaise: false, resultKind: 'f' };
class Pair { constructor(public a: number, public b: number) {} }
const pairA: FieldDescr = { kind: 'field', owner: 'Pair', name: 'a', valueKind: 'f', immutable: true, quasiImmutable: false };
const pairB: FieldDescr = { kind: 'field', owner: 'Pair', name: 'b', valueKind: 'f', immutable: true, quasiImmutable: false };
const pair: ClassDescr = { kind: 'class', name: 'Pair', cls: Pair, ctorFields: [pairA, pairB], construct: (a) => new Pair(a[0] as number, a[1] as number) };

const BASE = `# trace: verify base
[i0, f1, r2]
label(i0, f1, r2, descr=target:L1)
i3 = int_add(i0, 1)
f4 = getfield_f(r2, descr=Frame.acc)
f5 = float_add(f4, f1)
setfield(r2, f5, descr=Frame.acc)
i6 = call_i(i3, descr=call:check)
guard_no_exception(descr=guard:1) [i3]
i7 = int_lt(i6, 10)
guard_true(i7, descr=guard:2) [i3, f5, r2]
f8 = call_f(f5, descr=call:half)
r9 = new(f8, 2.0, descr=class:Pair)
jump(i3, f8, r2, descr=target:L1)
`;

function base(): { trace: Trace; descrs: DescrRegistry } {
  const descrs = new DescrRegistry();
  for (const d of [acc, check, half, pair, { kind: 'exit', name: 'done', greens: [] } as Descr]) descrs.add(d);
  return { trace: parseTrace(BASE, descrs), descrs };
}

/** The base trace with its op list edited. */
function edited(edit: (ops: Op[], t: Trace, descrs: DescrRegistry) => void): Trace {
  const { trace, descrs } = base();
  const ops = [...trace.ops];
  edit(ops, trace, descrs);
  return { ...trace, ops };
}

const op = (opcode: Opcode, args: Value[], result: Box | null = null, descr: Descr | null = null, failArgs: Value[] | null = null): Op =>
  ({ opcode, args, result, descr, failArgs });
const box = (kind: Box['kind'], id: number): Box => ({ tag: 'box', kind, id });

/**
 * The base trace's first 9 ops (up to guard_true) as a preamble, then
 * `jump(entry, descr=target:L2)`, `label(params, descr=target:L2)`,
 * `f40 = float_add(use, 1.0)` and `jump(back, descr=target:L2)`: the shape of a
 * peeled loop. `between` is put between the entry jump and the label, `after`
 * after the final jump; `entryTarget` changes the entry jump's target, and
 * `entryAt` moves the entry jump to that op index.
 */
function peeled(p: { entry: Value[]; params: Value[]; use: Value; back: Value[]; between?: Op; after?: Op; entryTarget?: Descr | null; entryAt?: number }): Trace {
  const { trace } = base();
  const l2: Descr = { kind: 'target', name: 'L2' };
  const pre = trace.ops.slice(0, 9);
  const entry = op('jump', p.entry, null, p.entryTarget ?? l2);
  const ops = [...pre, ...(p.between ? [p.between] : []), op('label', p.params, null, l2), op('float_add', [p.use, constOf('f', 1)], box('f', 40)), op('jump', p.back, null, l2), ...(p.after ? [p.after] : [])];
  ops.splice(p.entryAt ?? 9, 0, entry);
  return { ...trace, ops };
}

function fails(t: Trace, message: string, rule: string): void {
  let err: unknown = null;
  try { verifyTrace(t); } catch (e) { err = e; }
  expect(err).toBeInstanceOf(VerifyError);
  expect((err as VerifyError).message).toBe(message);
  expect((err as VerifyError).rule).toBe(rule);
}

describe('verifyTrace', () => {
  it('accepts the base trace', () => verifyTrace(base().trace));

  test.prop([randomTrace({ maxSteps: 60 })], { numRuns: 200 })('accepts every random trace', ({ trace }) => verifyTrace(trace));

  it('[opcode] rejects unknown opcodes', () => {
    fails(edited((ops) => { ops[1] = { ...ops[1], opcode: 'int_frob' as Opcode }; }), "op 1 (int_frob): unknown opcode 'int_frob' [opcode]", 'opcode');
  });

  it('[arity] checks argument counts against the signature', () => {
    fails(edited((ops) => { ops[1] = { ...ops[1], args: [ops[1].args[0]] }; }), 'op 1 (int_add): takes 2 arguments, got 1 [arity]', 'arity');
    fails(edited((ops) => { ops[4] = { ...ops[4], args: [ops[4].args[0]] }; }), 'op 4 (setfield): takes 2 arguments, got 1 [arity]', 'arity');
  });

  it('[arg-kind] checks argument kinds with argKinds', () => {
    fails(edited((ops, t) => { ops[1] = { ...ops[1], args: [t.inputs[1], constOf('i', 1)] }; }), 'op 1 (int_add): argument 0 has kind f, expected i [arg-kind]', 'arg-kind');
    fails(edited((ops) => { ops[3] = { ...ops[3], args: [ops[3].args[0], constOf('i', 2)] }; }), 'op 3 (float_add): argument 1 has kind i, expected f [arg-kind]', 'arg-kind');
  });

  it('[result] checks the result against the table', () => {
    fails(edited((ops) => { ops[1] = { ...ops[1], result: null }; }), 'op 1 (int_add): needs a result box of kind i [result]', 'result');
    fails(edited((ops) => { ops[1] = { ...ops[1], result: box('f', 3) }; }), 'op 1 (int_add): result f3 must have kind i [result]', 'result');
    fails(edited((ops) => { ops[4] = { ...ops[4], result: box('i', 30) }; }), 'op 4 (setfield): has no result, but defines a box [result]', 'result');
  });

  it('[ssa] boxes are defined once, before use, and used at their kind', () => {
    fails(edited((ops) => { ops[1] = { ...ops[1], result: box('i', 0) }; }), 'op 1 (int_add): box i0 is defined twice [ssa]', 'ssa');
    fails(edited((ops) => { ops[1] = { ...ops[1], args: [box('i', 7), constOf('i', 1)] }; }), 'op 1 (int_add): argument 0 i7 is used before its definition [ssa]', 'ssa');
    fails(edited((ops) => { ops[1] = { ...ops[1], args: [box('i', 1), constOf('i', 1)] }; }), 'op 1 (int_add): argument 0 i1 was defined as f1 [ssa]', 'ssa');
    fails(edited((ops) => { ops[6] = { ...ops[6], failArgs: [box('i', 7)] }; }), 'op 6 (guard_no_exception): failArg 0 i7 is used before its definition [ssa]', 'ssa');
    fails({ ...base().trace, inputs: [box('i', 0), box('f', 0)] }, 'inputs: box f0 is defined twice [ssa]', 'ssa');
  });

  it('[scope] a second label (peeled loop header) defines fresh boxes and keeps earlier values in scope', () => {
    const { trace } = base();
    const [i3, f5, r2] = [trace.ops[1].result!, trace.ops[3].result!, trace.inputs[2]];
    const [i41, f42, r43] = [box('i', 41), box('f', 42), box('r', 43)];
    verifyTrace(peeled({ entry: [i3, f5, r2], params: [i41, f42, r43], use: f42, back: [i41, box('f', 40), r43] }));
    // f5 and i3 are defined before the second label: still usable after it.
    verifyTrace(peeled({ entry: [i3, f5, r2], params: [i41, f42, r43], use: f5, back: [i3, f5, r2] }));
    verifyTrace(peeled({ entry: [f5], params: [f42], use: f5, back: [box('f', 40)] }));
    verifyTrace(peeled({ entry: [], params: [], use: f5, back: [] }));
    // Its args are definitions: an already defined box is refused, whether an
    // input, an op result or the value the preamble passes at that position.
    fails(peeled({ entry: [i3, f5, r2], params: [i41, f42, r2], use: f42, back: [i41, f42, r43] }), 'op 10 (label): box r2 is defined twice [ssa]', 'ssa');
    fails(peeled({ entry: [i3, f5, r2], params: [i3, f42, r43], use: f42, back: [i41, f42, r43] }), 'op 10 (label): box i3 is defined twice [ssa]', 'ssa');
    fails(peeled({ entry: [i3, f5, r2], params: [i41, f5, r43], use: f5, back: [i41, f5, r43] }), 'op 10 (label): box f5 is defined twice [ssa]', 'ssa');
    // ... so they cannot be used before it, not even by the jump into it.
    fails(peeled({ entry: [i41, f5, r2], params: [i41, f42, r43], use: f42, back: [i41, f42, r43] }), 'op 9 (jump): argument 0 i41 is used before its definition [ssa]', 'ssa');
    fails(peeled({ entry: [i3, f5, r2], params: [i41, constOf('f', 1), r43], use: f5, back: [i41, f5, r43] }), 'op 10 (label): label args must be boxes [scope]', 'scope');
    fails(peeled({ entry: [i3, f5, i3], params: [i41, f42, i41], use: f42, back: [i41, f42, i41] }), 'op 10 (label): label arg i41 appears twice [scope]', 'scope');
    // The first label still closes the scope: only its args are usable after it.
    fails(edited((ops) => {
      ops.unshift(op('int_add', [box('i', 0), constOf('i', 1)], box('i', 30)));
      ops[2] = { ...ops[2], args: [box('i', 0), box('i', 30)] };
    }), 'op 2 (int_add): argument 1 i30 is not in scope after the label [scope]', 'scope');
  });

  it('[end] a jump may directly precede the label it targets, and nowhere else in the middle', () => {
    const { trace } = base();
    const [i3, f5, r2] = [trace.ops[1].result!, trace.ops[3].result!, trace.inputs[2]];
    const [i41, f42, r43] = [box('i', 41), box('f', 42), box('r', 43)];
    const ok = { entry: [i3, f5, r2], params: [i41, f42, r43], use: f42, back: [i41, box('f', 40), r43] };
    verifyTrace(peeled(ok));
    // An op between the jump and its label.
    fails(peeled({ ...ok, between: op('int_add', [i3, constOf('i', 1)], box('i', 44)) }), 'op 9 (jump): jump must be the last op [end]', 'end');
    // A jump to another label (here the first one) directly before the second label.
    fails(peeled({ ...ok, entryTarget: trace.ops[0].descr }), 'op 9 (jump): jump must be the last op [end]', 'end');
    // A jump into the label from further up, and the label falling through.
    fails(peeled({ ...ok, entryAt: 5 }), 'op 5 (jump): jump must be the last op [end]', 'end');
    // The loop's own final jump is still the last op.
    fails(peeled({ ...ok, after: op('int_add', [i41, constOf('i', 1)], box('i', 45)) }), 'op 12 (jump): jump must be the last op [end]', 'end');
  });

  it('[descr] descriptors are present, of the right kind, and agree with the op', () => {
    fails(edited((ops) => { ops[8] = { ...ops[8], descr: null }; }), 'op 8 (guard_true): needs a guard descriptor [descr]', 'descr');
    fails(edited((ops) => { ops[8] = { ...ops[8], descr: acc }; }), 'op 8 (guard_true): needs a guard descriptor, has a field descriptor [descr]', 'descr');
    fails(edited((ops) => { ops[1] = { ...ops[1], descr: acc }; }), 'op 1 (int_add): takes no descriptor, has a field descriptor [descr]', 'descr');
    fails(edited((ops) => { ops[2] = { ...ops[2], opcode: 'getfield_i', result: box('i', 4) }; ops[3] = { ...ops[3], args: [box('f', 1), box('f', 1)] }; }),
      'op 2 (getfield_i): field Frame.acc has kind f [descr]', 'descr');
    fails(edited((ops, t) => { ops[4] = { ...ops[4], args: [t.inputs[2], constOf('i', 3)] }; }), 'op 4 (setfield): field Frame.acc has kind f, the value i [descr]', 'descr');
    fails(edited((ops) => { ops[9] = { ...ops[9], descr: check }; ops.splice(10, 0, op('guard_no_exception', [], null, { kind: 'guard', id: 9, resume: null, failures: 0, bridge: null }, [])); }),
      'op 9 (call_f): call:check returns kind i, the op f [descr]', 'descr');
    fails(edited((ops) => { ops[10] = { ...ops[10], args: [ops[10].args[0]] }; }), 'op 10 (new): class Pair takes 2 constructor arguments, got 1 [descr]', 'descr');
    // item ops take an array descriptor or none; getarrayitem_i one of integer items
    const item = (d: Descr | null) => edited((ops, t) => { ops[1] = op('getarrayitem_i', [t.inputs[2], constOf('f', 0)], box('i', 3), d); });
    expect(() => verifyTrace(item(null))).not.toThrow();
    expect(() => verifyTrace(item(arrayDescr('Uint16Array')))).not.toThrow();
    fails(item(arrayDescr('Float64Array')), 'op 1 (getarrayitem_i): getarrayitem_i reads integers, array:Float64Array holds floats [descr]', 'descr');
    fails(edited((ops, t) => { ops[1] = op('typed_index_ok', [t.inputs[2], constOf('f', 0)], box('i', 3)); }), 'op 1 (typed_index_ok): needs an array descriptor [descr]', 'descr');
    fails(edited((ops) => { ops[10] = { ...ops[10], args: [ops[10].args[0], constOf('i', 2)] }; }), 'op 10 (new): argument 1 has kind i, field b has kind f [descr]', 'descr');
  });

  it('[fail-args] guards have failArgs, other ops do not', () => {
    fails(edited((ops) => { ops[8] = { ...ops[8], failArgs: null }; }), 'op 8 (guard_true): a guard needs failArgs [fail-args]', 'fail-args');
    fails(edited((ops) => { ops[1] = { ...ops[1], failArgs: [] }; }), 'op 1 (int_add): only guards have failArgs [fail-args]', 'fail-args');
  });

  it('[const] constants fit their kind; guard_value and guard_class compare with constants', () => {
    fails(edited((ops, t) => { ops[1] = { ...ops[1], args: [t.inputs[0], constOf('i', 1.5)] }; }), 'op 1 (int_add): argument 1 is an i constant holding number 1.5 [const]', 'const');
    fails(edited((ops, t) => { ops[1] = { ...ops[1], args: [t.inputs[0], constOf('i', 2 ** 31)] }; }), 'op 1 (int_add): argument 1 is an i constant holding number 2147483648 [const]', 'const');
    fails(edited((ops, t) => { ops[3] = { ...ops[3], args: [t.inputs[1], constOf('f', 'x')] }; }), 'op 3 (float_add): argument 1 is an f constant holding string x [const]', 'const');
    const g = { kind: 'guard', id: 5, resume: null, failures: 0, bridge: null } as const;
    const withGuard = (args: Value[]) => edited((ops) => { ops.splice(1, 0, op('guard_value', args, null, g, [])); });
    verifyTrace(withGuard([box('i', 0), constOf('i', 4)]));
    fails(withGuard([constOf('i', 4), box('i', 0)]), 'op 1 (guard_value): argument 1 must be a constant [const]', 'const');
  });

  it('[raise] a call that can raise is followed by guard_no_exception, which only follows calls', () => {
    fails(edited((ops) => { ops.splice(6, 1); }), 'op 5 (call_i): call:check can raise but is not followed by guard_no_exception [raise]', 'raise');
    fails(edited((ops) => { ops.splice(2, 0, op('guard_no_exception', [], null, { kind: 'guard', id: 9, resume: null, failures: 0, bridge: null }, [])); }),
      'op 2 (guard_no_exception): guard_no_exception must directly follow a call [raise]', 'raise');
  });

  it('[end] the trace ends with jump or finish and nothing follows them', () => {
    fails(edited((ops) => { ops.pop(); }), 'op 10 (new): the trace must end with jump or finish [end]', 'end');
    fails(edited((ops, t) => { ops.splice(2, 0, op('jump', [...t.inputs], null, ops[0].descr)); }), 'op 2 (jump): jump must be the last op [end]', 'end');
    fails({ name: 'empty', inputs: [], ops: [] }, 'inputs: the trace has no ops; it must end with jump or finish [end]', 'end');
    fails(edited((ops, _t, d) => { ops.splice(2); ops.push(op('finish', [box('i', 3)], null, d.get('exit:done')!)); ops.push(op('finish', [], null, d.get('exit:done')!)); }),
      'op 2 (finish): finish must be the last op [end]', 'end');
  });

  it('[jump] a jump directly into the next label matches that label\'s arg kinds', () => {
    const { trace } = base();
    const [i3, f5, r2] = [trace.ops[1].result!, trace.ops[3].result!, trace.inputs[2]];
    const [i41, f42, r43] = [box('i', 41), box('f', 42), box('r', 43)];
    fails(peeled({ entry: [i3, r2, f5], params: [i41, f42, r43], use: f42, back: [i41, f42, r43] }), 'op 9 (jump): jumps with kinds (irf) to a label with kinds (ifr) [jump]', 'jump');
    fails(peeled({ entry: [i3, f5], params: [i41, f42, r43], use: f42, back: [i41, f42, r43] }), 'op 9 (jump): jumps with kinds (if) to a label with kinds (ifr) [jump]', 'jump');
    fails(peeled({ entry: [i3, f5, r2, i3], params: [i41, f42, r43], use: f42, back: [i41, f42, r43] }), 'op 9 (jump): jumps with kinds (ifri) to a label with kinds (ifr) [jump]', 'jump');
    // The entry jump is checked against the label it precedes, not the first
    // label (whose kinds, ifr, it would match here).
    fails(peeled({ entry: [i3, f5, r2], params: [i41, f42], use: f42, back: [i41, f42] }), 'op 9 (jump): jumps with kinds (ifr) to a label with kinds (if) [jump]', 'jump');
    // The loop's final jump back to the second label is checked too.
    fails(peeled({ entry: [i3, f5, r2], params: [i41, f42, r43], use: f42, back: [i41, r43, f42] }), 'op 12 (jump): jumps with kinds (irf) to a label with kinds (ifr) [jump]', 'jump');
  });

  it('[jump] a jump to this trace\'s label matches its arg kinds', () => {
    fails(edited((ops, t) => { ops[11] = { ...ops[11], args: [box('i', 3), t.inputs[2], box('f', 8)] }; }), 'op 11 (jump): jumps with kinds (irf) to a label with kinds (ifr) [jump]', 'jump');
    fails(edited((ops) => { ops[11] = { ...ops[11], args: [box('i', 3)] }; }), 'op 11 (jump): jumps with kinds (i) to a label with kinds (ifr) [jump]', 'jump');
    verifyTrace(edited((ops) => { ops[11] = { ...ops[11], args: [box('i', 3)], descr: { kind: 'target', name: 'elsewhere' } }; }));
  });
});
