// The walk behind the subset checker: one visitor over each interpreter file that
// hands every node to one small function per rule family (rules.ts has the rows,
// check.ts the API). Families report at the most precise node: the operator of a
// binary expression, the `?.` token, the name of an optional parameter, the
// module specifier of an import.
//
// Where a rule needs types (no-any, no-dynamic-property, no-throw-non-object) it
// asks the checker; where it needs to know that a name is the built-in one (eval,
// Object, Symbol, ...) it resolves the symbol and requires a declaration in the
// default library, so an interpreter's own `Symbol` class is not refused.
//
// An `any` is reported where it starts, not at every use: an explicit `any`, a
// library call or property that yields any (JSON.parse), or a declaration whose
// inferred type is any. Uses of an any-typed value are not reported again.

import ts from 'typescript';
import * as path from 'node:path';
import type { SubsetViolation } from './check.js';
import type { RuleId } from './rules.js';

export interface FileContext {
  readonly program: ts.Program;
  readonly checker: ts.TypeChecker;
  /** The files being checked: "declared in the interpreter" means declared in one of these. */
  readonly interpreterFiles: ReadonlySet<ts.SourceFile>;
  /** The metajit framework source directory, if the program maps 'metajit'. */
  readonly frameworkDir: string | null;
  readonly sf: ts.SourceFile;
  readonly out: SubsetViolation[];
}

type Family = (ctx: FileContext, node: ts.Node) => void;

/** Walks one file; every node visits every family. */
export function checkFileRules(ctx: FileContext): void {
  const visit = (node: ts.Node): void => {
    for (const family of FAMILIES) family(ctx, node);
    ts.forEachChild(node, visit);
  };
  visit(ctx.sf);
}

function report(ctx: FileContext, at: ts.Node, rule: RuleId, message: string): void {
  const lc = ctx.sf.getLineAndCharacterOfPosition(at.getStart(ctx.sf));
  ctx.out.push({ rule, message, file: ctx.sf.fileName, line: lc.line + 1, col: lc.character + 1 });
}

// ---- rule families, in about the order of rules.ts ----

function checkAny(ctx: FileContext, node: ts.Node): void {
  if (node.kind === ts.SyntaxKind.AnyKeyword) {
    report(ctx, node, 'no-any', "explicit type 'any'; write the precise type");
  } else if (ts.isCallExpression(node) || ts.isNewExpression(node) || ts.isPropertyAccessExpression(node)) {
    // An any that starts here: no source of the value holds any (the object of `o.p`,
    // the callee of `f()`, and `o` in `o.m()`: `m.get(k)` on a Map<any, any> is not
    // an origin), and the declaration that produced it is not the interpreter's
    // (that one is reported where it is declared).
    const sources: ts.Expression[] = [node.expression];
    if (!ts.isPropertyAccessExpression(node) && ts.isPropertyAccessExpression(node.expression)) sources.push(node.expression.expression);
    if (!hasAny(ctx, node) || sources.some((e) => hasAny(ctx, e)) || declaredInInterpreter(ctx, node)) return;
    // `m: Map<string, number> = new Map()` is typed by its target: `new Map()` is
    // Map<any, any> only because of a library overload. A plain any is never absorbed.
    if (!isPlainAny(ctx.checker.getTypeAtLocation(node)) && hasPreciseContext(ctx, node)) return;
    report(ctx, node, 'no-any', `'${snippet(node)}' has type ${anyTypeText(ctx, node)}; convert it to a precise type`);
  } else if (ts.isVariableDeclaration(node) || ts.isParameter(node) || ts.isPropertyDeclaration(node)) {
    if (node.type !== undefined || !ts.isIdentifier(node.name) || !hasAny(ctx, node.name)) return;
    if (node.initializer !== undefined && hasAny(ctx, node.initializer) && !ts.isArrayLiteralExpression(node.initializer)) return;
    const loop = ts.isVariableDeclaration(node) ? node.parent.parent : null;
    if (loop !== null && ts.isForOfStatement(loop) && hasAny(ctx, loop.expression)) return;
    report(ctx, node.name, 'no-any', `'${node.name.text}' has implicit type ${anyTypeText(ctx, node.name)}; annotate its type`);
  }
}

function checkUndefined(ctx: FileContext, node: ts.Node): void {
  if (node.kind === ts.SyntaxKind.UndefinedKeyword) {
    report(ctx, node, 'no-undefined', "type 'undefined'; use null");
  } else if (ts.isIdentifier(node) && node.text === 'undefined' && isValueIdentifier(node)) {
    report(ctx, node, 'no-undefined', "value 'undefined'; use null");
  } else if (node.kind === ts.SyntaxKind.VoidKeyword && !isReturnTypeOf(node)) {
    report(ctx, node, 'no-undefined', "type 'void' outside a function return type; use null");
  } else if (ts.isVoidExpression(node) && ts.isNumericLiteral(node.expression)) {
    report(ctx, node, 'no-undefined', `'${snippet(node)}' is undefined; use null`);
  } else if (ts.isParameter(node) && node.questionToken !== undefined) {
    report(ctx, node.name, 'no-undefined', `optional parameter '${snippet(node.name)}?'; pass null explicitly`);
  } else if (
    (ts.isPropertyDeclaration(node) || ts.isPropertySignature(node) || ts.isMethodDeclaration(node) || ts.isMethodSignature(node)) &&
    node.questionToken !== undefined
  ) {
    report(ctx, node.name, 'no-undefined', `optional member '${snippet(node.name)}?'; use a '| null' type`);
  }
}

function checkEval(ctx: FileContext, node: ts.Node): void {
  if (ts.isWithStatement(node)) {
    report(ctx, node, 'no-eval', "'with' statement");
  } else if (ts.isIdentifier(node) && isLibGlobal(ctx, node, EVAL_GLOBALS)) {
    const what = node.text === 'eval' ? "'eval'" : "the 'Function' constructor";
    report(ctx, node, 'no-eval', `${what} runs code made at run time`);
  }
}

function checkDynamicProperty(ctx: FileContext, node: ts.Node): void {
  if (ts.isComputedPropertyName(node)) {
    report(ctx, node, 'no-dynamic-property', `computed property name '${snippet(node)}'; declare the member by name`);
  } else if (ts.isIndexSignatureDeclaration(node)) {
    report(ctx, node, 'no-dynamic-property', `index signature '${snippet(node)}'; declare fields by name or use a Map`);
  } else if (ts.isElementAccessExpression(node)) {
    const objType = ctx.checker.getNonNullableType(ctx.checker.getTypeAtLocation(node.expression));
    if (isAnyOrError(objType)) return;
    if (!isIndexable(ctx, objType)) {
      const typeText = ctx.checker.typeToString(objType);
      report(ctx, node, 'no-dynamic-property', `'${snippet(node)}' indexes a '${typeText}'; only arrays, typed arrays and strings may be indexed`);
      return;
    }
    const indexType = ctx.checker.getBaseTypeOfLiteralType(ctx.checker.getTypeAtLocation(node.argumentExpression));
    if ((indexType.flags & ts.TypeFlags.NumberLike) === 0 && !isAnyOrError(indexType)) {
      const typeText = ctx.checker.typeToString(indexType);
      report(ctx, node.argumentExpression, 'no-dynamic-property', `index '${snippet(node.argumentExpression)}' has type '${typeText}', not number`);
    }
  }
}

function checkPrototype(ctx: FileContext, node: ts.Node): void {
  if (ts.isPropertyAccessExpression(node)) {
    const name = node.name.text;
    if (name === 'prototype' || name === '__proto__') {
      report(ctx, node.name, 'no-prototype', `'.${name}' access`);
    } else if (ts.isIdentifier(node.expression) && isLibGlobal(ctx, node.expression, OBJECT_GLOBAL) && REFLECTIVE_OBJECT_METHODS.has(name)) {
      report(ctx, node, 'no-prototype', `'Object.${name}' inspects or reshapes objects; use class fields`);
    }
  } else if (ts.isIdentifier(node) && isLibGlobal(ctx, node, REFLECT_GLOBALS)) {
    report(ctx, node, 'no-prototype', `'${node.text}' reflects on objects; use class fields and methods`);
  }
}

function checkObjectLiteral(ctx: FileContext, node: ts.Node): void {
  if (!ts.isObjectLiteralExpression(node) || isJitDriverSpec(ctx, node) || isDestructuringTarget(node)) return;
  report(ctx, node, 'no-object-literal', 'object literal; declare a class and allocate it with new');
}

function checkClosures(ctx: FileContext, node: ts.Node): void {
  if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) {
    if (isPrintableLocation(ctx, node)) return;
    const what = ts.isArrowFunction(node) ? 'arrow function' : 'function expression';
    report(ctx, node, 'no-closures', `${what}; closures are not allowed, use a top-level function declaration`);
  } else if (ts.isFunctionDeclaration(node) && !ts.isSourceFile(node.parent)) {
    report(ctx, node.name ?? node, 'no-closures', `nested function '${nameOf(node)}'; move it to the top level`);
  } else if (ts.isMethodDeclaration(node) && ts.isObjectLiteralExpression(node.parent) && !isPrintableLocation(ctx, node)) {
    report(ctx, node, 'no-closures', `object literal method '${nameOf(node)}'; use a class method`);
  }
}

function checkGeneratorsAsync(ctx: FileContext, node: ts.Node): void {
  if ((ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isMethodDeclaration(node)) && node.asteriskToken !== undefined) {
    report(ctx, node.asteriskToken, 'no-generators-async', `generator function '${nameOf(node)}'`);
  } else if (ts.isFunctionLike(node)) {
    const asyncKeyword = modifierOf(node, ts.SyntaxKind.AsyncKeyword);
    if (asyncKeyword !== null) report(ctx, asyncKeyword, 'no-generators-async', `async function '${nameOf(node)}'`);
  } else if (ts.isAwaitExpression(node) || (ts.isForOfStatement(node) && node.awaitModifier !== undefined)) {
    // Inside an async function the function itself is reported; this is top-level await.
    const fn = enclosingFunction(node);
    if (fn === null || modifierOf(fn, ts.SyntaxKind.AsyncKeyword) === null) {
      report(ctx, node, 'no-generators-async', "'await' outside an async function");
    }
  }
}

function checkVar(ctx: FileContext, node: ts.Node): void {
  if (ts.isVariableDeclarationList(node) && (node.flags & ts.NodeFlags.BlockScoped) === 0) {
    report(ctx, node, 'no-var', `'var ${node.declarations.map((d) => snippet(d.name)).join(', ')}'; use let or const`);
  } else if (ts.isIdentifier(node) && node.text === 'arguments' && isValueIdentifier(node)) {
    report(ctx, node, 'no-var', "'arguments'; declare the parameters");
  }
}

function checkModuleState(ctx: FileContext, node: ts.Node): void {
  if (!ts.isVariableStatement(node) || !ts.isSourceFile(node.parent)) return;
  const list = node.declarationList;
  if ((list.flags & ts.NodeFlags.Let) === 0) return;
  const names = list.declarations.map((d) => snippet(d.name)).join(', ');
  report(ctx, list, 'no-module-state', `top-level 'let ${names}' is module-level mutable state; keep state in objects`);
}

function checkAccessors(ctx: FileContext, node: ts.Node): void {
  if (ts.isGetAccessorDeclaration(node) || ts.isSetAccessorDeclaration(node)) {
    const kind = ts.isGetAccessorDeclaration(node) ? 'get' : 'set';
    report(ctx, node.name, 'no-accessors', `'${kind}' accessor '${nameOf(node)}'; use a field or a method`);
  }
}

function checkDeleteIn(ctx: FileContext, node: ts.Node): void {
  if (ts.isDeleteExpression(node)) {
    report(ctx, node, 'no-delete-in', `'delete' of '${snippet(node.expression)}'; fields are fixed by the class`);
  } else if (ts.isForInStatement(node)) {
    report(ctx, node, 'no-delete-in', "'for...in' enumerates fields; loop over an array instead");
  }
}

/** Binary operators the subset refuses (no-loose-equality, no-delete-in, ...): one row each. */
const REFUSED_OPERATORS: ReadonlyMap<ts.SyntaxKind, { readonly rule: RuleId; readonly message: string }> = new Map([
  [ts.SyntaxKind.EqualsEqualsToken, { rule: 'no-loose-equality', message: "'==' is loose equality; use '==='" }],
  [ts.SyntaxKind.ExclamationEqualsToken, { rule: 'no-loose-equality', message: "'!=' is loose inequality; use '!=='" }],
  [ts.SyntaxKind.InKeyword, { rule: 'no-delete-in', message: "'in' operator; fields are fixed by the class" }],
  [ts.SyntaxKind.QuestionQuestionToken, { rule: 'no-optional-chaining', message: "'??'; test for null explicitly" }],
  [ts.SyntaxKind.QuestionQuestionEqualsToken, { rule: 'no-optional-chaining', message: "'??='; test for null explicitly" }],
  [ts.SyntaxKind.CommaToken, { rule: 'no-comma-void', message: 'comma operator; write separate statements' }],
]);

function checkOperators(ctx: FileContext, node: ts.Node): void {
  if (!ts.isBinaryExpression(node)) return;
  const refused = REFUSED_OPERATORS.get(node.operatorToken.kind);
  if (refused !== undefined) report(ctx, node.operatorToken, refused.rule, refused.message);
}

function checkDestructuringSpread(ctx: FileContext, node: ts.Node): void {
  if (ts.isObjectBindingPattern(node) || ts.isArrayBindingPattern(node)) {
    report(ctx, node, 'no-destructuring-spread', `destructuring pattern '${snippet(node)}'; read fields one by one`);
  } else if (isDestructuringTarget(node)) {
    report(ctx, node, 'no-destructuring-spread', `destructuring assignment to '${snippet(node)}'; assign one by one`);
  } else if (ts.isSpreadElement(node) || ts.isSpreadAssignment(node)) {
    report(ctx, node, 'no-destructuring-spread', `spread '${snippet(node)}'; pass elements explicitly`);
  } else if (ts.isParameter(node) && node.dotDotDotToken !== undefined) {
    report(ctx, node, 'no-destructuring-spread', `rest parameter '${snippet(node.name)}'; pass an array`);
  }
}

function checkOptionalChaining(ctx: FileContext, node: ts.Node): void {
  if ((ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node) || ts.isCallExpression(node)) && node.questionDotToken !== undefined) {
    report(ctx, node.questionDotToken, 'no-optional-chaining', `optional chaining '?.' in '${snippet(node)}'; test for null explicitly`);
  }
}

function checkVoidOperator(ctx: FileContext, node: ts.Node): void {
  // `void 0` is a way of writing undefined and is reported by no-undefined.
  if (ts.isVoidExpression(node) && !ts.isNumericLiteral(node.expression)) {
    report(ctx, node, 'no-comma-void', `'void' operator in '${snippet(node)}'; write the expression as a statement`);
  }
}

function checkFinally(ctx: FileContext, node: ts.Node): void {
  if (!ts.isTryStatement(node) || node.finallyBlock === undefined) return;
  const keyword = node.getChildren(ctx.sf).find((c) => c.kind === ts.SyntaxKind.FinallyKeyword);
  report(ctx, keyword ?? node.finallyBlock, 'no-finally', "'finally' block; repeat the cleanup on each path");
}

function checkThrow(ctx: FileContext, node: ts.Node): void {
  if (!ts.isThrowStatement(node) || isCaughtValue(ctx, node.expression)) return;
  const type = ctx.checker.getTypeAtLocation(node.expression);
  if (isAnyOrError(type) || isClassInstanceType(ctx, type)) return;
  const typeText = ctx.checker.typeToString(ctx.checker.getBaseTypeOfLiteralType(type));
  report(ctx, node.expression, 'no-throw-non-object', `'throw' of type '${typeText}'; throw an instance of a class`);
}

function checkGenerics(ctx: FileContext, node: ts.Node): void {
  const isGenericKind = ts.isFunctionLike(node) || ts.isClassLike(node) || ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node);
  if (!isGenericKind || node.typeParameters === undefined || node.typeParameters.length === 0) return;
  const params = node.typeParameters.map((p) => p.name.text).join(', ');
  report(ctx, node.typeParameters[0], 'no-generics', `generic declaration '${nameOf(node)}<${params}>'; write it for concrete types`);
}

function checkTypeof(ctx: FileContext, node: ts.Node): void {
  if (!ts.isTypeOfExpression(node)) return;
  let at: ts.Node = node;
  while (ts.isParenthesizedExpression(at.parent)) at = at.parent;
  const cmp = at.parent;
  if (ts.isBinaryExpression(cmp) && isStrictEquality(cmp.operatorToken.kind)) {
    const other = cmp.left === at ? cmp.right : cmp.left;
    if (ts.isStringLiteral(other) || ts.isNoSubstitutionTemplateLiteral(other)) return;
  }
  report(ctx, node, 'typeof-comparison', `'${snippet(node)}' must be compared with === or !== to a string literal`);
}

function checkLabels(ctx: FileContext, node: ts.Node): void {
  if (ts.isLabeledStatement(node) && !ts.isIterationStatement(node.statement, false)) {
    report(ctx, node, 'no-labels-on-non-loops', `label '${node.label.text}' is not on a loop`);
  }
}

function checkClassForms(ctx: FileContext, node: ts.Node): void {
  if (ts.isClassExpression(node)) {
    report(ctx, node, 'no-getter-class-expressions', 'class expression; declare the class at the top level');
  } else if (ts.isClassDeclaration(node) && !ts.isSourceFile(node.parent)) {
    report(ctx, node.name ?? node, 'no-getter-class-expressions', `class '${nameOf(node)}' is not declared at the top level`);
  } else if (ts.isModuleDeclaration(node) && !ts.isModuleDeclaration(node.parent)) {
    report(ctx, node.name, 'no-getter-class-expressions', `namespace '${node.name.text}'; use top-level declarations`);
  }
  const declareKeyword = modifierOf(node, ts.SyntaxKind.DeclareKeyword);
  if (declareKeyword !== null) {
    report(ctx, declareKeyword, 'no-getter-class-expressions', `'declare' of '${nameOf(node)}' has no body the codewriter can read`);
  }
}

function checkSymbolsBigintRegex(ctx: FileContext, node: ts.Node): void {
  switch (node.kind) {
    case ts.SyntaxKind.BigIntLiteral:
      return report(ctx, node, 'no-symbols-bigint-regex', `BigInt literal '${snippet(node)}'`);
    case ts.SyntaxKind.BigIntKeyword:
      return report(ctx, node, 'no-symbols-bigint-regex', "type 'bigint'");
    case ts.SyntaxKind.SymbolKeyword:
      return report(ctx, node, 'no-symbols-bigint-regex', "type 'symbol'");
    case ts.SyntaxKind.RegularExpressionLiteral:
      return report(ctx, node, 'no-symbols-bigint-regex', `regular expression literal '${snippet(node)}'`);
    case ts.SyntaxKind.TaggedTemplateExpression:
      return report(ctx, node, 'no-symbols-bigint-regex', `tagged template '${snippet(node)}'`);
    case ts.SyntaxKind.Identifier:
      if (isLibGlobal(ctx, node as ts.Identifier, SYMBOL_GLOBALS)) {
        report(ctx, node, 'no-symbols-bigint-regex', `'${(node as ts.Identifier).text}' is not in the subset`);
      }
  }
}

function checkStaticMutable(ctx: FileContext, node: ts.Node): void {
  if (!ts.isPropertyDeclaration(node) || modifierOf(node, ts.SyntaxKind.StaticKeyword) === null) return;
  if (modifierOf(node, ts.SyntaxKind.ReadonlyKeyword) !== null) return;
  report(ctx, node.name, 'no-static-mutable', `static field '${snippet(node.name)}' is mutable; make it 'static readonly'`);
}

function checkInstanceof(ctx: FileContext, node: ts.Node): void {
  if (!ts.isBinaryExpression(node) || node.operatorToken.kind !== ts.SyntaxKind.InstanceOfKeyword) return;
  const symbol = resolvedSymbol(ctx, node.right);
  if (symbol !== null && (isDeclaredClass(symbol) || isBuiltinError(ctx, symbol))) return;
  report(ctx, node.right, 'no-instanceof-non-class', `'instanceof ${snippet(node.right)}': the right side must be a declared class or a built-in Error class`);
}

function checkImports(ctx: FileContext, node: ts.Node): void {
  if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) {
    const spec = node.moduleSpecifier;
    if (spec === undefined || !ts.isStringLiteral(spec)) return;
    const problem = importProblem(ctx, node, spec);
    if (problem !== null) report(ctx, spec, 'no-foreign-imports', problem);
  } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
    report(ctx, node, 'no-foreign-imports', "'import = require(...)'; use a named import");
  } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
    report(ctx, node, 'no-foreign-imports', "dynamic 'import()'; use a static import");
  }
}

const FAMILIES: readonly Family[] = [
  checkAny,
  checkUndefined,
  checkEval,
  checkDynamicProperty,
  checkPrototype,
  checkObjectLiteral,
  checkClosures,
  checkGeneratorsAsync,
  checkVar,
  checkModuleState,
  checkAccessors,
  checkDeleteIn,
  checkOperators,
  checkDestructuringSpread,
  checkOptionalChaining,
  checkVoidOperator,
  checkFinally,
  checkThrow,
  checkGenerics,
  checkTypeof,
  checkLabels,
  checkClassForms,
  checkSymbolsBigintRegex,
  checkStaticMutable,
  checkInstanceof,
  checkImports,
];

// ---- what the families share ----

const EVAL_GLOBALS: ReadonlySet<string> = new Set(['eval', 'Function']);
const OBJECT_GLOBAL: ReadonlySet<string> = new Set(['Object']);
const REFLECT_GLOBALS: ReadonlySet<string> = new Set(['Reflect', 'Proxy']);
const SYMBOL_GLOBALS: ReadonlySet<string> = new Set(['Symbol', 'BigInt', 'RegExp']);
const REFLECTIVE_OBJECT_METHODS: ReadonlySet<string> = new Set([
  'setPrototypeOf', 'getPrototypeOf', 'defineProperty', 'defineProperties', 'assign', 'create',
  'keys', 'entries', 'values', 'fromEntries', 'getOwnPropertyNames', 'getOwnPropertyDescriptor',
  'getOwnPropertyDescriptors',
]);
const TYPED_ARRAYS: ReadonlySet<string> = new Set([
  'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array',
  'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array',
]);
const BUILTIN_ERRORS: ReadonlySet<string> = new Set([
  'Error', 'EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError', 'URIError', 'AggregateError',
]);

/** The checker's error type (an unresolved name) is an `any` too; type-error reports it. */
function isAnyOrError(type: ts.Type): boolean {
  return (type.flags & ts.TypeFlags.Any) !== 0;
}

/** The type is any, or holds any as a type argument (`any[]`, `Map<any, any>`). */
function hasAny(ctx: FileContext, node: ts.Node): boolean {
  const type = ctx.checker.getTypeAtLocation(node);
  return isPlainAny(type) || anyTypeArgument(ctx, type);
}

/** An any that is not the checker's error type (an unresolved name, reported as type-error). */
function isPlainAny(type: ts.Type): boolean {
  const intrinsic: unknown = (type as ts.Type & { intrinsicName?: unknown }).intrinsicName;
  return isAnyOrError(type) && intrinsic !== 'error';
}

/** The expression flows into a place with a declared type that holds no any. */
function hasPreciseContext(ctx: FileContext, expr: ts.Expression): boolean {
  const context = ctx.checker.getContextualType(expr);
  if (context === undefined || isPlainAny(context)) return false;
  return !anyTypeArgument(ctx, context);
}

/** A generic instance with an any type argument: `any[]`, `Map<any, any>`. */
function anyTypeArgument(ctx: FileContext, type: ts.Type): boolean {
  const isReference = (type.flags & ts.TypeFlags.Object) !== 0 && ((type as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference) !== 0;
  return isReference && ctx.checker.getTypeArguments(type as ts.TypeReference).some(isPlainAny);
}

function anyTypeText(ctx: FileContext, node: ts.Node): string {
  const type = ctx.checker.getTypeAtLocation(node);
  return isPlainAny(type) ? 'any' : `'${ctx.checker.typeToString(type)}'`;
}

function declaredInInterpreter(ctx: FileContext, node: ts.CallExpression | ts.NewExpression | ts.PropertyAccessExpression): boolean {
  if (ts.isPropertyAccessExpression(node)) {
    const decls = ctx.checker.getSymbolAtLocation(node.name)?.declarations ?? [];
    return decls.some((d) => ctx.interpreterFiles.has(d.getSourceFile()));
  }
  const decl = ctx.checker.getResolvedSignature(node)?.declaration;
  return decl !== undefined && ctx.interpreterFiles.has(decl.getSourceFile());
}

/** True for an identifier that reads a binding (not a property name, a declared name or a label). */
function isValueIdentifier(id: ts.Identifier): boolean {
  const parent = id.parent;
  if (ts.isPropertyAccessExpression(parent)) return parent.expression === id;
  if (ts.isQualifiedName(parent) || ts.isTypeReferenceNode(parent) || ts.isTypeQueryNode(parent)) return false;
  if (ts.isLabeledStatement(parent) || ts.isBreakOrContinueStatement(parent)) return false;
  if (ts.isShorthandPropertyAssignment(parent)) return true;
  if (ts.isImportSpecifier(parent) || ts.isExportSpecifier(parent)) return false;
  return ts.getNameOfDeclaration(parent as ts.Declaration) !== id;
}

/** `id` reads one of `names` and that name is the default library's, not an interpreter binding. */
function isLibGlobal(ctx: FileContext, id: ts.Identifier, names: ReadonlySet<string>): boolean {
  if (!names.has(id.text) || !isValueIdentifier(id)) return false;
  const decls = ctx.checker.getSymbolAtLocation(id)?.declarations ?? [];
  return decls.some((d) => ctx.program.isSourceFileDefaultLibrary(d.getSourceFile()));
}

function resolvedSymbol(ctx: FileContext, node: ts.Node): ts.Symbol | null {
  const symbol = ctx.checker.getSymbolAtLocation(node);
  if (symbol === undefined) return null;
  return (symbol.flags & ts.SymbolFlags.Alias) !== 0 ? ctx.checker.getAliasedSymbol(symbol) : symbol;
}

/** A class with a source declaration (the interpreter's or the framework's), not a library one. */
function isDeclaredClass(symbol: ts.Symbol): boolean {
  return (symbol.declarations ?? []).some((d) => ts.isClassDeclaration(d) && !d.getSourceFile().isDeclarationFile);
}

function isBuiltinError(ctx: FileContext, symbol: ts.Symbol): boolean {
  if (!BUILTIN_ERRORS.has(symbol.getName())) return false;
  return (symbol.declarations ?? []).some((d) => ctx.program.isSourceFileDefaultLibrary(d.getSourceFile()));
}

/** Every member of the type is an instance of a declared class or of a built-in Error. */
function isClassInstanceType(ctx: FileContext, type: ts.Type): boolean {
  if (type.isUnion()) return type.types.every((t) => isClassInstanceType(ctx, t));
  const symbol = type.getSymbol();
  if ((type.flags & ts.TypeFlags.Object) === 0 || symbol === undefined) return false;
  return isDeclaredClass(symbol) || isBuiltinError(ctx, symbol);
}

/** `throw e` inside `catch (e)`: rethrowing what was caught, which was a class instance. */
function isCaughtValue(ctx: FileContext, expr: ts.Expression): boolean {
  if (!ts.isIdentifier(expr)) return false;
  const decls = ctx.checker.getSymbolAtLocation(expr)?.declarations ?? [];
  return decls.length === 1 && ts.isVariableDeclaration(decls[0]) && ts.isCatchClause(decls[0].parent);
}

function isIndexable(ctx: FileContext, type: ts.Type): boolean {
  if ((type.flags & ts.TypeFlags.StringLike) !== 0) return true;
  // ImmutableArray<A> from metajit is A & { brand }: indexable when A is.
  if (type.isIntersection()) return type.types.some((m) => isIndexable(ctx, m));
  if (ctx.checker.isArrayType(type) || ctx.checker.isTupleType(type)) return true;
  const symbol = type.getSymbol();
  return symbol !== undefined && TYPED_ARRAYS.has(symbol.getName()) &&
    (symbol.declarations ?? []).some((d) => ctx.program.isSourceFileDefaultLibrary(d.getSourceFile()));
}

/** The one object literal the subset allows: the spec in `new JitDriver({...})`. */
function isJitDriverSpec(ctx: FileContext, lit: ts.ObjectLiteralExpression): boolean {
  const call = lit.parent;
  if (!ts.isNewExpression(call) || call.arguments === undefined || call.arguments.length !== 1) return false;
  if (call.arguments[0] !== lit) return false;
  const symbol = resolvedSymbol(ctx, call.expression);
  return symbol !== null && symbol.getName() === 'JitDriver' &&
    (symbol.declarations ?? []).some((d) => ts.isClassDeclaration(d) && !ctx.interpreterFiles.has(d.getSourceFile()));
}

/** The one function value the subset allows: `getPrintableLocation` in the JitDriver spec. */
function isPrintableLocation(ctx: FileContext, fn: ts.ArrowFunction | ts.FunctionExpression | ts.MethodDeclaration): boolean {
  const prop = ts.isMethodDeclaration(fn) ? fn : fn.parent;
  if (!(ts.isPropertyAssignment(prop) || ts.isMethodDeclaration(prop)) || !ts.isIdentifier(prop.name)) return false;
  if (prop.name.text !== 'getPrintableLocation' || (ts.isPropertyAssignment(prop) && prop.initializer !== fn)) return false;
  return ts.isObjectLiteralExpression(prop.parent) && isJitDriverSpec(ctx, prop.parent);
}

/** `[a, b] = ...` or `{ a } = ...`: a literal used as an assignment pattern. */
function isDestructuringTarget(node: ts.Node): boolean {
  if (!ts.isObjectLiteralExpression(node) && !ts.isArrayLiteralExpression(node)) return false;
  const parent = node.parent;
  return ts.isBinaryExpression(parent) && parent.left === node && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken;
}

function importProblem(ctx: FileContext, decl: ts.ImportDeclaration | ts.ExportDeclaration, spec: ts.StringLiteral): string | null {
  const name = spec.text;
  if (name === 'metajit') {
    const named = ts.isImportDeclaration(decl)
      ? decl.importClause !== undefined && decl.importClause.name === undefined &&
        decl.importClause.namedBindings !== undefined && ts.isNamedImports(decl.importClause.namedBindings)
      : decl.exportClause !== undefined && ts.isNamedExports(decl.exportClause);
    return named ? null : "'metajit' must be imported with named bindings: import { JitDriver } from 'metajit'";
  }
  if (!name.startsWith('./') && !name.startsWith('../')) {
    return `import of '${name}'; interpreters import only their own files (relative) and 'metajit'`;
  }
  // A relative import TypeScript cannot resolve is a type error already.
  const target = ctx.checker.getSymbolAtLocation(spec)?.valueDeclaration;
  if (target === undefined || !ts.isSourceFile(target)) return null;
  if (ctx.frameworkDir !== null && isInside(ctx.frameworkDir, target.fileName)) {
    return `'${name}' reaches into the framework; import it from 'metajit'`;
  }
  return target.isDeclarationFile ? `'${name}' resolves to a declaration file, not interpreter source` : null;
}

function isStrictEquality(kind: ts.SyntaxKind): boolean {
  return kind === ts.SyntaxKind.EqualsEqualsEqualsToken || kind === ts.SyntaxKind.ExclamationEqualsEqualsToken;
}

function isReturnTypeOf(typeNode: ts.Node): boolean {
  const parent = typeNode.parent;
  return ts.isFunctionLike(parent) && parent.type === typeNode;
}

function enclosingFunction(node: ts.Node): ts.SignatureDeclaration | null {
  for (let p = node.parent; !ts.isSourceFile(p); p = p.parent) {
    if (ts.isFunctionLike(p)) return p;
  }
  return null;
}

function modifierOf(node: ts.Node, kind: ts.SyntaxKind): ts.Modifier | null {
  if (!ts.canHaveModifiers(node)) return null;
  return ts.getModifiers(node)?.find((m) => m.kind === kind) ?? null;
}

function nameOf(node: ts.Node): string {
  if (ts.isVariableStatement(node)) return node.declarationList.declarations.map((d) => snippet(d.name)).join(', ');
  const name = ts.getNameOfDeclaration(node as ts.Declaration);
  return name === undefined ? '(anonymous)' : snippet(name);
}

/** The source text of a node on one line, shortened for messages. */
function snippet(node: ts.Node): string {
  const text = node.getText().replace(/\s+/g, ' ');
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** `file` lies strictly inside `dir`. */
export function isInside(dir: string, file: string): boolean {
  const rel = path.relative(dir, path.resolve(file));
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}
