// Test support: a fast-check arbitrary of whole random Lua 5.4 programs, for the
// differential test against PUC Lua (differential.test.ts).
//
// fast-check generates (and shrinks) a small AST; a printer turns it into Lua text.
// Scoping is resolved by the printer: an expression node says "an int variable, the
// n-th newest in scope", and the printer picks one that really is in scope, or
// prints a literal when there is none. So any AST prints as a valid program, and a
// shrunk AST prints as a smaller valid program. Files: the AST, budgets and
// literal pools (lua-program-ast.ts), the expression ops (lua-program-ops.ts), the
// printer (lua-program-print.ts), and here the arbitraries.
//
// Properties the printed programs keep by construction:
// - Deterministic: nothing prints an address (tables go through `show`, which
//   sorts keys), a pairs order, the time or random numbers.
// - Typed statements rarely fail: every variable has one static type (int, flt,
//   num, str, bool, tab, obj) and only gets values of it; integer `//` and `%`
//   divide by `(b | 1)`, which is odd, so never zero; tables of type `tab` hold
//   only integers under keys that keep them sequences (so `#t` has one border).
//   Untyped expressions, which do fail (error messages are worth comparing), run
//   inside pcall; `error` statements are printed only inside pcall bodies.
// - Bounded: strings assigned to variables are cut to 40 bytes, tables of type tab
//   to ~40 items; each loop's count is chosen after its body is printed, from the
//   body's cost (statements run per iteration, calls counted by their callee's
//   cost), so that a loop costs at most LOOP_BUDGET and the program about
//   PROGRAM_BUDGET. Functions only call functions defined before them, and
//   recursion is a template with a bounded depth.

import fc from 'fast-check';
import type { Expr, Program, Stmt, Ty, VarTy } from './lua-program-ast.js';
import { OPS, type OpDef } from './lua-program-ops.js';
import { EXPR_OF, METAMETHODS, PRELUDE, printProgram } from './lua-program-print.js';

// ---------------------------------------------------------------------------
// The arbitraries

const nat = fc.nat(63);
const count = fc.oneof({ arbitrary: fc.integer({ min: 30, max: 300 }), weight: 4 }, { arbitrary: fc.integer({ min: 1, max: 12 }), weight: 1 });
const varTy = fc.constantFrom<Exclude<VarTy, 'fn' | 'mt'>>('int', 'str', 'flt', 'num', 'bool', 'tab', 'obj');
const EXPR_TYPES: readonly Ty[] = ['int', 'flt', 'num', 'str', 'bool', 'tab', 'obj', 'any', 'u'];

type Arbs = Record<Ty, Expr> & { stmt: Stmt; block: Stmt[] };

export interface ProgramOptions {
  /** Most top-level statements (default 14). */
  readonly maxStatements?: number;
}

export function luaProgramAst(options: ProgramOptions = {}): fc.Arbitrary<Program> {
  const arbs = fc.letrec<Arbs>((tie) => {
    const exprOf = (ty: Ty): fc.Arbitrary<Expr> => {
      const defs = Object.entries(OPS).filter(([, d]) => d.ty === ty);
      const node = ([op, d]: [string, OpDef]) =>
        fc.record({ op: fc.constant(op), kids: fc.tuple(...d.kids.map((k) => tie(k) as fc.Arbitrary<Expr>)), n: d.n ?? nat }) as fc.Arbitrary<Expr>;
      const leaves = defs.filter(([, d]) => d.kids.length === 0).map(node);
      const inner = defs.filter(([, d]) => d.kids.length > 0).map(node);
      return fc.oneof({ depthSize: 'small', withCrossShrink: true, maxDepth: 4, depthIdentifier: 'expr' }, fc.oneof(...leaves), ...inner);
    };
    const e = (ty: Ty) => tie(ty) as fc.Arbitrary<Expr>;
    const anyOf = (...tys: Ty[]) => fc.oneof(...tys.map(e));
    const block = tie('block') as fc.Arbitrary<Stmt[]>;
    const printableArg = anyOf('int', 'str', 'num', 'flt', 'bool', 'any', 'obj');
    const typedExpr = varTy.chain((ty) => e(EXPR_OF[ty]).map((ex) => ({ ty: ty as VarTy, ex })));
    const stmt: fc.Arbitrary<Stmt> = fc.oneof(
      { depthSize: 'small', withCrossShrink: true, maxDepth: 3, depthIdentifier: 'stmt' },
      { weight: 6, arbitrary: fc.record({ args: fc.array(printableArg, { minLength: 1, maxLength: 4 }), write: fc.nat(4).map((n) => n === 4) }).map((r): Stmt => ({ k: 'print', ...r })) },
      { weight: 8, arbitrary: fc.record({ t: typedExpr, global: fc.boolean() }).map((r): Stmt => ({ k: 'local', ty: r.t.ty, e: r.t.ex, global: r.global })) },
      { weight: 6, arbitrary: fc.array(fc.record({ t: typedExpr, n: nat }), { minLength: 1, maxLength: 3 }).map((ts): Stmt => ({ k: 'assign', targets: ts.map((t) => ({ ty: t.t.ty, n: t.n, e: t.t.ex })) })) },
      { weight: 1, arbitrary: fc.record({ ty: varTy, a: nat, b: nat }).map((r): Stmt => ({ k: 'swap', ...r })) },
      { weight: 3, arbitrary: fc.record({ variant: nat, n: nat, kids: fc.tuple(e('int'), e('int'), e('str')) }).map((r): Stmt => ({ k: 'tset', ...r })) },
      { weight: 3, arbitrary: fc.record({ variant: nat, n: nat, kids: fc.tuple(e('tab'), e('int'), e('int')) }).map((r): Stmt => ({ k: 'tlib', ...r })) },
      { weight: 3, arbitrary: fc.record({ e: e('u') }).map((r): Stmt => ({ k: 'untyped', ...r })) },
      { weight: 2, arbitrary: fc.record({ n: nat, kids: fc.tuple(e('int'), e('int'), e('int'), e('int')) }).map((r): Stmt => ({ k: 'call', ...r })) },
      { weight: 2, arbitrary: fc.record({ n: nat, kids: fc.tuple(e('int'), e('int'), e('int'), e('int')) }).map((r): Stmt => ({ k: 'multi', ...r })) },
      { weight: 2, arbitrary: fc.record({ variants: fc.array(nat, { minLength: METAMETHODS.length, maxLength: METAMETHODS.length }) }).map((r): Stmt => ({ k: 'mt', ...r })) },
      { weight: 2, arbitrary: fc.record({ n: nat, init: e('int') }).map((r): Stmt => ({ k: 'obj', ...r })) },
      { weight: 2, arbitrary: fc.record({ variant: nat, n: nat, e: e('int') }).map((r): Stmt => ({ k: 'oset', ...r })) },
      { weight: 1, arbitrary: fc.record({ strs: fc.array(e('str'), { minLength: 1, maxLength: 4 }), desc: fc.boolean() }).map((r): Stmt => ({ k: 'strsort', ...r })) },
      { weight: 1, arbitrary: fc.record({ variant: nat, tab: e('tab') }).map((r): Stmt => ({ k: 'pairs', ...r })) },
      { weight: 2, arbitrary: fc.record({ variant: nat, cond: e('bool'), kids: fc.tuple(e('str'), e('int'), e('u')) }).map((r): Stmt => ({ k: 'error', ...r })) },
      { weight: 2, arbitrary: fc.record({ cond: e('bool') }).map((r): Stmt => ({ k: 'break', ...r })) },
      { weight: 1, arbitrary: fc.record({ cond: e('bool') }).map((r): Stmt => ({ k: 'continue', ...r })) },
      { weight: 1, arbitrary: fc.record({ cond: e('bool'), rets: fc.array(e('int'), { maxLength: 3 }) }).map((r): Stmt => ({ k: 'ret', ...r })) },
      { weight: 1, arbitrary: fc.record({ variant: nat, e: e('int') }).map((r): Stmt => ({ k: 'rec', ...r })) },
      { weight: 1, arbitrary: fc.record({ init: e('int') }).map((r): Stmt => ({ k: 'counter', ...r })) },
      { weight: 1, arbitrary: fc.record({ count, init: e('int'), e: e('int') }).map((r): Stmt => ({ k: 'closures', ...r })) },
      // Statements with blocks come last: at the maximum depth fast-check picks the first.
      { weight: 5, arbitrary: fc.record({ variant: nat, count, body: block, cont: fc.boolean(), kids: fc.tuple(e('int'), e('tab'), e('str')) }).map((r): Stmt => ({ k: 'loop', ...r })) },
      { weight: 3, arbitrary: fc.record({ conds: fc.array(e('bool'), { minLength: 1, maxLength: 3 }), blocks: fc.array(block, { minLength: 1, maxLength: 3 }), els: fc.option(block) }).map((r): Stmt => ({ k: 'if', ...r })) },
      { weight: 1, arbitrary: fc.record({ body: block }).map((r): Stmt => ({ k: 'do', ...r })) },
      { weight: 3, arbitrary: fc.record({ arity: fc.nat(3), vararg: fc.boolean(), global: fc.boolean(), body: block, rets: fc.array(e('int'), { minLength: 1, maxLength: 3 }) }).map((r): Stmt => ({ k: 'fn', ...r })) },
      { weight: 2, arbitrary: fc.record({ variant: nat, body: block }).map((r): Stmt => ({ k: 'pcall', ...r })) },
    );
    const out = {} as Record<string, fc.Arbitrary<unknown>>;
    for (const ty of EXPR_TYPES) out[ty] = exprOf(ty);
    out.stmt = stmt;
    out.block = fc.array(tie('stmt') as fc.Arbitrary<Stmt>, { maxLength: 4, depthIdentifier: 'stmt' });
    return out as { [K in keyof Arbs]: fc.Arbitrary<Arbs[K]> };
  });
  const leafOf = (ty: Ty) => fc.oneof(...Object.entries(OPS).filter(([, d]) => d.ty === ty && d.kids.length === 0).map(([op, d]) => fc.record({ op: fc.constant(op), kids: fc.constant([]), n: d.n ?? nat })));
  // Optional, so that shrinking drops the variables a counterexample does not need.
  const prelude = fc.tuple(...PRELUDE.map(([ty]) => fc.option(leafOf(EXPR_OF[ty]), { freq: 8, nil: undefined })));
  return fc.record({ prelude, body: fc.array(arbs.stmt, { minLength: 1, maxLength: options.maxStatements ?? 14 }) });
}

/** Random whole Lua programs as source text. */
export function luaProgram(options: ProgramOptions = {}): fc.Arbitrary<string> {
  return luaProgramAst(options).map(printProgram);
}
