// Emits the JS module the loader runs for one interpreter source file: the
// transpiled code, `from 'metajit'` pointed at this framework, the portal wrapped
// by its runner, and `__metajit_decls` listing the top-level declarations.

import ts from 'typescript';
import type { CodeBundle } from './codewriter/bundle.js';

export function emitModule(sf: ts.SourceFile, mod: string, bundle: CodeBundle, frameworkUrl: string): string {
  const js = ts.transpileModule(sf.getFullText(), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
    fileName: sf.fileName,
  }).outputText.replace(/(from\s+)(['"])metajit\2/g, `$1'${frameworkUrl}'`);
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

