// How TypeScript types and declarations map to what the JIT sees: value kinds,
// hint tags, positions for error messages.

import ts from 'typescript';
import type { Kind } from '../../jit/ir/ops.js';

/** An error in an interpreter's source, with its position (`file:line:col: message`). */
export class CodewriterError extends Error {
  constructor(readonly file: string, readonly line: number, readonly col: number, readonly detail: string) {
    super(`${file}:${line}:${col}: ${detail}`);
  }
}

export function errorAt(node: ts.Node, detail: string): CodewriterError {
  const sf = node.getSourceFile();
  const { line, character } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
  return new CodewriterError(sf.fileName, line + 1, character + 1, detail);
}

export function locationOf(node: ts.Node): string {
  const sf = node.getSourceFile();
  const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
  return `${sf.fileName.split('/').pop()}:${line + 1}`;
}

const BOOL = ts.TypeFlags.BooleanLike;
const NUM = ts.TypeFlags.NumberLike;

/** The kind of values of a TS type: booleans i, numbers f, nothing v, all else r. */
export function kindOfType(t: ts.Type): Kind {
  if (t.flags & (ts.TypeFlags.Void | ts.TypeFlags.Undefined | ts.TypeFlags.Never)) return 'v';
  if (t.flags & BOOL) return 'i';
  if (t.flags & NUM) return 'f';
  if (t.isUnion()) {
    if (t.types.every((m) => (m.flags & BOOL) !== 0)) return 'i';
    if (t.types.every((m) => (m.flags & NUM) !== 0)) return 'f';
  }
  return 'r';
}

/** JSDoc hint tags on a declaration (`@elidable`, `@dontLookInside`, ...). */
export function hintTags(node: ts.Node): Set<string> {
  const tags = new Set<string>();
  for (const tag of ts.getJSDocTags(node)) tags.add(tag.tagName.text);
  return tags;
}

export function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  const mods = ts.canHaveModifiers(node) ? ts.getModifiers(node) : undefined;
  return mods !== undefined && mods.some((m) => m.kind === kind);
}

/**
 * True when an array's items never change: `readonly T[]` / `ReadonlyArray<T>`,
 * or `ImmutableArray<A>` from metajit (for typed arrays).
 */
export function isReadonlyArrayType(checker: ts.TypeChecker, t: ts.Type): boolean {
  if (checker.getPropertyOfType(t, '__metajitImmutableItems') !== undefined) return true;
  const sym = t.getSymbol();
  return sym !== undefined && sym.getName() === 'ReadonlyArray' && checker.isArrayLikeType(t);
}

export function isArrayLike(checker: ts.TypeChecker, t: ts.Type): boolean {
  if (t.isIntersection()) return t.types.some((m) => isArrayLike(checker, m));
  if (checker.isArrayLikeType(t) && !(t.flags & ts.TypeFlags.StringLike)) return true;
  const name = t.getSymbol()?.getName() ?? '';
  return /^(Int8|Uint8|Uint8Clamped|Int16|Uint16|Int32|Uint32|Float32|Float64)Array$/.test(name);
}

/**
 * The typed-array class of an array type (`Uint8Array`, also inside
 * `ImmutableArray<Uint8Array>`) whose items the JIT can access by width, or
 * null (a JS array, Uint8ClampedArray, a union).
 */
export function typedArrayName(t: ts.Type): string | null {
  if (t.isIntersection()) {
    for (const m of t.types) {
      const name = typedArrayName(m);
      if (name !== null) return name;
    }
    return null;
  }
  const name = t.getSymbol()?.getName() ?? '';
  return /^(Int8|Uint8|Int16|Uint16|Int32|Uint32|Float32|Float64)Array$/.test(name) ? name : null;
}

export function isStringType(t: ts.Type): boolean {
  return (t.flags & ts.TypeFlags.StringLike) !== 0;
}
