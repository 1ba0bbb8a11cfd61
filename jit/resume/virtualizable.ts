// Virtualizables (RPython's virtualizable frames): while a loop runs, the fields
// of one red object (typically the interpreter's frame) that are tagged
// `@virtualizable` live in trace values instead of the object.
//
//   layout  = slots of the object at trace start, in order:
//             each scalar field, then every item of each array field
//   label(reds..., slot values...)     the loop carries the slots
//   jump(reds..., slot values...)
//
// Entering a loop reads the slots from the object; a guard failure writes them
// back (the snapshot lists their values) before the blackhole runs; a residual
// call that is passed the object gets them written back before and read again
// after. Contract for interpreter authors: code the trace does not inline (host
// functions, dontLookInside) must not reach the object's virtualizable fields
// except through its arguments. Array fields must be readonly and keep their
// length for a given green key. A readonly scalar field (say, a typed array the
// interpreter indexes) is only carried: the loop and its bridges need not read
// it again, and nothing writes it back.

import type { FieldDescr } from '../ir/descr.js';
import type { Kind } from '../ir/ops.js';

export interface VableSlot {
  readonly field: FieldDescr;
  /** -1 for a scalar field, else the item index of an array field. */
  readonly index: number;
  readonly kind: Exclude<Kind, 'v'>;
}

export interface VableLayout {
  readonly slots: readonly VableSlot[];
  /** Array fields and their lengths at trace start. */
  readonly arrays: readonly { readonly field: FieldDescr; readonly length: number }[];
}

type Obj = Record<string, unknown>;

export function layoutOf(obj: unknown, fields: readonly FieldDescr[]): VableLayout {
  const slots: VableSlot[] = [];
  const arrays: { field: FieldDescr; length: number }[] = [];
  for (const f of fields) if (f.itemKind === undefined) slots.push({ field: f, index: -1, kind: asKind(f.valueKind) });
  for (const f of fields) {
    if (f.itemKind === undefined) continue;
    const arr = (obj as Obj)[f.name] as unknown[];
    arrays.push({ field: f, length: arr.length });
    for (let i = 0; i < arr.length; i++) slots.push({ field: f, index: i, kind: asKind(f.itemKind) });
  }
  return { slots, arrays };
}

function asKind(k: Kind): Exclude<Kind, 'v'> {
  return k === 'v' ? 'r' : k;
}

/** Whether `obj` still has the shape `layout` was made for (array lengths). */
export function fits(obj: unknown, layout: VableLayout): boolean {
  for (const a of layout.arrays) if (((obj as Obj)[a.field.name] as unknown[]).length !== a.length) return false;
  return true;
}

export function readSlots(obj: unknown, layout: VableLayout): unknown[] {
  return layout.slots.map((s) => (s.index < 0 ? (obj as Obj)[s.field.name] : ((obj as Obj)[s.field.name] as unknown[])[s.index]));
}

export function writeSlots(obj: unknown, layout: VableLayout, values: readonly unknown[]): void {
  layout.slots.forEach((s, k) => {
    if (s.index < 0 && s.field.immutable) return; // a readonly field cannot have changed
    if (s.index < 0) (obj as Obj)[s.field.name] = values[k];
    else ((obj as Obj)[s.field.name] as unknown[])[s.index] = values[k];
  });
}

export function sameLayout(a: VableLayout | null, b: VableLayout | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.slots.length !== b.slots.length) return false;
  return a.slots.every((s, k) => s.field === b.slots[k].field && s.index === b.slots[k].index);
}
