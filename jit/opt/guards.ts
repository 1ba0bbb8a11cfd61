// Guard strengthening and removal (PyPy optimizeopt/rewrite.py): what a guard
// establishes about a value flows forward, so a later guard it implies goes,
// and later tests it decides fold.
//
//   before                                        after
//   guard_class(r1, ConstPtr(Point)) [r1]         guard_class(r1, ConstPtr(Point)) [r1]
//   guard_nonnull(r1) [r1]                        (implied by the class guard)
//   i2 = ptr_eq(r1, null)                         (false: r1 is not null)
//   guard_false(i2) [r1]                          (holds)
//   i3 = int_eq(i0, 7)                            i3 = int_eq(i0, 7)
//   guard_true(i3) [i0, i3]                       guard_value(i0, 7) [i0, i3]
//   i4 = int_add(i0, 1)                           i4 = int_add(7, 1)
//   guard_true(i3) [i4]                           (holds)
//
// What a guard establishes (facts hang off box ids):
//   guard_class(x, C)          x.constructor is C: x is not null/undefined; an
//                              object, exactly of class C, unless C is a
//                              primitive wrapper (1.5 passes guard_class(x, Number))
//   guard_nonnull(x)           x !== null (x may still be undefined)
//   guard_value(x, c)          x is c: later uses of x become c
//   guard_isnull(x)            x is null: later uses of x become null
//   guard_true/false(b)        b is truthy/falsy; a boolean b (the result of a
//                              comparison) becomes the constant true/false
//   guard_true(instanceof(x, C))   x instanceof C (so an object, not null)
//   guard_false(instanceof(x, C))  not x instanceof C, nor of any subclass
//   guard_false(ptr_eq(x, null)), guard_true(ptr_ne(x, null)), guard_true(ref_is_true(x))
//                              x is not null (and for ref_is_true, not undefined)
// `new` gives an object of its exact class.
//
// Strengthening: guard_true(int_eq(x, c)) / guard_false(int_ne(x, c)) with a
// constant c becomes guard_value(x, c), same descr and failArgs; so does
// ptr_eq/ptr_ne unless c is a number 0 or NaN, and float_eq/float_ne unless c
// is 0 or NaN (guard_value compares with Object.is: -0 !== 0 for it, but
// -0 === 0 and NaN !== NaN for the comparison).
//
// What it must prove: a dropped guard holds whenever it is reached (a guard with
// constant args is evaluated; one that always fails stays); a folded test has
// that value whenever it runs; a replacement is the same JS value (failArgs
// keep their positions, values only become equal constants).
//
// Labels: facts are about SSA values, so they hold across the second label
// (the peeled loop header): every box is defined once, and that label's args
// are fresh boxes nothing is known about yet. The loop's preamble facts thus
// remove the loop's copies of its guards.
//
// Leaves out: folding ops whose args are all constants (fold does it); facts
// from intbounds (ranges); merging guard_nonnull + guard_class into one guard
// at the earlier position, or dropping an earlier guard a later one implies
// (that moves where a guard fails); custom Symbol.hasInstance and prototype
// changes (classes are assumed never to change, as `instanceof` in ops.ts).

import type { ClassDescr } from '../ir/descr.js';
import type { Opcode } from '../ir/ops.js';
import { constOf, type Box, type Const, type Op, type Trace, type Value } from '../ir/trace.js';
import { setFailArgs, type OptPass } from './pass.js';

export const guardsPass: OptPass = {
  name: 'guards',
  description: 'guard removal and strengthening: class, null, value and instanceof knowledge flows forward',
  run: (trace) => new GuardOptimizer(trace).run(),
};

/** What is known about a reference box. */
interface RefFacts {
  /** Exactly this class (x.constructor). */
  cls?: Function;
  /** x !== null. */
  notNull?: boolean;
  /** x is an object (so truthy, neither null nor undefined). */
  object?: boolean;
  /** x !== undefined. */
  notUndefined?: boolean;
  /** Classes x is an instance of, and classes it is not. */
  isA?: Function[];
  notA?: Function[];
}

/** Constructors whose guard_class a primitive passes ((1.5).constructor === Number). */
const PRIMITIVE_WRAPPERS: ReadonlySet<Function> = new Set<Function>([Number, String, Boolean, Symbol, BigInt]);

/** Ops whose result is always a JS boolean: after guard_true(b), b is the constant true. */
const BOOLEAN_RESULT: ReadonlySet<Opcode> = new Set<Opcode>([
  'int_lt', 'int_le', 'int_gt', 'int_ge', 'int_eq', 'int_ne', 'bool_not',
  'float_lt', 'float_le', 'float_gt', 'float_ge', 'float_eq', 'float_ne', 'float_is_true', 'float_is_integer', 'float_is_int32',
  'typed_index_ok', 'str_lt', 'str_le', 'ptr_eq', 'ptr_ne', 'ref_is_true', 'instanceof',
]);

/** Equality tests a guard can turn into guard_value, by the guard that checks them. */
const EQUALITY: Partial<Record<Opcode, { readonly onTrue: boolean; readonly unsafeConst: (c: unknown) => boolean }>> = {
  int_eq: { onTrue: true, unsafeConst: () => false },
  int_ne: { onTrue: false, unsafeConst: () => false },
  float_eq: { onTrue: true, unsafeConst: (c) => c === 0 || Number.isNaN(c) },
  float_ne: { onTrue: false, unsafeConst: (c) => c === 0 || Number.isNaN(c) },
  ptr_eq: { onTrue: true, unsafeConst: (c) => typeof c === 'number' && (c === 0 || Number.isNaN(c)) },
  ptr_ne: { onTrue: false, unsafeConst: (c) => typeof c === 'number' && (c === 0 || Number.isNaN(c)) },
};

/** `instance of C` implies `instance of D`? (C === D or D is a superclass of C; undefined: `instanceof D` throws.) */
function implies(c: Function, d: Function): boolean | undefined {
  try {
    return c === d || c.prototype instanceof d;
  } catch {
    return undefined;
  }
}

type Handler = (g: GuardOptimizer, op: Op) => void;

const HANDLERS: Partial<Record<Opcode, Handler>> = {
  guard_true: (g, op) => g.guardTruth(op, true),
  guard_false: (g, op) => g.guardTruth(op, false),
  guard_value: (g, op) => g.guardValue(op),
  guard_class: (g, op) => g.guardClass(op),
  guard_nonnull: (g, op) => g.guardNonnull(op),
  guard_isnull: (g, op) => g.guardIsnull(op),
  instanceof: (g, op) => g.fold(op, g.decideInstanceof(op)),
  ptr_eq: (g, op) => g.fold(op, g.decideEq(op.args[0], op.args[1])),
  ptr_ne: (g, op) => { const eq = g.decideEq(op.args[0], op.args[1]); g.fold(op, eq === undefined ? undefined : !eq); },
  ref_is_true: (g, op) => g.fold(op, g.facts(op.args[0]).object ? true : undefined),
  new: (g, op) => g.allocation(op, (op.descr as ClassDescr).cls),
  new_array: (g, op) => g.allocation(op, Array),
};

/** One run of the pass over one trace. */
class GuardOptimizer {
  private readonly out: Op[] = [];
  private changed = false;
  /** Boxes known to be constants. */
  private readonly subst = new Map<number, Const>();
  private readonly refs = new Map<number, RefFacts>();
  /** i boxes known truthy (true) or falsy (false). */
  private readonly truth = new Map<number, boolean>();
  /** The (rewritten) op that defines each box, to see what a guarded boolean tests. */
  private readonly defs = new Map<number, Op>();
  /** Index of the first label (the loop entry), or -1. */
  private readonly firstLabel: number;

  constructor(private readonly trace: Trace) {
    this.firstLabel = trace.ops.findIndex((o) => o.opcode === 'label');
  }

  run(): Trace {
    this.trace.ops.forEach((original, at) => {
      if (at === this.firstLabel) this.reset();
      const op = this.rewrite(original);
      if (op.result !== null) this.defs.set(op.result.id, op);
      const handler = HANDLERS[op.opcode];
      if (handler) handler(this, op);
      else this.emit(op);
    });
    return this.changed ? { ...this.trace, ops: this.out } : this.trace;
  }

  // ---- rewriting -------------------------------------------------------------

  private resolve(v: Value): Value {
    return v.tag === 'box' ? this.subst.get(v.id) ?? v : v;
  }

  private rewrite(op: Op): Op {
    if (this.subst.size === 0) return op;
    const args = op.args.map((a) => this.resolve(a));
    const argsChanged = args.some((a, k) => a !== op.args[k]);
    const failArgs = op.failArgs?.map((a) => this.resolve(a)) ?? null;
    const failChanged = failArgs !== null && failArgs.some((a, k) => a !== op.failArgs![k]);
    if (!argsChanged && !failChanged) return op;
    this.changed = true;
    const copy: Op = argsChanged ? { ...op, args } : op;
    return failChanged ? setFailArgs(copy, failArgs!) : copy;
  }

  private emit(op: Op): void {
    this.out.push(op);
  }

  private drop(): void {
    this.changed = true;
  }

  /** From here on `box` is `c`. */
  private replace(box: Value, c: Const): void {
    if (box.tag === 'box') this.subst.set(box.id, c);
  }

  /** The op's result is `value` whenever it runs (undefined: not known). */
  fold(op: Op, value: boolean | undefined): void {
    if (value === undefined) return this.emit(op);
    this.replace(op.result!, constOf('i', value));
    this.drop();
  }

  /** The loop entry: nothing before it is in scope after it. */
  private reset(): void {
    this.subst.clear();
    this.refs.clear();
    this.truth.clear();
    this.defs.clear();
  }

  // ---- facts -----------------------------------------------------------------

  /** Facts about a reference value (constants answer for themselves). */
  facts(v: Value): RefFacts {
    if (v.tag === 'box') return this.refs.get(v.id) ?? {};
    const x = v.value;
    const object = (typeof x === 'object' && x !== null) || typeof x === 'function';
    return { notNull: x !== null, notUndefined: x !== undefined, object, cls: object ? (x as object).constructor : undefined };
  }

  private learn(v: Value, more: RefFacts): void {
    if (v.tag !== 'box') return;
    const f = { ...this.refs.get(v.id) };
    if (more.cls) f.cls = more.cls;
    if (more.object) f.object = true;
    if (more.notNull || more.object) f.notNull = true;
    if (more.notUndefined || more.object) f.notUndefined = true;
    if (more.isA) f.isA = [...(f.isA ?? []), ...more.isA];
    if (more.notA) f.notA = [...(f.notA ?? []), ...more.notA];
    this.refs.set(v.id, f);
  }

  decideInstanceof(op: Op): boolean | undefined {
    const x = op.args[0];
    if (x.tag === 'const') return undefined;
    const d = (op.descr as ClassDescr).cls;
    const f = this.facts(x);
    if (f.cls && !PRIMITIVE_WRAPPERS.has(f.cls)) return implies(f.cls, d);
    if (f.isA?.some((c) => implies(c, d) === true)) return true;
    if (f.notA?.some((c) => implies(d, c) === true)) return false;
    return undefined;
  }

  /** `a === b` decided by facts: only ever false (an object is no primitive, not-null is not null). */
  decideEq(a: Value, b: Value): boolean | undefined {
    if (a.tag === 'const' && b.tag === 'const') return undefined;
    const [box, other] = a.tag === 'box' ? [a, b] : [b, a];
    if (other.tag !== 'const') return undefined;
    const f = this.facts(box);
    const c = other.value;
    if (c === null && f.notNull) return false;
    if (c === undefined && f.notUndefined) return false;
    const primitive = c === null || (typeof c !== 'object' && typeof c !== 'function');
    if (primitive && f.object) return false;
    return undefined;
  }

  allocation(op: Op, cls: Function): void {
    this.emit(op);
    this.learn(op.result!, { cls, object: true });
  }

  // ---- guards ----------------------------------------------------------------

  /** A guard whose args are all constants: dropped if it holds, kept (it always fails) if not. */
  private constantGuard(op: Op, holds: (args: unknown[]) => boolean): boolean {
    if (op.args.some((a) => a.tag === 'box')) return false;
    if (holds(op.args.map((a) => (a as Const).value))) this.drop();
    else this.emit(op);
    return true;
  }

  guardTruth(op: Op, expected: boolean): void {
    const b = op.args[0];
    if (this.constantGuard(op, ([x]) => !!x === expected)) return;
    const id = (b as Box).id;
    if (this.truth.get(id) === expected) return this.drop();
    const def = this.defs.get(id);
    const strengthened = def ? this.strengthen(op, def, expected) : null;
    if (strengthened) {
      this.guardValue(strengthened);
    } else {
      this.emit(op);
      if (def) this.learnFromTest(def, expected);
    }
    this.truth.set(id, expected);
    if (def && BOOLEAN_RESULT.has(def.opcode)) this.replace(b, constOf('i', expected));
  }

  /** guard_true(int_eq(x, c)) and friends as guard_value(x, c), or null. */
  private strengthen(guard: Op, def: Op, expected: boolean): Op | null {
    const eq = EQUALITY[def.opcode];
    if (!eq || eq.onTrue !== expected) return null;
    const [a, b] = def.args.map((v) => this.resolve(v));
    const [x, c] = a.tag === 'box' ? [a, b] : [b, a];
    if (x.tag !== 'box' || c.tag !== 'const' || eq.unsafeConst(c.value)) return null;
    this.drop();
    return { ...guard, opcode: 'guard_value', args: [x, c] };
  }

  /** What a passed guard_true/guard_false on the result of `def` says about def's args. */
  private learnFromTest(def: Op, outcome: boolean): void {
    const [x, y] = def.args.map((v) => this.resolve(v));
    switch (def.opcode) {
      case 'instanceof': {
        const cls = (def.descr as ClassDescr).cls;
        this.learn(x, outcome ? { isA: [cls], object: true } : { notA: [cls] });
        break;
      }
      case 'ref_is_true':
        if (outcome) this.learn(x, { notNull: true, notUndefined: true });
        break;
      case 'ptr_eq':
      case 'ptr_ne': {
        if (outcome !== (def.opcode === 'ptr_ne')) break;
        // x !== c for a constant c: only null and undefined say anything.
        const [box, c] = x.tag === 'box' ? [x, y] : [y, x];
        if (c.tag === 'const' && c.value === null) this.learn(box, { notNull: true });
        if (c.tag === 'const' && c.value === undefined) this.learn(box, { notUndefined: true });
        break;
      }
      case 'bool_not': {
        const inner = x.tag === 'box' ? this.defs.get(x.id) : undefined;
        if (inner) this.learnFromTest(inner, !outcome);
        break;
      }
    }
  }

  guardValue(op: Op): void {
    const [x, c] = op.args;
    if (this.constantGuard(op, ([a, b]) => Object.is(a, b))) return;
    this.emit(op);
    this.replace(x, c as Const);
  }

  guardClass(op: Op): void {
    const [x, c] = op.args;
    if (this.constantGuard(op, ([a, cls]) => a !== null && a !== undefined && (a as object).constructor === cls)) return;
    const cls = (c as Const).value as Function;
    if (this.facts(x).cls === cls) return this.drop();
    this.emit(op);
    this.learn(x, PRIMITIVE_WRAPPERS.has(cls) ? { cls, notNull: true, notUndefined: true } : { cls, object: true });
  }

  guardNonnull(op: Op): void {
    const x = op.args[0];
    if (this.constantGuard(op, ([a]) => a !== null)) return;
    if (this.facts(x).notNull) return this.drop();
    this.emit(op);
    this.learn(x, { notNull: true });
  }

  guardIsnull(op: Op): void {
    const x = op.args[0];
    if (this.constantGuard(op, ([a]) => a === null)) return;
    this.emit(op);
    this.replace(x, constOf('r', null));
  }
}
