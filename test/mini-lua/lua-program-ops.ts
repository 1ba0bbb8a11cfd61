// Test support for lua-program-arbitrary.ts: the expression ops of a random Lua
// program, one table (operand types, how `n` is drawn, how the op prints).
import fc from 'fast-check';
import { FIELDS, FLT_LITS, FLT_STRS, FORMATS, INT_SPECIALS, NUM_STRS, PATTERNS, REPLS, SEPS, STR_LITS, TAB_COST, U_LEAVES, atom, pickFrom, prefix, type Ty } from './lua-program-ast.js';
import type { Printer } from './lua-program-print.js';

// ---------------------------------------------------------------------------
// Expression ops: one table. `kids` are the operand types; `print` gets their text.

export interface OpDef {
  readonly ty: Ty;
  readonly kids: readonly Ty[];
  /** How `n` is generated (default: a small natural number). */
  readonly n?: fc.Arbitrary<number>;
  readonly print: (k: readonly string[], n: number, p: Printer) => string | null;
}

export const smallInt = fc.integer({ min: -20, max: 20 });
export const bin = (op: string) => (k: readonly string[]) => `(${k[0]} ${op} ${k[1]})`;
export const pat = (n: number) => pickFrom(PATTERNS, n)[0];
export const varOf = (ty: Ty) => (_k: readonly string[], n: number, p: Printer) => p.lookup(ty, n)?.name ?? null;
// Untyped code may call what it finds with any argument: not the recursive templates, whose depth would be unbounded.
export const untypedVar = (_k: readonly string[], n: number, p: Printer) => p.lookup('u', n, false, (v) => (v.fn?.depthMod ?? 0) === 0)?.name ?? null;
export const objVar = (p: Printer, n: number) => p.lookup('obj', n);
/** Int-typed reads of tables: missing keys read as a default. */
export const orDefault = (x: string, d: string) => `(${x} or ${d})`;

export function gsubArgs(k: readonly string[], n: number): string {
  const [p, caps] = pickFrom(PATTERNS, n);
  const repls = REPLS.filter((r) => r[1] <= caps);
  const r = pickFrom(repls, Math.floor(n / PATTERNS.length))[0];
  const max = Math.floor(n / 7) % 3 === 2 ? ', 2' : '';
  return `${k[0]}, ${p}, ${r}${max}`;
}

export function vararg(p: Printer): boolean {
  return p.level.vararg;
}

export const OPS: Record<string, OpDef> = {
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
