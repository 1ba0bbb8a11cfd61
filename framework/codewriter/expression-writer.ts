// Expressions and operators in interpreter code (a layer of the function writer, see
// jitcode-builder.ts). Every expression gets the kind of its TS type at that spot.

import ts from 'typescript';
import type { Opcode } from '../../jit/ir/ops.js';
import type { FieldJSON, SymRef } from './bundle.js';
import { hostConstant } from './builtins.js';
import { COMPOUND_OPERATORS, FLOAT_OPERATORS, INT_OPERATORS, dottedName, itemOp } from './operators.js';
import { errorAt, hasModifier, isArrayLike, isReadonlyArrayType, isStringType, kindOfType, typedArrayName } from './types.js';
import { CallWriter } from './call-writer.js';
import { NO_VALUE } from './jitcode-builder.js';

export abstract class ExpressionWriter extends CallWriter {
  // ------------------------------------------------------------ expressions

  protected exprForEffect(e: ts.Expression): void {
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

  protected exprRaw(e: ts.Expression): number {
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

  protected identifier(e: ts.Identifier): number {
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

  protected propertyRead(e: ts.PropertyAccessExpression): number {
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

  protected fieldAt(e: ts.PropertyAccessExpression): { json: FieldJSON; isStatic: boolean; classRef: SymRef | null } {
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

  protected elementRead(e: ts.ElementAccessExpression): number {
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
  protected isVirtualizableArray(e: ts.Expression): boolean {
    return ts.isPropertyAccessExpression(e) && this.declOf(e.name) !== null && this.fieldAt(e).json.itemKind !== undefined;
  }

  protected conditional(e: ts.ConditionalExpression): number {
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

  protected template(e: ts.TemplateExpression): number {
    let acc = this.constant('r', { s: e.head.text });
    for (const span of e.templateSpans) {
      acc = this.op('str_concat', [acc, this.toStr(span.expression)], 'r');
      if (span.literal.text) acc = this.op('str_concat', [acc, this.constant('r', { s: span.literal.text })], 'r');
    }
    return acc;
  }

  protected toStr(x: ts.Expression): number {
    const v = this.expr(x);
    if (isStringType(this.checker.getTypeAtLocation(x))) return this.coerce(v, 'r', x);
    if (this.kindOf(v) === 'f') return this.op('str_from_float', [v], 'r');
    return this.call({ name: 'String', target: { ref: { builtin: 'String' } }, effect: 'elidable', canRaise: false, resultKind: 'r' }, [this.coerce(v, 'r', x)]);
  }

  // ------------------------------------------------------ operators

  protected binary(e: ts.BinaryExpression): number {
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
  protected externalClassRef(cls: ts.ClassDeclaration): SymRef {
    const sf = cls.getSourceFile();
    if (this.ctx.isHostFile(sf)) return this.ctx.symRef(cls);
    if (this.ctx.isFrameworkFile(sf)) return { builtin: `metajit.${cls.name!.text}` };
    return { builtin: cls.name!.text };
  }

  protected arith(k: ts.SyntaxKind, a: number, b: number, node: ts.Node, ta: ts.Type, tb?: ts.Type): number {
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

  protected equality(a: number, b: number, negate: boolean, node: ts.Node): number {
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

  protected logical(e: ts.BinaryExpression, isAnd: boolean): number {
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

  protected prefix(e: ts.PrefixUnaryExpression): number {
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
  protected increment(target: ts.Expression, delta: number, postfix: boolean): number {
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
  protected assign(target: ts.Expression, value: () => number): number {
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

}
