// Descriptors: the static facts an op needs beyond its arguments (which field,
// which class, which host function and its effects, where a guard resumes).
// Descriptors are shared objects, compared by identity; the textual format names
// them (`descr=Frame.pc`) and the parser finds them again in a DescrRegistry.

import type { Kind } from './ops.js';
import type { ResumeSnapshot } from '../resume/snapshot.js';

/** A field of a class instance, read and written by JS property name. */
export interface FieldDescr {
  readonly kind: 'field';
  readonly owner: string;        // class that declares the field
  readonly name: string;         // JS property name
  readonly valueKind: Kind;      // kind of the field's values
  readonly immutable: boolean;   // `readonly`: never changes after construction
  readonly quasiImmutable: boolean; // `@quasiImmutable`: changes rarely; writes invalidate traces
  /** `@virtualizable`: kept in trace values while compiled code runs (see resume/virtualizable.ts). */
  readonly virtualizable?: boolean;
  /** For a virtualizable array field: the kind of its items. */
  readonly itemKind?: Kind;
}

/** A class: for `new`, `instanceof` and `guard_class`. */
export interface ClassDescr {
  readonly kind: 'class';
  readonly name: string;
  readonly cls: Function;
  /**
   * For classes whose constructor only stores fields (see codewriter): the field
   * each constructor argument lands in, in argument order. `construct(args)`
   * runs the real constructor so V8 sees one object shape.
   */
  readonly ctorFields: readonly FieldDescr[];
  construct(args: unknown[]): unknown;
}

/** What a host call may do; optimizers rely on it. */
export type CallEffect =
  | 'elidable'   // pure: same args give the same result, no visible effects (may be folded/CSE'd)
  | 'readonly'   // reads the heap, writes nothing
  | 'write';     // may read and write anything

/** A call to a host (JS) function that the trace does not look inside. */
export interface CallDescr {
  readonly kind: 'call';
  readonly name: string;
  readonly fn: (...args: never[]) => unknown;
  readonly effect: CallEffect;
  readonly canRaise: boolean;
  readonly resultKind: Kind;
}

/** A guest-bytecode boundary, for `debug_merge_point`. */
export interface LocDescr {
  readonly kind: 'loc';
  readonly text: string;
}

/** A loop header: `label` defines it, `jump` targets it. */
export interface TargetDescr {
  readonly kind: 'target';
  readonly name: string;
}

/** Per-guard state: how to resume when it fails, how often it failed, its bridge. */
export interface GuardDescr {
  readonly kind: 'guard';
  readonly id: number;
  resume: ResumeSnapshot | null;
  failures: number;
  bridge: unknown | null; // the compiled bridge (backend-specific), once attached
}

/**
 * Where `finish` leaves the trace: the interpreter continues at the merge point
 * with the green key `greens`; the op's arguments are the reds.
 */
export interface ExitDescr {
  readonly kind: 'exit';
  readonly name: string;
  readonly greens: readonly unknown[];
}

export type Descr = FieldDescr | ClassDescr | CallDescr | LocDescr | TargetDescr | GuardDescr | ExitDescr;

/** How a descriptor is written in trace text (`descr=...`). Unique per registry. */
export function descrName(d: Descr): string {
  switch (d.kind) {
    case 'field': return `${d.owner}.${d.name}`;
    case 'class': return `class:${d.name}`;
    case 'call': return `call:${d.name}`;
    case 'loc': return `loc:${JSON.stringify(d.text)}`;
    case 'target': return `target:${d.name}`;
    case 'guard': return `guard:${d.id}`;
    case 'exit': return `exit:${d.name}`;
  }
}

/** Descriptors by their text name, so the parser can resolve `descr=...`. */
export class DescrRegistry {
  private readonly byName = new Map<string, Descr>();

  add(d: Descr): Descr {
    const key = descrName(d);
    const old = this.byName.get(key);
    if (old && old !== d) throw new Error(`two different descriptors are both named ${key}`);
    this.byName.set(key, d);
    return d;
  }

  get(name: string): Descr | undefined {
    return this.byName.get(name);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }
}
