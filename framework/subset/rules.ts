// The rules of restricted TypeScript: one row per rule, the single source of the
// rule ids. The checker (check.ts) reports a violation under one of these ids, the
// codewriter relies on every row holding, and test/subset/rules.test.ts has a
// failing and a passing snippet for each row.
//
// The subset is what the codewriter can analyze statically and what could later
// be translated to a typed heap: classes with declared, typed fields, single
// inheritance, virtual methods, number/boolean/string, class types, `T | null`,
// arrays and typed arrays, Map/Set as opaque library calls, exceptions, top-level
// functions and methods (DESIGN.md, "Restricted TypeScript").

export interface RuleInfo {
  /** Kebab-case id; printed in brackets after every message. */
  readonly id: string;
  /** What is refused. */
  readonly summary: string;
  /** One line on why the codewriter needs it. */
  readonly doc: string;
}

export const RULES = [
  {
    id: 'type-error',
    summary: 'the interpreter must type-check under strict TypeScript',
    doc: 'flow graphs are typed from the checker; a file with type errors has no reliable types',
  },
  {
    id: 'no-any',
    summary: "no explicit 'any' and no expression or declaration whose type is any",
    doc: 'every value needs a static kind (int, float, ref) for jitcodes and trace ops',
  },
  {
    id: 'no-undefined',
    summary: "no 'undefined' value or type, no optional '?' parameters or properties, no 'void 0'",
    doc: "one null value keeps reference kinds simple; 'void' is only a function return type",
  },
  {
    id: 'no-eval',
    summary: "no 'eval', no 'Function' constructor, no 'with'",
    doc: 'code made at run time cannot be codewritten ahead of time',
  },
  {
    id: 'no-dynamic-property',
    summary: 'obj[expr] only on arrays, typed arrays and strings with a number index; no computed or index-signature names',
    doc: 'field accesses must resolve to one declared field at codewriting time',
  },
  {
    id: 'no-prototype',
    summary: "no '.prototype', '__proto__', reflective 'Object.*' helpers, 'Reflect' or 'Proxy'",
    doc: 'object layouts are fixed by class declarations; prototype tricks change them behind the JIT',
  },
  {
    id: 'no-object-literal',
    summary: "no object literals except the single argument of 'new JitDriver({...})'",
    doc: 'classes carry all structure, so every allocation has a known class and field set',
  },
  {
    id: 'no-closures',
    summary: "no nested functions, function expressions or arrows (except JitDriver's getPrintableLocation)",
    doc: 'calls go to statically known top-level functions and methods; no captured environments',
  },
  {
    id: 'no-generators-async',
    summary: "no 'function*', 'yield', 'async' or 'await'",
    doc: 'suspended frames cannot be traced or rebuilt from resume data',
  },
  {
    id: 'no-var',
    summary: "no 'var' and no 'arguments'",
    doc: 'block-scoped bindings map one-to-one to flow-graph variables',
  },
  {
    id: 'no-module-state',
    summary: "no top-level 'let' (module-level mutable bindings); top-level 'const' is fine",
    doc: 'interpreter state lives in objects the portal receives, so traces can see and virtualize it',
  },
  {
    id: 'no-accessors',
    summary: "no 'get' / 'set' accessors",
    doc: 'a field read must be a field read, not a hidden call',
  },
  {
    id: 'no-delete-in',
    summary: "no 'delete', no 'in' operator, no 'for...in'",
    doc: 'the set of fields of an object never changes and is never enumerated',
  },
  {
    id: 'no-loose-equality',
    summary: "no '==' or '!=' (use '===' / '!==')",
    doc: 'loose equality coerces between kinds; strict equality is one trace op',
  },
  {
    id: 'no-destructuring-spread',
    summary: 'no destructuring patterns, no spread, no rest parameters',
    doc: 'calls have a fixed arity and every load is an explicit field or array read',
  },
  {
    id: 'no-optional-chaining',
    summary: "no '?.' and no '??'",
    doc: 'null checks are explicit branches, so each one becomes a visible guard',
  },
  {
    id: 'no-comma-void',
    summary: "no comma operator and no 'void' operator",
    doc: 'one expression, one value: sequencing belongs in statements',
  },
  {
    id: 'no-finally',
    summary: "no 'finally' blocks (try/catch is fine)",
    doc: 'finally paths duplicate control flow the blackhole interpreter would have to resume into',
  },
  {
    id: 'no-throw-non-object',
    summary: "'throw' takes a class instance (an Error or an interpreter class), not a string or number",
    doc: 'exceptions are matched by class, so every thrown value must have one',
  },
  {
    id: 'no-generics',
    summary: 'no type parameters on interpreter functions, classes, interfaces or type aliases',
    doc: 'each function gets one jitcode with fixed argument kinds; library generics (Array<T>, Map<K, V>) are fine',
  },
  {
    id: 'typeof-comparison',
    summary: "'typeof x' only directly compared with '===' / '!==' to a string literal",
    doc: 'a typeof test is a kind guard, never a string value',
  },
  {
    id: 'no-labels-on-non-loops',
    summary: 'labels only on loops',
    doc: 'break/continue targets are loops, the only places flow graphs need named exits',
  },
  {
    id: 'no-getter-class-expressions',
    summary: "no class expressions or nested classes (only top-level class declarations), no 'declare', no namespaces",
    doc: 'every class and value the codewriter sees has a body it can read at the top level',
  },
  {
    id: 'no-symbols-bigint-regex',
    summary: 'no Symbol, no BigInt, no regular expressions, no tagged templates',
    doc: 'kinds beyond int, float and ref, and opaque engines, have no trace ops',
  },
  {
    id: 'no-static-mutable',
    summary: "static class fields must be 'readonly'",
    doc: 'a mutable static field is module-level state in disguise',
  },
  {
    id: 'no-instanceof-non-class',
    summary: "the right side of 'instanceof' is a declared class or a built-in Error class",
    doc: 'instanceof becomes a class guard, so its right side must be a known class',
  },
  {
    id: 'no-foreign-imports',
    summary: "only relative imports of interpreter files and named imports from 'metajit'",
    doc: 'the codewriter must see the source of everything the interpreter calls',
  },
] as const satisfies readonly RuleInfo[];

export type RuleId = (typeof RULES)[number]['id'];

/** The row of a rule, by id. */
export function ruleInfo(id: RuleId): RuleInfo {
  for (const r of RULES) if (r.id === id) return r;
  throw new Error(`unknown subset rule '${id}'`);
}
