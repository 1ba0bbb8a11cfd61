// Emits the JS module the loader runs for one interpreter source file: the
// transpiled code, `from 'metajit'` pointed at this framework, the portal wrapped
// by its runner, `__metajit_decls` listing the top-level declarations, and each
// write of a quasi-immutable field wrapped in a call that invalidates the traces
// relying on it (`x.f = v` becomes `__metajit_qi(x.f = v, "C.f")`), and every
// catch block starting with `__metajit_control(e)`, which rethrows the JIT's
// control exceptions (jit/control.ts) so interpreter code never catches them.

import ts from 'typescript';
import type { CodeBundle } from './codewriter/bundle.js';

export function emitModule(sf: ts.SourceFile, mod: string, bundle: CodeBundle, frameworkUrl: string): string {
  const writes = new Map(bundle.quasiImmutableWrites.filter((w) => w.mod === mod).map((w) => [w.end, w.key]));
  let js = ts.transpileModule(sf.getFullText(), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
    fileName: sf.fileName,
    transformers: { before: [instrumentQuasiImmutableWrites(writes), rethrowJitControlInCatches] },
  }).outputText.replace(/(from\s+)(['"])metajit\2/g, `$1'${frameworkUrl}'`);
  js = `import { quasiImmutableWritten as __metajit_qi, rethrowJitControl as __metajit_control } from '${frameworkUrl}';\n${js}`;
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
