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

/** How a typed array stores its items (from the array's static TypeScript type). */
export type ItemType = 'i8' | 'u8' | 'i16' | 'u16' | 'i32' | 'u32' | 'f32' | 'f64';

/**
 * The static type of a typed array an item op accesses (RPython's ArrayDescr):
 * backends load and store items of that width directly, and the optimizer knows
 * what a store does to a value (ToUint8 & co.). Item ops on plain JS arrays have
 * no descriptor. One shared descriptor per typed-array class (arrayDescr).
 */
export interface ArrayDescr {
  readonly kind: 'array';
  /** The typed-array class, e.g. `Uint8Array`. */
  readonly name: string;
  readonly item: ItemType;
}

const ITEM_TYPES: Readonly<Record<string, ItemType>> = {
  Int8Array: 'i8', Uint8Array: 'u8', Int16Array: 'i16', Uint16Array: 'u16',
  Int32Array: 'i32', Uint32Array: 'u32', Float32Array: 'f32', Float64Array: 'f64',
};

const ARRAY_DESCRS: ReadonlyMap<string, ArrayDescr> = new Map(
  Object.entries(ITEM_TYPES).map(([name, item]) => [name, Object.freeze({ kind: 'array', name, item } as const)]),
);

/** The descriptor of a typed-array class by name (`Uint8Array`), or null for any other name. */
export function arrayDescr(name: string): ArrayDescr | null {
  return ARRAY_DESCRS.get(name) ?? null;
}

/** Items that are integers of at most 32 bits (read as int32 by getarrayitem_i; u32 as its bits). */
export const isIntItem = (t: ItemType): boolean => t !== 'f32' && t !== 'f64';

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
  /**
   * The callee may read or write fields of the virtualizable through the heap
   * (not only through its arguments): the tracer writes the virtualizable back
   * before the call and reads it again after. Set by the linker.
   */
  forcesVirtualizable?: boolean;
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

export type Descr = FieldDescr | ArrayDescr | ClassDescr | CallDescr | LocDescr | TargetDescr | GuardDescr | ExitDescr;

/** `a field`, `an array`: a descriptor kind with its article, for messages. */
export const withArticle = (kind: string): string => `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind}`;

/** How a descriptor is written in trace text (`descr=...`). Unique per registry. */
export function descrName(d: Descr): string {
  switch (d.kind) {
    case 'field': return `${d.owner}.${d.name}`;
    case 'array': return `array:${d.name}`;
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
