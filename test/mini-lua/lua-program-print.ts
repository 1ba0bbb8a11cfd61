// Test support for lua-program-arbitrary.ts: the printer that turns a program's AST
// into Lua text, resolving scopes (see the header of lua-program-arbitrary.ts).
import { FIB_DEPTH, FIELDS, FN_BUDGET, LOOP_BUDGET, PROGRAM_BUDGET, REC_DEPTH, SEPS, SIMPLE, TAB_COST, TAB_MAX, atom, pickFrom, prefix, type Block, type Expr, type Program, type Stmt, type Ty, type VarTy } from './lua-program-ast.js';
import { OPS, pat } from './lua-program-ops.js';

// ---------------------------------------------------------------------------
// The printer

export interface Var {
  readonly name: string;
  readonly ty: VarTy;
  readonly mutable: boolean;
  /** Functions: how to call them. */
  readonly fn?: FnInfo;
  /** Objects: the metatable's name and whether its __index has methods. */
  readonly mt?: MtInfo;
}

export interface FnInfo {
  readonly arity: number;
  readonly vararg: boolean;
  readonly nret: number;
  readonly cost: number;
  /** The first argument is reduced modulo this (recursion depth); 0 = not. */
  readonly depthMod: number;
}

export interface MtInfo {
  readonly name: string;
  readonly methods: boolean;
}

export interface Frame {
  cost: number;
  /** A function body (or the main chunk): loops inside are budgeted from here. */
  readonly budget: number | null;
}

export interface FnLevel {
  readonly vararg: boolean;
  readonly nret: number;
  /** Enclosing loops of this function, innermost last: their continue labels (null: none). */
  readonly loops: (string | null)[];
  /** Loops `break` can leave (goto loops are not loops for break). */
  breakable: number;
  readonly protectedCall: boolean;
}


export const READS: Record<Ty, readonly VarTy[]> = {
  int: ['int'], flt: ['flt'], num: ['int', 'flt', 'num'], str: ['str'], bool: ['bool'], tab: ['tab'], obj: ['obj'],
  any: ['int', 'flt', 'num', 'str', 'bool', 'tab', 'obj', 'fn', 'mt'], u: ['int', 'flt', 'num', 'str', 'bool', 'tab', 'obj', 'fn', 'mt'],
};

export const PRINTABLE: ReadonlySet<Ty> = new Set<Ty>(['int', 'flt', 'num', 'str', 'bool', 'obj']);

export class Printer {
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
// Statements

export function printBlock(p: Printer, b: Block): void {
  for (const s of b) printStmt(p, s);
}

export function localName(ty: VarTy, global: boolean): string {
  const letter = { int: 'i', flt: 'x', num: 'n', str: 's', bool: 'b', tab: 't', obj: 'o', fn: 'f', mt: 'M' }[ty];
  return global ? 'g' + letter : letter;
}

export function declare(p: Printer, ty: VarTy, value: string, global = false): string {
  const name = p.fresh(localName(ty, global));
  p.line(`${global ? '' : 'local '}${name} = ${value}`);
  p.declare({ name, ty, mutable: true });
  return name;
}

/** A string stored in a variable is cut, so that loops cannot grow it without bound. */
export function clampStr(ty: VarTy, e: Expr, s: string): string {
  return ty === 'str' && e.op !== 'slit' && e.op !== 'svar' ? `${prefix(s)}:sub(1, 40)` : s;
}

export const EXPR_OF: Record<Exclude<VarTy, 'fn' | 'mt'>, Ty> = { int: 'int', flt: 'flt', num: 'num', str: 'str', bool: 'bool', tab: 'tab', obj: 'obj' };

/** `if c then <stmt> end` for break/continue/return/error statements. */
export function guarded(p: Printer, cond: Expr, stmt: string): void {
  p.line(`if ${p.exprOr(cond)} then ${stmt} end`);
}

export const LOOP_KINDS = ['for', 'while', 'fordown', 'repeat', 'forstep', 'ipairs', 'forhoist', 'whiletrue', 'forfloat', 'fortab', 'iterfn', 'iterclosure', 'gmatch', 'goto', 'foredge'] as const;

/**
 * A loop. Its body is printed first (aside), so that its count can be chosen from
 * the body's cost. Hidden counters and hoisted bounds live in a `do ... end`
 * around the loop; loops over tables or strings run a data-dependent number of
 * times, so their body gets a budget instead.
 */
export function printLoop(p: Printer, s: Extract<Stmt, { k: 'loop' }>): void {
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

export const PAIRS_VARIANTS = 4;

/** pairs/next over a table, printing only what does not depend on the traversal order. */
export function printPairs(p: Printer, s: Extract<Stmt, { k: 'pairs' }>): void {
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

export function printFunction(p: Printer, s: Extract<Stmt, { k: 'fn' }>): void {
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

export function printRec(p: Printer, s: Extract<Stmt, { k: 'rec' }>): void {
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

export function printCounter(p: Printer, s: Extract<Stmt, { k: 'counter' }>): void {
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
export function printClosures(p: Printer, s: Extract<Stmt, { k: 'closures' }>): void {
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

export const MULTI_VARIANTS = 7;

/** Calls whose results are all used: multiple assignment, print, table constructors, select. */
export function printMulti(p: Printer, s: Extract<Stmt, { k: 'multi' }>): void {
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

export const PCALL_VARIANTS = 4;

export function printPcall(p: Printer, s: Extract<Stmt, { k: 'pcall' }>): void {
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

export const ERROR_VARIANTS = 9;

/** Errors; printed only where a pcall catches them. kids: a str, an int, an untyped expression. */
export function printError(p: Printer, s: Extract<Stmt, { k: 'error' }>): void {
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
export const METAMETHODS: readonly (readonly [string, readonly string[]])[] = [
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

export function printMetatable(p: Printer, s: Extract<Stmt, { k: 'mt' }>): void {
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

export const TSET_VARIANTS = 7;
export const TLIB_VARIANTS = 9;

/** Index of an existing item or the next one, never past TAB_MAX: the table stays a sequence. */
export function seqIndex(t: string, k: string): string {
  return `${atom(k)} % math.min(#${t} + 1, ${TAB_MAX}) + 1`;
}

export function printTset(p: Printer, s: Extract<Stmt, { k: 'tset' }>): void {
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

export function printTlib(p: Printer, s: Extract<Stmt, { k: 'tlib' }>): void {
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

export function printStmt(p: Printer, s: Stmt): void {
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

export const HELPERS: Record<'show' | 'val', string> = {
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
export const PRELUDE: readonly (readonly [Exclude<VarTy, 'fn' | 'mt' | 'obj'>, boolean])[] = [
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
