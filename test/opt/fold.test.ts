// The fold pass: before/after pairs in trace text, the rule table's own checks,
// a soundness property for every rule (its pattern and its rewrite agree on
// random values, -0/NaN/wrapping included), and random traces keep their meaning.
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { DescrRegistry } from '../../jit/ir/descr.js';
import type { CallDescr, GuardDescr } from '../../jit/ir/descr.js';
import { argKinds, OPS } from '../../jit/ir/ops.js';
import type { Opcode } from '../../jit/ir/ops.js';
import { parseTrace, TraceParseError } from '../../jit/ir/parse.js';
import { ConstRegistry, formatFloat, printTrace } from '../../jit/ir/print.js';
import type { Trace } from '../../jit/ir/trace.js';
import { verifyTrace } from '../../jit/ir/verify.js';
import { buildRuleTable, foldPass, FOLD_RULES } from '../../jit/opt/fold.js';
import { contextFor } from '../../jit/opt/pass.js';
import type { OptPass } from '../../jit/opt/pass.js';
import { expectSameBehaviour, snapshotsOf } from '../support/opt-equivalence.js';
import { CALLS, Point, POINT_CLASS, POINT_FIELDS, randomRun } from '../support/random-trace.js';
import { ORIGIN, expectOptimized, loop, parse, registries } from '../support/opt-text.js';

// ---------------------------------------------------------------- helpers

const fold = (before: string, after: string) => expectOptimized(foldPass, loop(before), loop(after));

// ---------------------------------------------------------------- before/after

describe('fold: before/after', () => {
  it('the header example', () => fold(`
i10 = float_to_int32(0.0)
i11 = int_or(i0, i10)
f12 = int_to_float(i11)
i13 = float_lt(f12, 10.0)
i14 = bool_not(i13)
guard_true(i14, descr=guard:3) [i10, i11]
finish(f12, descr=exit:done)`, `
f12 = int_to_float(i0)
i13 = int_lt(i0, 10)
i14 = int_ge(i0, 10)
guard_true(i14, descr=guard:3) [0, i0]
finish(f12, descr=exit:done)`));

  it('folds pure ops on constants by running them', () => fold(`
i10 = int_add(2147483647, 1)
f11 = float_div(1.0, -0.0)
i12 = float_lt(nan, 1.0)
r13 = ref_typeof("a")
r14 = ref_typeof(ref(1.5))
r15 = str_concat("a", "b")
f16 = str_len(r15)
finish(i10, f11, i12, r13, r14, f16, descr=exit:done)`, `
finish(-2147483648, -inf, false, "string", "number", 2.0, descr=exit:done)`));

  it('leaves a constant op that throws', () => fold(`
f10 = str_len(null)
finish(f10, descr=exit:done)`, `
f10 = str_len(null)
finish(f10, descr=exit:done)`));

  it('int identities, and x op x', () => fold(`
i10 = int_add(0, i0)
i11 = int_mul(i10, 1)
i12 = int_sub(i11, i11)
i13 = int_and(i1, -1)
i14 = int_le(i13, i1)
i15 = int_neg(i1)
i16 = int_neg(i15)
finish(i11, i12, i14, i16, descr=exit:done)`, `
i15 = int_neg(i1)
finish(i0, 0, true, i1, descr=exit:done)`));

  it('float identities exact for -0 and NaN, and not the others', () => fold(`
f10 = float_sub(f2, 0.0)
f11 = float_add(-0.0, f10)
f12 = float_add(f11, 0.0)
f13 = float_mul(f2, 0.0)
f14 = float_sub(f2, f2)
f15 = float_mul(f2, 1.0)
f16 = float_neg(f15)
f17 = float_abs(f16)
finish(f12, f13, f14, f17, descr=exit:done)`, `
f12 = float_add(f2, 0.0)
f13 = float_mul(f2, 0.0)
f14 = float_sub(f2, f2)
f16 = float_neg(f2)
f17 = float_abs(f2)
finish(f12, f13, f14, f17, descr=exit:done)`));

  it('int32 arithmetic done in floats becomes int arithmetic', () => fold(`
f10 = int_to_float(i0)
f11 = int_to_float(i1)
f12 = float_add(f10, f11)
i13 = float_to_int32(f12)
f14 = float_sub(f10, 3.0)
i15 = float_to_int32(f14)
f16 = float_mul(f10, f11)
i17 = float_to_int32(f16)
f18 = float_add(f10, 0.5)
i19 = float_to_int32(f18)
finish(i13, i15, i17, i19, descr=exit:done)`, `
f10 = int_to_float(i0)
f11 = int_to_float(i1)
f12 = float_add(f10, f11)
i13 = int_add(i0, i1)
f14 = float_sub(f10, 3.0)
i15 = int_sub(i0, 3)
f16 = float_mul(f10, f11)
i17 = float_to_int32(f16)
f18 = float_add(f10, 0.5)
i19 = float_to_int32(f18)
finish(i13, i15, i17, i19, descr=exit:done)`));

  it('compares int32 values as ints, with int32 constants only', () => fold(`
f10 = int_to_float(i0)
f11 = int_to_float(i1)
i12 = float_le(f10, f11)
i13 = float_lt(10.0, f10)
i14 = float_eq(10.0, f10)
i15 = float_lt(f10, 2.5)
i16 = float_lt(f10, -0.0)
i17 = float_is_true(f11)
finish(i12, i13, i14, i15, i16, i17, descr=exit:done)`, `
f10 = int_to_float(i0)
f11 = int_to_float(i1)
i12 = int_le(i0, i1)
i13 = int_lt(10, i0)
i14 = int_eq(i0, 10)
i15 = float_lt(f10, 2.5)
i16 = float_lt(f10, -0.0)
i17 = int_ne(i1, 0)
finish(i12, i13, i14, i15, i16, i17, descr=exit:done)`));

  it('booleans: double negation, negated comparisons, guards on a negation', () => fold(`
i10 = bool_not(i6)
i11 = bool_not(i10)
i12 = int_lt(i0, i1)
i13 = bool_not(i12)
i14 = float_lt(f2, f3)
i15 = bool_not(i14)
guard_true(i10, descr=guard:1) [i10, i11]
finish(i11, i13, i15, descr=exit:done)`, `
i10 = bool_not(i6)
i12 = int_lt(i0, i1)
i13 = int_ge(i0, i1)
i14 = float_lt(f2, f3)
i15 = bool_not(i14)
guard_false(i6, descr=guard:1) [i10, i6]
finish(i6, i13, i15, descr=exit:done)`));

  it('boxing and unboxing are identities', () => fold(`
r10 = box_float(f2)
f11 = unbox_float(r10)
r12 = ref_typeof(r10)
i13 = unbox_int(r4)
r14 = box_int(i13)
finish(f11, r12, r14, descr=exit:done)`, `
r10 = box_float(f2)
i13 = unbox_int(r4)
finish(f2, "number", r4, descr=exit:done)`));

  it('guards on constants: one that holds goes, one that fails stays with what follows', () => fold(`
guard_true(true, descr=guard:1) []
guard_false(0, descr=guard:2) []
guard_value(5, 5, descr=guard:3) []
guard_value(-0.0, 0.0, descr=guard:4) []
guard_class(ConstPtr(origin), ConstPtr(Point), descr=guard:5) []
guard_nonnull(undefined, descr=guard:6) []
guard_isnull(null, descr=guard:7) []
guard_nonnull(null, descr=guard:8) []
guard_true(false, descr=guard:9) [i0]
i10 = int_add(i0, 1)
finish(i10, descr=exit:done)`, `
guard_value(-0.0, 0.0, descr=guard:4) []
guard_nonnull(null, descr=guard:8) []
guard_true(false, descr=guard:9) [i0]
i10 = int_add(i0, 1)
finish(i10, descr=exit:done)`));

  it('fresh objects are not null, truthy, objects, of their class, and equal to no constant', () => fold(`
r10 = new(f2, i0, i6, r4, descr=class:Point)
guard_nonnull(r10, descr=guard:1) []
guard_class(r10, ConstPtr(Point), descr=guard:2) []
i11 = ptr_eq(r10, null)
i12 = ptr_ne(ConstPtr(origin), r10)
i13 = instanceof(r10, descr=class:Point)
i14 = ref_is_true(r10)
r15 = ref_typeof(r10)
r16 = new_array(r10)
i17 = instanceof(r16, descr=class:Point)
i18 = ptr_eq(r10, r4)
finish(i11, i12, i13, i14, r15, i17, i18, descr=exit:done)`, `
r10 = new(f2, i0, i6, r4, descr=class:Point)
r16 = new_array(r10)
i18 = ptr_eq(r10, r4)
finish(false, true, true, true, "object", false, i18, descr=exit:done)`));

  it('a guard_class on a new of another class stays (it always fails)', () => fold(`
r10 = new_array(r4)
guard_class(r10, ConstPtr(Point), descr=guard:1) []
finish(r10, descr=exit:done)`, `
r10 = new_array(r4)
guard_class(r10, ConstPtr(Point), descr=guard:1) []
finish(r10, descr=exit:done)`));

  it('elidable calls on constants run now; one that raises stays; others stay', () => fold(`
f10 = call_f(1.0, 2.0, descr=call:fmix)
f11 = call_f(4.0, descr=call:half)
guard_no_exception(descr=guard:1) []
f12 = call_f(-4.0, descr=call:half)
guard_no_exception(descr=guard:2) []
r13 = call_r(1.0, descr=call:pair)
call_n(descr=call:log)
finish(f10, f11, f12, r13, descr=exit:done)`, `
f12 = call_f(-4.0, descr=call:half)
guard_no_exception(descr=guard:2) []
r13 = call_r(1.0, descr=call:pair)
call_n(descr=call:log)
finish(2.5, 2.0, f12, r13, descr=exit:done)`));

  it('sees definitions from before a peeled loop\'s label, not what its fresh args hold', () => expectOptimized(foldPass, `
[i0, i1]
label(i0, i1, descr=target:L)
i2 = bool_not(i1)
i3 = int_add(i0, 0)
jump(i2, i3, descr=target:L2)
label(i4, i5, descr=target:L2)
i6 = bool_not(i2)
i7 = bool_not(i4)
i8 = bool_not(i7)
i9 = int_add(i5, 0)
guard_true(i6, descr=guard:1) [i8]
jump(i7, i9, descr=target:L2)
`, `
[i0, i1]
label(i0, i1, descr=target:L)
i2 = bool_not(i1)
jump(i2, i0, descr=target:L2)
label(i4, i5, descr=target:L2)
i7 = bool_not(i4)
guard_true(i1, descr=guard:1) [i4]
jump(i7, i5, descr=target:L2)
`));

  it('updates the resume snapshot of a guard whose failArgs change', () => {
    const { descrs, consts } = registries();
    const t = parseTrace(loop(`
i10 = int_add(i0, 0)
guard_true(i6, descr=guard:1) [i10, f2]
finish(i10, descr=exit:done)`), descrs, consts);
    const g = t.ops[2].descr as GuardDescr;
    g.resume = { frames: [], failArgs: t.ops[2].failArgs!, vable: null, virtuals: [] };
    const out = foldPass.run(t, contextFor(t, 'loop'));
    expect(g.resume.failArgs).toEqual([t.inputs[0], t.inputs[2]]);
    expect(out.ops[1].failArgs).toEqual([t.inputs[0], t.inputs[2]]);
  });

  it('returns the same trace when nothing folds', () => {
    const { descrs, consts } = registries();
    const t = parseTrace(loop('i10 = int_add(i0, i1)\nfinish(i10, descr=exit:done)'), descrs, consts);
    expect(foldPass.run(t, contextFor(t, 'loop'))).toBe(t);
  });
});

// ---------------------------------------------------------------- the table

describe('fold: the rule table', () => {
  it('builds', () => expect(buildRuleTable(FOLD_RULES).size).toBeGreaterThan(30));
  it.each([
    [[['int_add(x, 0)', 'x'], ['int_add(0, y)', 'y']], /duplicate pattern/],
    [[['int_sub(x, 0)', 'x'], ['int_sub(y, 0)', 'y']], /duplicate pattern/],
    [[['int_sub(0, x)', 'int_neg(x)']], /fewer ops/],
    [[['float_sub(x, 0)', 'x']], /not a f constant/],
    [[['float_is_true(x)', 'x']], /has kind f, the op i/],
    [[['int_add(x, 0)', 'drop']], /only a guard/],
    [[['bool_not(float_lt(a, b))', 'float_ge(a, y)']], /variable y is not in the pattern/],
    [[['int_frob(x)', 'x']], /unknown op int_frob/],
  ] as const)('rejects %j', (rows, message) => {
    expect(() => buildRuleTable(rows as unknown as [string, string][])).toThrow(message);
  });
});

// ---------------------------------------------------------------- every rule is sound

/**
 * One rule's pattern as a trace: variables become inputs (or, Uppercase, random
 * constants), nested ops become ops, `*` becomes the arguments of a Point or a
 * one-item array. The trace finishes with the root's result (or passes its guard).
 */
interface RuleTrace {
  readonly text: (consts: readonly string[]) => string;
  readonly inputs: readonly Gen[];
  readonly constKinds: readonly Gen[];
}

type Gen = 'int' | 'bool' | 'float' | 'number-ref' | 'bool-ref' | 'string' | 'point' | 'ref' | 'class';

const KIND_OF: Record<Gen, string> = { int: 'i', bool: 'i', float: 'f', 'number-ref': 'r', 'bool-ref': 'r', string: 'r', point: 'r', ref: 'r', class: 'r' };

function ruleTrace(pattern: string): RuleTrace {
  const toks = pattern.match(/"[^"]*"|-?\d+\.?\d*|[A-Za-z_]\w*|[(),*]/g)!;
  let k = 0;
  const vars = new Map<string, { name: string; gen: Gen }>();
  const inputs: Gen[] = [];
  const constKinds: Gen[] = [];
  const lines: string[] = [];
  let box = 100;
  let guard = 1;
  const input = (gen: Gen): string => {
    inputs.push(gen);
    return `${KIND_OF[gen]}${inputs.length - 1}`;
  };
  /** The generator for a variable at argument `pos` of `op` (whose literal args are `lits`). */
  const genFor = (op: Opcode, pos: number, lits: string[]): Gen => {
    const kind = argKinds(op, pos + 1)[pos];
    if (op === 'guard_class') return 'class';
    if (kind === 'f') return 'float';
    if (kind === 'i') return ['bool_not', 'guard_true', 'guard_false', 'box_int'].includes(op) || lits.some((l) => l === 'true' || l === 'false') ? 'bool' : 'int';
    return op === 'unbox_float' ? 'number-ref' : op === 'unbox_int' ? 'bool-ref' : op === 'str_concat' ? 'string' : 'ref';
  };
  const term = (parent: Opcode | null, pos: number, lits: string[]): string => {
    const tok = toks[k++];
    if (toks[k] !== '(') {
      if (/^[a-z]/.test(tok) && !['true', 'false', 'null', 'undefined'].includes(tok)) {
        if (!vars.has(tok)) vars.set(tok, { name: input(genFor(parent!, pos, lits)), gen: 'int' });
        return vars.get(tok)!.name;
      }
      if (/^[A-Z]/.test(tok)) {
        if (!vars.has(tok)) {
          constKinds.push(genFor(parent!, pos, lits));
          vars.set(tok, { name: `$${constKinds.length - 1}`, gen: 'int' });
        }
        return vars.get(tok)!.name;
      }
      return tok;
    }
    const op = tok as Opcode;
    k++;
    const argToks: string[] = [];
    for (let depth = 0, j = k; depth >= 0; j++) {
      if (toks[j] === '(') depth++;
      else if (toks[j] === ')') depth--;
      else if (depth === 0 && toks[j] !== ',') argToks.push(toks[j]);
    }
    const args: string[] = [];
    while (toks[k] !== ')') {
      if (toks[k] === '*') {
        k++;
        args.push(...(op === 'new' ? [input('float'), input('int'), input('bool'), input('point')] : [input('ref')]));
        continue;
      }
      args.push(term(op, args.length, argToks));
      if (toks[k] === ',') k++;
    }
    k++;
    const info = OPS[op];
    const descr = op === 'new' || op === 'instanceof' ? 'class:Point' : 'guard' in info ? `guard:${guard++}` : null;
    const call = `${op}(${[...args, ...(descr ? [`descr=${descr}`] : [])].join(', ')})`;
    if (info.result === 'v') {
      lines.push(`${call} [${inputs.map((g, n) => `${KIND_OF[g]}${n}`).join(', ')}]`);
      return '';
    }
    const result = `${info.result}${box++}`;
    lines.push(`${result} = ${call}`);
    return result;
  };
  const root = term(null, 0, []);
  const all = inputs.map((g, n) => `${KIND_OF[g]}${n}`).join(', ');
  const body = [...lines, root === '' ? 'finish(descr=exit:done)' : `finish(${root}, descr=exit:done)`].join('\n');
  return {
    inputs,
    constKinds,
    text: (consts) => `[${all}]\nlabel(${all}, descr=target:T)\n${body.replace(/\$(\d+)/g, (_, n: string) => consts[Number(n)])}\n`,
  };
}

const INT32 = fc.oneof(fc.constantFrom(0, 1, -1, 2 ** 31 - 1, -(2 ** 31)), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }));
const FLOAT = fc.oneof(
  { arbitrary: fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 0.5, 2 ** 31, -(2 ** 31)), weight: 2 },
  { arbitrary: fc.double(), weight: 1 },
  { arbitrary: INT32, weight: 1 },
);

/** Seeds for an input of a generator; `value` turns a seed into a fresh value. */
function inputArb(gen: Gen): fc.Arbitrary<unknown> {
  switch (gen) {
    case 'int': return INT32;
    case 'bool': case 'bool-ref': return fc.boolean();
    case 'float': case 'number-ref': return FLOAT;
    case 'string': return fc.string({ maxLength: 3 });
    case 'point': case 'ref': case 'class': return fc.constantFrom('point', 'origin', null, undefined, 'a', 1.5, NaN, true);
  }
}
const value = (seed: unknown): unknown => (seed === 'point' ? new Point(1, 2, false, ORIGIN) : seed === 'origin' ? ORIGIN : seed);

/** Constant text for a generator: int32 values (so that C-rules apply), refs from a small set. */
function constArb(gen: Gen): fc.Arbitrary<string> {
  switch (gen) {
    case 'int': return INT32.map(String);
    case 'float': return INT32.map(formatFloat);
    case 'class': return fc.constantFrom('ConstPtr(Point)');
    default: return fc.constantFrom('null', 'undefined', '"a"', 'ref(1.5)', 'ConstPtr(origin)', 'ConstPtr(Point)');
  }
}

describe('fold: every rule is an identity', () => {
  const textRules = FOLD_RULES.filter(([, to]) => typeof to === 'string');
  it.each(FOLD_RULES.map(([p]) => [p]))('%s', (pattern) => {
    const rt = ruleTrace(pattern);
    const fires = textRules.some(([p]) => p === pattern);
    fc.assert(fc.property(fc.tuple(...rt.constKinds.map(constArb)), fc.tuple(...rt.inputs.map(inputArb)), (consts, seeds) => {
      const { descrs, consts: registry } = registries();
      const before = parseTrace(rt.text(consts), descrs, registry);
      const snaps = snapshotsOf(before);
      const after = foldPass.run(before, contextFor(before, 'loop'));
      verifyTrace(after);
      if (fires) expect(printTrace(after, registry), pattern).not.toBe(printTrace(before, registry));
      expectSameBehaviour(before, snaps, after, () => seeds.map(value));
    }), { numRuns: 100 });
  });
});

// ---------------------------------------------------------------- random traces

test.prop([randomRun(), fc.nat()], { numRuns: 300 })('fold: random traces keep their meaning (a guard forced to fail)', ({ rt, makeInputs }, k) => {
  const before = snapshotsOf(rt.trace);
  const out = foldPass.run(rt.trace, contextFor(rt.trace, 'loop'));
  verifyTrace(out);
  const guards = out.ops.filter((o) => o.descr?.kind === 'guard').map((o) => o.descr as GuardDescr);
  const force = k % 3 === 0 || guards.length === 0 ? null : guards[k % guards.length];
  expectSameBehaviour(rt.trace, before, out, makeInputs, force);
});
