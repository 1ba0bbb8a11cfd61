// Builds the TypeScript program of an interpreter: its entry file, every
// interpreter file it imports, and `metajit` mapped to the framework's source.

import ts from 'typescript';
import * as path from 'node:path';
import { packageRoot } from '../package-root.js';

export function frameworkSourceFile(): string {
  return path.join(packageRoot(), 'framework', 'index.ts');
}

export interface InterpreterProgram {
  readonly program: ts.Program;
  readonly checker: ts.TypeChecker;
  /** The interpreter's own source files (not the framework, not lib). */
  readonly files: ts.SourceFile[];
  readonly rootDir: string;
  readonly frameworkFile: string;
}

export const INTERPRETER_COMPILER_OPTIONS: ts.CompilerOptions = {
  strict: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  types: [],
  noEmit: false,
  skipLibCheck: true,
  isolatedModules: true,
};

/** The package's directories of framework code (interpreters live elsewhere). */
const FRAMEWORK_SOURCE_DIRS = ['framework', 'jit', 'wasm-backend'];

export function createInterpreterProgram(entry: string): InterpreterProgram {
  const abs = path.resolve(entry);
  const frameworkFile = frameworkSourceFile();
  const frameworkDir = path.dirname(frameworkFile);
  const options: ts.CompilerOptions = {
    ...INTERPRETER_COMPILER_OPTIONS,
    baseUrl: path.dirname(abs),
    paths: { metajit: [frameworkFile] },
    types: ['node'],
    typeRoots: [path.join(packageRoot(), 'node_modules', '@types')],
  };
  const program = ts.createProgram([abs], options);
  // The framework's own sources (framework/index.ts re-exports some of jit/) are not
  // interpreter code, whichever of their directories they come from.
  const frameworkSources = FRAMEWORK_SOURCE_DIRS.map((d) => path.join(packageRoot(), d) + path.sep);
  const files = program.getSourceFiles().filter((sf) => {
    if (sf.isDeclarationFile) return false;
    const file = path.resolve(sf.fileName);
    const dir = path.dirname(file);
    if (dir === frameworkDir || frameworkSources.some((d) => file.startsWith(d))) return false;
    return !dir.includes(`${path.sep}node_modules${path.sep}`);
  });
  return { program, checker: program.getTypeChecker(), files, rootDir: path.dirname(abs), frameworkFile };
}
