// Test support: a fast-check arbitrary of whole random Lua 5.4 programs, for the
// differential test against PUC Lua (differential.test.ts).
//
// fast-check generates (and shrinks) a small AST; a printer turns it into Lua text.
// Scoping is resolved by the printer: an expression node says "an int variable, the
// n-th newest in scope", and the printer picks one that really is in scope, or
// prints a literal when there is none. So any AST prints as a valid program, and a
// shrunk AST prints as a smaller valid program.
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

// ---------------------------------------------------------------------------
// The AST

/** Static types of expressions. `u` is untyped: anything, errors allowed. */
export type Ty = 'int' | 'flt' | 'num' | 'str' | 'bool' | 'tab' | 'obj' | 'any' | 'u';
/** Types a variable can have. */
type VarTy = 'int' | 'flt' | 'num' | 'str' | 'bool' | 'tab' | 'obj' | 'fn' | 'mt';

/** An expression: an op of the table below, its operands, and `n`, which picks a variable, literal or variant. */
export interface Expr {
  readonly op: string;
  readonly kids: readonly Expr[];
  readonly n: number;
}

export type Block = readonly Stmt[];

export type Stmt =
  | { readonly k: 'print'; readonly args: readonly Expr[]; readonly write: boolean }
  | { readonly k: 'local'; readonly ty: VarTy; readonly e: Expr; readonly global: boolean }
  | { readonly k: 'assign'; readonly targets: readonly { readonly ty: VarTy; readonly n: number; readonly e: Expr }[] }
  | { readonly k: 'swap'; readonly ty: VarTy; readonly a: number; readonly b: number }
  | { readonly k: 'tset'; readonly variant: number; readonly n: number; readonly kids: readonly Expr[] }
  | { readonly k: 'tlib'; readonly variant: number; readonly n: number; readonly kids: readonly Expr[] }
  | { readonly k: 'if'; readonly conds: readonly Expr[]; readonly blocks: readonly Block[]; readonly els: Block | null }
  | { readonly k: 'loop'; readonly variant: number; readonly count: number; readonly body: Block; readonly cont: boolean; readonly kids: readonly Expr[] }
  | { readonly k: 'pairs'; readonly variant: number; readonly tab: Expr }
  | { readonly k: 'break'; readonly cond: Expr }
  | { readonly k: 'continue'; readonly cond: Expr }
  | { readonly k: 'do'; readonly body: Block }
  | { readonly k: 'fn'; readonly arity: number; readonly vararg: boolean; readonly global: boolean; readonly body: Block; readonly rets: readonly Expr[] }
  | { readonly k: 'rec'; readonly variant: number; readonly e: Expr }
  | { readonly k: 'counter'; readonly init: Expr }
  | { readonly k: 'closures'; readonly count: number; readonly init: Expr; readonly e: Expr }
  | { readonly k: 'call'; readonly n: number; readonly kids: readonly Expr[] }
  | { readonly k: 'multi'; readonly n: number; readonly kids: readonly Expr[] }
  | { readonly k: 'ret'; readonly cond: Expr; readonly rets: readonly Expr[] }
  | { readonly k: 'pcall'; readonly variant: number; readonly body: Block }
  | { readonly k: 'error'; readonly variant: number; readonly cond: Expr; readonly kids: readonly Expr[] }
  | { readonly k: 'mt'; readonly variants: readonly number[] }
  | { readonly k: 'obj'; readonly n: number; readonly init: Expr }
  | { readonly k: 'oset'; readonly variant: number; readonly n: number; readonly e: Expr }
  | { readonly k: 'untyped'; readonly e: Expr }
  | { readonly k: 'strsort'; readonly strs: readonly Expr[]; readonly desc: boolean };

export interface Program {
  /** Initial values of the variables every program starts with (one per type, one global). */
  readonly prelude: readonly (Expr | undefined)[];
  readonly body: Block;
}

// ---------------------------------------------------------------------------
// Budgets (cost = statements run; see the header)

const PROGRAM_BUDGET = 4000;
const LOOP_BUDGET = 1500;
const FN_BUDGET = 150;
/** Tables of type tab grow only while shorter than this. */
const TAB_MAX = 40;
/** What a loop over a tab, a show() or a table.sort may cost. */
const TAB_COST = TAB_MAX + 8;
const REC_DEPTH = 16;
const FIB_DEPTH = 10;

// ---------------------------------------------------------------------------
// Literal pools (Lua source text). The first item of each is the simplest: shrinking goes there.

const INT_SPECIALS = ['0', 'math.maxinteger', 'math.mininteger', '0x7fffffff', '9007199254740993', '0xff', '1000000', '0xffffffffffffffff', '-0x8000000000000000', '(1 << 62)'];
const FLT_LITS = ['0.5', '-2.25', '3.0', '-0.0', '0.1', '1e15', '1e300', '2^53', '2^63', '1/0', '-1/0', '0/0', 'math.pi', 'math.huge', '1e-310', '123456.789', '0x1p-3', '.5', '5e-1', '-1e100', '2^-1074'];
const NUM_STRS = ['"10"', '"0x10"', '"1e1"', '" 7 "', '"-0"', '"3.25"', '"0x1p4"', '"  -12  "', '"1E2"', '"0xA.8"'];
const FLT_STRS = ['"3.5"', '"1e2"', '"0x1p4"', '" -0.25 "', '"5."', '".5e1"'];
const STR_LITS = ['""', '"abc"', '"10"', '"Hello World"', '"a,b,,c"', '" 42 "', '"x\\ty"', '"q\\"uote"', '"line\\nbreak"', '"0x1A"', '"3.5"', '"%d"', '"a.b"', "'single'", '"\\65\\066"', '"[[x]]"', '"\\u{48}i"', '[[long\nstring]]', '"aaa"', '"(hello)"', '"x_y z"', '"\\\\back"', '"\\r\\v\\f"'];
const FIELDS = ['a', 'b', 'k', 'x'];
const SEPS = ['","', '""', '" "', '"-+"'];

/** gsub/find/match patterns with their number of captures. */
const PATTERNS: readonly (readonly [string, number])[] = [
  ['"%d+"', 0], ['"%a+"', 0], ['"[aeiou]"', 0], ['"%s"', 0], ['"l+"', 0], ['"(%w)(%w)"', 2], ['"^%s*"', 0],
  ['"(%a+)"', 1], ['"%p"', 0], ['"x*"', 0], ['"[^,]+"', 0], ['"(.)%1"', 1], ['"%f[%w]%w+"', 0], ['"%.%d"', 0],
  ['"[%a_][%w_]*"', 0], ['"%u"', 0], ['"(h)(e)"', 2], ['"."', 0], ['".-b"', 0], ['"%b()"', 0], ['"%x+$"', 0],
];
/** gsub replacements; `caps` is how many captures the pattern needs. */
const REPLS: readonly (readonly [string, number])[] = [
  ['"<%0>"', 0], ['"%1"', 0], ['"-"', 0], ['"%%"', 0], ['""', 0], ['"%2%1"', 2],
  ['{a = "A", e = 3, o = false}', 0], ['function(c) return c:upper() end', 0], ['function(c) return #c end', 0],
  ['function() end', 0], ['string.upper', 0],
];

/** string.format templates; `$i` `$n` `$s` `$f` are the int, num, str and flt operands. */
const FORMATS = [
  '"%d", $i', '"%5.2f", $n', '"%s|%s", $s, $n', '"%q", $s', '"%q", $i', '"%q", $f', '"%x", $i', '"%X", $i',
  '"%-5d|", $i', '"%+.3f", $n', '"%10.4s|", $s', '"%g", $n', '"%.3g", $f', '"%e", $n', '"%.0f", $f', '"%a", $f',
  '"%c", 65 + $i % 26', '"%5s|%-6s|", $s, $s', '"%i%%", $i', '"%o", $i', '"%.14g", $n', '"%05d", $i', '"%#x", $i',
  '"%.20s", $s', '"[%3d]", $i',
];

/** Leaves of the untyped expressions (from the first expression-only differential test). */
const U_LEAVES = ['0.5', '1.0', '-2.5', '3e2', '0x10', 'math.maxinteger', 'math.mininteger', '2^53', '"7"', '"1.5"', 'nil', 'true', '"abc"', '{}', 'nope', '"0x"', '" 8 "', '-0.0', '1e308'];

// ---------------------------------------------------------------------------
// The printer

interface Var {
  readonly name: string;
  readonly ty: VarTy;
  readonly mutable: boolean;
  /** Functions: how to call them. */
  readonly fn?: FnInfo;
  /** Objects: the metatable's name and whether its __index has methods. */
  readonly mt?: MtInfo;
}

interface FnInfo {
  readonly arity: number;
  readonly vararg: boolean;
  readonly nret: number;
  readonly cost: number;
  /** The first argument is reduced modulo this (recursion depth); 0 = not. */
  readonly depthMod: number;
}

interface MtInfo {
  readonly name: string;
  readonly methods: boolean;
}

interface Frame {
  cost: number;
  /** A function body (or the main chunk): loops inside are budgeted from here. */
  readonly budget: number | null;
}

interface FnLevel {
  readonly vararg: boolean;
  readonly nret: number;
  /** Enclosing loops of this function, innermost last: their continue labels (null: none). */
  readonly loops: (string | null)[];
  /** Loops `break` can leave (goto loops are not loops for break). */
  breakable: number;
  readonly protectedCall: boolean;
}

const SIMPLE = /^(?!(nil|true|false)$)[A-Za-z_][A-Za-z0-9_]*$/;

/** True when `x` is one parenthesized group, e.g. `(a + (b))` but not `(a) + (b)`. */
function isWrapped(x: string): boolean {
  if (x[0] !== '(') return false;
  let depth = 0;
  for (let i = 0; i < x.length; i++) {
    const c = x[i];
    if (c === '"' || c === "'") {
      for (i++; i < x.length && x[i] !== c; i++) if (x[i] === '\\') i++;
    } else if (c === '[' && x[i + 1] === '[') {
      const end = x.indexOf(']]', i);
      i = end < 0 ? x.length : end + 1;
    } else if (c === '(') {
      depth++;
    } else if (c === ')') {
      depth--;
      if (depth === 0 && i < x.length - 1) return false;
    }
  }
  return true;
}

/** `x` usable before `.f`, `:m()` or `(args)`. */
function prefix(x: string): string {
  return SIMPLE.test(x) || isWrapped(x) ? x : `(${x})`;
}

/** `x` as an operand that must not be split by precedence. */
function atom(x: string): string {
  return SIMPLE.test(x) || isWrapped(x) || /^[0-9.]+$/.test(x) ? x : `(${x})`;
}

function pickFrom<T>(xs: readonly T[], n: number): T {
  return xs[n % xs.length];
}

const READS: Record<Ty, readonly VarTy[]> = {
  int: ['int'], flt: ['flt'], num: ['int', 'flt', 'num'], str: ['str'], bool: ['bool'], tab: ['tab'], obj: ['obj'],
  any: ['int', 'flt', 'num', 'str', 'bool', 'tab', 'obj', 'fn', 'mt'], u: ['int', 'flt', 'num', 'str', 'bool', 'tab', 'obj', 'fn', 'mt'],
};

const PRINTABLE: ReadonlySet<Ty> = new Set<Ty>(['int', 'flt', 'num', 'str', 'bool', 'obj']);

class Printer {
  private lines: string[] = [];
  private indent = 0;
  private readonly scope: Var[] = [];
  private readonly frames: Frame[] = [{ cost: 0, budget: PROGRAM_BUDGET }];
  private readonly levels: FnLevel[] = [{ vararg: true, nret: 0, loops: [], breakable: 0, protectedCall: false }];
  private counter = 0;
  readonly helpers = new Set<'show' | 'val'>();

  text(): string {
    return this.lines.join('\n') + '\n';
  }

  line(s: string): void {
    // A statement that starts with '(' would continue the previous one as a call.
    this.lines.push('  '.repeat(this.indent) + (s.startsWith('(') ? ';' + s : s));
  }

  fresh(prefixName: string): string {
    return `${prefixName}${++this.counter}`;
  }

  addCost(c: number): void {
    this.frames[this.frames.length - 1].cost += c;
  }

  get level(): FnLevel {
    return this.levels[this.levels.length - 1];
  }

  levelCount(): number {
    return this.levels.length;
  }

  indentBy(d: number): void {
    this.indent += d;
  }

  /** Indentation of a line `extra` levels in from the current one. */
  pad(extra: number): string {
    return '  '.repeat(this.indent + extra);
  }

  // --- scope

  declare(v: Var): void {
    this.scope.push(v);
  }

  /** The n-th newest variable readable as `ty`, or null. */
  lookup(ty: Ty, n: number, mutableOnly = false, pred: (v: Var) => boolean = () => true): Var | null {
    const ok = READS[ty];
    const cands: Var[] = [];
    for (let i = this.scope.length - 1; i >= 0; i--) {
      const v = this.scope[i];
      if (ok.includes(v.ty) && (!mutableOnly || v.mutable) && pred(v)) cands.push(v);
    }
    return cands.length === 0 ? null : pickFrom(cands, n);
  }

  /** A variable of exactly type ty to assign to. */
  target(ty: VarTy, n: number): Var | null {
    const cands = this.scope.filter((v) => v.ty === ty && v.mutable && v.fn === undefined).reverse();
    return cands.length === 0 ? null : pickFrom(cands, n);
  }

  fnVar(n: number, pred: (f: FnInfo) => boolean = () => true): (Var & { fn: FnInfo }) | null {
    const cands = this.scope.filter((v): v is Var & { fn: FnInfo } => v.fn !== undefined && pred(v.fn)).reverse();
    return cands.length === 0 ? null : pickFrom(cands, n);
  }

  mtVar(n: number): MtInfo | null {
    const cands = this.scope.filter((v) => v.ty === 'mt').reverse();
    return cands.length === 0 ? null : pickFrom(cands, n).mt!;
  }

  /** Runs `f` in a nested block: indented, with its own locals. */
  nested(f: () => void): void {
    const mark = this.scope.length;
    this.indent++;
    f();
    this.indent--;
    this.scope.length = mark;
  }

  /** Prints `f`'s statements aside, returning their lines and cost. */
  capture(f: () => void, budget: number | null = null): { lines: string[]; cost: number } {
    const saved = this.lines;
    this.lines = [];
    this.frames.push({ cost: 0, budget });
    this.nested(f);
    const frame = this.frames.pop()!;
    const lines = this.lines;
    this.lines = saved;
    return { lines, cost: frame.cost };
  }

  emit(lines: readonly string[]): void {
    this.lines.push(...lines);
  }

  /** Budget left for a loop printed now: what the innermost function (or the program) has not spent. */
  remaining(): number {
    let spent = 0;
    for (let i = this.frames.length - 1; i >= 0; i--) {
      spent += this.frames[i].cost;
      const b = this.frames[i].budget;
      if (b !== null) return Math.max(0, b - spent);
    }
    return 0;
  }

  /** How many times a loop with this body may run. */
  loopCount(requested: number, bodyCost: number, perIteration = 1): number {
    const budget = Math.min(LOOP_BUDGET, this.remaining());
    return Math.max(1, Math.min(requested, Math.floor(budget / (bodyCost + perIteration))));
  }

  enterFunction(vararg: boolean, nret: number): void {
    this.levels.push({ vararg, nret, loops: [], breakable: 0, protectedCall: this.level.protectedCall });
  }

  leaveFunction(): void {
    this.levels.pop();
  }

  /** Prints an expression that sits inside a `function() ... end` without `...`. */
  inFunction(f: () => string): string {
    this.enterFunction(false, 0);
    const r = f();
    this.leaveFunction();
    return r;
  }

  withProtection<T>(f: () => T): T {
    const lv = this.level;
    this.levels[this.levels.length - 1] = { ...lv, protectedCall: true };
    const r = f();
    this.levels[this.levels.length - 1] = { ...this.levels[this.levels.length - 1], protectedCall: lv.protectedCall };
    return r;
  }

  // --- expressions

  /** Lua text of `e`, or null when it needs something the program does not have (an object). */
  expr(e: Expr): string | null {
    const def = OPS[e.op];
    const kids: string[] = [];
    for (const k of e.kids) {
      const s = this.expr(k);
      if (s === null) return this.fallback(def.ty, e.n);
      kids.push(s);
    }
    return def.print(kids, e.n, this) ?? this.fallback(def.ty, e.n);
  }

  fallback(ty: Ty, n: number): string | null {
    switch (ty) {
      case 'int': return String(n % 10);
      case 'flt': return '0.5';
      case 'num': return '1';
      case 'str': return '"x"';
      case 'bool': return 'false';
      case 'tab': return '{}';
      case 'any': case 'u': return 'nil';
      case 'obj': return null;
    }
  }

  /** An expression of `ty` that is never null (objects fall back to an int). */
  exprOr(e: Expr): string {
    return this.expr(e) ?? '0';
  }

  /** A print argument: values without a readable tostring go through show(). */
  printable(e: Expr): string | null {
    const s = this.expr(e);
    if (s === null) return null;
    if (PRINTABLE.has(OPS[e.op].ty)) return s;
    this.helpers.add('show');
    this.addCost(TAB_COST);
    return `show(${s})`;
  }

  /** A call of a generated function with int arguments (all its results), or null. */
  call(n: number, kids: readonly string[], pred: (f: FnInfo) => boolean = () => true): string | null {
    const c = this.callParts(n, kids, pred);
    return c === null ? null : `${c.name}(${c.args.join(', ')})`;
  }

  /** The function and arguments of call(). */
  callParts(n: number, kids: readonly string[], pred: (f: FnInfo) => boolean = () => true): { name: string; args: string[] } | null {
    const v = this.fnVar(n, pred);
    if (v === null) return null;
    const f = v.fn;
    const args = kids.slice(0, f.arity);
    while (args.length < f.arity) args.push(String(args.length));
    if (f.depthMod > 0) args[0] = `${atom(args[0])} % ${f.depthMod}`;
    if (f.vararg) args.push(...kids.slice(f.arity, f.arity + (n % 3)));
    this.addCost(f.cost);
    return { name: v.name, args };
  }
}

// ---------------------------------------------------------------------------
// Expression ops: one table. `kids` are the operand types; `print` gets their text.

interface OpDef {
  readonly ty: Ty;
  readonly kids: readonly Ty[];
  /** How `n` is generated (default: a small natural number). */
  readonly n?: fc.Arbitrary<number>;
  readonly print: (k: readonly string[], n: number, p: Printer) => string | null;
}

const smallInt = fc.integer({ min: -20, max: 20 });
const bin = (op: string) => (k: readonly string[]) => `(${k[0]} ${op} ${k[1]})`;
const pat = (n: number) => pickFrom(PATTERNS, n)[0];
const varOf = (ty: Ty) => (_k: readonly string[], n: number, p: Printer) => p.lookup(ty, n)?.name ?? null;
// Untyped code may call what it finds with any argument: not the recursive templates, whose depth would be unbounded.
const untypedVar = (_k: readonly string[], n: number, p: Printer) => p.lookup('u', n, false, (v) => (v.fn?.depthMod ?? 0) === 0)?.name ?? null;
const objVar = (p: Printer, n: number) => p.lookup('obj', n);
/** Int-typed reads of tables: missing keys read as a default. */
const orDefault = (x: string, d: string) => `(${x} or ${d})`;

function gsubArgs(k: readonly string[], n: number): string {
  const [p, caps] = pickFrom(PATTERNS, n);
  const repls = REPLS.filter((r) => r[1] <= caps);
  const r = pickFrom(repls, Math.floor(n / PATTERNS.length))[0];
  const max = Math.floor(n / 7) % 3 === 2 ? ', 2' : '';
  return `${k[0]}, ${p}, ${r}${max}`;
}

function vararg(p: Printer): boolean {
  return p.level.vararg;
}

const OPS: Record<string, OpDef> = {
  // int: always a Lua integer
  ilit: { ty: 'int', kids: [], n: smallInt, print: (_k, n) => String(n) },
  ivar: { ty: 'int', kids: [], print: varOf('int') },
  ispecial: { ty: 'int', kids: [], print: (_k, n) => pickFrom(INT_SPECIALS, n) },
  iadd: { ty: 'int', kids: ['int', 'int'], print: bin('+') },
  isub: { ty: 'int', kids: ['int', 'int'], print: bin('-') },
  imul: { ty: 'int', kids: ['int', 'int'], print: bin('*') },
  idiv: { ty: 'int', kids: ['int', 'int'], print: (k) => `(${k[0]} // (${k[1]} | 1))` },
  imod: { ty: 'int', kids: ['int', 'int'], print: (k) => `(${k[0]} % (${k[1]} | 1))` },
  idivk: { ty: 'int', kids: ['int'], print: (k, n) => `(${k[0]} ${n % 2 ? '%' : '//'} ${pickFrom(['3', '-2', '7', '1', '-1', '10'], n >> 1)})` },
  iband: { ty: 'int', kids: ['int', 'int'], print: bin('&') },
  ibor: { ty: 'int', kids: ['int', 'int'], print: bin('|') },
  ibxor: { ty: 'int', kids: ['int', 'int'], print: bin('~') },
  ishl: { ty: 'int', kids: ['int', 'int'], print: (k) => `(${k[0]} << (${k[1]} % 70))` },
  ishr: { ty: 'int', kids: ['int', 'int'], print: (k) => `(${k[0]} >> (${k[1]} % 70))` },
  ibnot: { ty: 'int', kids: ['int'], print: (k) => `(~ ${k[0]})` },
  ineg: { ty: 'int', kids: ['int'], print: (k) => `(- ${k[0]})` },
  istrlen: { ty: 'int', kids: ['str'], print: (k, n) => (n % 2 ? `string.len(${k[0]})` : `(#${k[0]})`) },
  itablen: { ty: 'int', kids: ['tab'], print: (k) => `(#${k[0]})` },
  iminmax: { ty: 'int', kids: ['int', 'int'], print: (k, n) => `math.${n % 2 ? 'max' : 'min'}(${k[0]}, ${k[1]})` },
  iabs: { ty: 'int', kids: ['int'], print: (k) => `math.abs(${k[0]})` },
  itoint: { ty: 'int', kids: ['num'], print: (k, n) => orDefault(`math.tointeger(${k[0]})`, String(n % 5)) },
  ibyte: { ty: 'int', kids: ['str', 'int'], print: (k) => orDefault(`${prefix(k[0])}:byte(${k[1]})`, '-1') },
  ifind: { ty: 'int', kids: ['str', 'str'], print: (k, n) => orDefault(n % 2 ? `string.find(${k[0]}, ${k[1]}, 1, true)` : `string.find(${k[0]}, ${pat(n >> 1)})`, '0') },
  igsubn: { ty: 'int', kids: ['str'], print: (k, n) => `select(2, string.gsub(${gsubArgs(k, n)}))` },
  itget: { ty: 'int', kids: ['tab', 'int'], print: (k, n) => orDefault(`${prefix(k[0])}[${k[1]}]`, String(n % 3)) },
  itfield: { ty: 'int', kids: ['tab'], print: (k, n) => orDefault(`${prefix(k[0])}.${pickFrom(FIELDS, n)}`, '0') },
  icall: { ty: 'int', kids: ['int', 'int', 'int', 'int'], print: (k, n, p) => p.call(n, k) },
  iselect: { ty: 'int', kids: [], print: (_k, n, p) => (vararg(p) ? (n % 3 === 0 ? `select('#', ...)` : orDefault(`select(${1 + (n % 4)}, ...)`, '0')) : null) },
  iobjv: { ty: 'int', kids: ['obj'], print: (k) => `${prefix(k[0])}.v` },
  iobjlen: { ty: 'int', kids: ['obj'], print: (k) => `(#${k[0]})` },
  iobjcall: { ty: 'int', kids: ['obj', 'int'], print: (k) => `${prefix(k[0])}(${k[1]})` },
  iobjget: { ty: 'int', kids: [], print: (_k, n, p) => {
    const o = p.lookup('obj', n, false, (v) => v.mt?.methods === true);
    return o === null ? null : `${o.name}:get()`;
  } },
  icond: { ty: 'int', kids: ['bool', 'int', 'int'], print: (k) => `(${k[0]} and ${k[1]} or ${k[2]})` },
  icoerce: { ty: 'int', kids: ['int', 'int'], print: (k, n) => (n % 2 ? `tonumber(${k[0]} .. "")` : `((${k[0]} .. "") + ${k[1]})`) },
  ifmod: { ty: 'int', kids: ['int', 'int'], print: (k) => `math.fmod(${k[0]}, (${k[1]} | 1))` },

  // flt: always a float
  flit: { ty: 'flt', kids: [], print: (_k, n) => pickFrom(FLT_LITS, n) },
  fvar: { ty: 'flt', kids: [], print: varOf('flt') },
  fadd: { ty: 'flt', kids: ['flt', 'num'], print: (k, n) => (n % 2 ? `(${k[0]} + ${k[1]})` : `(${k[1]} + ${k[0]})`) },
  fsub: { ty: 'flt', kids: ['num', 'flt'], print: bin('-') },
  fmul: { ty: 'flt', kids: ['flt', 'num'], print: bin('*') },
  fdiv: { ty: 'flt', kids: ['num', 'num'], print: bin('/') },
  fpow: { ty: 'flt', kids: ['num', 'num'], print: bin('^') },
  fidiv: { ty: 'flt', kids: ['num', 'flt'], print: bin('//') },
  fmod: { ty: 'flt', kids: ['num', 'flt'], print: bin('%') },
  fneg: { ty: 'flt', kids: ['flt'], print: (k) => `(- ${k[0]})` },
  fsqrt: { ty: 'flt', kids: ['num'], print: (k) => `math.sqrt(${k[0]})` },
  ftofloat: { ty: 'flt', kids: ['int'], print: (k, n) => (n % 2 ? `(${k[0]} + 0.0)` : `(${k[0]} * 1.0)`) },
  fcoerce: { ty: 'flt', kids: ['num'], print: (k, n) => `(${pickFrom(FLT_STRS, n)} + ${k[0]})` },
  fabs: { ty: 'flt', kids: ['flt'], print: (k) => `math.abs(${k[0]})` },
  ffmod: { ty: 'flt', kids: ['num', 'flt'], print: (k) => `math.fmod(${k[0]}, ${k[1]})` },

  // num: int or float
  nvar: { ty: 'num', kids: [], print: varOf('num') },
  nadd: { ty: 'num', kids: ['num', 'num'], print: bin('+') },
  nsub: { ty: 'num', kids: ['num', 'num'], print: bin('-') },
  nmul: { ty: 'num', kids: ['num', 'num'], print: bin('*') },
  nidiv: { ty: 'num', kids: ['num', 'int'], print: (k, n) => `(${k[0]} ${n % 2 ? '%' : '//'} (${k[1]} | 1))` },
  nfloor: { ty: 'num', kids: ['num'], print: (k, n) => `math.${n % 2 ? 'ceil' : 'floor'}(${k[0]})` },
  nminmax: { ty: 'num', kids: ['num', 'num'], print: (k, n) => `math.${n % 2 ? 'max' : 'min'}(${k[0]}, ${k[1]})` },
  nabs: { ty: 'num', kids: ['num'], print: (k) => `math.abs(${k[0]})` },
  nneg: { ty: 'num', kids: ['num'], print: (k) => `(- ${k[0]})` },
  ntonumber: { ty: 'num', kids: [], print: (_k, n) => `tonumber(${pickFrom(NUM_STRS, n)})` },
  ncoerce: { ty: 'num', kids: ['num'], print: (k, n) => `(${pickFrom(NUM_STRS, n)} ${n % 3 === 1 ? '*' : '+'} ${k[0]})` },
  ncond: { ty: 'num', kids: ['bool', 'num', 'num'], print: (k) => `(${k[0]} and ${k[1]} or ${k[2]})` },
  nint: { ty: 'num', kids: ['int'], print: (k) => k[0] },
  nflt: { ty: 'num', kids: ['flt'], print: (k) => k[0] },

  // str
  slit: { ty: 'str', kids: [], print: (_k, n) => pickFrom(STR_LITS, n) },
  svar: { ty: 'str', kids: [], print: varOf('str') },
  sconcat: { ty: 'str', kids: ['str', 'str'], print: bin('..') },
  sconcatn: { ty: 'str', kids: ['str', 'num'], print: (k, n) => (n % 2 ? `(${k[0]} .. ${k[1]})` : `(${k[1]} .. ${k[0]})`) },
  stostring: { ty: 'str', kids: ['num'], print: (k) => `tostring(${k[0]})` },
  stostrb: { ty: 'str', kids: ['bool'], print: (k) => `tostring(${k[0]})` },
  srep: { ty: 'str', kids: ['str', 'str'], print: (k, n) => `string.rep(${k[0]}, ${n % 4}${n % 8 >= 4 ? ', ' + k[1] : ''})` },
  ssub: { ty: 'str', kids: ['str', 'int', 'int'], print: (k, n) => (n % 2 ? `string.sub(${k[0]}, ${k[1]}, ${k[2]})` : `${prefix(k[0])}:sub(${k[1]})`) },
  scase: { ty: 'str', kids: ['str'], print: (k, n) => `${prefix(k[0])}:${pickFrom(['upper', 'lower', 'reverse'], n)}()` },
  sformat: { ty: 'str', kids: ['int', 'num', 'str', 'flt'], print: (k, n) => {
    const args = pickFrom(FORMATS, n).replace(/\$i/g, atom(k[0])).replace(/\$n/g, k[1]).replace(/\$s/g, k[2]).replace(/\$f/g, k[3]);
    return `string.format(${args})`;
  } },
  sgsub: { ty: 'str', kids: ['str'], print: (k, n) => `(string.gsub(${gsubArgs(k, n)}))` },
  smatch: { ty: 'str', kids: ['str'], print: (k, n) => orDefault(`string.match(${k[0]}, ${pat(n)})`, '""') },
  schar: { ty: 'str', kids: ['int'], print: (k) => `string.char(32 + ${atom(k[0])} % 95)` },
  stconcat: { ty: 'str', kids: ['tab'], print: (k, n, p) => {
    p.addCost(TAB_COST);
    return `table.concat(${k[0]}, ${pickFrom(SEPS, n)})`;
  } },
  stype: { ty: 'str', kids: ['any'], print: (k) => `type(${k[0]})` },
  smathtype: { ty: 'str', kids: ['num'], print: (k) => `math.type(${k[0]})` },
  sobjcat: { ty: 'str', kids: ['obj', 'str'], print: (k, n) => (n % 2 ? `(${k[0]} .. ${k[1]})` : `(${k[1]} .. ${k[0]})`) },
  sobjstr: { ty: 'str', kids: ['obj'], print: (k) => `tostring(${k[0]})` },
  scond: { ty: 'str', kids: ['bool', 'str', 'str'], print: (k) => `(${k[0]} and ${k[1]} or ${k[2]})` },
  sshow: { ty: 'str', kids: ['any'], print: (k, _n, p) => {
    p.helpers.add('show');
    p.addCost(TAB_COST);
    return `show(${k[0]})`;
  } },

  // bool
  blit: { ty: 'bool', kids: [], print: (_k, n) => (n % 2 ? 'true' : 'false') },
  bvar: { ty: 'bool', kids: [], print: varOf('bool') },
  bnumcmp: { ty: 'bool', kids: ['num', 'num'], print: (k, n) => bin(pickFrom(['<', '<=', '>', '>=', '==', '~='], n))(k) },
  bintcmp: { ty: 'bool', kids: ['int', 'int'], print: (k, n) => bin(pickFrom(['<', '==', '>=', '~='], n))(k) },
  bstrcmp: { ty: 'bool', kids: ['str', 'str'], print: (k, n) => bin(pickFrom(['<', '==', '<=', '>', '~='], n))(k) },
  beq: { ty: 'bool', kids: ['any', 'any'], print: (k, n) => bin(n % 2 ? '==' : '~=')(k) },
  bnot: { ty: 'bool', kids: ['any'], print: (k) => `(not ${k[0]})` },
  band: { ty: 'bool', kids: ['bool', 'bool'], print: (k, n) => bin(n % 2 ? 'and' : 'or')(k) },
  bobjcmp: { ty: 'bool', kids: ['obj', 'obj'], print: (k, n) => bin(pickFrom(['==', '<', '<=', '~=', '>'], n))(k) },
  bobjnum: { ty: 'bool', kids: ['obj', 'int'], print: (k, n) => (n % 2 ? `(${k[0]} < ${k[1]})` : `(${k[1]} <= ${k[0]})`) },
  bult: { ty: 'bool', kids: ['int', 'int'], print: (k) => `math.ult(${k[0]}, ${k[1]})` },
  brawequal: { ty: 'bool', kids: ['any', 'any'], print: (k) => `rawequal(${k[0]}, ${k[1]})` },
  btnil: { ty: 'bool', kids: ['tab', 'int'], print: (k, n) => (n % 2 ? `(${prefix(k[0])}[${k[1]}] == nil)` : `(next(${k[0]}) == nil)`) },
  bisint: { ty: 'bool', kids: ['num'], print: (k) => `(math.type(${k[0]}) == "integer")` },
  beven: { ty: 'bool', kids: ['int'], print: (k) => `(${k[0]} % 2 == 0)` },
  bfind: { ty: 'bool', kids: ['str'], print: (k, n) => `(string.find(${k[0]}, ${pat(n)}) ~= nil)` },

  // tab: integer values, keys that keep the table a sequence
  tvar: { ty: 'tab', kids: [], print: varOf('tab') },
  tlit: { ty: 'tab', kids: [], print: (_k, n) => pickFrom(['{}', '{1, 2, 3}', '{10, 20, x = 5}', '{[1] = 7, [2] = 8}', '{5, [1.5] = 2, a = 1}', '{-1, 0, [0] = 4, [-3] = 9}'], n) },
  tcons: { ty: 'tab', kids: ['int', 'int', 'int'], print: (k, n) => {
    const items = k.slice(0, 1 + (n % 3));
    if (n % 5 === 3) items.push(`${pickFrom(FIELDS, n)} = ${k[2]}`);
    if (n % 7 === 4) items.push(`[2.5] = ${k[1]}`);
    return `{${items.join(', ')}}`;
  } },
  tcall: { ty: 'tab', kids: ['int', 'int', 'int', 'int'], print: (k, n, p) => {
    const c = p.call(n, k);
    return c === null ? null : `{${k[0]}, ${c}}`;
  } },
  tpack: { ty: 'tab', kids: ['int'], print: (k, n, p) => (vararg(p) ? (n % 2 ? '{...}' : `{${k[0]}, ...}`) : null) },
  tcond: { ty: 'tab', kids: ['bool', 'tab', 'tab'], print: (k) => `(${k[0]} and ${k[1]} or ${k[2]})` },

  // obj: a table {v = int} with a generated metatable
  ovar: { ty: 'obj', kids: [], print: (_k, n, p) => objVar(p, n)?.name ?? null },
  oadd: { ty: 'obj', kids: ['obj', 'int'], print: (k, n) => (n % 2 ? `(${k[0]} + ${k[1]})` : `(${k[1]} + ${k[0]})`) },
  oadd2: { ty: 'obj', kids: ['obj', 'obj'], print: bin('+') },
  oneg: { ty: 'obj', kids: ['obj'], print: (k) => `(- ${k[0]})` },
  onew: { ty: 'obj', kids: ['int'], print: (k, n, p) => {
    const mt = p.mtVar(n);
    return mt === null ? null : `setmetatable({v = ${k[0]}}, ${mt.name})`;
  } },
  omethod: { ty: 'obj', kids: ['int'], print: (k, n, p) => {
    const o = p.lookup('obj', n, false, (v) => v.mt?.methods === true);
    return o === null ? null : `${o.name}:add(${k[0]})`;
  } },

  // any: whatever; printed through show()
  anil: { ty: 'any', kids: [], print: () => 'nil' },
  avar: { ty: 'any', kids: [], print: varOf('any') },
  aint: { ty: 'any', kids: ['int'], print: (k) => k[0] },
  anum: { ty: 'any', kids: ['num'], print: (k) => k[0] },
  astr: { ty: 'any', kids: ['str'], print: (k) => k[0] },
  abool: { ty: 'any', kids: ['bool'], print: (k) => k[0] },
  atab: { ty: 'any', kids: ['tab'], print: (k) => k[0] },
  aobj: { ty: 'any', kids: ['obj'], print: (k) => k[0] },
  atget: { ty: 'any', kids: ['tab', 'int'], print: (k, n) => (n % 2 ? `${prefix(k[0])}[${k[1]}]` : `${prefix(k[0])}.${pickFrom(FIELDS, n >> 1)}`) },
  aoidx: { ty: 'any', kids: ['obj', 'str'], print: (k, n) => (n % 3 === 2 ? `${prefix(k[0])}[${k[1]}]` : `${prefix(k[0])}.${pickFrom(['w', 'name', 'f', 'zz'], n)}`) },
  aandor: { ty: 'any', kids: ['any', 'any'], print: (k, n) => bin(n % 2 ? 'and' : 'or')(k) },
  atonumber: { ty: 'any', kids: ['str'], print: (k, n) => (n % 3 === 0 ? `tonumber(${k[0]})` : `tonumber(${k[0]}, ${2 + (n % 35)})`) },
  atoint: { ty: 'any', kids: ['num'], print: (k) => `math.tointeger(${k[0]})` },
  aselect: { ty: 'any', kids: [], print: (_k, n, p) => (vararg(p) ? `(select(${1 + (n % 3)}, ...))` : null) },
  afind: { ty: 'any', kids: ['str'], print: (k, n) => (n % 2 ? `(string.find(${k[0]}, ${pat(n >> 1)}))` : `string.match(${k[0]}, ${pat(n >> 1)})`) },
  arawget: { ty: 'any', kids: ['obj'], print: (k, n) => `rawget(${k[0]}, "${pickFrom(['v', 'f', 'w'], n)}")` },
  anested: { ty: 'any', kids: ['int', 'str', 'tab'], print: (k, n) => pickFrom([`{${k[0]}, {${k[1]}}}`, `{k = ${k[2]}, [${k[0]}] = ${k[1]}}`, `({{${k[0]}}})[1]`], n) },

  // u: untyped (errors allowed; only inside pcall)
  uleaf: { ty: 'u', kids: [], n: fc.integer({ min: -20, max: 40 }), print: (_k, n) => (n <= 20 ? String(n) : pickFrom(U_LEAVES, n)) },
  uvar: { ty: 'u', kids: [], print: untypedVar },
  ubin: { ty: 'u', kids: ['u', 'u'], print: (k, n) => bin(pickFrom(['+', '-', '*', '/', '//', '%', '^', '..', '&', '|', '~', '<<', '>>', '==', '<', '<=', 'and', 'or', '>', '~='], n))(k) },
  uneg: { ty: 'u', kids: ['u'], print: (k) => `(- ${k[0]})` },
  unot: { ty: 'u', kids: ['u'], print: (k) => `(not ${k[0]})` },
  ulen: { ty: 'u', kids: ['u'], print: (k) => `(#${k[0]})` },
  ubnot: { ty: 'u', kids: ['u'], print: (k) => `(~ ${k[0]})` },
  ushow: { ty: 'u', kids: ['u'], print: (k, _n, p) => {
    p.helpers.add('show');
    return `show(${k[0]})`;
  } },
  umathtype: { ty: 'u', kids: ['u'], print: (k) => `math.type(${k[0]})` },
  urep3: { ty: 'u', kids: ['u', 'u'], print: (k) => `(function(p, q) local r = p; for i = 1, 3 do r = r .. q end return r end)(${k[0]}, ${k[1]})` },
  uindex: { ty: 'u', kids: ['u', 'u'], print: (k, n) => (n % 2 ? `${prefix(k[0])}[${k[1]}]` : `${prefix(k[0])}.${pickFrom(['x', 'v', 'zz'], n >> 1)}`) },
  ucall: { ty: 'u', kids: ['u', 'u'], print: (k) => `${prefix(k[0])}(${k[1]})` },
  umethod: { ty: 'u', kids: ['u', 'u'], print: (k, n) => `${prefix(k[0])}:${pickFrom(['upper', 'sub', 'nomethod', 'byte'], n)}(${k[1]})` },
  ulib: { ty: 'u', kids: ['u', 'u'], print: (k, n) => pickFrom([
    `math.floor(${k[0]})`, `math.abs(${k[0]})`, `string.sub(${k[0]}, ${k[1]})`, `tonumber(${k[0]})`, `string.format("%d", ${k[0]})`,
    `string.char(${k[0]})`, `math.tointeger(${k[0]})`, `select(${k[0]}, 1, 2)`, `math.max(${k[0]}, ${k[1]})`, `string.format("%5.1f", ${k[0]})`,
    `math.fmod(${k[0]}, ${k[1]})`, `tostring(${k[0]} == ${k[1]})`, `string.len(${k[0]})`, `math.ult(${k[0]}, ${k[1]})`, `string.upper(${k[0]})`,
    `setmetatable(${k[0]}, nil)`, `rawlen(${k[0]})`, `string.format("%x", ${k[0]})`, `(${k[0]} .. "")`, `table.concat({${k[0]}, ${k[1]}}, ",")`,
  ], n) },
  utyped: { ty: 'u', kids: ['any'], print: (k) => k[0] },
};

// ---------------------------------------------------------------------------
// Statements

function printBlock(p: Printer, b: Block): void {
  for (const s of b) printStmt(p, s);
}

function localName(ty: VarTy, global: boolean): string {
  const letter = { int: 'i', flt: 'x', num: 'n', str: 's', bool: 'b', tab: 't', obj: 'o', fn: 'f', mt: 'M' }[ty];
  return global ? 'g' + letter : letter;
}

function declare(p: Printer, ty: VarTy, value: string, global = false): string {
  const name = p.fresh(localName(ty, global));
  p.line(`${global ? '' : 'local '}${name} = ${value}`);
  p.declare({ name, ty, mutable: true });
  return name;
}

/** A string stored in a variable is cut, so that loops cannot grow it without bound. */
function clampStr(ty: VarTy, e: Expr, s: string): string {
  return ty === 'str' && e.op !== 'slit' && e.op !== 'svar' ? `${prefix(s)}:sub(1, 40)` : s;
}

const EXPR_OF: Record<Exclude<VarTy, 'fn' | 'mt'>, Ty> = { int: 'int', flt: 'flt', num: 'num', str: 'str', bool: 'bool', tab: 'tab', obj: 'obj' };

/** `if c then <stmt> end` for break/continue/return/error statements. */
function guarded(p: Printer, cond: Expr, stmt: string): void {
  p.line(`if ${p.exprOr(cond)} then ${stmt} end`);
}

const LOOP_KINDS = ['for', 'while', 'fordown', 'repeat', 'forstep', 'ipairs', 'forhoist', 'whiletrue', 'forfloat', 'fortab', 'iterfn', 'iterclosure', 'gmatch', 'goto', 'foredge'] as const;

/**
 * A loop. Its body is printed first (aside), so that its count can be chosen from
 * the body's cost. Hidden counters and hoisted bounds live in a `do ... end`
 * around the loop; loops over tables or strings run a data-dependent number of
 * times, so their body gets a budget instead.
 */
function printLoop(p: Printer, s: Extract<Stmt, { k: 'loop' }>): void {
  const kind = pickFrom(LOOP_KINDS, s.variant);
  const id = p.fresh('');
  const contLabel = s.cont && kind !== 'goto' ? `cont${id}` : null;
  const wrap = ['forhoist', 'while', 'whiletrue', 'repeat', 'goto', 'iterclosure'].includes(kind);
  const dataDependent = kind === 'ipairs' || kind === 'fortab' || kind === 'gmatch';
  if (wrap) {
    p.line('do');
    p.indentBy(1);
  }
  const counter = { for: 'i', fordown: 'i', forstep: 'i', forhoist: 'i', foredge: 'i', fortab: 'i', forfloat: 'x', while: 'w', whiletrue: 'w', repeat: 'w', goto: 'w', ipairs: 'k', iterfn: 'k', iterclosure: 'c', gmatch: 'm' }[kind] + id;
  const vars: Var[] = [{ name: counter, ty: kind === 'forfloat' ? 'flt' : kind === 'gmatch' ? 'str' : 'int', mutable: false }];
  if (kind === 'ipairs' || kind === 'iterfn') vars.push({ name: `v${id}`, ty: 'int', mutable: false });
  // Head expressions and hidden locals, in the enclosing scope.
  const headKid = kind === 'forhoist' ? s.kids[0] : kind === 'ipairs' || kind === 'fortab' ? s.kids[1] : kind === 'gmatch' ? s.kids[2] : undefined;
  const headArg = headKid !== undefined ? p.exprOr(headKid) : '';
  if (kind === 'forhoist') p.line(`local s${id} = ${headArg}`);
  if (kind === 'while' || kind === 'whiletrue' || kind === 'repeat' || kind === 'goto') p.line(`local ${counter} = 0`);
  if (kind === 'iterclosure') p.line(`local function range${id}(n) local i = 0 return function() i = i + 1 if i <= n then return i end end end`);
  if (kind === 'goto') p.line(`::top${id}::`);
  const budget = dataDependent ? Math.floor(Math.min(LOOP_BUDGET, p.remaining()) / TAB_COST) : null;
  const body = p.capture(() => {
    for (const v of vars) p.declare(v);
    if (kind === 'while' || kind === 'whiletrue' || kind === 'repeat' || kind === 'goto') p.line(`${counter} = ${counter} + 1`);
    p.level.loops.push(contLabel);
    if (kind !== 'goto') p.level.breakable++;
    if (contLabel !== null || kind === 'goto') {
      p.line('do');
      p.nested(() => printBlock(p, s.body));
      p.line('end');
      if (contLabel !== null) p.line(`::${contLabel}::`);
    } else {
      printBlock(p, s.body);
    }
    if (kind !== 'goto') p.level.breakable--;
    p.level.loops.pop();
  }, budget);
  const count = dataDependent ? TAB_COST : p.loopCount(s.count, body.cost);
  p.addCost(count * (body.cost + 1));
  const pad = p.pad(1);
  switch (kind) {
    case 'for': p.line(`for ${counter} = 1, ${count} do`); break;
    case 'fordown': p.line(`for ${counter} = ${count}, 1, -1 do`); break;
    case 'forstep': p.line(`for ${counter} = ${-count}, ${2 * count - 2}, 3 do`); break;
    case 'forhoist': p.line(`for ${counter} = s${id}, s${id} + ${count - 1} do`); break;
    case 'foredge': p.line(`for ${counter} = ${pickFrom([`math.maxinteger - ${count - 1}, math.maxinteger`, `math.mininteger, math.mininteger + ${count - 1}`, `1, ${count} + 0.5`, `${count}, 1`, `1, ${count}, math.maxinteger`, `0, -${count - 1}, -1`], s.count)} do`); break;
    case 'forfloat': {
      const step = pickFrom([0.5, 0.25, -0.125, 0.75], s.count);
      const start = step > 0 ? 0.5 : 1;
      p.line(`for ${counter} = ${start}, ${start + step * (count - 1)}, ${step} do`);
      break;
    }
    case 'while': p.line(`while ${counter} < ${count} do`); break;
    case 'whiletrue':
      p.line('while true do');
      body.lines.unshift(`${pad}if ${counter} >= ${count} then break end`);
      break;
    case 'repeat': p.line('repeat'); break;
    case 'ipairs': p.line(`for ${counter}, v${id} in ipairs(${headArg}) do`); break;
    case 'fortab': p.line(`for ${counter} = 1, #${headArg} do`); break;
    case 'iterfn': p.line(`for ${counter}, v${id} in function(lim, c) if c < lim then return c + 1, c * c end end, ${count}, 0 do`); break;
    case 'iterclosure': p.line(`for ${counter} in range${id}(${count}) do`); break;
    case 'gmatch': p.line(`for ${counter} in string.gmatch(${headArg}, ${pat(s.count)}) do`); break;
    case 'goto': break;
  }
  if (kind === 'goto') {
    // The body is already one level in; print it at this level.
    p.emit(body.lines.map((l) => l.slice(2)));
    p.line(`if ${counter} < ${count} then goto top${id} end`);
  } else {
    p.emit(body.lines);
    p.line(kind === 'repeat' ? `until ${counter} >= ${count}` : 'end');
  }
  if (wrap) {
    p.indentBy(-1);
    p.line('end');
  }
}

const PAIRS_VARIANTS = 4;

/** pairs/next over a table, printing only what does not depend on the traversal order. */
function printPairs(p: Printer, s: Extract<Stmt, { k: 'pairs' }>): void {
  const t = p.exprOr(s.tab);
  const id = p.fresh('');
  const [ks, sum, k, v] = [`ks${id}`, `sum${id}`, `k${id}`, `v${id}`];
  const iter = s.variant % 2 ? `next, ${t}` : `pairs(${t})`;
  const v2 = Math.floor(s.variant / 2) % PAIRS_VARIANTS;
  p.addCost(3 * TAB_COST);
  p.line('do');
  p.nested(() => {
    p.line(`local ${ks}, ${sum} = {}, 0`);
    // Assigning to existing fields during a traversal is allowed.
    const update = v2 === 1 && SIMPLE.test(t) ? ` ${t}[${k}] = ${v} + 1` : '';
    p.line(`for ${k}, ${v} in ${iter} do ${ks}[#${ks} + 1] = tostring(${k}) ${sum} = ${sum} + ${v}${update} end`);
    if (v2 === 2) {
      p.line(`print(#${ks}, ${sum})`);
    } else {
      p.line(`table.sort(${ks})`);
      p.line(`print(#${ks}, ${sum}, table.concat(${ks}, " "))`);
    }
  });
  p.line('end');
}

function printFunction(p: Printer, s: Extract<Stmt, { k: 'fn' }>): void {
  const name = p.fresh(s.global ? 'gf' : 'f');
  const params: string[] = [];
  for (let i = 0; i < s.arity; i++) params.push(p.fresh('a'));
  const nret = Math.max(1, s.rets.length);
  const body = p.capture(() => {
    for (const a of params) p.declare({ name: a, ty: 'int', mutable: true });
    p.enterFunction(s.vararg, nret);
    printBlock(p, s.body);
    const rets = s.rets.map((e) => p.exprOr(e));
    p.line(`return ${rets.length > 0 ? rets.join(', ') : '0'}`);
    p.leaveFunction();
  }, FN_BUDGET);
  const list = [...params, ...(s.vararg ? ['...'] : [])].join(', ');
  p.line(`${s.global ? '' : 'local '}function ${name}(${list})`);
  p.emit(body.lines);
  p.line('end');
  p.declare({ name, ty: 'fn', mutable: false, fn: { arity: s.arity, vararg: s.vararg, nret, cost: body.cost + 2, depthMod: 0 } });
}

function printRec(p: Printer, s: Extract<Stmt, { k: 'rec' }>): void {
  const name = p.fresh('r');
  const variant = s.variant % 3;
  const depth = variant === 2 ? FIB_DEPTH : REC_DEPTH;
  const body = p.capture(() => {
    p.declare({ name: 'n', ty: 'int', mutable: true });
    p.declare({ name: 'acc', ty: 'int', mutable: true });
    p.enterFunction(false, 1);
    const e = p.exprOr(s.e);
    if (variant === 0) {
      p.line('if n <= 0 then return acc end');
      p.line(`return ${name}(n - 1, ${e})`);
    } else if (variant === 1) {
      p.line('if n <= 0 then return acc end');
      p.line(`return ${atom(e)} + ${name}(n - 1, acc)`);
    } else {
      p.line(`if n < 2 then return n + ${atom(e)} end`);
      p.line(`return ${name}(n - 1, acc) + ${name}(n - 2, acc)`);
    }
    p.leaveFunction();
  }, FN_BUDGET);
  p.line(`local function ${name}(n, acc)`);
  p.emit(body.lines);
  p.line('end');
  // fib(n) makes about 1.6^n calls.
  const calls = variant === 2 ? 180 : depth;
  p.declare({ name, ty: 'fn', mutable: false, fn: { arity: 2, vararg: false, nret: 1, cost: calls * (body.cost + 2), depthMod: depth } });
}

function printCounter(p: Printer, s: Extract<Stmt, { k: 'counter' }>): void {
  const id = p.fresh('');
  p.line(`local function mk${id}(start)`);
  p.line('  local c = start');
  p.line('  return function(d) c = c + d return c end, function() return c end');
  p.line('end');
  p.line(`local inc${id}, get${id} = mk${id}(${p.exprOr(s.init)})`);
  p.declare({ name: `inc${id}`, ty: 'fn', mutable: false, fn: { arity: 1, vararg: false, nret: 1, cost: 2, depthMod: 0 } });
  p.declare({ name: `get${id}`, ty: 'fn', mutable: false, fn: { arity: 0, vararg: false, nret: 1, cost: 1, depthMod: 0 } });
}

/** Closures made in a loop: each captures that iteration's loop variable and local; pairs share the local. */
function printClosures(p: Printer, s: Extract<Stmt, { k: 'closures' }>): void {
  const id = p.fresh('');
  const [fs, gs, i, c, x, acc] = [`fs${id}`, `gs${id}`, `i${id}`, `c${id}`, `x${id}`, `acc${id}`];
  let init = '';
  let e = '';
  const inner = p.capture(() => {
    p.declare({ name: i, ty: 'int', mutable: false });
    init = p.exprOr(s.init);
    p.declare({ name: c, ty: 'int', mutable: true });
    p.nested(() => {
      p.declare({ name: x, ty: 'int', mutable: true });
      p.enterFunction(false, 1);
      e = p.exprOr(s.e);
      p.leaveFunction();
    });
  });
  const count = p.loopCount(s.count, 2 * inner.cost + 6);
  p.addCost(count * (2 * inner.cost + 6));
  p.line('do');
  p.nested(() => {
    p.line(`local ${fs}, ${gs} = {}, {}`);
    p.line(`for ${i} = 1, ${count} do`);
    p.line(`  local ${c} = ${init}`);
    p.line(`  ${fs}[${i}] = function(${x}) ${c} = ${c} + ${x} return ${e} end`);
    p.line(`  ${gs}[${i}] = function() return ${c} end`);
    p.line('end');
    p.line(`local ${acc} = 0`);
    p.line(`for r = 1, 2 do for j = 1, #${fs} do ${acc} = ${acc} + ${fs}[j](r) + ${gs}[j]() end end`);
    p.line(`print(${acc})`);
  });
  p.line('end');
}

const MULTI_VARIANTS = 7;

/** Calls whose results are all used: multiple assignment, print, table constructors, select. */
function printMulti(p: Printer, s: Extract<Stmt, { k: 'multi' }>): void {
  const kids = s.kids.map((e) => p.exprOr(e));
  const v = p.fnVar(s.n);
  const c = p.call(s.n, kids);
  if (v === null || c === null) return;
  switch (s.n % MULTI_VARIANTS) {
    case 0: {
      const names = Array.from({ length: v.fn.nret }, () => p.fresh('i'));
      p.line(`local ${names.join(', ')} = ${c}`);
      for (const name of names) p.declare({ name, ty: 'int', mutable: true });
      break;
    }
    case 1: p.line(`print(${c})`); break;
    case 2: p.line(`print((${c}), ${c})`); break;
    case 3: p.line(`print(#{${c}}, select('#', ${c}))`); break;
    case 4: {
      const name = p.fresh('t');
      p.line(`local ${name} = {${c}}`);
      p.declare({ name, ty: 'tab', mutable: true });
      break;
    }
    case 5: {
      const parts = p.callParts(s.n, kids)!;
      p.line(`print(pcall(${[parts.name, ...parts.args].join(', ')}))`);
      break;
    }
    default: p.line(`print(select(2, ${c}))`); break;
  }
}

const PCALL_VARIANTS = 4;

function printPcall(p: Printer, s: Extract<Stmt, { k: 'pcall' }>): void {
  const id = p.fresh('');
  const body = p.capture(() => {
    p.enterFunction(false, 0);
    p.withProtection(() => printBlock(p, s.body));
    p.leaveFunction();
  });
  p.addCost(body.cost + 2);
  p.helpers.add('show');
  const fn = ['function()', ...body.lines, `${p.pad(0)}end`];
  const open = (prefixText: string, suffix: string) => {
    p.line(prefixText + fn[0]);
    p.emit(fn.slice(1, -1));
    p.line(fn[fn.length - 1].trim() + suffix);
  };
  switch (s.variant % PCALL_VARIANTS) {
    case 0:
      open(`local ok${id}, e${id} = pcall(`, ')');
      p.line(`print(ok${id}, show(e${id}))`);
      break;
    case 1:
      open(`print(select('#', pcall(`, ')))');
      break;
    case 2:
      open('print(xpcall(', ', function(m) return "H:" .. show(m) end))');
      break;
    default:
      open(`local ok${id}, e${id} = pcall(`, ')');
      p.line(`if not ok${id} then print("caught", show(e${id})) end`);
      break;
  }
}

const ERROR_VARIANTS = 9;

/** Errors; printed only where a pcall catches them. kids: a str, an int, an untyped expression. */
function printError(p: Printer, s: Extract<Stmt, { k: 'error' }>): void {
  if (!p.level.protectedCall) return;
  const [str, int, u] = s.kids;
  switch (s.variant % ERROR_VARIANTS) {
    case 0: guarded(p, s.cond, `error(${p.exprOr(str)})`); break;
    case 1: guarded(p, s.cond, `error(${p.exprOr(str)}, 0)`); break;
    case 2: guarded(p, s.cond, `error({code = ${p.exprOr(int)}})`); break;
    case 3: guarded(p, s.cond, `error(${p.exprOr(str)}, 2)`); break;
    case 4: p.line(`local _ = ${p.exprOr(u)}`); break;
    case 5: p.line(`assert(${p.exprOr(s.cond)}, ${p.exprOr(str)})`); break;
    case 6: guarded(p, s.cond, `error(${p.exprOr(int)})`); break;
    case 7: guarded(p, s.cond, 'error()'); break;
    default: guarded(p, s.cond, `error(setmetatable({}, {__tostring = function() return "E" .. ${atom(p.inFunction(() => p.exprOr(int)))} end}))`); break;
  }
}

/** Metamethod implementations, by metamethod; `$M` is the metatable. */
const METAMETHODS: readonly (readonly [string, readonly string[]])[] = [
  ['__add', ['function(a, b) return setmetatable({v = val(a) + val(b)}, $M) end', 'function(a, b) return setmetatable({v = val(a) * 2 - val(b)}, $M) end']],
  ['__unm', ['function(a) return setmetatable({v = -a.v}, $M) end']],
  ['__eq', ['function(a, b) return a.v == b.v end', 'function(a, b) return (a.v or 0) % 3 == (b.v or 0) % 3 end']],
  ['__lt', ['function(a, b) return val(a) < val(b) end']],
  ['__le', ['function(a, b) return val(a) <= val(b) end', 'function(a, b) return not (val(b) < val(a)) end']],
  ['__concat', ['function(a, b) return val(a) .. "|" .. val(b) end', 'function(a, b) return tostring(val(a)) .. tostring(val(b)) end']],
  ['__len', ['function(a) return a.v % 10 end', 'function(a) return #tostring(a.v) end']],
  ['__call', ['function(self, x) return self.v * 2 + x end', 'function(self, x) self.v = self.v + x return self.v end']],
  ['__tostring', ['function(a) return "obj" .. a.v end', 'function(a) return string.format("<%d>", a.v) end']],
  ['__index', [
    '{get = function(self) return self.v end, add = function(self, d) self.v = self.v + d return self end, w = 7, name = "base"}',
    'function(t, k) return k .. "?" end',
    'setmetatable({w = 3}, {__index = function(t, k) return #k end})',
  ]],
  ['__newindex', ['function(t, k, v) rawset(t, k, v * 2) end', '{}', '']],
];

function printMetatable(p: Printer, s: Extract<Stmt, { k: 'mt' }>): void {
  const name = p.fresh('M');
  p.helpers.add('val');
  p.line(`local ${name} = {}`);
  let methods = false;
  METAMETHODS.forEach(([mm, impls], i) => {
    const j = (s.variants[i] ?? 0) % impls.length;
    if (impls[j] === '') return;
    if (mm === '__index' && j === 0) methods = true;
    p.line(`${name}.${mm} = ${impls[j].replace(/\$M/g, name)}`);
  });
  p.declare({ name, ty: 'mt', mutable: false, mt: { name, methods } });
}

const TSET_VARIANTS = 7;
const TLIB_VARIANTS = 9;

/** Index of an existing item or the next one, never past TAB_MAX: the table stays a sequence. */
function seqIndex(t: string, k: string): string {
  return `${atom(k)} % math.min(#${t} + 1, ${TAB_MAX}) + 1`;
}

function printTset(p: Printer, s: Extract<Stmt, { k: 'tset' }>): void {
  const t = p.target('tab', s.n);
  if (t === null) return;
  const [k, v, str] = s.kids.map((e) => p.exprOr(e));
  const n = t.name;
  switch (s.variant % TSET_VARIANTS) {
    case 0: p.line(`${n}[${seqIndex(n, k)}] = ${v}`); break;
    case 1: p.line(`${n}.${pickFrom(FIELDS, s.n)} = ${v}`); break;
    case 2: p.line(`${n}[${pickFrom(['1.5', '-3', '0', '-0.5'], s.n)}] = ${v}`); break;
    case 3: p.line(`${n}[${str}] = ${v}`); break;
    case 4: p.line(`${n}[#${n}] = nil`); break;
    case 5: p.line(`${n}[(${seqIndex(n, k)}) + 0.0] = ${v}`); break;
    default: p.line(`${n}.${pickFrom(FIELDS, s.n)} = nil`); break;
  }
}

function printTlib(p: Printer, s: Extract<Stmt, { k: 'tlib' }>): void {
  const [te, k, v] = s.kids;
  const variant = s.variant % TLIB_VARIANTS;
  p.addCost(TAB_COST);
  // Reading variants may use any table expression; mutating ones need a variable.
  if (variant === 6 || variant === 7) {
    const t = p.exprOr(te);
    p.line(variant === 6 ? `print(table.concat(${t}, ${pickFrom(SEPS, s.n)}))` : `print(table.unpack(${t}))`);
    return;
  }
  const tv = p.target('tab', s.n);
  if (tv === null) return;
  const t = tv.name;
  const kt = p.exprOr(k);
  const vt = p.exprOr(v);
  switch (variant) {
    case 0: p.line(`if #${t} < ${TAB_MAX} then table.insert(${t}, ${vt}) end`); break;
    case 1: p.line(`if #${t} < ${TAB_MAX} then table.insert(${t}, ${atom(kt)} % (#${t} + 1) + 1, ${vt}) end`); break;
    case 2: p.line(s.n % 2 ? `print(table.remove(${t}))` : `table.remove(${t})`); break;
    case 3: p.line(`print(table.remove(${t}, ${atom(kt)} % (#${t} + 1) + 1))`); break;
    case 4: p.line(`table.sort(${t})`); break;
    case 5: p.line(`table.sort(${t}, function(a, b) return a > b end)`); break;
    default: p.line(`if #${t} < ${TAB_MAX} then table.move(${t}, 1, math.min(#${t}, 3), 2) end`); break;
  }
}

function printStmt(p: Printer, s: Stmt): void {
  switch (s.k) {
    case 'print': {
      const args = s.args.map((e) => ({ ty: OPS[e.op].ty, x: p.printable(e) })).filter((a) => a.x !== null);
      if (!s.write) {
        p.line(`print(${args.map((a) => a.x).join(', ')})`);
        break;
      }
      // io.write takes only strings and numbers (show() gives strings).
      const parts = args.map((a) => (a.ty === 'bool' || a.ty === 'obj' ? `tostring(${a.x})` : a.x!));
      p.line(`io.write(${[...parts.flatMap((x) => [x, '" "']), '"\\n"'].join(', ')})`);
      break;
    }
    case 'local': {
      if (s.ty === 'fn' || s.ty === 'mt') break;
      const x = p.expr(s.e);
      if (x === null) break;
      declare(p, s.ty, clampStr(s.ty, s.e, x), s.global);
      break;
    }
    case 'assign': {
      const names: string[] = [];
      const values: string[] = [];
      for (const t of s.targets) {
        const x = p.expr(t.e);
        if (x === null || t.ty === 'fn' || t.ty === 'mt') continue;
        const v = p.target(t.ty, t.n);
        if (v === null || names.includes(v.name)) {
          // Nothing to assign to: declare it instead (single assignments only).
          if (s.targets.length === 1) declare(p, t.ty, clampStr(t.ty, t.e, x));
          continue;
        }
        names.push(v.name);
        values.push(clampStr(t.ty, t.e, x));
      }
      if (names.length > 0) p.line(`${names.join(', ')} = ${values.join(', ')}`);
      break;
    }
    case 'swap': {
      if (s.ty === 'fn' || s.ty === 'mt') break;
      const a = p.target(s.ty, s.a);
      const b = p.target(s.ty, s.a + 1 + s.b);
      if (a === null || b === null || a === b) break;
      p.line(`${a.name}, ${b.name} = ${b.name}, ${a.name}`);
      break;
    }
    case 'tset': printTset(p, s); break;
    case 'tlib': printTlib(p, s); break;
    case 'if': {
      const parts: { head: string; lines: string[] }[] = [];
      let maxCost = 0;
      s.blocks.forEach((b, i) => {
        const cond = p.exprOr(s.conds[i] ?? s.conds[0]);
        const body = p.capture(() => printBlock(p, b));
        maxCost = Math.max(maxCost, body.cost);
        parts.push({ head: `${i === 0 ? 'if' : 'elseif'} ${cond} then`, lines: body.lines });
      });
      if (s.els !== null) {
        const els = s.els;
        const body = p.capture(() => printBlock(p, els));
        maxCost = Math.max(maxCost, body.cost);
        parts.push({ head: 'else', lines: body.lines });
      }
      p.addCost(maxCost + 1);
      for (const part of parts) {
        p.line(part.head);
        p.emit(part.lines);
      }
      p.line('end');
      break;
    }
    case 'loop': printLoop(p, s); break;
    case 'pairs': printPairs(p, s); break;
    case 'break':
      if (p.level.breakable > 0) guarded(p, s.cond, 'break');
      break;
    case 'continue': {
      const label = [...p.level.loops].reverse().find((l) => l !== null);
      if (label) guarded(p, s.cond, `goto ${label}`);
      break;
    }
    case 'do':
      p.line('do');
      p.nested(() => printBlock(p, s.body));
      p.line('end');
      break;
    case 'fn': printFunction(p, s); break;
    case 'rec': printRec(p, s); break;
    case 'counter': printCounter(p, s); break;
    case 'closures': printClosures(p, s); break;
    case 'call': {
      const kids = s.kids.map((e) => p.exprOr(e));
      const o = s.n % 4 === 3 ? p.lookup('obj', s.n, false, (v) => v.mt?.methods === true) : null;
      const c = o !== null ? `${o.name}:add(${kids[0]})` : p.call(s.n, kids);
      if (c !== null) p.line(c);
      break;
    }
    case 'multi': printMulti(p, s); break;
    case 'ret': {
      if (p.levelCount() === 1) break;
      const rets = Array.from({ length: p.level.nret }, (_, i) => (s.rets[i] ? p.exprOr(s.rets[i]) : String(i)));
      guarded(p, s.cond, rets.length > 0 ? `return ${rets.join(', ')}` : 'return');
      break;
    }
    case 'pcall': printPcall(p, s); break;
    case 'error': printError(p, s); break;
    case 'mt': printMetatable(p, s); break;
    case 'obj': {
      const mt = p.mtVar(s.n);
      if (mt === null) break;
      const name = p.fresh('o');
      p.line(`local ${name} = setmetatable({v = ${p.exprOr(s.init)}}, ${mt.name})`);
      // Immutable, so that it keeps the metatable whose methods it may call.
      p.declare({ name, ty: 'obj', mutable: false, mt });
      break;
    }
    case 'oset': {
      const o = p.lookup('obj', s.n);
      if (o === null) break;
      const e = p.exprOr(s.e);
      switch (s.variant % 3) {
        case 0: p.line(`${o.name}.v = ${e}`); break;
        case 1: p.line(`${o.name}.${pickFrom(['f', 'g'], s.n)} = ${e}`); break;
        default: p.line(o.mt?.methods ? `${o.name}:add(${e})` : `${o.name}.v = ${o.name}.v + ${e}`); break;
      }
      break;
    }
    case 'untyped': {
      p.helpers.add('show');
      p.line(`print(pcall(function() return show(${p.inFunction(() => p.exprOr(s.e))}) end))`);
      break;
    }
    case 'strsort': {
      const strs = s.strs.map((e) => p.exprOr(e));
      const l = p.fresh('l');
      p.line('do');
      p.nested(() => {
        p.line(`local ${l} = {${strs.join(', ')}}`);
        p.line(`table.sort(${l}${s.desc ? ', function(a, b) return a > b end' : ''})`);
        p.line(`print(table.concat(${l}, ","))`);
      });
      p.line('end');
      break;
    }
  }
}

// ---------------------------------------------------------------------------
// Helpers the printed programs may use (put first when used)

const HELPERS: Record<'show' | 'val', string> = {
  // A deterministic text for any value: table keys sorted, no addresses.
  show: [
    'local function show(v, d)',
    '  local ty = type(v)',
    '  if ty == "function" then return "function" end',
    '  if ty ~= "table" then return tostring(v) end',
    '  local mt = getmetatable(v)',
    '  if mt and rawget(mt, "__tostring") then return tostring(v) end',
    '  if (d or 0) > 2 then return "{...}" end',
    '  local parts = {}',
    '  for k, x in pairs(v) do parts[#parts + 1] = show(k, 3) .. "=" .. show(x, (d or 0) + 1) end',
    '  table.sort(parts)',
    '  return "{" .. table.concat(parts, ",") .. "}"',
    'end',
  ].join('\n'),
  // The number inside an object, or the value itself (metamethods get both).
  val: 'local function val(x) if type(x) == "table" then return x.v end return x end',
};

/** The variables every program starts with, so that expressions have variables to use. */
const PRELUDE: readonly (readonly [Exclude<VarTy, 'fn' | 'mt' | 'obj'>, boolean])[] = [
  ['int', false], ['flt', false], ['str', false], ['tab', false], ['int', true], ['num', false], ['bool', false], ['str', true],
];

export function printProgram(prog: Program): string {
  const p = new Printer();
  PRELUDE.forEach(([ty, global], i) => {
    const e = prog.prelude[i];
    if (e !== undefined) declare(p, ty, p.exprOr(e), global);
  });
  printBlock(p, prog.body);
  const helpers = (['show', 'val'] as const).filter((h) => p.helpers.has(h)).map((h) => HELPERS[h] + '\n');
  return helpers.join('') + p.text();
}

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
