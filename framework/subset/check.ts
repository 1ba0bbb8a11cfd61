// The subset checker: the gate every interpreter passes before the codewriter reads it.
//
// It reports, for the interpreter's own files, (1) every TypeScript diagnostic, as
// rule `type-error`, so a broken interpreter never reaches the codewriter, and (2)
// every violation of a rule of restricted TypeScript (rules.ts), found by one walk
// over each file (visitor.ts). Each violation carries file:line:col (1-based) and a
// message that names what is wrong; `formatViolation` prints
// `file:line:col: message [rule-id]`.
//
// Which files are the interpreter's: `checkSubset` checks the files it is given.
// `checkSubsetFiles` builds the Program itself and checks the given files plus every
// other TypeScript source they reach, except the metajit framework (which the
// module specifier 'metajit' maps to) and declaration files.
//
// At one position only the most specific violations are reported: a subset rule
// over no-any over type-error. The less specific ones are usually consequences
// (`with` is also TS1101, `eval(s)` also has type any, an unannotated parameter is
// also TS7006), and they come back on the next run if they were not.

import ts from 'typescript';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RuleId } from './rules.js';
import { checkFileRules, isInside } from './visitor.js';

export interface SubsetViolation {
  readonly rule: RuleId;
  readonly message: string;
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly col: number;
}

/** `file:line:col: message [rule-id]`. */
export function formatViolation(v: SubsetViolation): string {
  return `${v.file}:${v.line}:${v.col}: ${v.message} [${v.rule}]`;
}

/** Checks `files` (the interpreter's source files, all part of `program`). */
export function checkSubset(program: ts.Program, allFiles: readonly ts.SourceFile[]): SubsetViolation[] {
  // Host modules (`*.host.ts`) are plain TypeScript the JIT never looks into.
  const files = allFiles.filter((sf) => !isHostModule(sf.fileName));
  const checker = program.getTypeChecker();
  const interpreterFiles: ReadonlySet<ts.SourceFile> = new Set(files);
  const frameworkDir = frameworkDirOf(program.getCompilerOptions());
  const found: SubsetViolation[] = [];
  for (const sf of files) {
    checkFileRules({ program, checker, interpreterFiles, frameworkDir, sf, out: found });
  }
  found.push(...typeErrorsOf(program, files));
  // At each position keep only the most specific violations (see the header).
  const best = new Map<string, number>();
  for (const v of found) best.set(positionKey(v), Math.max(best.get(positionKey(v)) ?? 0, specificity(v)));
  return found.filter((v) => specificity(v) === best.get(positionKey(v))).sort(compareViolations);
}

/**
 * Builds a Program for the interpreter files at `paths` (with 'metajit' mapped to
 * this framework's source) and checks them and every interpreter file they import.
 * `host` lets tests share parsed library files between many small programs.
 */
export function checkSubsetFiles(paths: string[], host?: ts.CompilerHost): SubsetViolation[] {
  const options = subsetCompilerOptions();
  const roots = paths.map((p) => path.resolve(p));
  const program = ts.createProgram(roots, options, host ?? ts.createCompilerHost(options));
  return checkSubset(program, interpreterSourceFiles(program, roots));
}

/** The compiler options the subset is checked under. */
export function subsetCompilerOptions(): ts.CompilerOptions {
  const root = findRepoRoot(path.dirname(fileURLToPath(import.meta.url)));
  return {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: [],
    noEmit: true,
    baseUrl: root,
    paths: { metajit: [path.join(root, 'framework', 'index.ts')] },
  };
}

/** The roots, then every other non-framework TypeScript source the program holds. */
function interpreterSourceFiles(program: ts.Program, roots: readonly string[]): ts.SourceFile[] {
  const frameworkDir = frameworkDirOf(program.getCompilerOptions());
  const files: ts.SourceFile[] = [];
  for (const root of roots) {
    const sf = program.getSourceFile(root);
    if (sf !== undefined) files.push(sf);
  }
  for (const sf of program.getSourceFiles()) {
    if (files.includes(sf) || sf.isDeclarationFile || program.isSourceFileFromExternalLibrary(sf)) continue;
    if (program.isSourceFileDefaultLibrary(sf) || sf.fileName.includes('/node_modules/')) continue;
    if (frameworkDir !== null && isInside(frameworkDir, sf.fileName)) continue;
    files.push(sf);
  }
  return files;
}

/**
 * The directory of the framework source, from the 'metajit' path mapping; null when
 * the program was built without one (then no file counts as framework).
 */
function frameworkDirOf(options: ts.CompilerOptions): string | null {
  const target = options.paths?.['metajit']?.[0];
  return target === undefined ? null : path.dirname(path.resolve(target));
}

/**
 * The metajit repository root: the nearest ancestor with a package.json named
 * "metajit". Works from framework/subset/ (sources under vitest) and from
 * dist/framework/subset/ (compiled), which both sit inside the repository.
 */
function findRepoRoot(start: string): string {
  let dir = start;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && packageName(pkg) === 'metajit') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`subset checker: no package.json named "metajit" above ${start}`);
    dir = parent;
  }
}

function packageName(pkgPath: string): string | null {
  const parsed: unknown = JSON.parse(fs.readFileSync(pkgPath, 'utf8'));
  if (typeof parsed !== 'object' || parsed === null || !('name' in parsed)) return null;
  return typeof parsed.name === 'string' ? parsed.name : null;
}

/** TypeScript's own diagnostics for the interpreter files, as `type-error` violations. */
function typeErrorsOf(program: ts.Program, files: readonly ts.SourceFile[]): SubsetViolation[] {
  const diagnostics: ts.Diagnostic[] = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  for (const sf of files) {
    diagnostics.push(...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf));
  }
  const fallbackFile = files.length > 0 ? files[0].fileName : '<program>';
  return diagnostics
    .filter((d) => d.category === ts.DiagnosticCategory.Error)
    .map((d): SubsetViolation => {
      const text = ts.flattenDiagnosticMessageText(d.messageText, ' ').replace(/\s+/g, ' ');
      const message = `${text} (TS${d.code})`;
      if (d.file === undefined || d.start === undefined) {
        return { rule: 'type-error', message, file: fallbackFile, line: 1, col: 1 };
      }
      const lc = d.file.getLineAndCharacterOfPosition(d.start);
      return { rule: 'type-error', message, file: d.file.fileName, line: lc.line + 1, col: lc.character + 1 };
    });
}

/** type-error < no-any < every other rule: the first two are often consequences of the others. */
function specificity(v: SubsetViolation): number {
  return v.rule === 'type-error' ? 0 : v.rule === 'no-any' ? 1 : 2;
}

function positionKey(v: SubsetViolation): string {
  return `${v.file}:${v.line}:${v.col}`;
}

function compareViolations(a: SubsetViolation, b: SubsetViolation): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.col - b.col;
}

/** A host module: plain TypeScript beside an interpreter, called as opaque residual code. */
export function isHostModule(fileName: string): boolean {
  return fileName.endsWith('.host.ts');
}
