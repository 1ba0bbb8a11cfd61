// Turns one interpreter function or method into a jitcode (see jit/jitcode.ts).
//
// Every TS expression gets the kind of its TS type at that spot, so a value of
// union type that TypeScript has narrowed to `number` is unboxed (`unbox_float`)
// where it is used; in JS these conversions are the identity.
// Statements become gotos and branches over a flat instruction list; `switch`
// becomes a chain of comparisons, which the tracer folds when the subject is a
// constant (the usual case for an opcode read from immutable bytecode).
// This file is the top layer: statements and the whole function; the layers below
// are in jitcode-builder.ts, call-writer.ts and expression-writer.ts.

import ts from 'typescript';
import type { JitCodeJSON } from './bundle.js';
import { allocateRegisters } from './regalloc.js';
import { itemOp } from './operators.js';
import { errorAt, hintTags, isArrayLike, kindOfType, locationOf } from './types.js';
import { ExpressionWriter } from './expression-writer.js';
import type { LoopScope } from './jitcode-builder.js';
export type { FunctionLikeDecl, DriverInfo } from './jitcode-builder.js';

export class FunctionWriter extends ExpressionWriter {
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

  // ------------------------------------------------------------- statements

  protected block(b: ts.Block): void {
    for (const s of b.statements) this.stmt(s);
  }

  protected stmt(s: ts.Statement): void {
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

  protected varDecls(list: ts.VariableDeclarationList): void {
    for (const d of list.declarations) {
      if (!ts.isIdentifier(d.name)) throw errorAt(d, 'destructuring is not supported');
      const sym = this.checker.getSymbolAtLocation(d.name)!;
      const reg = this.newReg(kindOfType(this.checker.getTypeOfSymbolAtLocation(sym, d)));
      this.locals.set(sym, reg);
      if (d.initializer) this.emit({ k: 'move', src: this.coerce(this.expr(d.initializer), this.kinds[reg], d), dst: reg });
    }
  }

  protected ifStmt(s: ts.IfStatement): void {
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

  protected loop(label: string | null, body: () => void, continueTarget: () => number): void {
    const scope: LoopScope = { label, breaks: [], continues: [], isSwitch: false };
    this.scopes.push(scope);
    body();
    this.scopes.pop();
    const cont = continueTarget();
    for (const c of scope.continues) this.patch(c, cont);
    for (const b of scope.breaks) this.patch(b, this.here);
  }

  protected whileStmt(s: ts.WhileStatement, label: string | null): void {
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

  protected doStmt(s: ts.DoStatement, label: string | null): void {
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

  protected forStmt(s: ts.ForStatement, label: string | null): void {
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

  protected forOfStmt(s: ts.ForOfStatement, label: string | null): void {
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

  protected labeled(s: ts.LabeledStatement): void {
    const label = s.label.text;
    const body = s.statement;
    if (ts.isWhileStatement(body)) return this.whileStmt(body, label);
    if (ts.isDoStatement(body)) return this.doStmt(body, label);
    if (ts.isForStatement(body)) return this.forStmt(body, label);
    if (ts.isForOfStatement(body)) return this.forOfStmt(body, label);
    throw errorAt(s, 'labels are only supported on loops');
  }

  protected jumpOut(s: ts.BreakStatement | ts.ContinueStatement): void {
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

  protected tryStmt(s: ts.TryStatement): void {
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

  protected switchStmt(s: ts.SwitchStatement): void {
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

}
