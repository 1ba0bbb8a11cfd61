// One failing and one passing snippet per subset rule. Each failing snippet must
// produce exactly one violation, of its rule, at `line:col`, with a message that
// names what is wrong. The case table is a Record over RuleId, so a new rule does
// not compile until it has cases here.
//
// Snippets are written to a temp directory (with a package.json of type module, as
// interpreters live in ESM packages) and checked with checkSubsetFiles. One compiler
// host caches parsed library and framework files across the many small programs.

import { describe, expect, test } from 'vitest';
import ts from 'typescript';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkSubsetFiles, formatViolation, subsetCompilerOptions } from '../../framework/subset/check.js';
import type { SubsetViolation } from '../../framework/subset/check.js';
import { RULES } from '../../framework/subset/rules.js';
import type { RuleId } from '../../framework/subset/rules.js';

interface Bad {
  readonly code: string;
  /** `line:col` of the one violation. */
  readonly at: string;
  /** A piece of the message that names what is wrong. */
  readonly says: string;
}

interface Cases {
  readonly bad: readonly Bad[];
  readonly good: readonly string[];
}

const CASES: Record<RuleId, Cases> = {
  'type-error': {
    bad: [{ code: "export const n: number = 'one';", at: '1:14', says: "Type 'string' is not assignable to type 'number'. (TS2322)" }],
    good: ['export const n: number = 1;'],
  },
  'no-any': {
    bad: [
      { code: 'export function f(x: any): number {\n  return 1;\n}', at: '1:22', says: "explicit type 'any'" },
      { code: "export const n: number = JSON.parse('1');", at: '1:26', says: "'JSON.parse('1')' has type any" },
      { code: 'export function f(): number {\n  let x;\n  x = 1;\n  return x;\n}', at: '2:7', says: "'x' has implicit type any" },
      { code: 'export function f(x): number {\n  return 1;\n}', at: '1:19', says: "'x' has implicit type any" },
      { code: 'export class P {\n  x;\n}', at: '2:3', says: "'x' has implicit type any" },
      { code: 'export function f(): number {\n  const m = new Map();\n  return m.size;\n}', at: '2:13', says: "'new Map()' has type 'Map<any, any>'" },
      { code: 'export function f(): number {\n  const a = [];\n  a.push(1);\n  return a[0];\n}', at: '2:9', says: "'a' has implicit type 'any[]'" },
      { code: "export function f(s: string): number {\n  const v = JSON.parse(s);\n  return v.length + v.size;\n}", at: '2:13', says: "'JSON.parse(s)' has type any" },
    ],
    good: [
      'export function f(x: number): number {\n  const y = x * 2;\n  return y;\n}',
      'export function f(): number {\n  const m = new Map<string, number>();\n  const a: number[] = [];\n  a.push(m.size);\n  return a[0];\n}',
      // `new Map()` is Map<any, any> by a library overload, but its target types it.
      'export class P {\n  readonly m: Map<string, number>;\n  constructor() {\n    this.m = new Map();\n  }\n}\nexport const m: Map<string, P> = new Map();',
    ],
  },
  'no-undefined': {
    bad: [
      { code: 'export function f(x: number | null): boolean {\n  return x === undefined;\n}', at: '2:16', says: "value 'undefined'" },
      { code: 'export function f(x: number | undefined): number {\n  return 0;\n}', at: '1:31', says: "type 'undefined'" },
      { code: 'export function f(x?: number): number {\n  return 0;\n}', at: '1:19', says: "optional parameter 'x?'" },
      { code: 'export class P {\n  x?: number;\n}', at: '2:3', says: "optional member 'x?'" },
      { code: 'export function f(): void {\n  return void 0;\n}', at: '2:10', says: "'void 0' is undefined" },
      { code: 'export function f(g: void): number {\n  return 0;\n}', at: '1:22', says: "type 'void' outside a function return type" },
    ],
    good: [
      'export function f(x: number | null): number {\n  if (x === null) return 0;\n  return x;\n}\nexport function g(): void {\n  return;\n}',
      'export class P {\n  x: number | null = null;\n  m(): void {}\n}',
    ],
  },
  'no-eval': {
    bad: [
      { code: 'export function f(s: string): number {\n  return eval(s) as number;\n}', at: '2:10', says: "'eval'" },
      { code: "export const f = new Function('return 1');", at: '1:22', says: "the 'Function' constructor" },
      { code: 'with (Math) {\n}', at: '1:1', says: "'with' statement" },
    ],
    good: ['export function f(s: string): number {\n  return s.length;\n}'],
  },
  'no-dynamic-property': {
    bad: [
      { code: "export class P {\n  x = 1;\n}\nexport function f(p: P, k: 'x'): number {\n  return p[k];\n}", at: '5:10', says: "'p[k]' indexes a 'P'" },
      { code: "export function f(m: Map<string, number>): number {\n  return m['size'];\n}", at: '2:10', says: "indexes a 'Map<string, number>'" },
      { code: "export function f(a: number[]): number {\n  return a['0'];\n}", at: '2:12', says: "index ''0'' has type 'string', not number" },
      { code: "const K = 'x';\nexport class P {\n  [K] = 1;\n}", at: '3:3', says: "computed property name '[K]'" },
      { code: 'export interface D {\n  [k: string]: number;\n}', at: '2:3', says: 'index signature' },
    ],
    good: [
      'export function f(a: number[], b: Int32Array, s: string, i: number): number {\n  a[i] = b[i];\n  return a[i] + s[i].length;\n}',
      'export function f(t: readonly number[], u: Float64Array | null): number {\n  if (u === null) return t[0];\n  return u[0];\n}',
    ],
  },
  'no-prototype': {
    bad: [
      { code: 'export class P {}\nexport const q = P.prototype;', at: '2:20', says: "'.prototype'" },
      { code: 'export class P {\n  x = 1;\n}\nexport function f(p: P): number {\n  return Object.keys(p).length;\n}', at: '5:10', says: "'Object.keys'" },
      { code: 'export const h = Reflect.has;', at: '1:18', says: "'Reflect'" },
    ],
    good: ['export class P {\n  x = 1;\n}\nexport function f(p: P): number {\n  return p.x;\n}'],
  },
  'no-object-literal': {
    bad: [
      { code: 'export class P {\n  x = 1;\n}\nexport function f(): P {\n  return { x: 1 };\n}', at: '5:10', says: 'object literal' },
    ],
    good: ["import { JitDriver } from 'metajit';\nexport const driver = new JitDriver({ greens: ['pc'], reds: ['frame'] });"],
  },
  'no-closures': {
    bad: [
      { code: 'export function f(a: number[]): number[] {\n  return a.map((x: number): number => x + 1);\n}', at: '2:16', says: 'arrow function' },
      { code: 'export function f(): number {\n  function g(): number {\n    return 1;\n  }\n  return g();\n}', at: '2:12', says: "nested function 'g'" },
      { code: 'export const g = function (): number {\n  return 1;\n};', at: '1:18', says: 'function expression' },
    ],
    good: [
      "import { JitDriver } from 'metajit';\n" +
        'export function describe(pc: number): string {\n  return `pc ${pc}`;\n}\n' +
        "export const driver = new JitDriver({\n  greens: ['pc'],\n  reds: ['frame'],\n" +
        '  getPrintableLocation: (pc: number): string => describe(pc),\n});',
      "import { JitDriver } from 'metajit';\n" +
        "export const driver = new JitDriver({\n  greens: ['pc'],\n  reds: ['frame'],\n" +
        '  getPrintableLocation(pc: number): string {\n    return `pc ${pc}`;\n  },\n});',
    ],
  },
  'no-generators-async': {
    bad: [
      { code: 'export function* g(): Generator<number> {\n  yield 1;\n}', at: '1:16', says: "generator function 'g'" },
      { code: 'export async function f(): Promise<number> {\n  return 1;\n}', at: '1:8', says: "async function 'f'" },
      { code: 'export const n: number = await Promise.resolve(1);', at: '1:26', says: "'await' outside an async function" },
    ],
    good: ['export function f(): number {\n  return 1;\n}'],
  },
  'no-var': {
    bad: [
      { code: 'export function f(): number {\n  var x = 1;\n  return x;\n}', at: '2:3', says: "'var x'" },
      { code: 'export function f(a: number): number {\n  return arguments.length + a;\n}', at: '2:10', says: "'arguments'" },
    ],
    good: ['export function f(): number {\n  let x = 1;\n  x++;\n  return x;\n}'],
  },
  'no-module-state': {
    bad: [{ code: 'let counter = 0;\nexport function f(): number {\n  return counter;\n}', at: '1:1', says: "top-level 'let counter'" }],
    good: ['export const LIMIT = 10;\nexport function f(): number {\n  let n = LIMIT;\n  n--;\n  return n;\n}'],
  },
  'no-accessors': {
    bad: [
      { code: 'export class P {\n  private v = 1;\n  get x(): number {\n    return this.v;\n  }\n}', at: '3:7', says: "'get' accessor 'x'" },
      { code: 'export class P {\n  private v = 1;\n  set x(n: number) {\n    this.v = n;\n  }\n}', at: '3:7', says: "'set' accessor 'x'" },
    ],
    good: ['export class P {\n  private v = 1;\n  x(): number {\n    return this.v;\n  }\n}'],
  },
  'no-delete-in': {
    bad: [
      { code: 'export function f(a: number[]): void {\n  delete a[0];\n}', at: '2:3', says: "'delete' of 'a[0]'" },
      { code: "export class P {\n  x = 1;\n}\nexport function f(p: P): boolean {\n  return 'x' in p;\n}", at: '5:14', says: "'in' operator" },
      { code: 'export function f(a: number[]): number {\n  let n = 0;\n  for (const k in a) n++;\n  return n;\n}', at: '3:3', says: "'for...in'" },
    ],
    good: ['export function f(a: number[]): number {\n  let n = 0;\n  for (const x of a) n += x;\n  return n;\n}'],
  },
  'no-loose-equality': {
    bad: [
      { code: 'export function f(a: number): boolean {\n  return a == 1;\n}', at: '2:12', says: "'==' is loose equality" },
      { code: 'export function f(a: number): boolean {\n  return a != 1;\n}', at: '2:12', says: "'!=' is loose inequality" },
    ],
    good: ['export function f(a: number): boolean {\n  return a === 1 || a !== 2;\n}'],
  },
  'no-destructuring-spread': {
    bad: [
      { code: 'export function f(a: number[]): number {\n  const [x] = a;\n  return x;\n}', at: '2:9', says: "destructuring pattern '[x]'" },
      { code: 'export function f(a: number[]): number[] {\n  return [...a];\n}', at: '2:11', says: "spread '...a'" },
      { code: 'export function f(...xs: number[]): number {\n  return xs.length;\n}', at: '1:19', says: "rest parameter 'xs'" },
      {
        code: 'export function f(a: number[]): number {\n  let x = 0;\n  let y = 0;\n  [x, y] = a;\n  return x + y;\n}',
        at: '4:3',
        says: "destructuring assignment to '[x, y]'",
      },
    ],
    good: ['export function f(a: number[]): number {\n  const x = a[0];\n  return x;\n}'],
  },
  'no-optional-chaining': {
    bad: [
      { code: 'export class P {\n  x = 1;\n}\nexport function f(p: P | null): boolean {\n  return p?.x === 1;\n}', at: '5:11', says: "optional chaining '?.' in 'p?.x'" },
      { code: 'export function f(a: number | null): number {\n  return a ?? 0;\n}', at: '2:12', says: "'??'" },
    ],
    good: ['export class P {\n  x = 1;\n}\nexport function f(p: P | null): boolean {\n  return p !== null && p.x === 1;\n}'],
  },
  'no-comma-void': {
    bad: [
      { code: 'export function f(a: number): number {\n  return (a++, a);\n}', at: '2:14', says: 'comma operator' },
      { code: 'export function f(a: number[]): void {\n  void a.pop();\n}', at: '2:3', says: "'void' operator" },
    ],
    good: ['export function f(a: number[]): number {\n  let n = 0;\n  for (let i = 0; i < a.length; i++) n += a[i];\n  return n;\n}'],
  },
  'no-finally': {
    bad: [
      { code: 'export function f(a: number[]): number {\n  try {\n    return a[0];\n  } finally {\n    a.pop();\n  }\n}', at: '4:5', says: "'finally' block" },
    ],
    good: ['export function f(a: number[]): number {\n  try {\n    return a[0];\n  } catch (e) {\n    return 0;\n  }\n}'],
  },
  'no-throw-non-object': {
    bad: [
      { code: "export function f(): void {\n  throw 'boom';\n}", at: '2:9', says: "'throw' of type 'string'" },
      { code: 'export function f(): void {\n  throw 42;\n}', at: '2:9', says: "'throw' of type 'number'" },
    ],
    good: [
      'export class BoomError extends Error {}\nexport function f(): void {\n  throw new BoomError(\'boom\');\n}',
      "export function f(): void {\n  throw new RangeError('range');\n}",
      'export class Halt {\n  readonly code: number;\n  constructor(code: number) {\n    this.code = code;\n  }\n}\n' +
        'export function f(h: Halt): void {\n  try {\n    throw h;\n  } catch (e) {\n    throw e;\n  }\n}',
    ],
  },
  'no-generics': {
    bad: [
      { code: 'export function id<T>(x: T): T {\n  return x;\n}', at: '1:20', says: "generic declaration 'id<T>'" },
      { code: 'export class Box<T> {\n  v: T | null = null;\n}', at: '1:18', says: "generic declaration 'Box<T>'" },
      { code: 'export type Pair<A> = A[];', at: '1:18', says: "generic declaration 'Pair<A>'" },
    ],
    good: [
      "import { promote } from 'metajit';\n" +
        'export function f(m: Map<string, number>, a: ReadonlyArray<number>, s: Set<string>): number {\n' +
        '  return promote(m.size) + a.length + s.size;\n}',
    ],
  },
  'typeof-comparison': {
    bad: [
      { code: 'export function f(x: number | string): string {\n  return typeof x;\n}', at: '2:10', says: "'typeof x' must be compared" },
      { code: 'export function f(x: number | string, t: string): boolean {\n  return typeof x === t;\n}', at: '2:10', says: "'typeof x' must be compared" },
    ],
    good: ["export function f(x: number | string): boolean {\n  return typeof x === 'number' || 'string' !== (typeof x);\n}"],
  },
  'no-labels-on-non-loops': {
    bad: [
      { code: 'export function f(a: number): number {\n  block: {\n    if (a > 0) break block;\n  }\n  return a;\n}', at: '2:3', says: "label 'block' is not on a loop" },
    ],
    good: [
      'export function f(a: number[][]): number {\n  let n = 0;\n  outer: for (const row of a) {\n' +
        '    for (const x of row) {\n      if (x < 0) continue outer;\n      n += x;\n    }\n  }\n  return n;\n}',
    ],
  },
  'no-getter-class-expressions': {
    bad: [
      { code: 'export const C = class {\n  x = 1;\n};', at: '1:18', says: 'class expression' },
      { code: 'export function f(): number {\n  class Local {\n    x = 1;\n  }\n  return new Local().x;\n}', at: '2:9', says: "class 'Local' is not declared at the top level" },
      { code: 'declare const host: number;\nexport const y = host;', at: '1:1', says: "'declare' of 'host'" },
      { code: 'export namespace N {\n  export const a = 1;\n}', at: '1:18', says: "namespace 'N'" },
    ],
    good: ['export class A {\n  x = 1;\n}\nexport class B extends A {\n  y = 2;\n}'],
  },
  'no-symbols-bigint-regex': {
    bad: [
      { code: "export const s = Symbol('x');", at: '1:18', says: "'Symbol'" },
      { code: 'export const b = 10n;', at: '1:18', says: "BigInt literal '10n'" },
      { code: 'export function f(x: bigint): number {\n  return 0;\n}', at: '1:22', says: "type 'bigint'" },
      { code: 'export function f(s: string): boolean {\n  return /a+/.test(s);\n}', at: '2:10', says: "regular expression literal '/a+/'" },
      {
        code: "export function tag(parts: TemplateStringsArray): string {\n  return parts.join('');\n}\nexport const t = tag`x`;",
        at: '4:18',
        says: 'tagged template',
      },
    ],
    good: [
      'export function f(n: number): string {\n  return `n = ${n}`;\n}',
      // An interpreter's own class may be called Symbol: only the built-in is refused.
      "class Symbol {\n  readonly name: string;\n  constructor(name: string) {\n    this.name = name;\n  }\n}\nexport const s = new Symbol('x');",
    ],
  },
  'no-static-mutable': {
    bad: [{ code: 'export class P {\n  static count = 0;\n}', at: '2:10', says: "static field 'count' is mutable" }],
    good: ['export class P {\n  static readonly LIMIT = 10;\n  count = 0;\n}'],
  },
  'no-instanceof-non-class': {
    bad: [{ code: 'export function f(x: unknown): boolean {\n  return x instanceof Array;\n}', at: '2:23', says: "'instanceof Array'" }],
    good: [
      "import { HostError } from 'metajit';\nexport class P {}\n" +
        'export function f(x: unknown): boolean {\n  return x instanceof P || x instanceof TypeError || x instanceof HostError;\n}',
    ],
  },
  'no-foreign-imports': {
    bad: [
      { code: "import * as fs from 'node:fs';\nexport const x = 1;", at: '1:21', says: "import of 'node:fs'" },
      { code: "import * as m from 'metajit';\nexport const d = m.promote(1);", at: '1:20', says: 'named bindings' },
      { code: "export function f(): void {\n  import('./main.js');\n}", at: '2:3', says: "dynamic 'import()'" },
    ],
    good: ["import { promote, JitDriver } from 'metajit';\nimport type { JitDriverSpec } from 'metajit';\nexport const x: number = promote(1);"],
  },
};

/** A temp package (type module) and a host that parses library and framework files once. */
class Sandbox {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'metajit-subset-'));
  readonly host: ts.CompilerHost;
  private count = 0;

  constructor() {
    fs.writeFileSync(path.join(this.dir, 'package.json'), '{ "type": "module" }\n');
    const base = ts.createCompilerHost(subsetCompilerOptions());
    const cache = new Map<string, ts.SourceFile | undefined>();
    const dir = this.dir;
    this.host = {
      ...base,
      getSourceFile(fileName, languageVersion, onError, shouldCreate) {
        if (fileName.startsWith(dir)) return base.getSourceFile(fileName, languageVersion, onError, shouldCreate);
        if (!cache.has(fileName)) cache.set(fileName, base.getSourceFile(fileName, languageVersion, onError, shouldCreate));
        return cache.get(fileName);
      },
    };
  }

  /** Writes `files` (name -> source) and checks the first one. */
  check(files: Record<string, string>): SubsetViolation[] {
    const sub = path.join(this.dir, `case${this.count++}`);
    fs.mkdirSync(sub);
    for (const [name, code] of Object.entries(files)) fs.writeFileSync(path.join(sub, name), code);
    const first = Object.keys(files)[0];
    return checkSubsetFiles([path.join(sub, first)], this.host).map((v) => ({ ...v, file: path.relative(sub, v.file) }));
  }

  /** `line:col rule` of each violation of one snippet. */
  positions(code: string): string[] {
    return this.check({ 'main.ts': code }).map((v) => `${v.line}:${v.col} ${v.rule}`);
  }
}

const sandbox = new Sandbox();

describe('every rule has a failing and a passing snippet', () => {
  test('the case table covers the rule table', () => {
    expect(Object.keys(CASES).sort()).toEqual(RULES.map((r) => r.id).sort());
    for (const id of Object.keys(CASES) as RuleId[]) {
      expect(CASES[id].bad.length, id).toBeGreaterThan(0);
      expect(CASES[id].good.length, id).toBeGreaterThan(0);
    }
  });

  for (const rule of RULES) {
    const cases = CASES[rule.id];
    describe(rule.id, () => {
      for (const bad of cases.bad) {
        test(`refuses ${JSON.stringify(bad.code.split('\n')[0])}... at ${bad.at}`, () => {
          const found = sandbox.check({ 'main.ts': bad.code });
          expect(found.map((v) => `${v.line}:${v.col} ${v.rule}`)).toEqual([`${bad.at} ${rule.id}`]);
          expect(found[0].message).toContain(bad.says);
        });
      }
      cases.good.forEach((good, i) => {
        test(`accepts passing snippet ${i + 1}`, () => {
          expect(sandbox.positions(good)).toEqual([]);
        });
      });
    });
  }
});

describe('checker API', () => {
  test('formatViolation prints file:line:col: message [rule-id]', () => {
    const found = sandbox.check({ 'main.ts': 'export function f(a: number): boolean {\n  return a == 1;\n}' });
    expect(found.map(formatViolation)).toEqual(["main.ts:2:12: '==' is loose equality; use '===' [no-loose-equality]"]);
  });

  test('relative imports of interpreter files are allowed, and the imported files are checked too', () => {
    const found = sandbox.check({
      'main.ts': "import { twice } from './util.js';\nexport const n: number = twice(2);",
      'util.ts': 'export function twice(x: number): number {\n  return x == 0 ? 0 : x * 2;\n}',
    });
    expect(found.map(formatViolation)).toEqual(["util.ts:2:12: '==' is loose equality; use '===' [no-loose-equality]"]);
  });

  test('violations are sorted by position and several rules are reported in one file', () => {
    const found = sandbox.check({ 'main.ts': 'let x = 0;\nexport function f(a: number): boolean {\n  return a == x;\n}\nexport const s = /x/;' });
    expect(found.map((v) => `${v.line}:${v.col} ${v.rule}`)).toEqual([
      '1:1 no-module-state',
      '3:12 no-loose-equality',
      '5:18 no-symbols-bigint-regex',
    ]);
  });

  test('checkSubsetFiles works with its default compiler host', () => {
    const file = path.join(sandbox.dir, 'plain.ts');
    fs.writeFileSync(file, 'export function f(a: number): number {\n  return a ?? 0;\n}\n');
    expect(checkSubsetFiles([file]).map((v) => `${v.line}:${v.col} ${v.rule}`)).toEqual(['2:12 no-optional-chaining']);
  });
});

// A realistic small interpreter: a Brainfuck-like machine with classes, a JitDriver,
// typed arrays, a Map, exceptions and a helper file. It must pass with no violation.
const BF_MAIN = `import { JitDriver, hostWrite, promote } from 'metajit';
import { Tape } from './tape.js';

/** A parse or run-time error of the guest program. */
export class BfError extends Error {}

const PLUS = 43;
const MINUS = 45;
const LEFT = 60;
const RIGHT = 62;
const DOT = 46;
const OPEN = 91;
const CLOSE = 93;

export class Program {
  readonly code: string;
  /** For each bracket, the position of its partner. */
  readonly jumps: Int32Array;
  readonly names: Map<number, string>;

  constructor(code: string) {
    this.code = code;
    this.jumps = matchBrackets(code);
    this.names = new Map<number, string>();
  }

  describe(pc: number): string {
    const name = this.names.get(pc);
    return typeof name === 'string' ? name : 'pc=' + pc;
  }
}

function matchBrackets(code: string): Int32Array {
  const jumps = new Int32Array(code.length);
  const stack: number[] = [];
  for (let pc = 0; pc < code.length; pc++) {
    const c = code.charCodeAt(pc);
    if (c === OPEN) {
      stack.push(pc);
    } else if (c === CLOSE) {
      if (stack.length === 0) throw new BfError('unmatched ] at ' + pc);
      const open = stack[stack.length - 1];
      stack.length = stack.length - 1;
      jumps[open] = pc;
      jumps[pc] = open;
    }
  }
  if (stack.length !== 0) throw new BfError('unmatched [');
  return jumps;
}

export function describeLocation(pc: number, program: Program): string {
  return program.describe(pc);
}

export const driver = new JitDriver({
  greens: ['pc', 'program'],
  reds: ['tape'],
  getPrintableLocation: (pc: number, program: Program): string => describeLocation(pc, program),
});

/** The portal: greens pc and program, red tape. */
export function run(pc: number, program: Program, tape: Tape): number {
  let steps = 0;
  while (pc < program.code.length) {
    driver.jitMergePoint(pc, program, tape);
    const c = promote(program.code.charCodeAt(pc));
    switch (c) {
      case PLUS:
        tape.add(1);
        break;
      case MINUS:
        tape.add(-1);
        break;
      case LEFT:
        tape.move(-1);
        break;
      case RIGHT:
        tape.move(1);
        break;
      case DOT:
        hostWrite(String.fromCharCode(tape.get()));
        break;
      case OPEN:
        if (tape.get() === 0) pc = program.jumps[pc];
        break;
      case CLOSE:
        if (tape.get() !== 0) {
          pc = program.jumps[pc];
          driver.canEnterJit(pc, program, tape);
        }
        break;
      default:
        break;
    }
    pc++;
    steps++;
  }
  return steps;
}

export function main(source: string): number {
  try {
    return run(0, new Program(source), new Tape(30000));
  } catch (e) {
    if (e instanceof BfError) return -1;
    throw e;
  }
}
`;

const BF_TAPE = `/** The memory of the machine: bytes and a head. */
export class Tape {
  static readonly CELL_MASK = 255;
  readonly cells: Uint8Array;
  pos: number;

  constructor(size: number) {
    this.cells = new Uint8Array(size);
    this.pos = 0;
  }

  get(): number {
    return this.cells[this.pos];
  }

  add(delta: number): void {
    this.cells[this.pos] = (this.cells[this.pos] + delta) & Tape.CELL_MASK;
  }

  move(delta: number): void {
    this.pos += delta;
  }
}
`;

test('a realistic small interpreter passes with zero violations', () => {
  const found = sandbox.check({ 'main.ts': BF_MAIN, 'tape.ts': BF_TAPE });
  expect(found.map(formatViolation)).toEqual([]);
});
