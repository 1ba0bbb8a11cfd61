// Trace text, the printer. `parseTrace` (parse.ts) is its exact inverse:
// parseTrace(printTrace(t, consts), descrs, consts) deep-equals t.
//
//   # trace: loop 1 at pc=3                         the trace's name
//   [i0, f1, r2]                                    inputs
//   label(i0, f1, r2, descr=target:L1)
//   f3 = float_add(f1, 1.5)                         [result = ]opcode(args[, descr=NAME])
//   guard_true(i4, descr=guard:7) [f3, r2]          failArgs (when not null) in [...]
//   jump(i0, f3, r2, descr=target:L1)
//
// Values:
//   box       kind letter + id, ids unique across kinds:       i3  f7  r2
//   i const   integer or JS boolean:                            5  -3  true  false
//   f const   always shows '.' or 'e', or is nan/inf/-inf:      1.0  -0.0  1.5e+300  nan
//   r const   null, undefined, a JSON string literal,           null  "abc"
//             ConstPtr(name) for objects and functions,         ConstPtr(Point)
//             ref(<f or i literal>) for a number or boolean     ref(1.5)  ref(true)
//             seen as a reference (box_float of a constant)
// Descriptors are written as `descrName(d)` (descr.ts) and resolved by a
// DescrRegistry. Objects have no textual form, so a ConstRegistry names them.

import { descrName } from './descr.js';
import type { Op, Trace, Value } from './trace.js';

const NAME = /^[A-Za-z_$][\w$]*$/;

/**
 * Names of object constants (`ConstPtr(name)`), both ways. The printer names an
 * object it has not seen: a function (a class) by its own name when that is free,
 * anything else `ptrN`. Pass the same registry to the parser to get the same
 * objects back.
 */
export class ConstRegistry {
  private readonly byName = new Map<string, object>();
  private readonly byObject = new Map<object, string>();

  /** Registers `obj` under `name`; a name or an object can be registered once. */
  add(name: string, obj: object): void {
    if (!NAME.test(name)) throw new Error(`ConstRegistry: '${name}' is not an identifier`);
    const old = this.byName.get(name);
    if (old !== undefined && old !== obj) throw new Error(`ConstRegistry: two objects are both named ${name}`);
    const oldName = this.byObject.get(obj);
    if (oldName !== undefined && oldName !== name) throw new Error(`ConstRegistry: object is already named ${oldName}`);
    this.byName.set(name, obj);
    this.byObject.set(obj, name);
  }

  get(name: string): object | undefined {
    return this.byName.get(name);
  }

  /** The name of `obj`, given a fresh one if it has none yet. */
  nameOf(obj: object): string {
    const known = this.byObject.get(obj);
    if (known !== undefined) return known;
    const own = typeof obj === 'function' && NAME.test(obj.name) ? obj.name : 'ptr';
    let name = own === 'ptr' ? `ptr${this.byName.size}` : own;
    for (let n = this.byName.size; this.byName.has(name); n++) name = `${own}${n}`;
    this.add(name, obj);
    return name;
  }
}

/** A float in a form that reads back as a float and to exactly the same number. */
export function formatFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (Object.is(x, -0)) return '-0.0';
  const s = String(x);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

export function printValue(v: Value, consts: ConstRegistry): string {
  if (v.tag === 'box') return `${v.kind}${v.id}`;
  const x = v.value;
  switch (v.kind) {
    case 'i':
      if (typeof x === 'boolean') return String(x);
      if (typeof x === 'number' && Number.isInteger(x) && !Object.is(x, -0)) return String(x);
      break;
    case 'f':
      if (typeof x === 'number') return formatFloat(x);
      break;
    case 'r':
      if (x === null || x === undefined) return String(x);
      if (typeof x === 'string') return JSON.stringify(x);
      if (typeof x === 'number') return `ref(${formatFloat(x)})`;
      if (typeof x === 'boolean') return `ref(${x})`;
      if (typeof x === 'object' || typeof x === 'function') return `ConstPtr(${consts.nameOf(x)})`;
      break;
  }
  throw new Error(`cannot print a ${v.kind} constant of JS type ${typeof x}: ${String(x)}`);
}

/** One op, without a newline. `consts` names object constants (a fresh one if omitted). */
export function printOp(op: Op, consts: ConstRegistry = new ConstRegistry()): string {
  const parts = op.args.map((a) => printValue(a, consts));
  if (op.descr !== null) parts.push(`descr=${descrName(op.descr)}`);
  let text = `${op.opcode}(${parts.join(', ')})`;
  if (op.result !== null) text = `${printValue(op.result, consts)} = ${text}`;
  if (op.failArgs !== null) text += ` [${op.failArgs.map((a) => printValue(a, consts)).join(', ')}]`;
  return text;
}

/** The whole trace, one op per line, ending with a newline. */
export function printTrace(trace: Trace, consts: ConstRegistry = new ConstRegistry()): string {
  const lines = [`# trace: ${trace.name}`, `[${trace.inputs.map((b) => printValue(b, consts)).join(', ')}]`];
  for (const op of trace.ops) lines.push(printOp(op, consts));
  return lines.join('\n') + '\n';
}
