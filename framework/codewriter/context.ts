// Shared state of one codewriter run: the TypeScript program, what is declared
// where, and the bundle-level tables (descriptors, dispatch tables) that every
// function writer adds to.

import ts from 'typescript';
import * as path from 'node:path';
import type { CallJSON, ClassJSON, DescrJSON, DispatchJSON, FieldJSON, SymRef } from './bundle.js';
import { errorAt, hasModifier, hintTags, kindOfType, typedArrayName } from './types.js';
import { isHostModule } from '../subset/check.js';

export interface ClassInfo {
  readonly name: string;
  readonly decl: ts.ClassDeclaration;
  readonly mod: string;
  readonly superName: string | null;
  readonly methods: Map<string, ts.MethodDeclaration>;
  json: ClassJSON | null;
}

export class WriterContext {
  readonly descrs: DescrJSON[] = [];
  private readonly descrKeys = new Map<string, number>();
  readonly dispatch: DispatchJSON[] = [];
  private readonly dispatchKeys = new Map<string, number>();
  readonly classes = new Map<string, ClassInfo>();
  readonly quasiImmutable = new Set<string>();
  readonly quasiImmutableWrites: { mod: string; end: number; key: string }[] = [];

  constructor(
    readonly program: ts.Program,
    readonly checker: ts.TypeChecker,
    readonly files: readonly ts.SourceFile[],
    readonly rootDir: string,
    readonly frameworkFile: string,
  ) {}

  /** Interpreter code the JIT traces (not host modules, not the framework). */
  isInterpreterFile(sf: ts.SourceFile): boolean {
    return this.files.includes(sf) && !isHostModule(sf.fileName);
  }

  /** A `*.host.ts` module of the interpreter: its functions and classes are opaque (residual). */
  isHostFile(sf: ts.SourceFile): boolean {
    return this.files.includes(sf) && isHostModule(sf.fileName);
  }

  isFrameworkFile(sf: ts.SourceFile): boolean {
    return path.resolve(path.dirname(sf.fileName)) === path.dirname(this.frameworkFile);
  }

  modOf(node: ts.Node): string {
    return path.relative(this.rootDir, node.getSourceFile().fileName).replace(/\\/g, '/');
  }

  symRef(decl: ts.Declaration & { name?: ts.Node }): SymRef {
    const name = decl.name && ts.isIdentifier(decl.name) ? decl.name.text : '';
    if (!name) throw errorAt(decl, 'declaration without a name');
    return { mod: this.modOf(decl), name };
  }

  private intern(key: string, make: () => DescrJSON): number {
    let idx = this.descrKeys.get(key);
    if (idx === undefined) {
      idx = this.descrs.length;
      this.descrs.push(make());
      this.descrKeys.set(key, idx);
    }
    return idx;
  }

  fieldDescr(field: FieldJSON): number {
    if (field.quasiImmutable) this.quasiImmutable.add(`${field.owner}.${field.name}`);
    return this.intern(`field:${field.owner}.${field.name}`, () => ({ field }));
  }

  classDescr(name: string): number {
    return this.intern(`class:${name}`, () => ({ cls: name }));
  }

  arrayDescr(typedArray: string): number {
    return this.intern(`array:${typedArray}`, () => ({ array: typedArray }));
  }

  callDescr(call: CallJSON): number {
    return this.intern(`call:${JSON.stringify(call)}`, () => ({ call }));
  }

  dispatchTable(method: string, entries: { cls: string; jitcode: string }[]): number {
    const key = `${method}:${entries.map((e) => `${e.cls}=${e.jitcode}`).join(',')}`;
    let idx = this.dispatchKeys.get(key);
    if (idx === undefined) {
      idx = this.dispatch.length;
      this.dispatch.push({ method, entries });
      this.dispatchKeys.set(key, idx);
    }
    return idx;
  }

  /** The field a property declaration defines, as the JIT sees it. */
  fieldOf(decl: ts.PropertyDeclaration | ts.ParameterDeclaration, name: string): FieldJSON {
    const cls = decl.parent && ts.isClassDeclaration(decl.parent) ? decl.parent : ts.isConstructorDeclaration(decl.parent) ? decl.parent.parent : null;
    if (cls === null || !ts.isClassDeclaration(cls) || !cls.name) throw errorAt(decl, 'field outside a named class');
    const t = this.checker.getTypeAtLocation(decl);
    const tags = hintTags(decl);
    const item = this.checker.getIndexTypeOfType(t, ts.IndexKind.Number);
    const field: FieldJSON = {
      owner: cls.name.text,
      name,
      valueKind: kindOfType(t),
      immutable: hasModifier(decl, ts.SyntaxKind.ReadonlyKeyword),
      quasiImmutable: tags.has('quasiImmutable'),
    };
    if (!tags.has('virtualizable')) return field;
    // A typed array's items live in the typed heap, where compiled code reaches
    // them directly: the field itself (the reference) is what is virtualized.
    const items = item !== undefined && typedArrayName(t) === null;
    if (items && !field.immutable) throw errorAt(decl, 'a virtualizable array field must be readonly (its items are virtualized, not the array)');
    return items ? { ...field, virtualizable: true, itemKind: kindOfType(item!) } : { ...field, virtualizable: true };
  }

  /** Classes that are `name` or inherit from it. */
  subclassesOf(name: string): ClassInfo[] {
    const out: ClassInfo[] = [];
    for (const c of this.classes.values()) {
      for (let k: ClassInfo | undefined = c; k; k = k.superName ? this.classes.get(k.superName) : undefined) {
        if (k.name === name) {
          out.push(c);
          break;
        }
      }
    }
    return out;
  }

  /** The method a class really runs for `name` (its own or inherited), or null. */
  resolveMethod(cls: string, name: string): { owner: ClassInfo; decl: ts.MethodDeclaration } | null {
    for (let k = this.classes.get(cls); k; k = k.superName ? this.classes.get(k.superName) : undefined) {
      const m = k.methods.get(name);
      if (m) return m.body ? { owner: k, decl: m } : null;
    }
    return null;
  }
}

export function methodJitcodeName(cls: string, method: string): string {
  return `${cls}.${method}`;
}

export function functionJitcodeName(mod: string, fn: string): string {
  return `${mod}:${fn}`;
}
