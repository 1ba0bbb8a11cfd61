// The codewriter: interpreter source -> CodeBundle (jitcodes for every function
// and method, class facts, the portal). It runs the subset checker first, so an
// interpreter outside the subset is refused with positions, never half-compiled.

import ts from 'typescript';
import { BUNDLE_VERSION, type ClassJSON, type CodeBundle, type JitCodeJSON, type PortalJSON } from './bundle.js';
import { WriterContext, functionJitcodeName, methodJitcodeName, type ClassInfo } from './context.js';
import { FunctionWriter, type DriverInfo } from './function-writer.js';
import { createInterpreterProgram, type InterpreterProgram } from './program.js';
import { CodewriterError, errorAt, hasModifier } from './types.js';
import { checkSubset, formatViolation } from '../subset/check.js';
import { InterpreterRejected } from '../rejected.js';

export { InterpreterRejected };

export function writeInterpreter(entry: string): { bundle: CodeBundle; program: InterpreterProgram } {
  const ip = createInterpreterProgram(entry);
  const violations = checkSubset(ip.program, ip.files);
  if (violations.length > 0) throw new InterpreterRejected(violations.map(formatViolation));
  try {
    return { bundle: writeBundle(ip), program: ip };
  } catch (e) {
    if (e instanceof CodewriterError) throw new InterpreterRejected([e.message]);
    throw e;
  }
}

export function writeBundle(ip: InterpreterProgram): CodeBundle {
  const ctx = new WriterContext(ip.program, ip.checker, ip.files, ip.rootDir, ip.frameworkFile);
  collectClasses(ctx);
  const drivers = collectDrivers(ctx);
  const functions: { decl: ts.FunctionDeclaration | ts.MethodDeclaration; name: string }[] = [];
  for (const sf of ip.files) {
    if (!ctx.isInterpreterFile(sf)) continue;
    for (const st of sf.statements) {
      if (ts.isFunctionDeclaration(st) && st.body && st.name) functions.push({ decl: st, name: functionJitcodeName(ctx.modOf(st), st.name.text) });
    }
  }
  for (const c of ctx.classes.values()) {
    for (const [mname, m] of c.methods) if (m.body) functions.push({ decl: m, name: methodJitcodeName(c.name, mname) });
  }
  const jitcodes: JitCodeJSON[] = [];
  const portals: PortalJSON[] = [];
  for (const f of functions) {
    const w = new FunctionWriter(ctx, f.decl, f.name, drivers);
    const code = w.write();
    jitcodes.push(code);
    if (w.mergePoint) portals.push(checkPortal(ctx, f.decl, code, w.mergePoint, drivers));
  }
  return {
    version: BUNDLE_VERSION,
    jitcodes,
    descrs: ctx.descrs,
    dispatch: ctx.dispatch,
    classes: [...ctx.classes.values()].map((c) => c.json!),
    portals,
    quasiImmutableFields: [...ctx.quasiImmutable],
    quasiImmutableWrites: ctx.quasiImmutableWrites,
  };
}

function collectClasses(ctx: WriterContext): void {
  for (const sf of ctx.files) {
    if (!ctx.isInterpreterFile(sf)) continue;
    for (const st of sf.statements) {
      if (!ts.isClassDeclaration(st) || !st.name) continue;
      const name = st.name.text;
      if (ctx.classes.has(name)) throw errorAt(st, `two interpreter classes are named ${name}; class names must be unique`);
      const ext = st.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0];
      const methods = new Map<string, ts.MethodDeclaration>();
      for (const m of st.members) {
        if (ts.isMethodDeclaration(m) && ts.isIdentifier(m.name)) methods.set(m.name.text, m);
      }
      ctx.classes.set(name, { name, decl: st, mod: ctx.modOf(st), superName: ext ? ext.expression.getText() : null, methods, json: null });
    }
  }
  const done = new Set<string>();
  const finish = (c: ClassInfo): ClassJSON => {
    if (c.json) return c.json;
    const sup = c.superName ? ctx.classes.get(c.superName) : undefined;
    const superJson = sup ? finish(sup) : null;
    const json: ClassJSON = {
      name: c.name,
      ref: ctx.symRef(c.decl),
      superName: sup ? sup.name : null,
      ctorFields: simpleConstructorFields(c, superJson, c.superName !== null && !sup),
    };
    c.json = json;
    done.add(c.name);
    // Descriptors for the constructor's fields, so `new` knows their kinds even
    // when interpreter code never reads them.
    for (const name of json.ctorFields ?? []) {
      const decl = fieldDeclaration(ctx, c, name);
      if (decl) ctx.fieldDescr(ctx.fieldOf(decl, name));
    }
    return json;
  };
  for (const c of ctx.classes.values()) finish(c);
}

/**
 * A constructor is simple when it only stores its parameters into fields (and
 * passes some to a simple super constructor): then `new C(a, b)` is one `new`
 * op whose arguments are the field values, which the optimizer can make virtual.
 * Fields with initializers must use literals. Returns the field of each
 * parameter in order, or null.
 */
function simpleConstructorFields(c: ClassInfo, superJson: ClassJSON | null, foreignSuper: boolean): string[] | null {
  if (foreignSuper) return null;
  if (superJson && superJson.ctorFields === null) return null;
  for (const m of c.decl.members) {
    if (ts.isPropertyDeclaration(m) && m.initializer && !hasModifier(m, ts.SyntaxKind.StaticKeyword) && !isLiteral(m.initializer)) return null;
  }
  const ctor = c.decl.members.find(ts.isConstructorDeclaration);
  if (!ctor) return superJson ? superJson.ctorFields : [];
  if (!ctor.body) return null;
  const params = ctor.parameters.map((p) => (ts.isIdentifier(p.name) ? p.name.text : ''));
  const fields: (string | null)[] = params.map(() => null);
  ctor.parameters.forEach((p, i) => {
    if (ts.canHaveModifiers(p) && ts.getModifiers(p)?.some((m) => m.kind === ts.SyntaxKind.ReadonlyKeyword || m.kind === ts.SyntaxKind.PublicKeyword || m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword)) {
      fields[i] = params[i];
    }
  });
  for (const st of ctor.body.statements) {
    if (!ts.isExpressionStatement(st)) return null;
    const e = st.expression;
    if (ts.isCallExpression(e) && e.expression.kind === ts.SyntaxKind.SuperKeyword) {
      if (!superJson || e.arguments.length !== superJson.ctorFields!.length) return null;
      for (let k = 0; k < e.arguments.length; k++) {
        const a = e.arguments[k];
        const pi = ts.isIdentifier(a) ? params.indexOf(a.text) : -1;
        if (pi < 0 || fields[pi] !== null) return null;
        fields[pi] = superJson.ctorFields![k];
      }
      continue;
    }
    if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
        ts.isPropertyAccessExpression(e.left) && e.left.expression.kind === ts.SyntaxKind.ThisKeyword && ts.isIdentifier(e.right)) {
      const pi = params.indexOf(e.right.text);
      if (pi < 0 || fields[pi] !== null) return null;
      fields[pi] = e.left.name.text;
      continue;
    }
    return null;
  }
  if (fields.some((f) => f === null)) return null;
  return fields as string[];
}

function fieldDeclaration(ctx: WriterContext, c: ClassInfo, name: string): ts.PropertyDeclaration | ts.ParameterDeclaration | null {
  for (let k: ClassInfo | undefined = c; k; k = k.superName ? ctx.classes.get(k.superName) : undefined) {
    for (const m of k.decl.members) {
      if (ts.isPropertyDeclaration(m) && ts.isIdentifier(m.name) && m.name.text === name) return m;
      if (ts.isConstructorDeclaration(m)) {
        for (const p of m.parameters) if (ts.isIdentifier(p.name) && p.name.text === name && ts.getModifiers(p)?.length) return p;
      }
    }
  }
  return null;
}

function isLiteral(e: ts.Expression): boolean {
  return ts.isNumericLiteral(e) || ts.isStringLiteral(e) || e.kind === ts.SyntaxKind.TrueKeyword ||
    e.kind === ts.SyntaxKind.FalseKeyword || e.kind === ts.SyntaxKind.NullKeyword ||
    (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(e.operand));
}

function collectDrivers(ctx: WriterContext): Map<ts.Symbol, DriverInfo> {
  const out = new Map<ts.Symbol, DriverInfo>();
  for (const sf of ctx.files) {
    for (const st of sf.statements) {
      if (!ts.isVariableStatement(st)) continue;
      for (const d of st.declarationList.declarations) {
        const init = d.initializer;
        if (!init || !ts.isNewExpression(init) || !ts.isIdentifier(init.expression) || init.expression.text !== 'JitDriver') continue;
        const spec = init.arguments?.[0];
        if (!spec || !ts.isObjectLiteralExpression(spec)) throw errorAt(init, 'new JitDriver({ greens: [...], reds: [...] }) needs an object literal');
        const names = (key: string): string[] => {
          const prop = spec.properties.find((p) => p.name && ts.isIdentifier(p.name) && p.name.text === key);
          if (!prop) return [];
          if (!ts.isPropertyAssignment(prop) || !ts.isArrayLiteralExpression(prop.initializer)) throw errorAt(prop, `${key} must be an array of string literals`);
          return prop.initializer.elements.map((x) => {
            if (!ts.isStringLiteral(x)) throw errorAt(x, `${key} must be an array of string literals`);
            return x.text;
          });
        };
        const sym = ctx.checker.getSymbolAtLocation(d.name)!;
        out.set(sym, { symbol: sym, ref: ctx.symRef(d), greens: names('greens'), reds: names('reds') });
      }
    }
  }
  return out;
}

function checkPortal(
  ctx: WriterContext,
  decl: ts.FunctionDeclaration | ts.MethodDeclaration,
  code: JitCodeJSON,
  merge: { node: ts.Node; pc: number },
  drivers: ReadonlyMap<ts.Symbol, DriverInfo>,
): PortalJSON {
  if (!ts.isFunctionDeclaration(decl) || !decl.name) throw errorAt(decl, 'the portal (the function calling jitMergePoint) must be a top-level function');
  const callee = (merge.node as ts.CallExpression).expression as ts.PropertyAccessExpression;
  let sym = ctx.checker.getSymbolAtLocation(callee.expression)!;
  if (sym.flags & ts.SymbolFlags.Alias) sym = ctx.checker.getAliasedSymbol(sym);
  const driver = drivers.get(sym)!;
  const all = [...driver.greens, ...driver.reds];
  const params = decl.parameters.map((p) => (p.name as ts.Identifier).text);
  const missing = all.filter((n) => !params.includes(n));
  const extra = params.filter((n) => !all.includes(n));
  if (missing.length || extra.length) {
    throw errorAt(decl, `the portal's parameters must be exactly the greens and reds (${all.join(', ')})` +
      (missing.length ? `; missing: ${missing.join(', ')}` : '') + (extra.length ? `; not green or red: ${extra.join(', ')}` : ''));
  }
  // The merge point must head a loop body: its statement is the first of a block that is a loop's body.
  const stmt = merge.node.parent;
  const block = stmt?.parent;
  const loop = block?.parent;
  if (!stmt || !ts.isExpressionStatement(stmt) || !block || !ts.isBlock(block) || block.statements[0] !== stmt || !loop ||
      !(ts.isWhileStatement(loop) || ts.isForStatement(loop) || ts.isDoStatement(loop))) {
    throw errorAt(merge.node, 'jitMergePoint must be the first statement of the dispatch loop body');
  }
  // Compiled code is entered at canEnterJit and goes on at the merge point: a loop
  // condition or update in between would be skipped then.
  const unconditional = ts.isForStatement(loop)
    ? loop.condition === undefined && loop.incrementor === undefined
    : ts.isWhileStatement(loop) && loop.expression.kind === ts.SyntaxKind.TrueKeyword;
  if (!unconditional) {
    throw errorAt(loop, 'the dispatch loop must be `while (true)` or `for (;;)`: compiled code is entered at canEnterJit and ' +
      'goes on at jitMergePoint, so a loop condition or update between them would be skipped (test it after jitMergePoint)');
  }
  const mergeRegs = new Set(code.params);
  const strays = code.live[merge.pc].filter((r) => !mergeRegs.has(r));
  if (strays.length > 0) {
    throw errorAt(merge.node, 'a local variable other than the greens and reds is live across jitMergePoint; make it a red or compute it inside the loop');
  }
  return {
    jitcode: code.name,
    module: ctx.modOf(decl),
    fnName: decl.name.text,
    driver: driver.ref,
    driverLocal: callee.expression.getText(),
    greens: driver.greens,
    reds: driver.reds,
    paramOrder: params.map((p) => all.indexOf(p)),
  };
}
