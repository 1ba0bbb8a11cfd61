// Turns one interpreter function or method into a jitcode (see jit/jitcode.ts).
//
// Every TS expression gets the kind of its TS type at that spot, so a value of
// union type that TypeScript has narrowed to `number` is unboxed (`unbox_float`)
// where it is used; in JS these conversions are the identity.
// Statements become gotos and branches over a flat instruction list; `switch`
// becomes a chain of comparisons, which the tracer folds when the subject is a
// constant (the usual case for an opcode read from immutable bytecode).

import ts from 'typescript';
import type { Kind, Opcode } from '../../jit/ir/ops.js';
import type { CallJSON, ConstJSON, FieldJSON, InsnJSON, JitCodeJSON, SymRef } from './bundle.js';
import { GLOBAL_CALLS, MATH_OPS, PURE_METHOD_RECEIVERS, READONLY_METHODS, hostConstant } from './builtins.js';
import { WriterContext, functionJitcodeName, methodJitcodeName } from './context.js';
import { allocateRegisters } from './regalloc.js';
import { COMPOUND_OPERATORS, FLOAT_OPERATORS, INT_OPERATORS, dottedName, itemOp } from './operators.js';
import { errorAt, hasModifier, hintTags, isArrayLike, isReadonlyArrayType, isStringType, kindOfType, locationOf, typedArrayName } from './types.js';

export type FunctionLikeDecl = ts.FunctionDeclaration | ts.MethodDeclaration;

/** What the codewriter knows about a JitDriver declared at top level. */
export interface DriverInfo {
  readonly symbol: ts.Symbol;
  readonly ref: SymRef;
  readonly greens: string[];
  readonly reds: string[];
}

interface LoopScope {
  readonly label: string | null;
  readonly breaks: number[];
  readonly continues: number[];
  readonly isSwitch: boolean;
}

/** The operand of an expression with no value (a call of a void function). */
const NO_VALUE = -0x7fffffff;

const FRAMEWORK_HOST_FUNCTIONS = new Set(['hostWrite', 'hostWriteError', 'hostReadFile', 'hostReadFileBytes']);

export class FunctionWriter {
  private readonly kinds: Kind[] = [];
  private readonly insns: InsnJSON[] = [];
  private readonly consts: ConstJSON[] = [];
  private readonly constKinds: Kind[] = [];
  private readonly constKeys = new Map<string, number>();
  private readonly handlers: { start: number; end: number; target: number; reg: number }[] = [];
  private readonly locals = new Map<ts.Symbol, number>();
  private readonly scopes: LoopScope[] = [];
  private readonly params: number[] = [];
  private hasLoop = false;
  private readonly checker: ts.TypeChecker;
  private resultKind: Kind = 'v';
  /** Set when this function is a portal: where its merge point is. */
  mergePoint: { node: ts.Node; pc: number } | null = null;

  constructor(
    private readonly ctx: WriterContext,
    private readonly decl: FunctionLikeDecl,
    private readonly name: string,
    private readonly drivers: ReadonlyMap<ts.Symbol, DriverInfo>,
  ) {
    this.checker = ctx.checker;
  }

  write(): JitCodeJSON {
    const decl = this.decl;
    if (!decl.body) throw errorAt(decl, 'function without a body');
    const isInstance = ts.isMethodDeclaration(decl) && !ts.getModifiers(decl)?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword);
    if (isInstance) this.params.push(this.newReg('r'));
    for (const p of decl.parameters) {
      if (!ts.isIdentifier(p.name)) throw errorAt(p, 'parameters must be plain names');
      const sym = this.checker.getSymbolAtLocation(p.name)!;
      const reg = this.newReg(kindOfType(this.checker.getTypeAtLocation(p)));
      this.locals.set(sym, reg);
      this.params.push(reg);
    }
    const sig = this.checker.getSignatureFromDeclaration(decl)!;
    this.resultKind = kindOfType(sig.getReturnType());
    this.block(decl.body);
    this.emit({ k: 'return', value: null });
    const tags = hintTags(decl);
    const allocated = allocateRegisters(this.insns, this.params, this.kinds, this.handlers);
    let real: JitCodeJSON['real'];
    if (ts.isFunctionDeclaration(decl)) real = { ref: this.ctx.symRef(decl) };
    else if (isInstance) real = { method: (decl.name as ts.Identifier).text };
    else real = { staticMethod: this.ctx.symRef(decl.parent as ts.ClassDeclaration), name: (decl.name as ts.Identifier).text };
    return {
      name: this.name,
      params: allocated.params,
      kinds: allocated.kinds,
      resultKind: this.resultKind,
      flags: {
        elidable: tags.has('elidable'),
        dontLookInside: tags.has('dontLookInside'),
        unrollSafe: tags.has('unrollSafe'),
        hasLoop: this.hasLoop,
      },
      location: locationOf(decl),
      real,
      insns: allocated.insns,
      consts: this.consts,
      constKinds: this.constKinds,
      handlers: allocated.handlers,
      live: allocated.live,
    };
  }

  // ---------------------------------------------------------------- helpers

  private newReg(kind: Kind): number {
    if (kind === 'v') throw new Error('no register of kind v');
    this.kinds.push(kind);
    return this.kinds.length - 1;
  }

  private emit(insn: InsnJSON): number {
    this.insns.push(insn);
    return this.insns.length - 1;
  }

  private get here(): number {
    return this.insns.length;
  }

  private patch(at: number, target: number): void {
    const insn = this.insns[at];
    if (insn.k !== 'goto' && insn.k !== 'branch') throw new Error('patching a non-jump');
    insn.target = target;
  }

  private constant(kind: Kind, c: ConstJSON): number {
    const key = `${kind}:${JSON.stringify(c)}`;
    let idx = this.constKeys.get(key);
    if (idx === undefined) {
      idx = this.consts.length;
      this.consts.push(c);
      this.constKinds.push(kind);
      this.constKeys.set(key, idx);
    }
    return -1 - idx;
  }

  private numConst(n: number): number {
    if (Number.isNaN(n)) return this.constant('f', { nf: 'NaN' });
    if (n === Infinity) return this.constant('f', { nf: 'Infinity' });
    if (n === -Infinity) return this.constant('f', { nf: '-Infinity' });
    if (Object.is(n, -0)) return this.constant('f', { nf: '-0' });
    return this.constant('f', { n });
  }

  private kindOf(operand: number): Kind {
    return operand >= 0 ? this.kinds[operand] : this.constKinds[-1 - operand];
  }

  private kindAt(e: ts.Node): Kind {
    return kindOfType(this.checker.getTypeAtLocation(e));
  }

  /** Converts between kinds (identity in JS: numbers and booleans inside unions). */
  private coerce(operand: number, to: Kind, node: ts.Node): number {
    const from = this.kindOf(operand);
    if (from === to || to === 'v') return operand;
    if (operand < 0) return this.constant(to, this.consts[-1 - operand]);
    const conv: Partial<Record<string, Opcode>> = { fr: 'box_float', ir: 'box_int', rf: 'unbox_float', ri: 'unbox_int' };
    const op = conv[from + to];
    if (!op) throw errorAt(node, `cannot use a value of kind ${from} where kind ${to} is expected`);
    return this.op(op, [operand], to);
  }

  private op(op: Opcode, args: number[], kind: Kind, descr = -1, extra?: { immutableItems?: true }): number {
    const dst = kind === 'v' ? -1 : this.newReg(kind);
    this.emit({ k: 'op', op, args, dst, descr, ...(extra ?? {}) });
    return dst < 0 ? NO_VALUE : dst;
  }

  private call(call: CallJSON, args: number[]): number {
    const dst = call.resultKind === 'v' ? -1 : this.newReg(call.resultKind);
    this.emit({ k: 'call', descr: this.ctx.callDescr(call), args, dst });
    return dst < 0 ? NO_VALUE : dst;
  }

  /** Truthiness as an i-kind operand. */
  private truth(operand: number): number {
    switch (this.kindOf(operand)) {
      case 'i': return operand;
      case 'f': return this.op('float_is_true', [operand], 'i');
      default: return this.op('ref_is_true', [operand], 'i');
    }
  }

  private cond(e: ts.Expression): number {
    return this.truth(this.expr(e));
  }

  // ------------------------------------------------------------- statements

  private block(b: ts.Block): void {
    for (const s of b.statements) this.stmt(s);
  }

  private stmt(s: ts.Statement): void {
    if (ts.isBlock(s)) return this.block(s);
    if (ts.isVariableStatement(s)) return this.varDecls(s.declarationList);
    if (ts.isExpressionStatement(s)) {
      this.exprForEffect(s.expression);
      return;
    }
    if (ts.isIfStatement(s)) return this.ifStmt(s);
    if (ts.isWhileStatement(s)) return this.whileStmt(s, null);
    if (ts.isDoStatement(s)) return this.doStmt(s, null);
    if (ts.isForStatement(s)) return this.forStmt(s, null);
    if (ts.isForOfStatement(s)) return this.forOfStmt(s, null);
    if (ts.isLabeledStatement(s)) return this.labeled(s);
    if (ts.isBreakStatement(s) || ts.isContinueStatement(s)) return this.jumpOut(s);
    if (ts.isReturnStatement(s)) {
      const v = s.expression ? this.coerce(this.expr(s.expression), this.resultKind, s) : null;
      this.emit({ k: 'return', value: this.resultKind === 'v' ? null : v });
      return;
    }
    if (ts.isThrowStatement(s)) {
      this.emit({ k: 'throw', value: this.coerce(this.expr(s.expression), 'r', s) });
      return;
    }
    if (ts.isTryStatement(s)) return this.tryStmt(s);
    if (ts.isSwitchStatement(s)) return this.switchStmt(s);
    if (ts.isEmptyStatement(s)) return;
    throw errorAt(s, `the codewriter does not support this statement (${ts.SyntaxKind[s.kind]})`);
  }

  private varDecls(list: ts.VariableDeclarationList): void {
    for (const d of list.declarations) {
      if (!ts.isIdentifier(d.name)) throw errorAt(d, 'destructuring is not supported');
      const sym = this.checker.getSymbolAtLocation(d.name)!;
      const reg = this.newReg(kindOfType(this.checker.getTypeOfSymbolAtLocation(sym, d)));
      this.locals.set(sym, reg);
      if (d.initializer) this.emit({ k: 'move', src: this.coerce(this.expr(d.initializer), this.kinds[reg], d), dst: reg });
    }
  }

  private ifStmt(s: ts.IfStatement): void {
    const br = this.emit({ k: 'branch', cond: this.cond(s.expression), target: -1 });
    this.stmt(s.thenStatement);
    if (s.elseStatement) {
      const skip = this.emit({ k: 'goto', target: -1 });
      this.patch(br, this.here);
      this.stmt(s.elseStatement);
      this.patch(skip, this.here);
    } else {
      this.patch(br, this.here);
    }
  }

  private loop(label: string | null, body: () => void, continueTarget: () => number): void {
    const scope: LoopScope = { label, breaks: [], continues: [], isSwitch: false };
    this.scopes.push(scope);
    body();
    this.scopes.pop();
    const cont = continueTarget();
    for (const c of scope.continues) this.patch(c, cont);
    for (const b of scope.breaks) this.patch(b, this.here);
  }

  private whileStmt(s: ts.WhileStatement, label: string | null): void {
    this.hasLoop = true;
    const top = this.here;
    let exit = -1;
    this.loop(label, () => {
      exit = this.emit({ k: 'branch', cond: this.cond(s.expression), target: -1 });
      this.stmt(s.statement);
      this.emit({ k: 'goto', target: top });
    }, () => top);
    this.patch(exit, this.here);
  }

  private doStmt(s: ts.DoStatement, label: string | null): void {
    this.hasLoop = true;
    const top = this.here;
    let contPc = -1;
    const scope: LoopScope = { label, breaks: [], continues: [], isSwitch: false };
    this.scopes.push(scope);
    this.stmt(s.statement);
    this.scopes.pop();
    contPc = this.here;
    const exit = this.emit({ k: 'branch', cond: this.cond(s.expression), target: -1 });
    this.emit({ k: 'goto', target: top });
    this.patch(exit, this.here);
    for (const c of scope.continues) this.patch(c, contPc);
    for (const b of scope.breaks) this.patch(b, this.here);
  }

  private forStmt(s: ts.ForStatement, label: string | null): void {
    this.hasLoop = true;
    if (s.initializer) {
      if (ts.isVariableDeclarationList(s.initializer)) this.varDecls(s.initializer);
      else this.exprForEffect(s.initializer);
    }
    const top = this.here;
    const exit = s.condition ? this.emit({ k: 'branch', cond: this.cond(s.condition), target: -1 }) : -1;
    const scope: LoopScope = { label, breaks: [], continues: [], isSwitch: false };
    this.scopes.push(scope);
    this.stmt(s.statement);
    this.scopes.pop();
    const cont = this.here;
    if (s.incrementor) this.exprForEffect(s.incrementor);
    this.emit({ k: 'goto', target: top });
    if (exit >= 0) this.patch(exit, this.here);
    for (const c of scope.continues) this.patch(c, cont);
    for (const b of scope.breaks) this.patch(b, this.here);
  }

  private forOfStmt(s: ts.ForOfStatement, label: string | null): void {
    this.hasLoop = true;
    const arrType = this.checker.getTypeAtLocation(s.expression);
    if (!isArrayLike(this.checker, arrType)) throw errorAt(s.expression, 'for...of works on arrays only');
    const arr = this.expr(s.expression);
    const idx = this.newReg('f');
    this.emit({ k: 'move', src: this.numConst(0), dst: idx });
    const top = this.here;
    const len = this.op('arraylen', [arr], 'f');
    const exit = this.emit({ k: 'branch', cond: this.op('float_lt', [idx, len], 'i'), target: -1 });
    if (!ts.isVariableDeclarationList(s.initializer) || s.initializer.declarations.length !== 1) {
      throw errorAt(s.initializer, 'for...of needs one `const x` declaration');
    }
    const d = s.initializer.declarations[0];
    if (!ts.isIdentifier(d.name)) throw errorAt(d, 'destructuring is not supported');
    const sym = this.checker.getSymbolAtLocation(d.name)!;
    const kind = kindOfType(this.checker.getTypeOfSymbolAtLocation(sym, d));
    const reg = this.newReg(kind);
    this.locals.set(sym, reg);
    this.emit({ k: 'move', src: this.op(itemOp(kind), [arr, idx], kind), dst: reg });
    const scope: LoopScope = { label, breaks: [], continues: [], isSwitch: false };
    this.scopes.push(scope);
    this.stmt(s.statement);
    this.scopes.pop();
    const cont = this.here;
    this.emit({ k: 'move', src: this.op('float_add', [idx, this.numConst(1)], 'f'), dst: idx });
    this.emit({ k: 'goto', target: top });
    this.patch(exit, this.here);
    for (const c of scope.continues) this.patch(c, cont);
    for (const b of scope.breaks) this.patch(b, this.here);
  }

  private labeled(s: ts.LabeledStatement): void {
    const label = s.label.text;
    const body = s.statement;
    if (ts.isWhileStatement(body)) return this.whileStmt(body, label);
    if (ts.isDoStatement(body)) return this.doStmt(body, label);
    if (ts.isForStatement(body)) return this.forStmt(body, label);
    if (ts.isForOfStatement(body)) return this.forOfStmt(body, label);
    throw errorAt(s, 'labels are only supported on loops');
  }

  private jumpOut(s: ts.BreakStatement | ts.ContinueStatement): void {
    const isBreak = ts.isBreakStatement(s);
    const label = s.label ? s.label.text : null;
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const scope = this.scopes[i];
      if (label !== null ? scope.label === label : isBreak || !scope.isSwitch) {
        const at = this.emit({ k: 'goto', target: -1 });
        (isBreak ? scope.breaks : scope.continues).push(at);
        return;
      }
    }
    throw errorAt(s, `no enclosing loop for ${isBreak ? 'break' : 'continue'}`);
  }

  private tryStmt(s: ts.TryStatement): void {
    if (s.finallyBlock) throw errorAt(s.finallyBlock, 'finally is not supported');
    const start = this.here;
    this.block(s.tryBlock);
    const end = this.here;
    const skip = this.emit({ k: 'goto', target: -1 });
    const target = this.here;
    let reg = -1;
    const clause = s.catchClause!;
    if (clause.variableDeclaration) {
      const d = clause.variableDeclaration;
      if (!ts.isIdentifier(d.name)) throw errorAt(d, 'destructuring is not supported');
      reg = this.newReg('r');
      this.locals.set(this.checker.getSymbolAtLocation(d.name)!, reg);
    }
    this.block(clause.block);
    this.patch(skip, this.here);
    if (end > start) this.handlers.push({ start, end, target, reg });
  }

  private switchStmt(s: ts.SwitchStatement): void {
    const subject = this.expr(s.expression);
    const toBody: { at: number; clause: number }[] = [];
    let defaultClause = -1;
    s.caseBlock.clauses.forEach((clause, i) => {
      if (ts.isDefaultClause(clause)) {
        defaultClause = i;
        return;
      }
      const eq = this.equality(subject, this.expr(clause.expression), false, clause);
      const next = this.emit({ k: 'branch', cond: eq, target: -1 });
      toBody.push({ at: this.emit({ k: 'goto', target: -1 }), clause: i });
      this.patch(next, this.here);
    });
    const noMatch = this.emit({ k: 'goto', target: -1 });
    const scope: LoopScope = { label: null, breaks: [], continues: [], isSwitch: true };
    this.scopes.push(scope);
    const starts: number[] = [];
    s.caseBlock.clauses.forEach((clause, i) => {
      starts[i] = this.here;
      for (const st of clause.statements) this.stmt(st);
    });
    this.scopes.pop();
    for (const t of toBody) this.patch(t.at, starts[t.clause]);
    this.patch(noMatch, defaultClause >= 0 ? starts[defaultClause] : this.here);
    for (const b of scope.breaks) this.patch(b, this.here);
  }

  // ------------------------------------------------------------ expressions

  private exprForEffect(e: ts.Expression): void {
    if (ts.isPostfixUnaryExpression(e)) {
      this.increment(e.operand, e.operator === ts.SyntaxKind.PlusPlusToken ? 1 : -1, false);
      return;
    }
    this.expr(e);
  }

  /** Compiles `e`; the operand has the kind of e's type at this spot. */
  expr(e: ts.Expression): number {
    const want = this.kindAt(e);
    const v = this.exprRaw(e);
    if (v === NO_VALUE || want === 'v') return v;
    return this.coerce(v, want, e);
  }

  private exprRaw(e: ts.Expression): number {
    switch (e.kind) {
      case ts.SyntaxKind.NumericLiteral: return this.numConst(Number((e as ts.NumericLiteral).text));
      case ts.SyntaxKind.StringLiteral:
      case ts.SyntaxKind.NoSubstitutionTemplateLiteral: return this.constant('r', { s: (e as ts.StringLiteral).text });
      case ts.SyntaxKind.TrueKeyword: return this.constant('i', { b: true });
      case ts.SyntaxKind.FalseKeyword: return this.constant('i', { b: false });
      case ts.SyntaxKind.NullKeyword: return this.constant('r', { nil: true });
      case ts.SyntaxKind.ThisKeyword: return 0;
    }
    if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isSatisfiesExpression(e) || ts.isTypeAssertionExpression(e)) {
      return this.expr(e.expression);
    }
    if (ts.isIdentifier(e)) return this.identifier(e);
    if (ts.isPropertyAccessExpression(e)) return this.propertyRead(e);
    if (ts.isElementAccessExpression(e)) return this.elementRead(e);
    if (ts.isBinaryExpression(e)) return this.binary(e);
    if (ts.isPrefixUnaryExpression(e)) return this.prefix(e);
    if (ts.isPostfixUnaryExpression(e)) return this.increment(e.operand, e.operator === ts.SyntaxKind.PlusPlusToken ? 1 : -1, true);
    if (ts.isConditionalExpression(e)) return this.conditional(e);
    if (ts.isCallExpression(e)) return this.callExpr(e);
    if (ts.isNewExpression(e)) return this.newExpr(e);
    if (ts.isArrayLiteralExpression(e)) return this.op('new_array', e.elements.map((x) => this.expr(x)), 'r');
    if (ts.isTemplateExpression(e)) return this.template(e);
    if (ts.isTypeOfExpression(e)) return this.op('ref_typeof', [this.coerce(this.expr(e.expression), 'r', e)], 'r');
    throw errorAt(e, `the codewriter does not support this expression (${ts.SyntaxKind[e.kind]})`);
  }

  private declOf(node: ts.Node): ts.Declaration | null {
    let sym = this.checker.getSymbolAtLocation(node);
    if (sym && sym.flags & ts.SymbolFlags.Alias) sym = this.checker.getAliasedSymbol(sym);
    return sym?.valueDeclaration ?? sym?.declarations?.[0] ?? null;
  }

  private identifier(e: ts.Identifier): number {
    const sym = this.checker.getSymbolAtLocation(e);
    const local = sym ? this.locals.get(sym) : undefined;
    if (local !== undefined) return local;
    if (e.text === 'NaN') return this.numConst(NaN);
    if (e.text === 'Infinity') return this.numConst(Infinity);
    if (e.text === 'undefined') throw errorAt(e, 'undefined is not supported; use null');
    const decl = this.declOf(e);
    if (!decl) throw errorAt(e, `cannot resolve '${e.text}'`);
    const sf = decl.getSourceFile();
    if (this.ctx.isHostFile(sf)) return this.constant(this.kindAt(e), { ref: this.ctx.symRef(decl) });
    if (sf.isDeclarationFile && this.ctx.program.isSourceFileDefaultLibrary(sf)) return this.constant('r', { ref: { builtin: e.text } });
    if (!this.ctx.isInterpreterFile(sf)) throw errorAt(e, `'${e.text}' cannot be used as a value here`);
    if (ts.isVariableDeclaration(decl)) {
      const init = decl.initializer;
      if (init && ts.isNumericLiteral(init)) return this.numConst(Number(init.text));
      if (init && ts.isPrefixUnaryExpression(init) && init.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(init.operand)) return this.numConst(-Number(init.operand.text));
      if (init && ts.isStringLiteral(init)) return this.constant('r', { s: init.text });
      if (init && init.kind === ts.SyntaxKind.TrueKeyword) return this.constant('i', { b: true });
      if (init && init.kind === ts.SyntaxKind.FalseKeyword) return this.constant('i', { b: false });
      return this.constant(kindOfType(this.checker.getTypeAtLocation(decl)), { ref: this.ctx.symRef(decl) });
    }
    if (ts.isFunctionDeclaration(decl) || ts.isClassDeclaration(decl)) return this.constant('r', { ref: this.ctx.symRef(decl) });
    throw errorAt(e, `the codewriter cannot read '${e.text}' here`);
  }

  private propertyRead(e: ts.PropertyAccessExpression): number {
    const cv = this.checker.getConstantValue(e);
    if (typeof cv === 'number') return this.numConst(cv);
    if (typeof cv === 'string') return this.constant('r', { s: cv });
    const name = e.name.text;
    if (ts.isIdentifier(e.expression) && !this.locals.has(this.checker.getSymbolAtLocation(e.expression)!)) {
      const c = hostConstant(e.expression.text, name);
      if (c !== null) return this.numConst(c);
    }
    const objType = this.checker.getTypeAtLocation(e.expression);
    if (name === 'length' && isArrayLike(this.checker, objType)) {
      return this.op('arraylen', [this.expr(e.expression)], 'f', -1, isReadonlyArrayType(this.checker, objType) ? { immutableItems: true } : undefined);
    }
    if (name === 'length' && isStringType(objType)) return this.op('str_len', [this.coerce(this.expr(e.expression), 'r', e)], 'f');
    const field = this.fieldAt(e);
    const obj = field.isStatic && field.classRef ? this.constant('r', { ref: field.classRef }) : this.coerce(this.expr(e.expression), 'r', e);
    const descr = this.ctx.fieldDescr(field.json);
    if (field.json.quasiImmutable) {
      const dst = this.newReg(field.json.valueKind);
      this.emit({ k: 'qiread', obj, descr, dst });
      return dst;
    }
    return this.op(`getfield_${field.json.valueKind}` as Opcode, [obj], field.json.valueKind, descr);
  }

  private fieldAt(e: ts.PropertyAccessExpression): { json: FieldJSON; isStatic: boolean; classRef: SymRef | null } {
    const decl = this.declOf(e.name);
    const isInterpreterField = decl !== null && this.ctx.isInterpreterFile(decl.getSourceFile()) &&
      (ts.isPropertyDeclaration(decl) || (ts.isParameter(decl) && ts.isConstructorDeclaration(decl.parent)));
    if (!isInterpreterField) {
      // A property of a library object (an Error's message, ...): read by name like any field.
      const owner = this.checker.getTypeAtLocation(e.expression).getNonNullableType().getSymbol()?.getName() ?? 'object';
      if (decl && ts.isMethodDeclaration(decl)) throw errorAt(e, `'${e.name.text}' is a method; call it`);
      const immutable = decl !== null && hasModifier(decl, ts.SyntaxKind.ReadonlyKeyword);
      return { json: { owner, name: e.name.text, valueKind: this.kindAt(e), immutable, quasiImmutable: false }, isStatic: false, classRef: null };
    }
    const fieldDecl = decl as ts.PropertyDeclaration | ts.ParameterDeclaration;
    const isStatic = hasModifier(fieldDecl, ts.SyntaxKind.StaticKeyword);
    const json = this.ctx.fieldOf(fieldDecl, e.name.text);
    const cls = ts.isPropertyDeclaration(fieldDecl) ? fieldDecl.parent : fieldDecl.parent.parent;
    return { json: isStatic ? { ...json, immutable: true } : json, isStatic, classRef: this.ctx.symRef(cls as ts.ClassDeclaration) };
  }

  private elementRead(e: ts.ElementAccessExpression): number {
    const t = this.checker.getTypeAtLocation(e.expression);
    const kind = this.kindAt(e);
    if (isStringType(t)) {
      return this.call({ name: 'String.charAt', target: { method: 'charAt' }, effect: 'elidable', canRaise: false, resultKind: 'r' },
        [this.coerce(this.expr(e.expression), 'r', e), this.coerce(this.expr(e.argumentExpression), 'f', e)]);
    }
    if (!isArrayLike(this.checker, t)) throw errorAt(e, 'only arrays and strings can be indexed');
    const arr = this.expr(e.expression);
    const idx = this.coerce(this.expr(e.argumentExpression), 'f', e);
    const immutable = isReadonlyArrayType(this.checker, t) ? { immutableItems: true } as const : undefined;
    const typed = this.isVirtualizableArray(e.expression) ? null : typedArrayName(t);
    if (typed === null) return this.op(itemOp(kind), [arr, idx], kind, -1, immutable);
    const descr = this.ctx.arrayDescr(typed);
    if (typed.startsWith('Float')) return this.op('getarrayitem_f', [arr, idx], 'f', descr, immutable);
    // An integer item: read as int32 where the index names one (the trace then
    // keeps it an int: `(cells[p] + 1) & 255` needs no float), else the JS way
    // (undefined) on the other branch.
    const dst = this.newReg('f');
    const inBounds = this.emit({ k: 'branch', cond: this.op('typed_index_ok', [arr, idx], 'i', descr), target: -1 });
    const item = this.op('getarrayitem_i', [arr, idx], 'i', descr, immutable);
    this.emit({ k: 'move', src: this.op(typed === 'Uint32Array' ? 'uint_to_float' : 'int_to_float', [item], 'f'), dst });
    const done = this.emit({ k: 'goto', target: -1 });
    this.patch(inBounds, this.here);
    this.emit({ k: 'move', src: this.op('getarrayitem_f', [arr, idx], 'f', -1, immutable), dst });
    this.patch(done, this.here);
    return dst;
  }

  /** `obj.field` naming an array field whose items are virtualized: the tracer keeps them in slots of their own kind. */
  private isVirtualizableArray(e: ts.Expression): boolean {
    return ts.isPropertyAccessExpression(e) && this.declOf(e.name) !== null && this.fieldAt(e).json.itemKind !== undefined;
  }

  private conditional(e: ts.ConditionalExpression): number {
    const kind = this.kindAt(e);
    const dst = this.newReg(kind === 'v' ? 'r' : kind);
    const br = this.emit({ k: 'branch', cond: this.cond(e.condition), target: -1 });
    this.emit({ k: 'move', src: this.coerce(this.expr(e.whenTrue), this.kinds[dst], e), dst });
    const skip = this.emit({ k: 'goto', target: -1 });
    this.patch(br, this.here);
    this.emit({ k: 'move', src: this.coerce(this.expr(e.whenFalse), this.kinds[dst], e), dst });
    this.patch(skip, this.here);
    return dst;
  }

  private template(e: ts.TemplateExpression): number {
    let acc = this.constant('r', { s: e.head.text });
    for (const span of e.templateSpans) {
      acc = this.op('str_concat', [acc, this.toStr(span.expression)], 'r');
      if (span.literal.text) acc = this.op('str_concat', [acc, this.constant('r', { s: span.literal.text })], 'r');
    }
    return acc;
  }

  private toStr(x: ts.Expression): number {
    const v = this.expr(x);
    if (isStringType(this.checker.getTypeAtLocation(x))) return this.coerce(v, 'r', x);
    if (this.kindOf(v) === 'f') return this.op('str_from_float', [v], 'r');
    return this.call({ name: 'String', target: { ref: { builtin: 'String' } }, effect: 'elidable', canRaise: false, resultKind: 'r' }, [this.coerce(v, 'r', x)]);
  }

  // ------------------------------------------------------ operators

  private binary(e: ts.BinaryExpression): number {
    const k = e.operatorToken.kind;
    if (k === ts.SyntaxKind.EqualsToken) return this.assign(e.left, () => this.expr(e.right));
    const compound = COMPOUND_OPERATORS[k];
    if (compound !== undefined) {
      return this.assign(e.left, () => this.arith(compound, this.expr(e.left), this.expr(e.right), e, this.checker.getTypeAtLocation(e.left)));
    }
    if (k === ts.SyntaxKind.AmpersandAmpersandToken || k === ts.SyntaxKind.BarBarToken) return this.logical(e, k === ts.SyntaxKind.AmpersandAmpersandToken);
    if (k === ts.SyntaxKind.EqualsEqualsEqualsToken || k === ts.SyntaxKind.ExclamationEqualsEqualsToken) {
      return this.equality(this.expr(e.left), this.expr(e.right), k === ts.SyntaxKind.ExclamationEqualsEqualsToken, e);
    }
    if (k === ts.SyntaxKind.InstanceOfKeyword) {
      const cls = this.declOf(e.right);
      if (cls && ts.isClassDeclaration(cls) && cls.name && this.ctx.isInterpreterFile(cls.getSourceFile())) {
        return this.op('instanceof', [this.coerce(this.expr(e.left), 'r', e)], 'i', this.ctx.classDescr(cls.name.text));
      }
      let ref: SymRef;
      if (cls && ts.isClassDeclaration(cls) && cls.name) ref = this.externalClassRef(cls);
      else {
        const name = dottedName(e.right);
        if (name === null) throw errorAt(e.right, 'instanceof needs a class name');
        ref = { builtin: name };
      }
      return this.call({ name: `instanceof ${'builtin' in ref ? ref.builtin : ref.name}`, target: { ref: { builtin: 'metajit.isInstanceOf' } }, effect: 'elidable', canRaise: false, resultKind: 'i' },
        [this.coerce(this.expr(e.left), 'r', e), this.constant('r', { ref })]);
    }
    return this.arith(k, this.expr(e.left), this.expr(e.right), e, this.checker.getTypeAtLocation(e.left), this.checker.getTypeAtLocation(e.right));
  }

  /** A class the JIT does not trace: from a host module, the framework, or the JS library. */
  private externalClassRef(cls: ts.ClassDeclaration): SymRef {
    const sf = cls.getSourceFile();
    if (this.ctx.isHostFile(sf)) return this.ctx.symRef(cls);
    if (this.ctx.isFrameworkFile(sf)) return { builtin: `metajit.${cls.name!.text}` };
    return { builtin: cls.name!.text };
  }

  private arith(k: ts.SyntaxKind, a: number, b: number, node: ts.Node, ta: ts.Type, tb?: ts.Type): number {
    const bType = tb ?? ta;
    if (k === ts.SyntaxKind.PlusToken && (isStringType(ta) || isStringType(bType))) {
      const sa = this.kindOf(a) === 'f' ? this.op('str_from_float', [a], 'r') : this.coerce(a, 'r', node);
      const sb = this.kindOf(b) === 'f' ? this.op('str_from_float', [b], 'r') : this.coerce(b, 'r', node);
      return this.op('str_concat', [sa, sb], 'r');
    }
    const relational = k === ts.SyntaxKind.LessThanToken || k === ts.SyntaxKind.LessThanEqualsToken || k === ts.SyntaxKind.GreaterThanToken || k === ts.SyntaxKind.GreaterThanEqualsToken;
    if (relational && isStringType(ta) && isStringType(bType)) {
      // Strings compare by code units: str_lt/str_le, with > and >= as swapped operands.
      const [x, y] = k === ts.SyntaxKind.GreaterThanToken || k === ts.SyntaxKind.GreaterThanEqualsToken ? [b, a] : [a, b];
      const strict = k === ts.SyntaxKind.LessThanToken || k === ts.SyntaxKind.GreaterThanToken;
      return this.op(strict ? 'str_lt' : 'str_le', [this.coerce(x, 'r', node), this.coerce(y, 'r', node)], 'i');
    }
    if (relational && (isStringType(ta) || isStringType(bType))) throw errorAt(node, 'a comparison of a string with a number (compare two strings or two numbers)');
    const fop = FLOAT_OPERATORS[k];
    if (fop) {
      const res = fop.endsWith('_lt') || fop.endsWith('_le') || fop.endsWith('_gt') || fop.endsWith('_ge') ? 'i' : 'f';
      return this.op(fop, [this.coerce(a, 'f', node), this.coerce(b, 'f', node)], res);
    }
    const iop = INT_OPERATORS[k];
    if (iop) {
      const ia = this.op('float_to_int32', [this.coerce(a, 'f', node)], 'i');
      const ib = this.op('float_to_int32', [this.coerce(b, 'f', node)], 'i');
      const r = this.op(iop, [ia, ib], 'i');
      return this.op(iop === 'int_ushr' ? 'uint_to_float' : 'int_to_float', [r], 'f');
    }
    throw errorAt(node, `unsupported operator ${ts.tokenToString(k) ?? ts.SyntaxKind[k]}`);
  }

  private equality(a: number, b: number, negate: boolean, node: ts.Node): number {
    const ka = this.kindOf(a);
    const kb = this.kindOf(b);
    let op: Opcode;
    if (ka === 'f' && kb === 'f') op = negate ? 'float_ne' : 'float_eq';
    else if (ka === 'i' && kb === 'i') op = negate ? 'int_ne' : 'int_eq';
    else {
      a = this.coerce(a, 'r', node);
      b = this.coerce(b, 'r', node);
      op = negate ? 'ptr_ne' : 'ptr_eq';
    }
    return this.op(op, [a, b], 'i');
  }

  private logical(e: ts.BinaryExpression, isAnd: boolean): number {
    const kind = this.kindAt(e);
    const dst = this.newReg(kind);
    const left = this.expr(e.left);
    this.emit({ k: 'move', src: this.coerce(left, kind, e), dst });
    let t = this.truth(left);
    if (!isAnd) t = this.op('bool_not', [t], 'i');
    const skip = this.emit({ k: 'branch', cond: t, target: -1 });
    this.emit({ k: 'move', src: this.coerce(this.expr(e.right), kind, e), dst });
    this.patch(skip, this.here);
    return dst;
  }

  private prefix(e: ts.PrefixUnaryExpression): number {
    switch (e.operator) {
      case ts.SyntaxKind.MinusToken: {
        if (ts.isNumericLiteral(e.operand)) return this.numConst(-Number(e.operand.text));
        return this.op('float_neg', [this.coerce(this.expr(e.operand), 'f', e)], 'f');
      }
      case ts.SyntaxKind.PlusToken: return this.coerce(this.expr(e.operand), 'f', e);
      case ts.SyntaxKind.ExclamationToken: return this.op('bool_not', [this.cond(e.operand)], 'i');
      case ts.SyntaxKind.TildeToken: {
        const i = this.op('float_to_int32', [this.coerce(this.expr(e.operand), 'f', e)], 'i');
        return this.op('int_to_float', [this.op('int_not', [i], 'i')], 'f');
      }
      case ts.SyntaxKind.PlusPlusToken: return this.increment(e.operand, 1, false);
      case ts.SyntaxKind.MinusMinusToken: return this.increment(e.operand, -1, false);
    }
    throw errorAt(e, 'unsupported prefix operator');
  }

  /** `x++`, `--x`, ...: returns the old value if `postfix`, else the new one. */
  private increment(target: ts.Expression, delta: number, postfix: boolean): number {
    let old = -1;
    const result = this.assign(target, () => {
      old = this.coerce(this.expr(target), 'f', target);
      if (postfix && old >= 0) {
        const copy = this.newReg('f');
        this.emit({ k: 'move', src: old, dst: copy });
        old = copy;
      }
      return this.op('float_add', [old, this.numConst(delta)], 'f');
    });
    return postfix ? old : result;
  }

  /** Stores the value computed by `value()` into `target`; returns the stored operand. */
  private assign(target: ts.Expression, value: () => number): number {
    if (ts.isParenthesizedExpression(target)) return this.assign(target.expression, value);
    if (ts.isIdentifier(target)) {
      const sym = this.checker.getSymbolAtLocation(target);
      const reg = sym ? this.locals.get(sym) : undefined;
      if (reg === undefined) throw errorAt(target, `cannot assign to '${target.text}' (only locals, fields and array items)`);
      const v = this.coerce(value(), this.kinds[reg], target);
      this.emit({ k: 'move', src: v, dst: reg });
      return reg;
    }
    if (ts.isPropertyAccessExpression(target)) {
      const field = this.fieldAt(target);
      if (field.isStatic) throw errorAt(target, 'static fields are immutable');
      const obj = this.coerce(this.expr(target.expression), 'r', target);
      const v = this.coerce(value(), field.json.valueKind, target);
      const descr = this.ctx.fieldDescr(field.json);
      this.op('setfield', [obj, v], 'v', descr);
      if (field.json.quasiImmutable) {
        this.emit({ k: 'qiwrite', descr });
        this.ctx.quasiImmutableWrites.push({ mod: this.ctx.modOf(target), end: target.end, key: `${field.json.owner}.${field.json.name}` });
      }
      return v;
    }
    if (ts.isElementAccessExpression(target)) {
      const t = this.checker.getTypeAtLocation(target.expression);
      if (!isArrayLike(this.checker, t)) throw errorAt(target, 'only array items can be assigned');
      const arr = this.expr(target.expression);
      const idx = this.coerce(this.expr(target.argumentExpression), 'f', target);
      const v = this.coerce(value(), this.kindAt(target), target);
      const typed = this.isVirtualizableArray(target.expression) ? null : typedArrayName(t);
      this.op('setarrayitem', [arr, idx, v], 'v', typed === null ? -1 : this.ctx.arrayDescr(typed));
      return v;
    }
    throw errorAt(target, 'unsupported assignment target');
  }

  // ------------------------------------------------------------ calls

  private args(call: ts.CallExpression | ts.NewExpression, sig: ts.Signature | undefined): number[] {
    const out: number[] = [];
    (call.arguments ?? []).forEach((a, i) => {
      const v = this.expr(a);
      const p = sig?.getParameters()[i];
      const pk = p ? kindOfType(this.checker.getTypeOfSymbol(p)) : this.kindOf(v);
      out.push(this.coerce(v, pk, a));
    });
    return out;
  }

  private callExpr(e: ts.CallExpression): number {
    const callee = e.expression;
    const sig = this.checker.getResolvedSignature(e);
    const decl = sig?.declaration;
    const resultKind = kindOfType(this.checker.getTypeAtLocation(e));
    if (callee.kind === ts.SyntaxKind.SuperKeyword) throw errorAt(e, 'super() calls are only allowed in simple constructors');
    if (decl && !ts.isJSDocSignature(decl) && this.ctx.isFrameworkFile(decl.getSourceFile())) return this.frameworkCall(e, decl);
    if (decl && !ts.isJSDocSignature(decl) && this.ctx.isHostFile(decl.getSourceFile())) return this.hostCall(e, decl, resultKind);
    if (decl && !ts.isJSDocSignature(decl) && this.ctx.isInterpreterFile(decl.getSourceFile())) {
      if (ts.isFunctionDeclaration(decl)) {
        const name = functionJitcodeName(this.ctx.modOf(decl), decl.name!.text);
        const args = this.args(e, sig);
        const dst = resultKind === 'v' ? -1 : this.newReg(resultKind);
        // A portal call (a guest call, for an interpreter that calls itself) too:
        // the tracer traces into it or calls it (tracer.ts inlineInsn).
        this.emit({ k: 'inline', callee: name, args, dst });
        return dst < 0 ? NO_VALUE : dst;
      }
      if (ts.isMethodDeclaration(decl) && ts.isPropertyAccessExpression(callee)) return this.methodCall(e, callee, decl, sig!, resultKind);
    }
    return this.libraryCall(e, resultKind);
  }

  private methodCall(e: ts.CallExpression, callee: ts.PropertyAccessExpression, decl: ts.MethodDeclaration, sig: ts.Signature, resultKind: Kind): number {
    const cls = decl.parent as ts.ClassDeclaration;
    const method = callee.name.text;
    const isStatic = ts.getModifiers(decl)?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword) ?? false;
    const dst = resultKind === 'v' ? -1 : this.newReg(resultKind);
    if (isStatic) {
      this.emit({ k: 'inline', callee: methodJitcodeName(cls.name!.text, method), args: this.args(e, sig), dst });
      return dst < 0 ? NO_VALUE : dst;
    }
    if (callee.expression.kind === ts.SyntaxKind.SuperKeyword) {
      const impl = this.ctx.resolveMethod(cls.name!.text, method);
      if (!impl) throw errorAt(e, `no implementation of ${method} above this class`);
      this.emit({ k: 'inline', callee: methodJitcodeName(impl.owner.name, method), args: [0, ...this.args(e, sig)], dst });
      return dst < 0 ? NO_VALUE : dst;
    }
    const recv = this.coerce(this.expr(callee.expression), 'r', callee);
    const args = [recv, ...this.args(e, sig)];
    const recvType = this.checker.getTypeAtLocation(callee.expression).getNonNullableType();
    const staticClass = recvType.getSymbol()?.getName() ?? cls.name!.text;
    const entries: { cls: string; jitcode: string }[] = [];
    for (const c of this.ctx.subclassesOf(this.ctx.classes.has(staticClass) ? staticClass : cls.name!.text)) {
      const impl = this.ctx.resolveMethod(c.name, method);
      if (impl) entries.push({ cls: c.name, jitcode: methodJitcodeName(impl.owner.name, method) });
    }
    const impls = new Set(entries.map((x) => x.jitcode));
    if (impls.size === 1) this.emit({ k: 'inline', callee: [...impls][0], args, dst });
    else this.emit({ k: 'invoke', method, table: this.ctx.dispatchTable(method, entries), args, dst });
    return dst < 0 ? NO_VALUE : dst;
  }

  private frameworkCall(e: ts.CallExpression, decl: ts.SignatureDeclaration): number {
    const name = decl.name && ts.isIdentifier(decl.name) ? decl.name.text : '';
    if (name === 'jitMergePoint' || name === 'canEnterJit') {
      const callee = e.expression as ts.PropertyAccessExpression;
      const sym = this.checker.getSymbolAtLocation(callee.expression);
      const resolved = sym && sym.flags & ts.SymbolFlags.Alias ? this.checker.getAliasedSymbol(sym) : sym;
      const driver = resolved ? this.drivers.get(resolved) : undefined;
      if (!driver) throw errorAt(callee.expression, 'jitMergePoint/canEnterJit must be called on a top-level `const x = new JitDriver({...})`');
      const n = driver.greens.length + driver.reds.length;
      if (e.arguments.length !== n) throw errorAt(e, `${name} takes the ${driver.greens.length} greens then the ${driver.reds.length} reds (${[...driver.greens, ...driver.reds].join(', ')})`);
      const ops = e.arguments.map((a) => this.expr(a));
      const greens = ops.slice(0, driver.greens.length);
      const reds = ops.slice(driver.greens.length);
      if (name === 'jitMergePoint') {
        e.arguments.forEach((a, i) => {
          const want = [...driver.greens, ...driver.reds][i];
          if (!ts.isIdentifier(a) || a.text !== want) throw errorAt(a, `jitMergePoint argument ${i + 1} must be the variable '${want}'`);
        });
        this.mergePoint = { node: e, pc: this.here };
        this.emit({ k: 'merge', greens, reds });
      } else {
        this.emit({ k: 'enter', greens, reds });
      }
      return NO_VALUE;
    }
    if (name === 'promote') {
      const v = this.expr(e.arguments[0]);
      if (v < 0) return v;
      const reg = this.newReg(this.kindOf(v));
      this.emit({ k: 'move', src: v, dst: reg });
      this.emit({ k: 'promote', reg });
      return reg;
    }
    if (name === 'weAreJitted') {
      const dst = this.newReg('i');
      this.emit({ k: 'jitted', dst });
      return dst;
    }
    if (FRAMEWORK_HOST_FUNCTIONS.has(name)) {
      const resultKind = kindOfType(this.checker.getTypeAtLocation(e));
      return this.call({ name, target: { ref: { builtin: `metajit.${name}` } }, effect: 'write', canRaise: true, resultKind }, e.arguments.map((a) => this.expr(a)));
    }
    throw errorAt(e, `'${name}' from metajit cannot be called from interpreter code`);
  }

  /** A call into a host module: always residual, may do anything. */
  private hostCall(e: ts.CallExpression, decl: ts.SignatureDeclaration, resultKind: Kind): number {
    const args = e.arguments.map((a) => this.expr(a));
    const name = decl.name && ts.isIdentifier(decl.name) ? decl.name.text : 'host';
    if (ts.isFunctionDeclaration(decl)) {
      return this.call({ name, target: { ref: this.ctx.symRef(decl) }, effect: 'write', canRaise: true, resultKind }, args);
    }
    const callee = e.expression;
    if (!ts.isPropertyAccessExpression(callee)) throw errorAt(e, 'cannot call this host function');
    const recv = this.coerce(this.expr(callee.expression), 'r', callee);
    return this.call({ name: `host.${name}`, target: { method: callee.name.text }, effect: 'write', canRaise: true, resultKind }, [recv, ...args]);
  }

  private libraryCall(e: ts.CallExpression, resultKind: Kind): number {
    const callee = e.expression;
    const path = dottedName(callee);
    if (path !== null && ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && !this.isLocalName(callee.expression)) {
      const [ns, fn] = path.split('.');
      const mop = ns === 'Math' ? MATH_OPS[fn] : undefined;
      if (path === 'Number.isInteger' && e.arguments.length === 1 && this.checker.getTypeAtLocation(e.arguments[0]).flags & ts.TypeFlags.NumberLike) {
        return this.op('float_is_integer', [this.coerce(this.expr(e.arguments[0]), 'f', e.arguments[0])], 'i');
      }
      if (mop && e.arguments.length === mop.arity) return this.op(mop.op, e.arguments.map((a) => this.coerce(this.expr(a), 'f', a)), 'f');
      if (ns === 'Math' || ns === 'Number' || ns === 'String' || ns === 'Date' || ns === 'Array' || ns === 'JSON' || ns === 'console') {
        const effect = GLOBAL_CALLS[path] ?? 'write';
        return this.call({ name: path, target: { ref: { builtin: path } }, effect, canRaise: effect !== 'elidable', resultKind }, e.arguments.map((a) => this.expr(a)));
      }
    }
    if (path !== null && ts.isIdentifier(callee) && !this.isLocalName(callee)) {
      const effect = GLOBAL_CALLS[path] ?? 'write';
      return this.call({ name: path, target: { ref: { builtin: path } }, effect, canRaise: effect !== 'elidable', resultKind }, e.arguments.map((a) => this.expr(a)));
    }
    if (ts.isPropertyAccessExpression(callee)) {
      const recvType = this.checker.getTypeAtLocation(callee.expression);
      const method = callee.name.text;
      if (isStringType(recvType) && method === 'charCodeAt' && e.arguments.length === 1) {
        return this.op('str_charcode', [this.coerce(this.expr(callee.expression), 'r', e), this.coerce(this.expr(e.arguments[0]), 'f', e)], 'f');
      }
      const recvKind = isStringType(recvType) ? 'string' : recvType.flags & ts.TypeFlags.NumberLike ? 'number' : 'object';
      const effect = PURE_METHOD_RECEIVERS.has(recvKind) ? 'elidable' : READONLY_METHODS.has(method) ? 'readonly' : 'write';
      const recv = this.coerce(this.expr(callee.expression), 'r', callee);
      return this.call({ name: `${recvKind === 'object' ? (recvType.getSymbol()?.getName() ?? 'object') : recvKind}.${method}`, target: { method }, effect, canRaise: effect !== 'elidable', resultKind },
        [recv, ...e.arguments.map((a) => this.expr(a))]);
    }
    throw errorAt(e, 'the codewriter cannot call this (only interpreter functions and methods, and library functions)');
  }

  private isLocalName(id: ts.Identifier): boolean {
    const sym = this.checker.getSymbolAtLocation(id);
    if (!sym) return false;
    if (this.locals.has(sym)) return true;
    const decl = this.declOf(id);
    return decl !== null && this.ctx.isInterpreterFile(decl.getSourceFile());
  }

  private newExpr(e: ts.NewExpression): number {
    const decl = this.declOf(e.expression);
    const sig = this.checker.getResolvedSignature(e);
    if (decl && ts.isClassDeclaration(decl) && decl.name && this.ctx.isInterpreterFile(decl.getSourceFile())) {
      const info = this.ctx.classes.get(decl.name.text)!;
      const args = this.args(e, sig);
      if (info.json?.ctorFields) return this.op('new', args, 'r', this.ctx.classDescr(info.name));
      return this.call({ name: `new ${info.name}`, target: { construct: this.ctx.symRef(decl) }, effect: 'write', canRaise: true, resultKind: 'r' }, args);
    }
    if (decl && ts.isClassDeclaration(decl) && this.ctx.isHostFile(decl.getSourceFile())) {
      return this.call({ name: `new ${decl.name?.text ?? 'host'}`, target: { construct: this.ctx.symRef(decl) }, effect: 'write', canRaise: true, resultKind: 'r' },
        (e.arguments ?? []).map((a) => this.expr(a)));
    }
    const name = dottedName(e.expression);
    if (name === null) throw errorAt(e, 'new needs a class name');
    if (name === 'JitDriver') throw errorAt(e, 'a JitDriver must be a top-level const');
    return this.call({ name: `new ${name}`, target: { construct: { builtin: name } }, effect: 'write', canRaise: true, resultKind: 'r' },
      (e.arguments ?? []).map((a) => this.expr(a)));
  }
}
