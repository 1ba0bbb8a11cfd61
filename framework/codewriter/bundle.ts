// The codewriter's output, in a form that survives JSON: the cache stores it, and
// `metajit run` links it against the loaded interpreter modules (link.ts) without
// ever loading the TypeScript compiler again.
//
// Runtime objects (classes, functions, top-level constants, host builtins) appear
// as symbolic references and are resolved at link time.

import type { CallEffect } from '../../jit/ir/descr.js';
import type { Kind, Opcode } from '../../jit/ir/ops.js';

/** Bump when the bundle format or the codewriter's output changes (invalidates caches). */
export const BUNDLE_VERSION = 3;

/** A runtime value named by where it is declared. */
export type SymRef =
  | { readonly mod: string; readonly name: string } // top-level declaration of an interpreter module
  | { readonly builtin: string };                   // a path from the global object ("Math.imul") or "metajit.<export>"

export type ConstJSON =
  | { readonly n: number }
  | { readonly nf: 'NaN' | 'Infinity' | '-Infinity' | '-0' }
  | { readonly s: string }
  | { readonly b: boolean }
  | { readonly nil: true }
  | { readonly ref: SymRef };

export interface FieldJSON {
  readonly owner: string;
  readonly name: string;
  readonly valueKind: Kind;
  readonly immutable: boolean;
  readonly quasiImmutable: boolean;
  readonly virtualizable?: boolean;
  readonly itemKind?: Kind;
}

export type CallTarget =
  | { readonly ref: SymRef }          // call a function value
  | { readonly method: string }       // args[0].method(...rest)
  | { readonly construct: SymRef }    // new C(...args)
  | { readonly jitcode: string };     // the real JS function behind a jitcode

export interface CallJSON {
  readonly name: string;
  readonly target: CallTarget;
  readonly effect: CallEffect;
  readonly canRaise: boolean;
  readonly resultKind: Kind;
}

export type DescrJSON =
  | { readonly field: FieldJSON }
  | { readonly cls: string }
  | { readonly call: CallJSON }
  /** A typed-array class by name (jit/ir/descr.ts arrayDescr). */
  | { readonly array: string };

export type InsnJSON =
  | { k: 'op'; op: Opcode; args: number[]; dst: number; descr: number; immutableItems?: true }
  | { k: 'call'; descr: number; args: number[]; dst: number }
  | { k: 'inline'; callee: string; args: number[]; dst: number }
  | { k: 'invoke'; method: string; table: number; args: number[]; dst: number }
  | { k: 'move'; src: number; dst: number }
  | { k: 'goto'; target: number }
  | { k: 'branch'; cond: number; target: number }
  | { k: 'return'; value: number | null }
  | { k: 'throw'; value: number }
  | { k: 'promote'; reg: number }
  | { k: 'jitted'; dst: number }
  | { k: 'merge'; greens: number[]; reds: number[] }
  | { k: 'enter'; greens: number[]; reds: number[] }
  | { k: 'qiread'; obj: number; descr: number; dst: number }
  | { k: 'qiwrite'; descr: number };

export interface JitCodeJSON {
  readonly name: string;
  readonly params: number[];
  readonly kinds: Kind[];
  readonly resultKind: Kind;
  readonly flags: { elidable: boolean; dontLookInside: boolean; unrollSafe: boolean; hasLoop: boolean };
  readonly location: string;
  /** How to call the real JS function: a top-level function, or a method by name. */
  readonly real: { readonly ref: SymRef } | { readonly method: string } | { readonly staticMethod: SymRef; readonly name: string };
  readonly insns: InsnJSON[];
  readonly consts: ConstJSON[];
  readonly constKinds: Kind[];
  readonly handlers: { start: number; end: number; target: number; reg: number }[];
  readonly live: number[][];
}

export interface ClassJSON {
  readonly name: string;
  readonly ref: SymRef;
  readonly superName: string | null;
  /** Fields stored from the constructor's arguments, in order; null if the constructor does more. */
  readonly ctorFields: string[] | null;
}

export interface DispatchJSON {
  readonly method: string;
  readonly entries: { readonly cls: string; readonly jitcode: string }[];
}

export interface PortalJSON {
  readonly jitcode: string;
  readonly module: string;
  readonly fnName: string;
  readonly driver: SymRef;
  /** How the portal's module names the driver (for wrapping the portal at load time). */
  readonly driverLocal: string;
  readonly greens: string[];
  readonly reds: string[];
  /** For each portal parameter, its index in greens ++ reds. */
  readonly paramOrder: number[];
}

export interface CodeBundle {
  readonly version: number;
  readonly jitcodes: JitCodeJSON[];
  readonly descrs: DescrJSON[];
  readonly dispatch: DispatchJSON[];
  readonly classes: ClassJSON[];
  readonly portals: PortalJSON[];
  /** Quasi-immutable fields, "Owner.name". */
  readonly quasiImmutableFields: string[];
  /** Where interpreter code writes them (the assigned property access ends at `end`): the loader instruments these. */
  readonly quasiImmutableWrites: { readonly mod: string; readonly end: number; readonly key: string }[];
}
