// Test support, not part of the interpreter (the subset rules do not apply here):
// a fast-check arbitrary of random regvm programs that always terminate.
//
// Termination by construction:
// - loops count a reserved register up to a small bound; the counter, bound and
//   scratch registers of loop depth d are r(8+3d)..r(10+3d) and statements only
//   ever write r0..r7, so nothing else changes them;
// - function i calls only functions j > i, so there is no recursion.
// Strings only go to r14 and are printed at once: they never feed arithmetic, so
// values cannot grow without bound. Integer division by zero can still happen;
// that is a guest error, which is fine.

import fc from 'fast-check';

const DATA_REGS = 8;
const MAX_LOOP_DEPTH = 2;
const MAX_FUNCS = 3;
const BINOPS = ['add', 'sub', 'mul', 'div', 'mod', 'lt', 'le', 'eq'] as const;

type Stmt =
  | { readonly k: 'const'; readonly dst: number; readonly literal: string }
  | { readonly k: 'binop'; readonly op: string; readonly dst: number; readonly a: number; readonly b: number }
  | { readonly k: 'mov'; readonly dst: number; readonly src: number }
  | { readonly k: 'print'; readonly src: number; readonly newline: boolean }
  | { readonly k: 'str'; readonly text: string }
  | { readonly k: 'call'; readonly dst: number; readonly callee: number; readonly args: readonly number[] }
  | { readonly k: 'if'; readonly cond: number; readonly body: readonly Stmt[] }
  | { readonly k: 'loop'; readonly count: number; readonly body: readonly Stmt[] };

interface Func {
  readonly nparams: number;
  readonly body: readonly Stmt[];
}

const reg = fc.integer({ min: 0, max: DATA_REGS - 1 });

// Literal text as written in the source: ints, floats and (rarely) odd spellings.
const literal = fc.oneof(
  fc.integer({ min: -20, max: 20 }).map(String),
  fc.constantFrom('0', '1', '2', '-1', '1000000'),
  fc.constantFrom('0.5', '-2.25', '1e3', '3.0', '0.0', '1.5e-3'),
);

// String literals as written in the source, escapes and `;` included.
const stringLiteral = fc.constantFrom('"hi"', '""', '"a b"', '"semi;colon"', '"q\\"x"', '"tab\\tnl\\n"', '"back\\\\"');

const stmtArb: fc.Arbitrary<Stmt> = fc.letrec<{ stmt: Stmt; block: Stmt[] }>((tie) => ({
  stmt: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ dst: reg, literal }).map((r): Stmt => ({ k: 'const', ...r })),
    fc.record({ op: fc.constantFrom(...BINOPS), dst: reg, a: reg, b: reg }).map((r): Stmt => ({ k: 'binop', ...r })),
    fc.record({ dst: reg, src: reg }).map((r): Stmt => ({ k: 'mov', ...r })),
    fc.record({ src: reg, newline: fc.boolean() }).map((r): Stmt => ({ k: 'print', ...r })),
    stringLiteral.map((text): Stmt => ({ k: 'str', text })),
    fc
      .record({ dst: reg, callee: fc.nat(), args: fc.array(reg, { maxLength: 3 }) })
      .map((r): Stmt => ({ k: 'call', ...r })),
    fc.record({ cond: reg, body: tie('block') }).map((r): Stmt => ({ k: 'if', ...r })),
    fc.record({ count: fc.integer({ min: 0, max: 5 }), body: tie('block') }).map((r): Stmt => ({ k: 'loop', ...r })),
  ),
  block: fc.array(tie('stmt'), { maxLength: 5 }),
})).stmt;

const funcArb: fc.Arbitrary<Func> = fc.record({
  nparams: fc.integer({ min: 0, max: 3 }),
  body: fc.array(stmtArb, { maxLength: 8 }),
});

class Renderer {
  private labels = 0;
  readonly out: string[] = [];

  constructor(private readonly funcs: readonly Func[]) {}

  name(i: number): string {
    return i === 0 ? 'main' : `f${i}`;
  }

  func(i: number): void {
    // main takes no parameters: the property test passes no guest arguments.
    const nparams = i === 0 ? 0 : this.funcs[i].nparams;
    this.out.push(`func ${this.name(i)} ${nparams}`);
    this.block(this.funcs[i].body, i, 0);
    if (this.funcs[i].body.length % 2 === 0) this.out.push(`  ret r0`); // else fall off the end
  }

  block(stmts: readonly Stmt[], fn: number, depth: number): void {
    for (const s of stmts) this.stmt(s, fn, depth);
  }

  stmt(s: Stmt, fn: number, depth: number): void {
    const o = this.out;
    switch (s.k) {
      case 'const':
        o.push(`  const r${s.dst} ${s.literal}`);
        break;
      case 'binop':
        o.push(`  ${s.op} r${s.dst} r${s.a} r${s.b}`);
        break;
      case 'mov':
        o.push(`  mov r${s.dst} r${s.src}`);
        break;
      case 'print':
        o.push(`  ${s.newline ? 'print' : 'write'} r${s.src}   ; comment`);
        break;
      case 'str':
        o.push(`  const r14 ${s.text}`, '  print r14');
        break;
      case 'call': {
        const later = this.funcs.length - fn - 1;
        if (later <= 0) break; // nothing to call without recursion
        const callee = fn + 1 + (s.callee % later);
        const args: string[] = [];
        for (let i = 0; i < this.funcs[callee].nparams; i++) args.push(` r${i < s.args.length ? s.args[i] : 0}`);
        o.push(`  call r${s.dst} ${this.name(callee)}${args.join('')}`);
        break;
      }
      case 'if': {
        const end = `skip${this.labels++}`;
        o.push(`  jz r${s.cond} ${end}`);
        this.block(s.body, fn, depth);
        o.push(`${end}:`);
        break;
      }
      case 'loop': {
        if (depth >= MAX_LOOP_DEPTH) {
          this.block(s.body, fn, depth);
          break;
        }
        const [c, b, t] = [8 + 3 * depth, 9 + 3 * depth, 10 + 3 * depth];
        const head = `loop${this.labels++}`;
        o.push(`  const r${c} 0`, `  const r${b} ${s.count}`, `${head}:`);
        this.block(s.body, fn, depth + 1);
        o.push(`  const r${t} 1`, `  add r${c} r${c} r${t}`, `  lt r${t} r${c} r${b}`, `  jnz r${t} ${head}`);
        break;
      }
    }
  }
}

/** Random valid, always-terminating regvm programs (program text). */
export function programArbitrary(): fc.Arbitrary<string> {
  return fc.array(funcArb, { minLength: 1, maxLength: MAX_FUNCS }).map((funcs) => {
    const r = new Renderer(funcs);
    for (let i = 0; i < funcs.length; i++) r.func(i);
    return r.out.join('\n') + '\n';
  });
}
