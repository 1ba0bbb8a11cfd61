// Constant folding and algebraic simplification, as declarative rules.
//
//   before                                     after
//   i5 = float_to_int32(0.0)                   (gone: 0)
//   i6 = int_or(i4, i5)                        (gone: i4)
//   f7 = int_to_float(i6)                      f7 = int_to_float(i4)
//   i8 = float_lt(f7, 10.0)                    i8 = int_lt(i4, 10)
//   i9 = bool_not(i8)                          i9 = int_ge(i4, 10)
//   guard_true(i9, descr=guard:3) [i5, i6]     guard_true(i9, descr=guard:3) [0, i4]
//
// (f7 and i8 are dead now; dce removes them.) How it folds:
//  1. A pure op whose arguments are all constants becomes the constant that
//     OPS[op].run computes (so it cannot disagree with the backends); so does an
//     `elidable` call with constant arguments (the call runs now; if it throws,
//     it stays). A guard on constants that holds disappears; one that fails stays
//     (it is an unconditional exit, and the code after it is kept as it is).
//  2. Rules from FOLD_RULES, matched against the op and the ops that define its
//     arguments: `pattern => rewrite`, in trace-text syntax.
//  3. A folded op's result is replaced by its value in every later arg and
//     failArg (in place: failArg positions are stable, see pass.ts).
//
// What must hold (JS semantics exactly, see ops.ts): every rule is an identity
// for *all* values its arguments can take, including -0, NaN and the
// infinities for floats and wrapping for int32. So `float_sub(x, 0.0) => x` is a
// rule but `float_add(x, 0.0) => x` is not (-0 + 0 is 0), and `float_mul(x, 0.0)`
// is not 0. Rules rely on the IR's typing: an i value is an int32, except where
// it is a boolean (results of comparisons, arguments of bool_not and guards).
// The per-rule property test (test/opt/fold.test.ts) checks every rule this way.
//
// Left out: reassociation, strength reduction, knowledge from guards (a
// guard_value makes its box a constant: the guard pass), heap reads (heap pass)
// and ranges (bounds pass).

import type { CallDescr, ClassDescr } from '../ir/descr.js';
import { argKinds, OPS } from '../ir/ops.js';
import type { Kind, Opcode } from '../ir/ops.js';
import { constOf } from '../ir/trace.js';
import type { Const, Op, Trace, Value } from '../ir/trace.js';
import { setFailArgs } from './pass.js';
import type { OptPass } from './pass.js';

// ---------------------------------------------------------------- the rules
//
// The rule contract, checked when the table is built (buildRuleTable):
// - A pattern is an op over sub-patterns: a lowercase variable (any value), an
//   Uppercase variable (a constant only), a literal (`0` is an i constant, `0.0`
//   an f constant, `true`, `null`, `"str"`), a nested op (the box's defining op),
//   and `*` for "any further arguments". A variable used twice means the same
//   box or equal constants.
// - A rewrite is a variable, a literal, one op over variables and literals, a
//   sub-pattern (its box is reused), `drop` (a guard that always holds), or a
//   function for the rare rule that needs descriptors.
// - It preserves the result kind (an Uppercase constant may change kind when it
//   is a valid constant of the new kind; otherwise the rule does not apply) and
//   the descriptor kind (a rewritten guard keeps its descriptor and failArgs).
// - It strictly shrinks: the rewrite has fewer ops than the pattern.
// - Labels: nothing defined before the first label is in scope after it, so
//   rules see no definition from before it. A peeled loop's second label
//   defines fresh boxes (its phis): definitions before it still hold after it
//   and rules see them (unroll.ts counts on this). Were a label ever to reuse
//   an earlier box, the jump would reassign it: every definition that mentions
//   a label's arg is forgotten at that label.
// - Patterns are unique (up to renaming of variables); a commutative op's
//   pattern also matches with its two arguments swapped.
// Rules are tried in table order; the first that matches wins, and the
// rewritten op is folded again.

/** What a function rule sees: variables, and the ops its pattern matched in preorder (ops[0] is the op being folded). */
export interface Match {
  readonly vars: Map<string, Value>;
  readonly ops: Op[];
}

export type RuleFn = (m: Match) => Value | 'drop' | null;

const COMPARE = ['lt', 'le', 'gt', 'ge', 'eq', 'ne'] as const;
const NEGATE = { lt: 'ge', le: 'gt', gt: 'le', ge: 'lt', eq: 'ne', ne: 'eq' } as const;

export const FOLD_RULES: readonly (readonly [string, string | RuleFn])[] = [
  // ---- int32 arithmetic: wrapping, and no NaN or -0 ----
  ['int_add(x, 0)', 'x'],                         // x + 0 == x
  ['int_sub(x, 0)', 'x'],                         // x - 0 == x
  ['int_sub(x, x)', '0'],                         // x - x == 0
  ['int_mul(x, 1)', 'x'],                         // x * 1 == x
  ['int_mul(x, 0)', '0'],                         // imul(x, 0) == 0
  ['int_and(x, 0)', '0'],                         // x & 0 == 0
  ['int_and(x, -1)', 'x'],                        // x & ~0 == x
  ['int_and(x, x)', 'x'],                         // x & x == x
  ['int_or(x, 0)', 'x'],                          // x | 0 == x
  ['int_or(x, -1)', '-1'],                        // x | ~0 == ~0
  ['int_or(x, x)', 'x'],                          // x | x == x
  ['int_xor(x, 0)', 'x'],                         // x ^ 0 == x
  ['int_xor(x, x)', '0'],                         // x ^ x == 0
  ['int_shl(x, 0)', 'x'],                         // x << 0 == x
  ['int_shr(x, 0)', 'x'],                         // x >> 0 == x
  ['int_ushr(x, 0)', 'x'],                        // (x >>> 0) | 0 == x
  ['int_shl(0, x)', '0'],                         // 0 << n == 0
  ['int_shr(0, x)', '0'],                         // 0 >> n == 0
  ['int_shr(-1, x)', '-1'],                       // -1 >> n == -1
  ['int_ushr(0, x)', '0'],                        // 0 >>> n == 0
  ['int_not(int_not(x))', 'x'],                   // ~~x == x
  ['int_neg(int_neg(x))', 'x'],                   // -(-x) == x, also for -2**31 (its own negation)
  // ---- comparing a value with itself (int32 and booleans have no NaN) ----
  ['int_lt(x, x)', 'false'],
  ['int_le(x, x)', 'true'],
  ['int_gt(x, x)', 'false'],
  ['int_ge(x, x)', 'true'],
  ['int_eq(x, x)', 'true'],
  ['int_ne(x, x)', 'false'],
  // ---- booleans ----
  ['bool_not(bool_not(x))', 'x'],                 // !!x == x: bool_not's argument is a boolean
  ...COMPARE.map((c) => [`bool_not(int_${c}(a, b))`, `int_${NEGATE[c]}(a, b)`] as const), // !(a < b) == a >= b: int32 is totally ordered
  ['bool_not(float_eq(a, b))', 'float_ne(a, b)'], // !(a === b) == a !== b (but !(a < b) is not a >= b: NaN)
  ['bool_not(float_ne(a, b))', 'float_eq(a, b)'],
  ['bool_not(ptr_eq(a, b))', 'ptr_ne(a, b)'],
  ['bool_not(ptr_ne(a, b))', 'ptr_eq(a, b)'],
  ['int_eq(x, true)', 'x'],                       // x === true == x: an i value compared with a boolean is one
  ['int_ne(x, false)', 'x'],                      // x !== false == x, likewise
  ['guard_true(bool_not(x))', 'guard_false(x)'],  // !!(!x) == !x
  ['guard_false(bool_not(x))', 'guard_true(x)'],  // !(!x) == !!x
  // ---- floats: only what is exact for -0, NaN and the infinities ----
  ['float_sub(x, 0.0)', 'x'],                     // x - 0 == x (-0 - 0 == -0); x + 0 is not (-0 + 0 == 0)
  ['float_add(x, -0.0)', 'x'],                    // x + -0 == x (0 + -0 == 0, -0 + -0 == -0)
  ['float_mul(x, 1.0)', 'x'],                     // x * 1 == x
  ['float_div(x, 1.0)', 'x'],                     // x / 1 == x
  ['float_neg(float_neg(x))', 'x'],               // -(-x) == x
  ['float_abs(float_neg(x))', 'float_abs(x)'],    // |-x| == |x|
  ['float_abs(float_abs(x))', 'float_abs(x)'],    // ||x|| == |x|
  ['float_floor(float_floor(x))', 'float_floor(x)'],
  ['float_ceil(float_ceil(x))', 'float_ceil(x)'],
  ['float_trunc(float_trunc(x))', 'float_trunc(x)'],
  ['float_min(x, x)', 'x'],                       // min(x, x) == x, also NaN and -0
  ['float_max(x, x)', 'x'],
  ['float_add(int_to_float(x), 0.0)', 'int_to_float(x)'], // x + 0 == x but for -0, and an int32 is never -0
  ['float_floor(int_to_float(x))', 'int_to_float(x)'], // an integer is its own floor
  ['float_ceil(int_to_float(x))', 'int_to_float(x)'],
  ['float_trunc(int_to_float(x))', 'int_to_float(x)'],
  // ---- int32 values seen as numbers: the codewriter's `(a + b) | 0` ----
  ['float_to_int32(int_to_float(x))', 'x'],       // ToInt32(x) == x for an int32 x
  ['float_to_int32(uint_to_float(x))', 'x'],      // ToInt32(x >>> 0) == x
  // int32 + int32 is exact in a double, and ToInt32 wraps it like int_add (not so for *: 2**62 is not exact)
  ['float_to_int32(float_add(int_to_float(a), int_to_float(b)))', 'int_add(a, b)'],
  ['float_to_int32(float_sub(int_to_float(a), int_to_float(b)))', 'int_sub(a, b)'],
  ['float_to_int32(float_add(int_to_float(a), C))', 'int_add(a, C)'], // when C is an int32
  ['float_to_int32(float_sub(int_to_float(a), C))', 'int_sub(a, C)'],
  ['float_to_int32(float_sub(C, int_to_float(a)))', 'int_sub(C, a)'],
  ['float_is_true(int_to_float(x))', 'int_ne(x, 0)'], // a number is truthy unless 0 (an int32 is never NaN)
  ['float_is_integer(int_to_float(x))', 'true'],      // an int32 is an integer
  ['float_is_int32(int_to_float(x))', 'true'],
  // int32 compare exactly as numbers; a constant only when it is an int32 (so 2.5 and -0.0 stay)
  ...COMPARE.flatMap((c) => [
    [`float_${c}(int_to_float(a), int_to_float(b))`, `int_${c}(a, b)`] as const,
    [`float_${c}(int_to_float(a), C)`, `int_${c}(a, C)`] as const,
    // (float_eq and float_ne are commutative: their swapped form is matched anyway)
    ...('commutative' in OPS[`float_${c}`] ? [] : [[`float_${c}(C, int_to_float(a))`, `int_${c}(C, a)`] as const]),
  ]),
  ['float_eq(uint_to_float(a), uint_to_float(b))', 'int_eq(a, b)'], // a >>> 0 === b >>> 0 iff a === b
  ['float_ne(uint_to_float(a), uint_to_float(b))', 'int_ne(a, b)'],
  // ---- boxing is the identity in JS ----
  ['unbox_float(box_float(x))', 'x'],
  ['box_float(unbox_float(x))', 'x'],
  ['unbox_int(box_int(x))', 'x'],
  ['box_int(unbox_int(x))', 'x'],
  ['ref_typeof(box_float(x))', '"number"'],
  ['ref_typeof(str_from_float(x))', '"string"'],
  ['ref_typeof(str_concat(a, b))', '"string"'],
  // ---- fresh objects: not null, truthy, and equal to no value that existed before them ----
  ...(['new', 'new_array'] as const).flatMap((alloc) => [
    [`ptr_eq(${alloc}(*), C)`, 'false'] as const,
    [`ptr_ne(${alloc}(*), C)`, 'true'] as const,
    [`ref_is_true(${alloc}(*))`, 'true'] as const,
    [`ref_typeof(${alloc}(*))`, '"object"'] as const,
    [`guard_nonnull(${alloc}(*))`, 'drop'] as const,
  ]),
  // An instance of C is an instance of D when D.prototype is on its prototype chain.
  ['instanceof(new(*))', (m) => constOf('i', isInstance(classOf(m.ops[1]).cls.prototype, classOf(m.ops[0])))],
  ['instanceof(new_array(*))', (m) => constOf('i', isInstance(Array.prototype, classOf(m.ops[0])))],
  // guard_class holds on `new C` when the constant is C (a different class: it always fails, and stays).
  ['guard_class(new(*), C)', (m) => (classOf(m.ops[1]).cls === (m.vars.get('C') as Const).value ? 'drop' : null)],
  ['guard_class(new_array(*), C)', (m) => ((m.vars.get('C') as Const).value === Array ? 'drop' : null)],
];

const classOf = (op: Op): ClassDescr => op.descr as ClassDescr;

/** `Object.create(proto) instanceof D.cls`, when D.cls has the ordinary instanceof (else unknown: false is not claimed). */
function isInstance(proto: object, d: ClassDescr): boolean {
  const cls = d.cls as { prototype?: unknown; [Symbol.hasInstance]?: unknown };
  if (cls[Symbol.hasInstance] !== Function.prototype[Symbol.hasInstance]) throw new NotFoldable();
  const p = cls.prototype;
  return typeof p === 'object' && p !== null && (p === proto || Object.prototype.isPrototypeOf.call(p, proto));
}

/** Thrown by a function rule that cannot decide; the rule then does not apply. */
class NotFoldable extends Error {}

// ---------------------------------------------------------------- patterns

type Pat =
  | { readonly t: 'var'; readonly name: string }
  | { readonly t: 'lit'; readonly kind: Exclude<Kind, 'v'>; readonly value: unknown }
  | OpPat;

interface OpPat {
  readonly t: 'op';
  readonly opcode: Opcode;
  readonly args: readonly Pat[];
  readonly rest: boolean;
}

type Rewrite =
  | { readonly t: 'value'; readonly pat: Pat }
  | { readonly t: 'sub'; readonly index: number }
  | { readonly t: 'op'; readonly opcode: Opcode; readonly args: readonly Pat[] }
  | { readonly t: 'drop' }
  | { readonly t: 'fn'; readonly fn: RuleFn };

interface Rule {
  readonly text: string;
  readonly pattern: OpPat;
  readonly rewrite: Rewrite;
}

const isConstVar = (name: string): boolean => /^[A-Z]/.test(name);

const TOKEN = /\s*("(?:[^"\\]|\\.)*"|-?(?:\d+\.?\d*(?:e[+-]?\d+)?|inf)|[A-Za-z_]\w*|[(),*])/y;

function tokenize(text: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (m === null) {
      if (/^\s*$/.test(text.slice(at))) break;
      throw new Error(`fold rule '${text}': cannot read '${text.slice(at)}'`);
    }
    out.push(m[1]);
  }
  return out;
}

function literal(tok: string): Pat | null {
  if (tok === 'true' || tok === 'false') return { t: 'lit', kind: 'i', value: tok === 'true' };
  if (tok === 'null') return { t: 'lit', kind: 'r', value: null };
  if (tok === 'undefined') return { t: 'lit', kind: 'r', value: undefined };
  if (tok.startsWith('"')) return { t: 'lit', kind: 'r', value: JSON.parse(tok) as string };
  if (tok === 'nan' || tok === 'inf' || tok === '-inf') return { t: 'lit', kind: 'f', value: tok === 'nan' ? NaN : tok.startsWith('-') ? -Infinity : Infinity };
  if (/^-?\d+$/.test(tok)) return { t: 'lit', kind: 'i', value: Number(tok) };
  if (/^-?\d/.test(tok)) return { t: 'lit', kind: 'f', value: Number(tok) };
  return null;
}

function parsePattern(text: string): Pat {
  const toks = tokenize(text);
  let k = 0;
  const fail = (why: string): never => { throw new Error(`fold rule '${text}': ${why}`); };
  const term = (): Pat => {
    const tok = toks[k++] ?? fail('unexpected end');
    if (toks[k] !== '(') return literal(tok) ?? (/^[A-Za-z_]\w*$/.test(tok) ? { t: 'var', name: tok } : fail(`unexpected '${tok}'`));
    if (!Object.hasOwn(OPS, tok)) fail(`unknown op ${tok}`);
    k++;
    const args: Pat[] = [];
    let rest = false;
    while (toks[k] !== ')') {
      if (toks[k] === '*') { k++; rest = true; break; }
      args.push(term());
      if (toks[k] === ',') k++;
    }
    if (toks[k++] !== ')') fail('expected )');
    return { t: 'op', opcode: tok as Opcode, args, rest };
  };
  const p = term();
  if (k !== toks.length) fail(`unexpected '${toks[k]}'`);
  return p;
}

/** Pattern text; with `rename`, variables are numbered in order of appearance (the duplicate key). */
function show(p: Pat, rename?: Map<string, string>): string {
  switch (p.t) {
    case 'var': {
      if (rename === undefined) return p.name;
      if (!rename.has(p.name)) rename.set(p.name, `${isConstVar(p.name) ? 'C' : 'v'}${rename.size}`);
      return rename.get(p.name)!;
    }
    case 'lit': return p.kind === 'f' ? `${Object.is(p.value, -0) ? '-0' : String(p.value)}.f` : JSON.stringify(p.value) ?? String(p.value);
    case 'op': return `${p.opcode}(${[...p.args.map((a) => show(a, rename)), ...(p.rest ? ['*'] : [])].join(', ')})`;
  }
}

const opCount = (p: Pat): number => (p.t === 'op' ? 1 + p.args.reduce((n, a) => n + opCount(a), 0) : 0);

/** The op sub-patterns in preorder (the order Match.ops follows). */
function opNodes(p: Pat, out: OpPat[] = []): OpPat[] {
  if (p.t === 'op') {
    out.push(p);
    p.args.forEach((a) => opNodes(a, out));
  }
  return out;
}

/** Kinds of the pattern's variables ('.' when an op takes any kind there); checks literals and nesting. */
function kindsOf(p: OpPat, fail: (why: string) => never, vars = new Map<string, string>()): Map<string, string> {
  const want = argKinds(p.opcode, p.args.length);
  p.args.forEach((a, k) => {
    const kind = want[k];
    if (a.t === 'lit' && kind !== '.' && a.kind !== kind) fail(`${show(a)} is not a ${kind} constant`);
    if (a.t === 'op') {
      if (kind !== '.' && OPS[a.opcode].result !== kind) fail(`${a.opcode} does not produce a ${kind} value`);
      kindsOf(a, fail, vars);
    }
    if (a.t === 'var') {
      const old = vars.get(a.name);
      if (old !== undefined && old !== kind && !isConstVar(a.name)) fail(`variable ${a.name} is used as kinds ${old} and ${kind}`);
      if (old === undefined) vars.set(a.name, kind);
    }
  });
  return vars;
}

/** Builds the rule index (by opcode), checking the contract above; duplicate patterns are an error. */
export function buildRuleTable(rows: readonly (readonly [string, string | RuleFn])[]): ReadonlyMap<Opcode, readonly Rule[]> {
  const byOp = new Map<Opcode, Rule[]>();
  const keys = new Map<string, string>();
  for (const [patternText, to] of rows) {
    const text = `${patternText} => ${typeof to === 'string' ? to : '(function)'}`;
    const fail = (why: string): never => { throw new Error(`fold rule '${text}': ${why}`); };
    const pattern = parsePattern(patternText);
    if (pattern.t !== 'op') fail('a pattern must be an op');
    const root = pattern as OpPat;
    const vars = kindsOf(root, fail);
    const result = OPS[root.opcode].result;
    const rewrite = typeof to === 'string' ? checkRewrite(root, to, vars, fail) : ({ t: 'fn', fn: to } as const);
    if (result === 'v' && rewrite.t === 'value') fail('a void op cannot become a value');
    const variants = [root];
    if ('commutative' in OPS[root.opcode] && root.args.length === 2) variants.push({ ...root, args: [root.args[1], root.args[0]] });
    const seen = new Set<string>();
    for (const v of variants) {
      const key = show(v, new Map());
      if (seen.has(key)) continue; // the swapped form is the same pattern
      seen.add(key);
      const old = keys.get(key);
      if (old !== undefined) fail(`duplicate pattern: '${old}' already matches ${key}`);
      keys.set(key, text);
      const list = byOp.get(root.opcode) ?? [];
      // (a sub-pattern has another position in the swapped form)
      list.push({ text, pattern: v, rewrite: rewrite.t === 'sub' ? { t: 'sub', index: subIndex(v, to as string) } : rewrite });
      byOp.set(root.opcode, list);
    }
  }
  return byOp;
}

function subIndex(p: OpPat, to: string): number {
  return opNodes(p).findIndex((n, k) => k > 0 && show(n) === show(parsePattern(to)));
}

function checkRewrite(root: OpPat, to: string, vars: Map<string, string>, fail: (why: string) => never): Rewrite {
  const result = OPS[root.opcode].result;
  if (to === 'drop') {
    if (!('guard' in OPS[root.opcode])) fail('only a guard can be dropped');
    return { t: 'drop' };
  }
  const pat = parsePattern(to);
  if (opCount(pat) >= opCount(root)) fail('the rewrite must have fewer ops than the pattern');
  const known = (name: string): string => vars.get(name) ?? fail(`variable ${name} is not in the pattern`);
  if (pat.t === 'var') {
    const k = known(pat.name);
    if (k !== '.' && k !== result && !isConstVar(pat.name)) fail(`${pat.name} has kind ${k}, the op ${result}`);
    return { t: 'value', pat };
  }
  if (pat.t === 'lit') {
    if (pat.kind !== result) fail(`${to} has kind ${pat.kind}, the op ${result}`);
    return { t: 'value', pat };
  }
  if (opNodes(root).some((n, k) => k > 0 && show(n) === show(pat))) {
    if (OPS[pat.opcode].result !== result) fail(`${to} has kind ${OPS[pat.opcode].result}, the op ${result}`);
    return { t: 'sub', index: -1 }; // its position in each variant: see buildRuleTable
  }
  const info = OPS[pat.opcode];
  if (info.result !== result) fail(`${pat.opcode} has kind ${info.result}, the op ${result}`);
  if ((info as { descr?: string }).descr !== (OPS[root.opcode] as { descr?: string }).descr) fail(`${pat.opcode} needs another descriptor than ${root.opcode}`);
  const want = argKinds(pat.opcode, pat.args.length);
  if (pat.rest || (!info.args.endsWith('*') && want.length !== pat.args.length)) fail(`${pat.opcode} takes ${want.length} arguments`);
  pat.args.forEach((a, k) => {
    if (a.t === 'op') fail('a rewrite is one op over variables and literals');
    const kind = a.t === 'var' ? known(a.name) : a.kind;
    if (a.t === 'var' && isConstVar(a.name)) return;
    if (want[k] !== '.' && kind !== '.' && kind !== want[k]) fail(`argument ${k} of ${pat.opcode} has kind ${want[k]}, not ${kind}`);
  });
  return { t: 'op', opcode: pat.opcode, args: pat.args };
}

const RULES = buildRuleTable(FOLD_RULES);

// ---------------------------------------------------------------- matching

type Defs = ReadonlyMap<number, Op>;

const sameValue = (a: Value, b: Value): boolean =>
  a.tag === 'box' ? b.tag === 'box' && a.id === b.id : b.tag === 'const' && a.kind === b.kind && Object.is(a.value, b.value);

function matchOp(p: OpPat, op: Op, defs: Defs, m: Match): boolean {
  if (op.opcode !== p.opcode) return false;
  if (p.rest ? op.args.length < p.args.length : op.args.length !== p.args.length) return false;
  m.ops.push(op);
  return p.args.every((a, k) => matchValue(a, op.args[k], defs, m));
}

function matchValue(p: Pat, v: Value, defs: Defs, m: Match): boolean {
  switch (p.t) {
    case 'lit': return v.tag === 'const' && v.kind === p.kind && Object.is(v.value, p.value);
    case 'var': {
      const old = m.vars.get(p.name);
      if (old !== undefined) return sameValue(old, v);
      if (isConstVar(p.name) && v.tag !== 'const') return false;
      m.vars.set(p.name, v);
      return true;
    }
    case 'op': {
      const def = v.tag === 'box' ? defs.get(v.id) : undefined;
      return def !== undefined && matchOp(p, def, defs, m);
    }
  }
}

/** A constant of `kind` holding `x`, or null if `x` is not one (i: int32 or boolean; f: number; r: no symbol or bigint). */
function validConst(kind: Exclude<Kind, 'v'>, x: unknown): Const | null {
  const ok = kind === 'i' ? typeof x === 'boolean' || (typeof x === 'number' && (x | 0) === x && !Object.is(x, -0))
    : kind === 'f' ? typeof x === 'number'
      : x === null || ['undefined', 'string', 'number', 'boolean', 'object', 'function'].includes(typeof x);
  return ok ? constOf(kind, x) : null;
}

/** `v` as a value of `kind`: itself, or a constant moved to another kind (null if it does not fit). */
function asKind(v: Value, kind: string): Value | null {
  if (kind === '.' || v.kind === kind) return v;
  return v.tag === 'const' ? validConst(kind as Exclude<Kind, 'v'>, v.value) : null;
}

function build(p: Pat, kind: string, m: Match): Value | null {
  if (p.t === 'var') return asKind(m.vars.get(p.name)!, kind);
  if (p.t === 'lit') return constOf(p.kind, p.value);
  throw new Error('unreachable: rewrites are checked by buildRuleTable');
}

type Outcome = Value | Op | 'drop' | null;

function apply(rule: Rule, op: Op, defs: Defs): Outcome {
  const m: Match = { vars: new Map(), ops: [] };
  if (!matchOp(rule.pattern, op, defs, m)) return null;
  const resultKind = op.result?.kind ?? 'v';
  const r = rule.rewrite;
  switch (r.t) {
    case 'drop': return 'drop';
    case 'sub': return m.ops[r.index].result;
    case 'value': return build(r.pat, resultKind, m);
    case 'fn': {
      try {
        const out = r.fn(m);
        return out === 'drop' || out === null || out.kind === resultKind ? out : null;
      } catch (e) {
        if (e instanceof NotFoldable) return null;
        throw e;
      }
    }
    case 'op': {
      const kinds = argKinds(r.opcode, r.args.length);
      const args = r.args.map((a, k) => build(a, kinds[k], m));
      if (args.some((a) => a === null)) return null;
      const descr = 'descr' in OPS[r.opcode] ? op.descr : null;
      return { opcode: r.opcode, args: args as Value[], result: op.result, descr, failArgs: op.failArgs };
    }
  }
}

// ---------------------------------------------------------------- constants

/** When a guard on constants passes: the conditions of the reference backend (backend-ref/compile.ts). */
const GUARD_HOLDS: Partial<Record<Opcode, (a: unknown[]) => boolean>> = {
  guard_true: (a) => !!a[0],
  guard_false: (a) => !a[0],
  guard_value: (a) => Object.is(a[0], a[1]),
  guard_class: (a) => a[0] !== null && a[0] !== undefined && (a[0] as object).constructor === a[1],
  guard_nonnull: (a) => a[0] !== null,
  guard_isnull: (a) => a[0] === null,
};

/** Folds an op whose arguments are all constants (step 1 of the header), or null. */
function foldConstants(op: Op): Outcome {
  if (!op.args.every((a) => a.tag === 'const')) return null;
  const values = op.args.map((a) => (a as Const).value);
  const info = OPS[op.opcode] as { pure?: boolean; call?: boolean; run?: (a: unknown[], d: unknown) => unknown };
  const holds = GUARD_HOLDS[op.opcode];
  if (holds !== undefined) return holds(values) ? 'drop' : null;
  let compute: (() => unknown) | null = null;
  if (info.pure && info.run) compute = () => info.run!(values, op.descr);
  const call = op.descr as CallDescr | null;
  if (info.call && call?.effect === 'elidable') compute = () => (call.fn as (...a: unknown[]) => unknown)(...values);
  if (compute === null) return null;
  let x: unknown;
  try {
    x = compute();
  } catch {
    return null; // it throws at run time too: leave it there
  }
  if (op.result === null) return 'drop';
  // A call's object result is not folded: the constant would be shared by every run of the trace.
  if (info.call && (typeof x === 'object' || typeof x === 'function') && x !== null) return null;
  return validConst(op.result.kind, x);
}

// ---------------------------------------------------------------- the pass

/** A rewritten op is folded again; the rules shrink, this bounds it anyway. */
const MAX_REWRITES = 8;

function simplify(op: Op, defs: Defs): Outcome {
  const c = foldConstants(op);
  if (c !== null) return c;
  for (const rule of RULES.get(op.opcode) ?? []) {
    const r = apply(rule, op, defs);
    if (r !== null) return r;
  }
  return null;
}

/** `op` with substituted args and failArgs (the same object when nothing changes). */
function substitute(op: Op, subst: ReadonlyMap<number, Value>): Op {
  const get = (v: Value): Value => (v.tag === 'box' ? subst.get(v.id) ?? v : v);
  const args = op.args.map(get);
  const failArgs = op.failArgs?.map(get) ?? null;
  const same = (a: readonly Value[] | null, b: readonly Value[] | null) => a === b || (a !== null && b !== null && a.every((v, k) => v === b[k]));
  if (same(args, op.args) && same(failArgs, op.failArgs)) return op;
  const copy = { ...op, args };
  return failArgs === null ? copy : setFailArgs(copy, failArgs);
}

/** See "Labels" in the rule contract. */
function forgetAtLabel(defs: Map<number, Op>, label: Op, first: boolean): void {
  if (first) return defs.clear();
  const args = new Set(label.args.map((a) => (a.tag === 'box' ? a.id : -1)));
  for (const [id, def] of defs) if (args.has(id) || def.args.some((a) => a.tag === 'box' && args.has(a.id))) defs.delete(id);
}

function fold(trace: Trace): Trace {
  const subst = new Map<number, Value>();
  const defs = new Map<number, Op>();
  const out: Op[] = [];
  let changed = false;
  let droppedRaisingCall = false;
  let firstLabel = true;
  for (const original of trace.ops) {
    let op = substitute(original, subst);
    if (droppedRaisingCall) {
      droppedRaisingCall = false;
      if (op.opcode === 'guard_no_exception') continue; // its call is gone, and did not raise
    }
    if (op.opcode === 'label') forgetAtLabel(defs, op, firstLabel);
    firstLabel &&= op.opcode !== 'label';
    let fate: Value | 'drop' | null = null;
    for (let n = 0; n < MAX_REWRITES; n++) {
      const r = simplify(op, defs);
      if (r === null) break;
      if (r !== 'drop' && 'opcode' in r) { op = r; continue; }
      fate = r;
      break;
    }
    if (op !== original) changed = true;
    if (fate === null) {
      out.push(op);
      if (op.result !== null) defs.set(op.result.id, op);
      continue;
    }
    changed = true;
    if (fate !== 'drop') subst.set(op.result!.id, fate);
    if ('call' in OPS[op.opcode] && (op.descr as CallDescr).canRaise) droppedRaisingCall = true;
  }
  return changed ? { ...trace, ops: out } : trace;
}

export const foldPass: OptPass = {
  name: 'fold',
  description: 'constant folding and algebraic simplification by declarative rules',
  run: (trace) => fold(trace),
};
