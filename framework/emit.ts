// Emits the JS module the loader runs for one interpreter source file: the
// transpiled code, `from 'metajit'` pointed at this framework, the portal wrapped
// by its runner, `__metajit_decls` listing the top-level declarations, and each
// write of a quasi-immutable field wrapped in a call that invalidates the traces
// relying on it (`x.f = v` becomes `__metajit_qi(x.f = v, "C.f")`), and every
// catch block starting with `__metajit_control(e)`, which rethrows the JIT's
// control exceptions (jit/control.ts) so interpreter code never catches them.
// The driver's markers cost nothing in plain execution: `jitMergePoint(...)` is
// dropped (it only marks the loop for the codewriter) and `canEnterJit(...)`
// becomes `(driver.hooks !== null && driver.canEnterJit(...))`, or in the
// portal's dispatch loop a check that continues the loop with the arguments
// compiled code stopped at (see elideDriverMarkers). V8 does not inline calls
// into a big dispatch function, so each marker would otherwise be a real call
// plus a rest-argument array per guest instruction or back-edge.
// `new Uint8Array(n)` and the other typed arrays compiled code can index
// become `__metajit_typed(Uint8Array, n)`: in the typed heap when a JIT runs
// (framework/typed-heap.ts).

import ts from 'typescript';
import type { CodeBundle } from './codewriter/bundle.js';
import { VIEW_KINDS } from './typed-heap.js';

export function emitModule(sf: ts.SourceFile, mod: string, bundle: CodeBundle, frameworkUrl: string): string {
  const drivers = new Set(bundle.portals.filter((p) => p.module === mod).map((p) => p.driverLocal));
  const writes = new Map(bundle.quasiImmutableWrites.filter((w) => w.mod === mod).map((w) => [w.end, w.key]));
  let js = ts.transpileModule(sf.getFullText(), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
    fileName: sf.fileName,
    transformers: { before: [instrumentQuasiImmutableWrites(writes), rethrowJitControlInCatches, elideDriverMarkers(drivers), typedArraysInHeap] },
  }).outputText.replace(/(from\s+)(['"])metajit\2/g, `$1'${frameworkUrl}'`);
  js = `import { quasiImmutableWritten as __metajit_qi, rethrowJitControl as __metajit_control, typedArray as __metajit_typed } from '${frameworkUrl}';\n${js}`;
  const names: string[] = [];
  for (const st of sf.statements) {
    if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st) || ts.isEnumDeclaration(st)) && st.name) names.push(st.name.text);
    if (ts.isVariableStatement(st)) for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name)) names.push(d.name.text);
  }
  let tail = '\n';
  for (const p of bundle.portals) {
    if (p.module === mod) tail += `${p.fnName} = ${p.driverLocal}.wrapPortal(${p.fnName});\n`;
  }
  tail += `export const __metajit_decls = { ${names.join(', ')} };\n`;
  return js + tail;
}


/** Wraps every assignment whose target property access ends at a recorded position. */
function instrumentQuasiImmutableWrites(writes: ReadonlyMap<number, string>): ts.TransformerFactory<ts.SourceFile> {
  return (context) => {
    const f = context.factory;
    const targetKey = (e: ts.Expression): string | undefined => (ts.isPropertyAccessExpression(e) ? writes.get(e.end) : undefined);
    const visit = (node: ts.Node): ts.Node => {
      const out = ts.visitEachChild(node, visit, context);
      let key: string | undefined;
      if (ts.isBinaryExpression(node) && node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && node.operatorToken.kind <= ts.SyntaxKind.LastAssignment) key = targetKey(node.left);
      else if (ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) key = targetKey(node.operand);
      if (key === undefined) return out;
      return f.createCallExpression(f.createIdentifier('__metajit_qi'), undefined, [out as ts.Expression, f.createStringLiteral(key)]);
    };
    return (sf) => (writes.size === 0 ? sf : (ts.visitEachChild(sf, visit, context)));
  };
}

/** `catch (e) { body }` becomes `catch (e) { __metajit_control(e); body }`. */
const rethrowJitControlInCatches: ts.TransformerFactory<ts.SourceFile> = (context) => {
  const f = context.factory;
  const visit = (node: ts.Node): ts.Node => {
    const out = ts.visitEachChild(node, visit, context);
    if (!ts.isCatchClause(out)) return out;
    const decl = out.variableDeclaration ?? f.createVariableDeclaration('__metajit_e');
    const name = ts.isIdentifier(decl.name) ? decl.name : f.createIdentifier('__metajit_e');
    const check = f.createExpressionStatement(f.createCallExpression(f.createIdentifier('__metajit_control'), undefined, [name]));
    return f.updateCatchClause(out, decl, f.updateBlock(out.block, [check, ...out.block.statements]));
  };
  return (sf) => ts.visitEachChild(sf, visit, context);
};

/**
 * Drops `d.jitMergePoint(...)` statements and guards `d.canEnterJit(...)` by
 * `d.hooks !== null`, for each driver `d`. A `canEnterJit` statement of the
 * portal's own dispatch loop goes on at the merge point itself when compiled code
 * ran (no exception unwinds the portal's frame):
 *
 *   if (d.hooks !== null) {
 *     const next = d.enterOrContinue(greens..., reds...);
 *     if (next !== null) { param0 = next[0]; ...; continue __metajit_dispatch; }
 *   }
 */
function elideDriverMarkers(drivers: ReadonlySet<string>): ts.TransformerFactory<ts.SourceFile> {
  return (context) => {
    const f = context.factory;
    const marker = (node: ts.Node, method: string): node is ts.CallExpression =>
      ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === method &&
      ts.isIdentifier(node.expression.expression) && drivers.has(node.expression.expression.text);
    const driverOf = (call: ts.CallExpression) => (call.expression as ts.PropertyAccessExpression).expression as ts.Identifier;
    const jitOn = (driver: ts.Expression) => f.createStrictInequality(f.createPropertyAccessExpression(driver, 'hooks'), f.createNull());
    const label = f.createIdentifier('__metajit_dispatch');
    /** The portal loop being visited: its driver and the portal's parameter names. */
    let portal: { readonly driver: string; readonly params: readonly string[] } | null = null;
    let params: readonly string[] = [];

    const continueAtMergePoint = (call: ts.CallExpression, p: { readonly params: readonly string[] }): ts.Statement => {
      const driver = driverOf(call);
      const next = f.createIdentifier('__metajit_next');
      const ask = f.createCallExpression(f.createPropertyAccessExpression(driver, 'enterOrContinue'), undefined, call.arguments);
      const assigns = p.params.map((name, i) => f.createExpressionStatement(
        f.createAssignment(f.createIdentifier(name), f.createElementAccessExpression(next, i))));
      // in a block of its own: as the `then` of an if with an else, a bare if would take that else
      return f.createBlock([f.createIfStatement(jitOn(driver), f.createBlock([
        f.createVariableStatement(undefined, f.createVariableDeclarationList([f.createVariableDeclaration(next, undefined, undefined, ask)], ts.NodeFlags.Const)),
        f.createIfStatement(f.createStrictInequality(next, f.createNull()), f.createBlock([...assigns, f.createContinueStatement(label)], true)),
      ], true))], true);
    };
    /** The driver whose jitMergePoint heads this loop's body, if any. */
    const portalDriver = (loop: ts.IterationStatement): string | null => {
      const body = loop.statement;
      const first = ts.isBlock(body) ? body.statements[0] : undefined;
      if (first === undefined || !ts.isExpressionStatement(first) || !marker(first.expression, 'jitMergePoint')) return null;
      return driverOf(first.expression).text;
    };

    const visit = (node: ts.Node): ts.Node => {
      if (ts.isFunctionLike(node)) {
        // a nested function is not the portal's frame: its canEnterJit throws
        const saved = [portal, params] as const;
        portal = null;
        params = ts.isFunctionDeclaration(node) ? node.parameters.map((q) => (ts.isIdentifier(q.name) ? q.name.text : '')) : [];
        const out = ts.visitEachChild(node, visit, context);
        [portal, params] = saved;
        return out;
      }
      if (ts.isIterationStatement(node, false) && portal === null) {
        const driver = portalDriver(node);
        if (driver !== null && params.every((q) => q !== '') && !declaresAny(node.statement, params)) {
          portal = { driver, params };
          const out = ts.visitEachChild(node, visit, context) as ts.Statement;
          portal = null;
          return f.createLabeledStatement(label, out);
        }
      }
      if (ts.isExpressionStatement(node) && marker(node.expression, 'jitMergePoint')) return f.createEmptyStatement();
      if (portal !== null && ts.isExpressionStatement(node) && marker(node.expression, 'canEnterJit') && driverOf(node.expression).text === portal.driver) {
        return continueAtMergePoint(ts.visitEachChild(node.expression, visit, context) as ts.CallExpression, portal);
      }
      const out = ts.visitEachChild(node, visit, context);
      if (!marker(out, 'canEnterJit')) return out;
      return f.createParenthesizedExpression(f.createLogicalAnd(jitOn(driverOf(out)), out));
    };
    return (sf) => (drivers.size === 0 ? sf : ts.visitEachChild(sf, visit, context));
  };
}

/** Whether `node` declares a variable named like one of `names` (it would shadow a parameter the rewrite assigns). */
function declaresAny(node: ts.Node, names: readonly string[]): boolean {
  if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && names.includes(node.name.text)) return true;
  return ts.forEachChild(node, (child) => declaresAny(child, names) || undefined) ?? false;
}

/** `new C(n)` of a typed array with one argument becomes `__metajit_typed(C, n)`. */
const typedArraysInHeap: ts.TransformerFactory<ts.SourceFile> = (context) => {
  const f = context.factory;
  const visit = (node: ts.Node): ts.Node => {
    const out = ts.visitEachChild(node, visit, context);
    if (!ts.isNewExpression(out) || !ts.isIdentifier(out.expression) || !(VIEW_KINDS as readonly string[]).includes(out.expression.text)) return out;
    if (out.arguments === undefined || out.arguments.length !== 1 || ts.isSpreadElement(out.arguments[0])) return out;
    return f.createCallExpression(f.createIdentifier('__metajit_typed'), undefined, [out.expression, out.arguments[0]]);
  };
  return (sf) => ts.visitEachChild(sf, visit, context);
};
