// Calls in interpreter code (a layer of the function writer, see jitcode-builder.ts):
// calls of interpreter functions and methods (inlined or invoked through a dispatch
// table), of framework hints and host functions, of library functions, and `new`.

import ts from 'typescript';
import type { Kind } from '../../jit/ir/ops.js';
import { GLOBAL_CALLS, MATH_OPS, PURE_METHOD_RECEIVERS, READONLY_METHODS } from './builtins.js';
import { functionJitcodeName, methodJitcodeName } from './context.js';
import { dottedName } from './operators.js';
import { errorAt, isStringType, kindOfType } from './types.js';
import { JitcodeBuilder, NO_VALUE, FRAMEWORK_HOST_FUNCTIONS } from './jitcode-builder.js';

export abstract class CallWriter extends JitcodeBuilder {
  // ------------------------------------------------------------ calls

  protected args(call: ts.CallExpression | ts.NewExpression, sig: ts.Signature | undefined): number[] {
    const out: number[] = [];
    (call.arguments ?? []).forEach((a, i) => {
      const v = this.expr(a);
      const p = sig?.getParameters()[i];
      const pk = p ? kindOfType(this.checker.getTypeOfSymbol(p)) : this.kindOf(v);
      out.push(this.coerce(v, pk, a));
    });
    return out;
  }

  protected callExpr(e: ts.CallExpression): number {
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

  protected methodCall(e: ts.CallExpression, callee: ts.PropertyAccessExpression, decl: ts.MethodDeclaration, sig: ts.Signature, resultKind: Kind): number {
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

  protected frameworkCall(e: ts.CallExpression, decl: ts.SignatureDeclaration): number {
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
  protected hostCall(e: ts.CallExpression, decl: ts.SignatureDeclaration, resultKind: Kind): number {
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

  protected libraryCall(e: ts.CallExpression, resultKind: Kind): number {
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

  protected isLocalName(id: ts.Identifier): boolean {
    const sym = this.checker.getSymbolAtLocation(id);
    if (!sym) return false;
    if (this.locals.has(sym)) return true;
    const decl = this.declOf(id);
    return decl !== null && this.ctx.isInterpreterFile(decl.getSourceFile());
  }

  protected newExpr(e: ts.NewExpression): number {
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
