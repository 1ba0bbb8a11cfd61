// The JS side of host operations: the imported functions and constants of one
// module. Heap operations, calls and everything else wasm cannot do on JS
// values go through one imported JS function per distinct (operation,
// descriptor, argument conversions), e.g. getfield_f of field `acc`:
//
//   (import "h" "h3" (func $h3 (param externref) (result f64)))    h3 = (a0) => a0["acc"]
//
// Helpers are generated as JS source (new Function) so that each is a small
// monomorphic function with a literal property name, which V8 inlines like
// hand-written code; only JSON.stringify'd names and fixed identifiers are ever
// spliced into the source.
//
// Argument conversions (wasm -> JS), one per argument:
//   int   i32 that is an int32 number          a
//   bool  i32 that is a boolean (0/1)          a !== 0
//   dyn   i32 plus its tag (two wasm params)   t ? a !== 0 : a
//   f     f64                                   a
//   r     externref                             a
// Result conversions (JS -> wasm):
//   i32   a number or a boolean whose type the op fixes; wasm applies ToInt32 (true -> 1)
//   dyn   an i value of unknown type: booleans become 0/1 and set memory TAG to 1
//   f64, externref, none
// A helper for a call that can raise catches: it records the exception in the
// runtime, sets memory EXC, and returns 0 / 0 / null (what the reference
// backend leaves in the result box).

import { EXC_ADDR, TAG_ADDR, type WasmRuntime } from './runtime.js';
import type { FuncImport, GlobalImport, WType } from './wasm-ir.js';

export type ArgConv = 'int' | 'bool' | 'dyn' | 'f' | 'r';
export type ResultConv = 'i32' | 'dyn' | 'f64' | 'externref' | 'none';

export interface HostSpec {
  /** Identifies the helper's meaning, together with the argument and result conversions. */
  readonly key: string;
  readonly args: readonly ArgConv[];
  readonly result: ResultConv;
  /** JS expression (or statement, for result 'none') over the converted arguments. */
  readonly body: (args: readonly string[]) => string;
  /** Free variables of `body`, by name. */
  readonly env?: Readonly<Record<string, unknown>>;
  /** Catch exceptions as a raising call does (see the file header). */
  readonly catches?: boolean;
  /** Also write the typed-heap view of the (externref) result, as the `view` helper does (one call instead of two). */
  readonly withView?: boolean;
}

const PARAM_TYPES: Record<ArgConv, readonly WType[]> = { int: ['i32'], bool: ['i32'], dyn: ['i32', 'i32'], f: ['f64'], r: ['externref'] };
const RESULT_TYPES: Record<ResultConv, WType> = { i32: 'i32', dyn: 'i32', f64: 'f64', externref: 'externref', none: 'none' };
const RAISED: Record<ResultConv, string> = { i32: '0', dyn: '0', f64: '0', externref: 'null', none: 'undefined' };

/** The imports of one module under construction. */
export class ImportSet {
  readonly funcs: FuncImport[] = [];
  readonly globals: GlobalImport[] = [];
  private readonly h: Record<string, unknown> = {};
  private readonly k: Record<string, unknown> = {};
  private readonly byKey = new Map<string, FuncImport>();
  private readonly consts = new Map<unknown, string>();

  constructor(private readonly rt: WasmRuntime, private readonly cache: HelperCache) {}

  /** A number that identifies an object (a descriptor, a class) in helper keys. */
  id(o: unknown): number {
    return this.cache.id(o);
  }

  /** An imported JS function given directly. */
  raw(key: string, params: readonly WType[], result: WType, fn: unknown): FuncImport {
    let f = this.byKey.get(key);
    if (f === undefined) {
      const name = `h${this.funcs.length}`;
      f = { name, module: 'h', base: name, params, result };
      this.funcs.push(f);
      this.byKey.set(key, f);
      this.h[name] = fn;
    }
    return f;
  }

  /** A generated helper (see HostSpec). */
  host(spec: HostSpec): FuncImport {
    const key = `${spec.key}(${spec.args.join(',')})->${spec.result}${spec.catches ? '!' : ''}${spec.withView ? '+view' : ''}`;
    const found = this.byKey.get(key);
    if (found !== undefined) return found;
    let fn = this.cache.helpers.get(key);
    if (fn === undefined) this.cache.helpers.set(key, (fn = makeHelper(spec, this.rt)));
    return this.raw(key, spec.args.flatMap((c) => PARAM_TYPES[c]), RESULT_TYPES[spec.result], fn);
  }

  /** An imported immutable externref global holding the constant `v` (not null: that is ref.null). */
  constant(v: unknown): string {
    const key = Object.is(v, -0) ? MINUS_ZERO : v;
    let name = this.consts.get(key);
    if (name === undefined) {
      name = `k${this.globals.length}`;
      this.globals.push({ name, module: 'k', base: name, type: 'externref', mutable: false });
      this.consts.set(key, name);
      this.k[name] = v;
    }
    return name;
  }

  /** The import object for instantiation, given the module-independent `env` entries. */
  importObject(env: Record<string, unknown>): WebAssembly.Imports {
    return { env: env as WebAssembly.ModuleImports, h: this.h as WebAssembly.ModuleImports, k: this.k as WebAssembly.ModuleImports };
  }
}

const MINUS_ZERO = Symbol('-0');

/**
 * The generated helpers of one backend, shared by all its modules: generating
 * one costs a JS parse and compile, and a unit recompiled with a new bridge
 * needs the same helpers again. Keys name objects by `id` (stable per backend).
 */
export class HelperCache {
  private readonly ids = new Map<unknown, number>();
  readonly helpers = new Map<string, unknown>();

  id(o: unknown): number {
    let n = this.ids.get(o);
    if (n === undefined) this.ids.set(o, (n = this.ids.size));
    return n;
  }
}

function makeHelper(spec: HostSpec, rt: WasmRuntime): unknown {
  const params: string[] = [];
  const args: string[] = [];
  spec.args.forEach((c, k) => {
    const a = `a${k}`;
    params.push(a);
    switch (c) {
      case 'bool': args.push(`(${a} !== 0)`); break;
      case 'dyn': params.push(`t${k}`); args.push(`(t${k} ? ${a} !== 0 : ${a})`); break;
      default: args.push(a);
    }
  });
  const expr = spec.body(args);
  const tag = `rt.i32[${TAG_ADDR >> 2}]`;
  const exc = `rt.i32[${EXC_ADDR >> 2}]`;
  let ok: string;
  switch (spec.result) {
    case 'none': ok = `${expr};${spec.catches ? ` ${exc} = 0;` : ''} return;`; break;
    case 'dyn': ok = `const v = ${expr};${spec.catches ? ` ${exc} = 0;` : ''} if (typeof v === 'boolean') { ${tag} = 1; return v ? 1 : 0; } ${tag} = 0; return v;`; break;
    default: ok = `const v = ${expr};${spec.catches ? ` ${exc} = 0;` : ''}${spec.withView ? ' rt.writeView(v);' : ''} return v;`;
  }
  const body = spec.catches
    ? `try { ${ok} } catch (e) { rt.exc = e; ${exc} = 1;${spec.result === 'dyn' ? ` ${tag} = 0;` : ''} return ${RAISED[spec.result]}; }`
    : ok;
  const env = spec.env ?? {};
  const names = Object.keys(env);
  const source = `'use strict'; return function h_${spec.key.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 40)}(${params.join(', ')}) { ${body} };`;
  return new Function('rt', ...names, source)(rt, ...names.map((n) => env[n]));
}
