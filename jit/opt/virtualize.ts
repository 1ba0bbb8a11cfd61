// Virtualize: escape analysis and allocation removal (PyPy's optimizeopt/
// virtualize.py, Binaryen's Heap2Local, allocation sinking in lj_opt_sink.c).
//
// A `new` or `new_array` does not become an op: it becomes a VIRTUAL, a record
// of its class and its current field (item) values, kept only in this pass.
// Reads and writes of a virtual's fields become plain values; tests of its
// identity, class and nullness fold; a guard that still needs the object
// describes it in its resume data, and the object is built only if the guard
// fails (resume/materialize.ts). An allocation is emitted (FORCED) only where the
// object escapes, just before the op through which it escapes.
//
//   before                                      after
//   label(r0, descr=target:L0)                  label(r0, descr=target:L0)
//   f1 = getfield_f(r0, descr=W_Int.intval)     f1 = getfield_f(r0, descr=W_Int.intval)
//   f2 = float_add(f1, 1.0)                     f2 = float_add(f1, 1.0)
//   r3 = new(f2, descr=class:W_Int)
//   f4 = getfield_f(r3, descr=W_Int.intval)
//   i5 = float_lt(f4, 9.0)                      i5 = float_lt(f2, 9.0)
//   guard_true(i5, descr=guard:1) [r3]          guard_true(i5, descr=guard:1) [null, f2]
//   jump(r0, descr=target:L0)                   jump(r0, descr=target:L0)
//                                  guard:1's resume data: failArg 0 is W_Int{intval: failArg 1}
//
// What makes a virtual ESCAPE (the roots of lj_opt_sink.c, and Heap2Local's
// "reaches somewhere we cannot follow"): being an argument of a call; being
// stored into a real object or array; any op this pass does not model (the
// default of the handler table); a getfield of a field the trace never set (its
// constructor default is unknown here); a non-constant or out-of-range array
// index; a jump or finish to another trace, or to the trace's first label (whose
// entry values are real objects); and, for a guard, appearing twice among its
// failArgs (resume data cannot say "the same object" twice) or a guard without
// a resume snapshot. Forcing emits `new` with the current constructor-field
// values, then `setfield`s for the other fields that were set, children first;
// a cycle between virtuals gets null constructor arguments patched by setfields
// after every allocation. A guard that must force before a call's
// guard_no_exception allocates before the call (nothing may come between).
//
// Loop-carried virtuals. After loop peeling (unroll.ts) a loop trace is
//   label(I.., L) preamble jump(P.., L.loop) label(X.., L.loop) body jump(J.., L.loop)
// where the second label defines fresh boxes X, the loop's phis. When P[k] and
// J[k] are virtuals of the same shape (class, field names, nested shape, leaf
// kinds), both jumps pass the leaves instead and the label defines one fresh
// box per leaf; after the label X[k] is a virtual whose fields are those boxes.
// A leaf both jumps pass the same value for (a constant, a value from before
// the label) needs no box: it is invariant. Whether the back-edge matches is
// known only at the end, so the trace is optimized again with what the jump
// taught (PyPy retries the same way): a position that does not fit is not
// carried, a node that does not fit is carried as one value (its object
// allocated on both sides), a leaf guessed invariant that is not gets a box,
// and a leaf that got the same value on both jumps becomes invariant. Each
// retry only moves nodes one way, so this ends.
//
// What it must prove: no op observes a virtual. Every op that could read it or
// its identity is either folded to the value it would compute on a fresh
// object of that class (never null, identical only to itself, its class's
// prototype), or forces it first; forcing builds an object equal to the one the
// original trace has at that point, as nothing could have seen it in between.
// Guards keep positions: a virtual failArg becomes a null constant plus a
// VirtualInfo, and the values of its fields are appended (pass.ts). Around the
// loop label: a virtual the body can reach through a value defined before the
// label is forced before the preamble's jump (its state at the back-edge is
// not its state at the label), and carried virtuals are trees, sharing no
// object with each other or anything else.
//
// Leaves alone: allocations that escape (they are only allocated late, not
// partially); the heap of real objects (heap.ts); loop-carried virtuals in
// bridges and across a trace's first label; aliases among one guard's failArgs
// (forced, see above).

import type { CallDescr, ClassDescr, FieldDescr, GuardDescr } from '../ir/descr.js';
import { OPS, type Opcode } from '../ir/ops.js';
import { BoxFactory, constOf, type Box, type Op, type Trace, type Value } from '../ir/trace.js';
import type { VirtualInfo } from '../resume/snapshot.js';
import { setFailArgs, type OptContext, type OptPass } from './pass.js';

export const virtualizePass: OptPass = {
  name: 'virtualize',
  description: 'allocation removal: objects that do not escape live in trace values; guards describe them',
  run: (trace, ctx) => virtualize(trace, ctx),
};

/** An allocation not emitted (yet). `box` is set once forcing starts. */
interface Virtual {
  readonly kind: 'object' | 'array';
  readonly cls: ClassDescr | null;
  /** Object fields by JS property name, constructor fields first. */
  readonly fields: Map<string, { readonly field: FieldDescr; value: Val }>;
  readonly items: Val[];
  /** The box the allocation had in the original trace, used when it is forced (if still free). */
  readonly preferred: Box | null;
  state: 'virtual' | 'forcing' | 'forced';
  box: Box | null;
}

type Val = Value | Virtual;

const isVirtual = (v: Val): v is Virtual => 'state' in v;
const NULL = constOf('r', null);

/**
 * The shape of a loop-carried virtual at the loop label, and where its leaves
 * go. `path` names a node for retries: `k` is label position k, `k/name` its
 * field `name`, `k/name/2` item 2 of the array held there.
 */
interface Template {
  readonly kind: 'object' | 'array';
  readonly cls: ClassDescr | null;
  readonly path: string;
  readonly entries: { readonly key: string; readonly field: FieldDescr | null; readonly leaf: Leaf }[];
}

/**
 * phi: a fresh label arg, given `pre` by the preamble's jump; inv: a value both
 * jumps pass (a constant, or a box defined before the label); nest: a virtual child.
 */
type Leaf =
  | { readonly tag: 'phi'; readonly path: string; readonly pre: Value; readonly box: Box }
  | { readonly tag: 'inv'; readonly path: string; readonly value: Value }
  | { readonly tag: 'nest'; readonly node: Template };

/** What the loop's jump taught an attempt: nodes to carry as plain values (`demote`) or as invariants. */
class Retry {
  constructor(readonly demote: readonly string[], readonly invariant: readonly string[]) {}
}

/** A label this pass cannot give distinct boxes: the trace is returned unchanged. */
class Bail {}

/** What an attempt assumes about the loop label (grown by each Retry). */
interface Assumptions {
  /** Label positions to try to carry as virtuals. */
  readonly expand: Set<number>;
  /** Nodes carried as one value (a phi), even if virtual. */
  readonly phis: Set<string>;
  /** Leaves both jumps passed the same value for. */
  readonly invariant: Set<string>;
}

/** Facts about the input trace that every attempt uses. */
interface Plan {
  /**
   * Index of the peeled loop's label: a later label, entered by the jump just
   * before it and targeted by the trace's final jump; -1 if there is none.
   */
  readonly loopLabel: number;
  /** Boxes defined before the loop label and used after it. */
  readonly across: readonly Box[];
}

function virtualize(trace: Trace, ctx: OptContext): Trace {
  const plan = analyse(trace, ctx);
  const assume: Assumptions = { expand: new Set(), phis: new Set(), invariant: new Set() };
  if (plan.loopLabel >= 0) trace.ops[plan.loopLabel].args.forEach((_, k) => assume.expand.add(k));
  for (;;) {
    const boxes = new BoxFactory(ctx.boxes.count);
    const v = new Virtualizer(trace, plan, assume, boxes);
    try {
      const out = v.run();
      while (ctx.boxes.count < boxes.count) ctx.boxes.box('r');
      return v.commit(out);
    } catch (e) {
      if (e instanceof Bail) return trace;
      if (!(e instanceof Retry)) throw e;
      const before = describeAssumptions(assume);
      for (const p of e.demote) {
        if (p.includes('/')) assume.phis.add(p);
        else assume.expand.delete(Number(p));
      }
      for (const p of e.invariant) assume.invariant.add(p);
      // Each retry must learn something, or it would run forever.
      if (describeAssumptions(assume) === before) throw new Error('virtualize: a retry learned nothing');
    }
  }
}

const describeAssumptions = (a: Assumptions): string => [[...a.expand], [...a.phis], [...a.invariant]].map((x) => x.join(',')).join('|');

function analyse(trace: Trace, ctx: OptContext): Plan {
  const ops = trace.ops;
  const n = ops.length;
  let loopLabel = -1;
  // Find the label the final jump targets, then check the jump into it.
  const target = ops[n - 1].opcode === 'jump' ? ops[n - 1].descr : null;
  const at = ops.findIndex((op, k) => k > 0 && op.opcode === 'label' && op.descr === target);
  if (ctx.kind === 'loop' && at > 1 && ops[at - 1].opcode === 'jump' && ops[at - 1].descr === target) loopLabel = at;
  if (loopLabel < 0) return { loopLabel, across: [] };
  const defined: Box[] = [...trace.inputs];
  for (let k = 0; k < loopLabel; k++) if (ops[k].result !== null) defined.push(ops[k].result!);
  const usedAfter = new Set<number>();
  for (let k = loopLabel + 1; k < n; k++) {
    for (const a of [...ops[k].args, ...(ops[k].failArgs ?? [])]) if (a.tag === 'box') usedAfter.add(a.id);
  }
  return { loopLabel, across: defined.filter((b) => usedAfter.has(b.id)) };
}

type Handler = (v: Virtualizer, op: Op) => boolean;

/** One pass over the trace with a fixed set of positions to try to carry as virtuals. */
class Virtualizer {
  private readonly map = new Map<number, Val>();
  private readonly out: Op[] = [];
  private readonly defined = new Set<number>();
  private readonly guardUpdates = new Map<Op, { readonly failArgs: Value[]; readonly virtuals: VirtualInfo[] }>();
  /** Loop label positions carried as virtuals, with their shape. */
  private readonly carried = new Map<number, Template>();
  /** The op before was a call this pass removed: its guard_no_exception goes too. */
  removedCall = false;

  takeRemovedCall(): boolean {
    const r = this.removedCall;
    this.removedCall = false;
    return r;
  }

  constructor(
    private readonly trace: Trace,
    private readonly plan: Plan,
    private readonly assume: Assumptions,
    private readonly boxes: BoxFactory,
  ) {
    for (const b of trace.inputs) this.defined.add(b.id);
  }

  run(): Trace {
    const ops = this.trace.ops;
    const loop = this.plan.loopLabel;
    let labels = 0;
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i];
      if (i === loop - 1) {
        this.enterLoop(op, ops[loop]);
        i++;
        labels++;
      } else if (op.opcode === 'label') {
        this.label(op, labels++ === 0);
      } else if (i === ops.length - 1 && loop >= 0) {
        this.loopJump(op);
      } else {
        const handler = HANDLERS[op.opcode];
        if (handler === undefined || !handler(this, op)) this.emitReal(op);
      }
    }
    return { name: this.trace.name, inputs: this.trace.inputs, ops: this.out };
  }

  /** Installs the guards' new failArgs and resume data (only for the attempt that succeeded). */
  commit(t: Trace): Trace {
    const ops = t.ops.map((op) => {
      const u = this.guardUpdates.get(op);
      if (u === undefined) return op;
      const copy = setFailArgs(op, u.failArgs);
      const d = op.descr as GuardDescr;
      if (d.resume !== null && u.virtuals.length > 0) d.resume = { ...d.resume, virtuals: [...d.resume.virtuals, ...u.virtuals] };
      return copy;
    });
    return { ...t, ops };
  }

  // ---- values ----

  /** What a value of the input trace stands for now: a value, or a virtual. */
  resolve(v: Value): Val {
    if (v.tag === 'const') return v;
    return current(this.map.get(v.id) ?? v);
  }

  /** The value, forcing it if it is virtual. */
  realize(v: Value): Value {
    const x = this.resolve(v);
    return isVirtual(x) ? this.force(x) : x;
  }

  bind(result: Box, v: Val): true {
    this.map.set(result.id, v);
    return true;
  }

  emit(op: Op): void {
    this.out.push(op);
    if (op.result !== null) this.defined.add(op.result.id);
  }

  allocate(op: Op): true {
    const d = op.descr as ClassDescr | null;
    const v: Virtual = { kind: d === null ? 'array' : 'object', cls: d, fields: new Map(), items: [], preferred: op.result, state: 'virtual', box: null };
    const args = op.args.map((a) => this.resolve(a));
    if (d === null) v.items.push(...args);
    else d.ctorFields.forEach((f, k) => v.fields.set(f.name, { field: f, value: args[k] }));
    return this.bind(op.result!, v);
  }

  /** The op with its arguments forced; guards also get their failArgs rewritten. */
  emitReal(op: Op): void {
    const args = op.args.map((a) => this.realize(a));
    if ('guard' in OPS[op.opcode]) this.guard(op, args);
    else this.emit({ ...op, args });
  }

  // ---- forcing ----

  /** Emits the allocation of `v` (and of virtuals it reaches) here; returns its box. */
  force(v: Virtual): Box {
    const late: Op[] = [];
    const box = this.build(v, late);
    late.forEach((op) => this.emit(op));
    return box;
  }

  /** Allocates `v`; stores that need a box still being built go to `late`. */
  private build(v: Virtual, late: Op[]): Box {
    if (v.state !== 'virtual') return v.box!;
    const box = v.preferred !== null && !this.defined.has(v.preferred.id) ? v.preferred : this.boxes.box('r');
    v.state = 'forcing';
    v.box = box;
    // A child still being built (a cycle) is stored by `patch` after every allocation.
    const ref = (x: Val, patch: (child: Box) => Op): Value | null => {
      const c = current(x);
      if (!isVirtual(c)) return c;
      if (c.state === 'forcing') {
        late.push(patch(c.box!));
        return null;
      }
      return this.build(c, late);
    };
    if (v.kind === 'array') {
      const items = v.items.map((x, i) => ref(x, (c) => setItem(box, i, c)) ?? NULL);
      this.emit({ opcode: 'new_array', args: items, result: box, descr: null, failArgs: null });
    } else {
      const cls = v.cls!;
      const args = cls.ctorFields.map((f) => ref(v.fields.get(f.name)!.value, (c) => setField(box, f, c)) ?? NULL);
      this.emit({ opcode: 'new', args, result: box, descr: cls, failArgs: null });
      for (const [name, e] of v.fields) {
        if (cls.ctorFields.some((f) => f.name === name)) continue;
        const x = ref(e.value, (c) => setField(box, e.field, c));
        if (x !== null) late.push(setField(box, e.field, x));
      }
    }
    v.state = 'forced';
    return box;
  }

  // ---- guards ----

  /** Emits a guard with `args`, describing the virtuals among its failArgs. */
  guard(op: Op, args: Value[]): void {
    const d = op.descr as GuardDescr;
    const count = new Map<Virtual, number>();
    for (const a of op.failArgs!) {
      const x = this.resolve(a);
      if (isVirtual(x)) count.set(x, (count.get(x) ?? 0) + 1);
    }
    const forced = [...count].filter(([, n]) => d.resume === null || n > 1).map(([x]) => x);
    if (forced.length > 0) {
      // Nothing may come between a call and its guard_no_exception: allocate before the call.
      const call = op.opcode === 'guard_no_exception' ? this.out.pop()! : null;
      forced.forEach((x) => this.force(x));
      if (call !== null) this.out.push(call);
    }
    const vals = op.failArgs!.map((a) => this.resolve(a));
    const failArgs: Value[] = vals.map((x) => (isVirtual(x) ? NULL : x));
    const index = new Map<Virtual, number>();
    vals.forEach((x, k) => { if (isVirtual(x)) index.set(x, k); });
    const boxAt = new Map<number, number>();
    failArgs.forEach((x, k) => { if (x.tag === 'box' && !boxAt.has(x.id)) boxAt.set(x.id, k); });
    const virtuals: VirtualInfo[] = [];
    const slot = (x: Val): number => {
      const c = current(x);
      if (isVirtual(c)) {
        let k = index.get(c);
        if (k === undefined) {
          k = failArgs.push(NULL) - 1;
          index.set(c, k);
          describe(c, k);
        }
        return k;
      }
      if (c.tag === 'box') {
        const k = boxAt.get(c.id);
        if (k !== undefined) return k;
        boxAt.set(c.id, failArgs.length);
      }
      return failArgs.push(c) - 1;
    };
    const describe = (x: Virtual, at: number): void => {
      const n = virtuals.push(null as unknown as VirtualInfo) - 1; // parents before children, for readers
      virtuals[n] = x.kind === 'array'
        ? { kind: 'array', at, items: x.items.map(slot) }
        : { kind: 'object', at, cls: x.cls!, fields: [...x.fields.values()].map((e) => ({ field: e.field, value: slot(e.value) })) };
    };
    vals.forEach((x, k) => { if (isVirtual(x)) describe(x, k); });
    const copy: Op = { ...op, args, failArgs };
    const changed = virtuals.length > 0 || failArgs.length !== op.failArgs!.length || failArgs.some((x, k) => x !== op.failArgs![k]);
    if (changed) this.guardUpdates.set(copy, { failArgs, virtuals });
    this.emit(copy);
  }

  // ---- labels and the loop's jump ----

  /**
   * A label other than the loop label: the first label's args are uses (a loop's
   * are its inputs, never virtual); a later one defines fresh boxes.
   */
  private label(op: Op, first: boolean): void {
    if (!first) {
      this.emit(op);
      op.args.forEach((a) => this.defined.add((a as Box).id));
      return;
    }
    const args = op.args.map((a) => this.realize(a));
    const ids = new Set<number>();
    for (const a of args) {
      // Two args folded into one value, or into a constant: the label cannot keep them apart.
      if (a.tag !== 'box' || ids.has(a.id)) throw new Bail();
      ids.add(a.id);
    }
    this.emit({ ...op, args });
  }

  /** The preamble's jump into the loop label, and the label: carried virtuals become their leaves. */
  private enterLoop(jump: Op, label: Op): void {
    // The loop body may use what the preamble computed, but only as real values:
    // a virtual's state at the back-edge is not its state at the label.
    for (const b of this.plan.across) this.realize(b);
    jump.args.forEach((a, k) => { if (!this.assume.expand.has(k)) this.realize(a); });
    const carried = jump.args.map((a, k) => (isVirtual(this.resolve(a)) ? k : -1)).filter((k) => k >= 0);
    // A carried virtual is a tree: no object reachable twice, from it or from another.
    const seen = new Set<Virtual>();
    for (const k of carried) walk(this.resolve(jump.args[k]) as Virtual, seen, () => { throw new Retry([String(k)], []); });
    const templates = new Map<number, Template>();
    for (const k of carried) templates.set(k, this.template(this.resolve(jump.args[k]) as Virtual, String(k)));
    const pre: Value[] = [];
    const args: Value[] = [];
    jump.args.forEach((a, k) => {
      const t = templates.get(k);
      if (t === undefined) {
        pre.push(this.realize(a));
        args.push(label.args[k]);
      } else {
        for (const l of phis(t)) {
          pre.push(l.pre);
          args.push(l.box);
        }
      }
    });
    this.emit({ ...jump, args: pre });
    this.emit({ ...label, args });
    args.forEach((a) => this.defined.add((a as Box).id));
    for (const [k, t] of templates) {
      this.carried.set(k, t);
      this.bind(label.args[k] as Box, instantiate(t));
    }
  }

  /** The shape of `v` at the loop label (see Assumptions for which leaves are phis). */
  private template(v: Virtual, path: string): Template {
    const leaf = (x: Val, p: string): Leaf => {
      const c = current(x);
      if (isVirtual(c) && !this.assume.phis.has(p)) return { tag: 'nest', node: this.template(c, p) };
      const value = isVirtual(c) ? this.force(c) : c;
      if (!this.assume.phis.has(p) && (value.tag === 'const' || this.assume.invariant.has(p))) return { tag: 'inv', path: p, value };
      return { tag: 'phi', path: p, pre: value, box: this.boxes.box(value.kind) };
    };
    if (v.kind === 'array') {
      return { kind: 'array', cls: null, path, entries: v.items.map((x, i) => ({ key: String(i), field: null, leaf: leaf(x, `${path}/${i}`) })) };
    }
    return { kind: 'object', cls: v.cls, path, entries: [...v.fields].map(([key, e]) => ({ key, field: e.field, leaf: leaf(e.value, `${path}/${key}`) })) };
  }

  /** The loop's back-edge: carried positions pass their phis' values, if the shapes still match. */
  private loopJump(op: Op): void {
    op.args.forEach((a, k) => { if (!this.carried.has(k)) this.realize(a); });
    const demote: string[] = [];
    const invariant: string[] = [];
    const seen = new Set<Virtual>();
    for (const k of this.carried.keys()) {
      const x = this.resolve(op.args[k]);
      if (!isVirtual(x)) demote.push(String(k));
      else walk(x, seen, () => { throw new Retry([String(k)], []); });
    }
    if (demote.length > 0) throw new Retry(demote, []);
    const args: Value[] = [];
    op.args.forEach((a, k) => {
      const t = this.carried.get(k);
      if (t === undefined) args.push(this.realize(a));
      else this.match(t, this.resolve(a) as Virtual, args, demote, invariant);
    });
    if (demote.length > 0 || invariant.length > 0) throw new Retry(demote, invariant);
    this.emit({ ...op, args });
  }

  /**
   * Pushes the values of t's phis from `v`, forcing virtuals there. Where `v`
   * does not fit, the node goes to `demote`; phis that got the preamble's own
   * value go to `invariant`.
   */
  private match(t: Template, v: Virtual, out: Value[], demote: string[], invariant: string[]): void {
    const size = v.kind === 'array' ? v.items.length : v.fields.size;
    if (v.kind !== t.kind || v.cls !== t.cls || size !== t.entries.length) {
      demote.push(t.path);
      return;
    }
    for (const e of t.entries) {
      const raw = v.kind === 'array' ? v.items[Number(e.key)] : v.fields.get(e.key)?.value;
      if (raw === undefined) {
        demote.push(t.path);
        return;
      }
      const x = current(raw);
      const l = e.leaf;
      if (l.tag === 'nest') {
        if (isVirtual(x)) this.match(l.node, x, out, demote, invariant);
        else demote.push(l.node.path);
      } else if (l.tag === 'inv') {
        if (isVirtual(x) || !sameValue(x, l.value)) demote.push(l.path);
      } else {
        const y = isVirtual(x) ? this.force(x) : x;
        if (y.kind !== l.box.kind) demote.push(t.path);
        else if (sameValue(y, l.pre) && !this.assume.phis.has(l.path)) invariant.push(l.path);
        out.push(y);
      }
    }
  }
}

/** A forced virtual stands for its box. */
function current(x: Val): Val {
  return isVirtual(x) && x.state === 'forced' ? x.box! : x;
}

function sameValue(a: Value, b: Value): boolean {
  if (a.tag === 'box' || b.tag === 'box') return a.tag === b.tag && (a as Box).id === (b as Box).id;
  return a.kind === b.kind && Object.is(a.value, b.value);
}

/** Visits the virtuals reachable from `v`; calls `twice` when one is reached again. */
function walk(v: Virtual, seen: Set<Virtual>, twice: () => never): void {
  if (seen.has(v)) twice();
  seen.add(v);
  const children = v.kind === 'array' ? v.items : [...v.fields.values()].map((e) => e.value);
  for (const c of children) {
    const x = current(c);
    if (isVirtual(x)) walk(x, seen, twice);
  }
}

/** The phis of a template, in label order. */
function phis(t: Template): Extract<Leaf, { tag: 'phi' }>[] {
  const out: Extract<Leaf, { tag: 'phi' }>[] = [];
  for (const e of t.entries) {
    if (e.leaf.tag === 'phi') out.push(e.leaf);
    else if (e.leaf.tag === 'nest') out.push(...phis(e.leaf.node));
  }
  return out;
}

/** The virtual a carried label arg stands for after the label: fields are the phis. */
function instantiate(t: Template): Virtual {
  const v: Virtual = { kind: t.kind, cls: t.cls, fields: new Map(), items: [], preferred: null, state: 'virtual', box: null };
  for (const e of t.entries) {
    const l = e.leaf;
    const x: Val = l.tag === 'phi' ? l.box : l.tag === 'inv' ? l.value : instantiate(l.node);
    if (t.kind === 'array') v.items.push(x);
    else v.fields.set(e.key, { field: e.field!, value: x });
  }
  return v;
}

const setField = (obj: Box, field: FieldDescr, value: Value): Op => ({ opcode: 'setfield', args: [obj, value], result: null, descr: field, failArgs: null });
const setItem = (arr: Box, index: number, value: Value): Op =>
  ({ opcode: 'setarrayitem', args: [arr, constOf('f', index), value], result: null, descr: null, failArgs: null });

// ---- what ops do to virtuals ----

/** The virtual at argument `k`, if it is one. */
function virtualArg(v: Virtualizer, op: Op, k: number): Virtual | null {
  const x = v.resolve(op.args[k]);
  return isVirtual(x) ? x : null;
}

/** The constant array index of argument `k` if it is in range for `arr`. */
function constIndex(op: Op, k: number, arr: Virtual): number | null {
  const i = op.args[k];
  if (i.tag !== 'const' || typeof i.value !== 'number') return null;
  return Number.isInteger(i.value) && i.value >= 0 && i.value < arr.items.length ? i.value : null;
}

/** The kind of what a value stands for. */
const kindOf = (x: Val): Value['kind'] => (isVirtual(x) ? 'r' : x.kind);

const getfield: Handler = (v, op) => {
  const obj = virtualArg(v, op, 0);
  const e = obj?.kind === 'object' ? obj.fields.get((op.descr as FieldDescr).name) : undefined;
  // A field never set holds its constructor default, which this pass does not know: force.
  if (e === undefined || kindOf(e.value) !== op.result!.kind) return false;
  return v.bind(op.result!, e.value);
};

const getitem: Handler = (v, op) => {
  const arr = virtualArg(v, op, 0);
  const i = arr?.kind === 'array' ? constIndex(op, 1, arr) : null;
  if (arr === null || i === null || kindOf(arr.items[i]) !== op.result!.kind) return false;
  return v.bind(op.result!, arr.items[i]);
};

/** The static value of `x instanceof cls` for a fresh object of v's class, or null. */
function instanceOf(x: Virtual, cls: Function): boolean | null {
  const proto: unknown = x.kind === 'array' ? Array.prototype : x.cls!.cls.prototype;
  const target: unknown = cls.prototype;
  if ((cls as unknown as Record<symbol, unknown>)[Symbol.hasInstance] !== Function.prototype[Symbol.hasInstance]) return null;
  if (typeof target !== 'object' || target === null || typeof proto !== 'object' || proto === null) return null;
  return proto === target || Object.prototype.isPrototypeOf.call(target, proto);
}

/** `x.constructor` for a fresh object of v's class (guard_class compares it), or undefined. */
function constructorOf(x: Virtual): unknown {
  if (x.fields.has('constructor')) return undefined;
  const proto = (x.kind === 'array' ? Array.prototype : x.cls!.cls.prototype) as { constructor?: unknown };
  return proto.constructor;
}

const GUARD_HOLDS: Partial<Record<Opcode, (c: unknown) => boolean>> = { guard_true: (c) => !!c, guard_false: (c) => !c };

const HANDLERS: Partial<Record<Opcode, Handler>> = {
  new: (v, op) => v.allocate(op),
  new_array: (v, op) => v.allocate(op),
  getfield_i: getfield,
  getfield_f: getfield,
  getfield_r: getfield,
  setfield: (v, op) => {
    const obj = virtualArg(v, op, 0);
    if (obj === null || obj.kind !== 'object') return false;
    const f = op.descr as FieldDescr;
    const old = obj.fields.get(f.name) ?? (obj.cls!.ctorFields.some((c) => c.name === f.name) ? null : undefined);
    if (old === null || (old !== undefined && old.field.valueKind !== f.valueKind)) return false;
    if (old !== undefined) old.value = v.resolve(op.args[1]);
    else obj.fields.set(f.name, { field: f, value: v.resolve(op.args[1]) });
    return true;
  },
  getarrayitem_i: getitem,
  getarrayitem_f: getitem,
  getarrayitem_r: getitem,
  setarrayitem: (v, op) => {
    const arr = virtualArg(v, op, 0);
    const i = arr?.kind === 'array' ? constIndex(op, 1, arr) : null;
    if (arr === null || i === null) return false;
    arr.items[i] = v.resolve(op.args[2]);
    return true;
  },
  arraylen: (v, op) => {
    const arr = virtualArg(v, op, 0);
    return arr?.kind === 'array' ? v.bind(op.result!, constOf('f', arr.items.length)) : false;
  },
  instanceof: (v, op) => {
    const x = virtualArg(v, op, 0);
    const r = x === null ? null : instanceOf(x, (op.descr as ClassDescr).cls);
    return r === null ? false : v.bind(op.result!, constOf('i', r));
  },
  ptr_eq: (v, op) => identity(v, op, true),
  ptr_ne: (v, op) => identity(v, op, false),
  ref_is_true: (v, op) => virtualArg(v, op, 0) !== null && v.bind(op.result!, constOf('i', true)),
  ref_typeof: (v, op) => virtualArg(v, op, 0) !== null && v.bind(op.result!, constOf('r', 'object')),
  guard_nonnull: (v, op) => virtualArg(v, op, 0) !== null,
  guard_class: (v, op) => {
    const x = virtualArg(v, op, 0);
    const k = op.args[1];
    // A virtual of another class always fails the guard: forced and emitted (the default).
    return x !== null && k.tag === 'const' && constructorOf(x) === k.value;
  },
  guard_true: (v, op) => constantGuard(v, op),
  guard_false: (v, op) => constantGuard(v, op),
  call_f: (v, op) => arrayPush(v, op),
  guard_no_exception: (v) => v.takeRemovedCall(),
};

/**
 * `arr.push(x)` (the library method, one argument) on a virtual array appends
 * an item and gives the new length: interpreters build arrays that way. The
 * call's guard_no_exception goes with it (a push on a plain array cannot throw).
 */
function arrayPush(v: Virtualizer, op: Op): boolean {
  const d = op.descr as CallDescr;
  const arr = d.name === 'Array.push' && op.args.length === 2 ? virtualArg(v, op, 0) : null;
  if (arr === null || arr.kind !== 'array') return false;
  arr.items.push(v.resolve(op.args[1]));
  if (d.canRaise) v.removedCall = true;
  return v.bind(op.result!, constOf('f', arr.items.length));
}

/** ptr_eq / ptr_ne with a virtual operand: a fresh object is identical only to itself. */
function identity(v: Virtualizer, op: Op, eq: boolean): boolean {
  const a = v.resolve(op.args[0]);
  const b = v.resolve(op.args[1]);
  if (!isVirtual(a) && !isVirtual(b)) return false;
  return v.bind(op.result!, constOf('i', (a === b) === eq));
}

/** A guard_true/false whose argument folded to a constant that passes is dropped. */
function constantGuard(v: Virtualizer, op: Op): boolean {
  const x = v.resolve(op.args[0]);
  return !isVirtual(x) && x.tag === 'const' && GUARD_HOLDS[op.opcode]!(x.value);
}
