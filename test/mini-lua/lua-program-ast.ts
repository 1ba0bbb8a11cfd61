// Test support for lua-program-arbitrary.ts: the AST of a random Lua program, the
// budgets that keep it short, the literal pools its leaves draw from, and helpers
// for Lua text.

// ---------------------------------------------------------------------------
// The AST

/** Static types of expressions. `u` is untyped: anything, errors allowed. */
export type Ty = 'int' | 'flt' | 'num' | 'str' | 'bool' | 'tab' | 'obj' | 'any' | 'u';
/** Types a variable can have. */
export type VarTy = 'int' | 'flt' | 'num' | 'str' | 'bool' | 'tab' | 'obj' | 'fn' | 'mt';

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

export const PROGRAM_BUDGET = 4000;
export const LOOP_BUDGET = 1500;
export const FN_BUDGET = 150;
/** Tables of type tab grow only while shorter than this. */
export const TAB_MAX = 40;
/** What a loop over a tab, a show() or a table.sort may cost. */
export const TAB_COST = TAB_MAX + 8;
export const REC_DEPTH = 16;
export const FIB_DEPTH = 10;

// ---------------------------------------------------------------------------
// Literal pools (Lua source text). The first item of each is the simplest: shrinking goes there.

export const INT_SPECIALS = ['0', 'math.maxinteger', 'math.mininteger', '0x7fffffff', '9007199254740993', '0xff', '1000000', '0xffffffffffffffff', '-0x8000000000000000', '(1 << 62)'];
export const FLT_LITS = ['0.5', '-2.25', '3.0', '-0.0', '0.1', '1e15', '1e300', '2^53', '2^63', '1/0', '-1/0', '0/0', 'math.pi', 'math.huge', '1e-310', '123456.789', '0x1p-3', '.5', '5e-1', '-1e100', '2^-1074'];
export const NUM_STRS = ['"10"', '"0x10"', '"1e1"', '" 7 "', '"-0"', '"3.25"', '"0x1p4"', '"  -12  "', '"1E2"', '"0xA.8"'];
export const FLT_STRS = ['"3.5"', '"1e2"', '"0x1p4"', '" -0.25 "', '"5."', '".5e1"'];
export const STR_LITS = ['""', '"abc"', '"10"', '"Hello World"', '"a,b,,c"', '" 42 "', '"x\\ty"', '"q\\"uote"', '"line\\nbreak"', '"0x1A"', '"3.5"', '"%d"', '"a.b"', "'single'", '"\\65\\066"', '"[[x]]"', '"\\u{48}i"', '[[long\nstring]]', '"aaa"', '"(hello)"', '"x_y z"', '"\\\\back"', '"\\r\\v\\f"'];
export const FIELDS = ['a', 'b', 'k', 'x'];
export const SEPS = ['","', '""', '" "', '"-+"'];

/** gsub/find/match patterns with their number of captures. */
export const PATTERNS: readonly (readonly [string, number])[] = [
  ['"%d+"', 0], ['"%a+"', 0], ['"[aeiou]"', 0], ['"%s"', 0], ['"l+"', 0], ['"(%w)(%w)"', 2], ['"^%s*"', 0],
  ['"(%a+)"', 1], ['"%p"', 0], ['"x*"', 0], ['"[^,]+"', 0], ['"(.)%1"', 1], ['"%f[%w]%w+"', 0], ['"%.%d"', 0],
  ['"[%a_][%w_]*"', 0], ['"%u"', 0], ['"(h)(e)"', 2], ['"."', 0], ['".-b"', 0], ['"%b()"', 0], ['"%x+$"', 0],
];
/** gsub replacements; `caps` is how many captures the pattern needs. */
export const REPLS: readonly (readonly [string, number])[] = [
  ['"<%0>"', 0], ['"%1"', 0], ['"-"', 0], ['"%%"', 0], ['""', 0], ['"%2%1"', 2],
  ['{a = "A", e = 3, o = false}', 0], ['function(c) return c:upper() end', 0], ['function(c) return #c end', 0],
  ['function() end', 0], ['string.upper', 0],
];

/** string.format templates; `$i` `$n` `$s` `$f` are the int, num, str and flt operands. */
export const FORMATS = [
  '"%d", $i', '"%5.2f", $n', '"%s|%s", $s, $n', '"%q", $s', '"%q", $i', '"%q", $f', '"%x", $i', '"%X", $i',
  '"%-5d|", $i', '"%+.3f", $n', '"%10.4s|", $s', '"%g", $n', '"%.3g", $f', '"%e", $n', '"%.0f", $f', '"%a", $f',
  '"%c", 65 + $i % 26', '"%5s|%-6s|", $s, $s', '"%i%%", $i', '"%o", $i', '"%.14g", $n', '"%05d", $i', '"%#x", $i',
  '"%.20s", $s', '"[%3d]", $i',
];

/** Leaves of the untyped expressions (from the first expression-only differential test). */
export const U_LEAVES = ['0.5', '1.0', '-2.5', '3e2', '0x10', 'math.maxinteger', 'math.mininteger', '2^53', '"7"', '"1.5"', 'nil', 'true', '"abc"', '{}', 'nope', '"0x"', '" 8 "', '-0.0', '1e308'];


// ---------------------------------------------------------------------------
// Lua text helpers

export const SIMPLE = /^(?!(nil|true|false)$)[A-Za-z_][A-Za-z0-9_]*$/;

/** True when `x` is one parenthesized group, e.g. `(a + (b))` but not `(a) + (b)`. */
export function isWrapped(x: string): boolean {
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
export function prefix(x: string): string {
  return SIMPLE.test(x) || isWrapped(x) ? x : `(${x})`;
}

/** `x` as an operand that must not be split by precedence. */
export function atom(x: string): string {
  return SIMPLE.test(x) || isWrapped(x) || /^[0-9.]+$/.test(x) ? x : `(${x})`;
}

export function pickFrom<T>(xs: readonly T[], n: number): T {
  return xs[n % xs.length];
}
