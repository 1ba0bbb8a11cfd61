// Materializing virtuals: a guard exit from optimized code may need objects the
// optimizer never allocated. Their snapshot entries say how to build them; this
// builds them (all allocations first, so cycles between virtuals work), and
// returns the exit values with each virtual's slot holding the real object.
//
// Objects are built with their class's real constructor (ClassDescr.construct),
// given the values of the constructor's fields, so V8 sees the usual object
// shape; the remaining fields are then stored.

import type { ResumeSnapshot, VirtualInfo } from './snapshot.js';

export function materialize(snapshot: ResumeSnapshot, exitValues: readonly unknown[]): unknown[] {
  const values = exitValues.slice();
  if (snapshot.virtuals.length === 0) return values;
  const pending = new Set<number>(snapshot.virtuals.map((v) => v.at));
  // Allocate, passing constructor fields that are already known (non-virtual).
  for (const v of snapshot.virtuals) values[v.at] = allocate(v, values, pending);
  // Fill every field, now that every virtual exists.
  for (const v of snapshot.virtuals) {
    const obj = values[v.at] as Record<string, unknown> & unknown[];
    if (v.kind === 'object') for (const f of v.fields) obj[f.field.name] = values[f.value];
    else v.items.forEach((k, i) => { obj[i] = values[k]; });
  }
  return values;
}

function allocate(v: VirtualInfo, values: unknown[], pending: ReadonlySet<number>): unknown {
  if (v.kind === 'array') return new Array<unknown>(v.items.length);
  const args = v.cls.ctorFields.map((cf) => {
    const f = v.fields.find((x) => x.field === cf);
    return f && !pending.has(f.value) ? values[f.value] : null;
  });
  return v.cls.construct(args);
}
