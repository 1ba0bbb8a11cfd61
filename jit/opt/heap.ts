// Heap cache (PyPy optimizeopt/heap.py, lj_opt_mem.c): a read of a heap
// cell whose value the trace already knows becomes that value; a store of the
// value a cell already holds disappears, and so does a store that a later store
// to the same cell overwrites before anything could read it.
//
//   before                                      after
//   f3 = getfield_f(r1, descr=Point.x)          f3 = getfield_f(r1, descr=Point.x)
//   setfield(r2, f3, descr=Point.y)             (dead: overwritten below, unread)
//   f4 = getfield_f(r1, descr=Point.x)          (f4 is f3: Point.y is another field)
//   setfield(r1, f4, descr=Point.x)             (r1.x already holds f3)
//   setfield(r2, 1.0, descr=Point.y)            setfield(r2, 1.0, descr=Point.y)
//
// Cells and what the cache knows about them (values are SSA values of the trace):
//   field   (object, FieldDescr)  -> value     from getfield, setfield, `new`
//   item    (array, index)        -> value     from getarrayitem, setarrayitem, new_array
//   length  (array)               -> value     from arraylen, new_array
//
// What it must prove:
// - Aliasing. A write to a cell forgets every known cell it may overwrite. Two
//   object values may be the same object unless they are different constants,
//   or one is a *fresh* allocation (the result of a `new` here that has not
//   escaped yet: not stored anywhere, not passed to a call or another
//   allocation — only then can no other value be it), or one is any allocation
//   of this trace and the other existed before it (a constant, or a box defined
//   earlier in the trace: in a loop, earlier in the same iteration, or before
//   the peeled loop header for one made after it), or their known classes differ.
//   Fields alias by JS property name, not by descriptor (the heap ops access
//   properties by name; two descriptors may share one). Indices alias unless
//   both are constants naming different properties, or both are int32s (made
//   by int_to_float) of one value plus different constants. A field named
//   `length` is an array's length.
// - Typed arrays convert stored values (ToUint8 & co., Float32 rounding): after
//   a store with an ArrayDescr the cell is known only where the conversion
//   keeps the value (readBack); a later read still knows what it read.
// - Redundant stores: a store of the value a cell holds goes. An item read may
//   have read a hole (past the end: undefined), which a store would fill, so
//   only an item a store or new_array made counts. A field is taken to exist
//   once read: FieldDescrs name class fields, which every instance has.
// - Calls: effect 'write' forgets all mutable knowledge except about fresh
//   allocations, which the callee cannot reach; 'readonly'/'elidable' forget
//   nothing. Immutable fields (FieldDescr.immutable) survive calls.
// - Labels: a second label (the peeled loop header) is reached again after
//   the loop body ran. What the preamble knows survives it only where the body
//   cannot have changed it: a field whose property the code after the label
//   never stores (and, unless immutable, makes no 'write' call); array items and
//   lengths when that code stores no item, no `length` and makes no 'write'
//   call. So invariant loads stay in the preamble. (Its args are fresh boxes:
//   nothing is known about them.) An item the loop stores at a fixed array and
//   index (defined before the label) goes around the loop in a new label arg
//   instead: the entry jump passes what the preamble knows of it, the back-edge
//   what the iteration knows, so the loop reads it without a load (peer JITs'
//   store forwarding over the back-edge; carryItems).
// - Dead stores: a store is dropped when the same cell is stored again and in
//   between nothing may read it: no read of that property on an aliasing
//   object that the cache could not answer, no call (calls may read anything),
//   no guard (a failing guard resumes in the interpreter, which reads the
//   heap), no label or jump.
//
// Leaves out: quasi-immutable fields are treated as mutable (their writes are
// ordinary setfields plus a 'write' invalidation call); no knowledge of
// constructor defaults (fields `new` does not initialize); no index arithmetic
// (i and i+1 may alias); no per-descriptor effect sets for calls (PyPy's
// EffectInfo bitsets); stores are not sunk or delayed (PyPy's lazy setfields).

import { isIntItem, type ArrayDescr, type CallDescr, type ClassDescr, type Descr, type FieldDescr } from '../ir/descr.js';
import { kindedOp, OPS, type Opcode } from '../ir/ops.js';
import { constOf, type Box, type Const, type Op, type Trace, type Value } from '../ir/trace.js';
import { setFailArgs, type OptContext, type OptPass } from './pass.js';

export const heapPass: OptPass = {
  name: 'heap',
  description: 'heap cache: forwards loads, drops redundant and dead stores, respecting aliasing, calls and labels',
  run: (trace, ctx) => new HeapOptimizer(trace, ctx).run(),
};

/** Identity of an object value: a box's id, or the constant itself (by value for primitives). */
type Key = string | object;

function keyOf(v: Value): Key {
  if (v.tag === 'box') return `#${v.id}`;
  const x = v.value;
  return (typeof x === 'object' && x !== null) || typeof x === 'function' ? x : `=${typeof x}:${String(x)}`;
}

/** Identity of an index: a box's id, or the property key a constant index names (-0 and 0 are "0"). */
const plainIndexKey = (v: Value): Key => (v.tag === 'box' ? `#${v.id}` : `=${String(v.value)}`);

/** The same JS value, for sure: the same box, or constants that are Object.is. */
const sameValue = (a: Value, b: Value): boolean =>
  a.tag === 'box' ? b.tag === 'box' && a.id === b.id : b.tag === 'const' && a.kind === b.kind && Object.is(a.value, b.value);

interface FieldCell { readonly obj: Value; readonly value: Value }
/** `stored`: the item exists (a store or new_array made it); a read may have seen a hole. */
/** How to read an item again (opcode and descr of a load that gives `value`), for carrying it around the loop. */
interface Reader { readonly opcode: Opcode; readonly descr: Descr | null }
interface ItemCell { readonly index: Value; readonly value: Value; readonly stored: boolean; readonly reader: Reader }
/** An item the loop proper carries in a phi: its value at the back-edge is the phi's next value. */
interface Carried { readonly arr: Value; readonly index: Value; readonly phi: Box; readonly reader: Reader }
interface ArrayCells { readonly arr: Value; readonly items: Map<Key, ItemCell> }
interface PendingStore { readonly obj: Value; readonly at: number }
interface PendingItems { readonly arr: Value; readonly stores: Map<Key, { readonly index: Value; readonly at: number }> }

/** Ops whose argument 0 is the object they access: it does not escape through them. */
const ACCESSED_ARG0: ReadonlySet<Opcode> = new Set<Opcode>([
  'getfield_i', 'getfield_f', 'getfield_r', 'setfield', 'getarrayitem_i', 'getarrayitem_f', 'getarrayitem_r', 'setarrayitem', 'arraylen',
]);
/** Pure ops that look at a reference without handing it on. */
const INSPECTS: ReadonlySet<Opcode> = new Set<Opcode>(['ptr_eq', 'ptr_ne', 'ref_is_true', 'ref_typeof', 'instanceof']);

type Handler = (h: HeapOptimizer, op: Op, at: number) => void;

const getfield: Handler = (h, op) => h.getfield(op);
const getitem: Handler = (h, op) => h.getarrayitem(op);

/** Ops with their own treatment; every other op is handled by its table columns (HeapOptimizer.generic). */
const HANDLERS: Partial<Record<Opcode, Handler>> = {
  getfield_i: getfield,
  getfield_f: getfield,
  getfield_r: getfield,
  setfield: (h, op) => h.setfield(op),
  getarrayitem_i: getitem,
  getarrayitem_f: getitem,
  getarrayitem_r: getitem,
  setarrayitem: (h, op) => h.setarrayitem(op),
  arraylen: (h, op) => h.arraylen(op),
  new: (h, op, at) => h.allocate(op, at),
  new_array: (h, op, at) => h.allocate(op, at),
  guard_class: (h, op) => h.guardClass(op),
  label: (h, op, at) => h.label(op, at),
  jump: (h, op) => h.jump(op),
};

/** One run of the pass over one trace; all state of the run lives here. */
class HeapOptimizer {
  private readonly out: (Op | null)[] = [];
  private changed = false;
  /** Results of dropped reads -> the value they read. */
  private readonly subst = new Map<number, Value>();
  private readonly fields = new Map<FieldDescr, Map<Key, FieldCell>>();
  private readonly items = new Map<Key, ArrayCells>();
  private readonly lengths = new Map<Key, FieldCell>();
  /** Allocations of this trace not yet escaped (see the header). */
  private readonly fresh = new Set<number>();
  /** Allocations of this trace -> op index: never equal to a constant or an older value. */
  private readonly allocated = new Map<number, number>();
  /** The op defining each box. */
  private readonly defs = new Map<number, Op>();
  /** Op index defining each box (inputs: -1). */
  private readonly born = new Map<number, number>();
  /** Exact classes from guard_class and `new`. */
  private readonly classes = new Map<number, Function>();
  /** Stores nothing has read yet, by field and object: out[at] can still be dropped. */
  private readonly pendingFields = new Map<FieldDescr, Map<Key, PendingStore>>();
  private readonly pendingItems = new Map<Key, PendingItems>();
  /** Index of the first label (the loop entry), or -1. */
  private readonly firstLabel: number;
  /** Index of the second label (the loop proper), or -1. */
  private readonly secondLabel: number;
  /** Items carried around the loop proper (carryItems). */
  private carried: Carried[] = [];

  constructor(private readonly trace: Trace, private readonly ctx: OptContext) {
    this.firstLabel = trace.ops.findIndex((o) => o.opcode === 'label');
    this.secondLabel = trace.ops.findIndex((o, i) => i > this.firstLabel && o.opcode === 'label');
    for (const b of trace.inputs) this.born.set(b.id, -1);
    trace.ops.forEach((op, at) => {
      if (op.result !== null) this.born.set(op.result.id, at);
      if (op.result !== null) this.defs.set(op.result.id, op);
      if (op.opcode === 'label' && at > this.firstLabel) for (const a of op.args) if (a.tag === 'box') this.born.set(a.id, at);
    });
  }

  run(): Trace {
    this.trace.ops.forEach((original, at) => {
      const op = this.rewrite(original);
      this.escape(op);
      const handler = HANDLERS[op.opcode];
      if (handler) handler(this, op, at);
      else this.generic(op);
    });
    if (!this.changed) return this.trace;
    return { ...this.trace, ops: this.out.filter((o): o is Op => o !== null) };
  }

  // ---- rewriting -------------------------------------------------------------

  private resolve(v: Value): Value {
    return v.tag === 'box' ? this.subst.get(v.id) ?? v : v;
  }

  /** The op with dropped reads replaced by their values, in args and failArgs (positions kept). */
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

  private emit(op: Op): number {
    this.out.push(op);
    return this.out.length - 1;
  }

  private drop(): void {
    this.changed = true;
  }

  /** The read with result `res` is dropped: its uses read `value` (when of its kind; items may hold any kind). */
  private forward(res: Box, value: Value): boolean {
    if (res.kind !== value.kind) return false;
    this.subst.set(res.id, value);
    this.drop();
    return true;
  }

  // ---- aliasing --------------------------------------------------------------

  private isFresh(v: Value): boolean {
    return v.tag === 'box' && this.fresh.has(v.id);
  }

  private classOf(v: Value): Function | undefined {
    if (v.tag === 'box') return this.classes.get(v.id);
    const x = v.value;
    return (typeof x === 'object' && x !== null) ? (x as object).constructor : undefined;
  }

  /** May these two object values be the same object? (See the header.) */
  private mayAlias(a: Value, b: Value): boolean {
    if (keyOf(a) === keyOf(b)) return true;
    if (this.isFresh(a) || this.isFresh(b)) return false;
    if (a.tag === 'const' && b.tag === 'const') return false;
    if (this.olderThan(a, b) || this.olderThan(b, a)) return false;
    const ca = this.classOf(a), cb = this.classOf(b);
    return ca === undefined || cb === undefined || ca === cb;
  }

  /** `y` existed before the allocation `x` was made (constants always did). */
  private olderThan(x: Value, y: Value): boolean {
    const made = x.tag === 'box' ? this.allocated.get(x.id) : undefined;
    if (made === undefined) return false;
    return y.tag === 'const' || (this.born.get(y.id) ?? Infinity) < made;
  }

  /**
   * Identity of an index: an int32 seen as a number (int_to_float of x + C) by
   * x and C, so that two such boxes of one value name one cell; else the box,
   * or the property key a constant index names (-0 and 0 are "0").
   */
  private indexKey(v: Value): Key {
    const o = this.intOffset(v);
    return o !== null ? `#${o.base}+${o.offset}` : plainIndexKey(v);
  }

  private mayAliasIndex(a: Value, b: Value): boolean {
    if (this.indexKey(a) === this.indexKey(b)) return true;
    if (a.tag === 'const' && b.tag === 'const') return false;
    // int32 indices x + C1 and x + C2 (as numbers) differ when C1 !== C2 (int_add wraps: never equal)
    const [x, y] = [this.intOffset(a), this.intOffset(b)];
    return !(x !== null && y !== null && x.base === y.base && x.offset !== y.offset);
  }

  /** An index made by int_to_float of `base + offset` (int_add chains of constants), or null. */
  private intOffset(v: Value): { base: number; offset: number } | null {
    const def = v.tag === 'box' ? this.defs.get(v.id) : undefined;
    if (def === undefined || def.opcode !== 'int_to_float') return null;
    let x = this.resolve(def.args[0]);
    let offset = 0;
    for (;;) {
      const d = x.tag === 'box' ? this.defs.get(x.id) : undefined;
      const c = d?.opcode === 'int_add' ? d.args.findIndex((a) => a.tag === 'const') : -1;
      if (d === undefined || c < 0) break;
      offset = (offset + ((d.args[c] as Const).value as number)) | 0;
      x = this.resolve(d.args[1 - c]);
    }
    return x.tag === 'box' ? { base: x.id, offset } : null;
  }

  /** Allocations stop being fresh when handed to anything but an access or an inspection of themselves. */
  private escape(op: Op): void {
    if (this.fresh.size === 0) return;
    const info = OPS[op.opcode];
    op.args.forEach((a, k) => {
      if (a.tag !== 'box' || !this.fresh.has(a.id)) return;
      const keeps = 'guard' in info || INSPECTS.has(op.opcode) || (k === 0 && ACCESSED_ARG0.has(op.opcode));
      if (!keeps) this.fresh.delete(a.id);
    });
  }

  // ---- fields ----------------------------------------------------------------

  private fieldCell(descr: FieldDescr, obj: Value): FieldCell | undefined {
    return this.fields.get(descr)?.get(keyOf(obj));
  }

  private knowField(descr: FieldDescr, obj: Value, value: Value): void {
    let cells = this.fields.get(descr);
    if (!cells) this.fields.set(descr, (cells = new Map()));
    cells.set(keyOf(obj), { obj, value });
  }

  /** A store to property `name` of `obj`: forget every cell it may overwrite. */
  private forgetField(name: string, obj: Value): void {
    for (const [descr, cells] of this.fields) {
      if (descr.name !== name) continue;
      for (const [k, c] of cells) if (this.mayAlias(c.obj, obj)) cells.delete(k);
    }
  }

  /** A read of property `name` of `obj` the cache could not answer: stores it may see stay. */
  private observeField(name: string, obj: Value): void {
    for (const [descr, stores] of this.pendingFields) {
      if (descr.name !== name) continue;
      for (const [k, p] of stores) if (this.mayAlias(p.obj, obj)) stores.delete(k);
    }
    if (name === 'length') this.observeItems(obj, null);
  }

  getfield(op: Op): void {
    const descr = op.descr as FieldDescr;
    const obj = op.args[0];
    const res = op.result!;
    const known = this.fieldCell(descr, obj);
    if (known && this.forward(res, known.value)) return;
    this.observeField(descr.name, obj);
    this.emit(op);
    this.knowField(descr, obj, res);
  }

  setfield(op: Op): void {
    const descr = op.descr as FieldDescr;
    const [obj, value] = op.args;
    const known = this.fieldCell(descr, obj);
    if (known && sameValue(known.value, value)) return this.drop();
    const key = keyOf(obj);
    let stores = this.pendingFields.get(descr);
    const dead = stores?.get(key);
    if (dead) {
      this.out[dead.at] = null;
      this.drop();
    }
    this.forgetField(descr.name, obj);
    if (descr.name === 'length') this.forgetItems(obj, null);
    const at = this.emit(op);
    this.knowField(descr, obj, value);
    if (!stores) this.pendingFields.set(descr, (stores = new Map()));
    stores.set(key, { obj, at });
  }

  // ---- arrays ----------------------------------------------------------------

  /** A store to `arr[index]` (index null: to its length): forget what it may overwrite. */
  private forgetItems(arr: Value, index: Value | null): void {
    for (const [k, cells] of this.items) {
      if (!this.mayAlias(cells.arr, arr)) continue;
      if (index === null) this.items.delete(k);
      else for (const [ik, c] of cells.items) if (this.mayAliasIndex(c.index, index)) cells.items.delete(ik);
    }
    for (const [k, c] of this.lengths) {
      if (!this.mayAlias(c.obj, arr)) continue;
      // Storing below a known constant length keeps the length.
      const len = c.value.tag === 'const' ? (c.value.value as number) : -1;
      const i = index?.tag === 'const' ? (index.value as number) : -1;
      if (!(Number.isInteger(i) && i >= 0 && i < len)) this.lengths.delete(k);
    }
    this.forgetField('length', arr);
  }

  /** A read of `arr[index]` (index null: of its length) the cache could not answer. */
  private observeItems(arr: Value, index: Value | null): void {
    for (const [k, p] of this.pendingItems) {
      if (!this.mayAlias(p.arr, arr)) continue;
      if (index === null) this.pendingItems.delete(k);
      else for (const [ik, s] of p.stores) if (this.mayAliasIndex(s.index, index)) p.stores.delete(ik);
    }
  }

  private knowItem(arr: Value, index: Value, value: Value, stored: boolean, reader: Reader): void {
    const k = keyOf(arr);
    let cells = this.items.get(k);
    if (!cells) this.items.set(k, (cells = { arr, items: new Map() }));
    cells.items.set(this.indexKey(index), { index, value, stored, reader });
  }

  getarrayitem(op: Op): void {
    const [arr, index] = op.args;
    const res = op.result!;
    const known = this.items.get(keyOf(arr))?.items.get(this.indexKey(index));
    if (known && this.forward(res, known.value)) return;
    this.observeItems(arr, index);
    this.emit(op);
    this.knowItem(arr, index, res, false, { opcode: op.opcode, descr: op.descr });
  }

  setarrayitem(op: Op): void {
    const [arr, index, value] = op.args;
    const known = this.items.get(keyOf(arr))?.items.get(this.indexKey(index));
    if (known && known.stored && sameValue(known.value, value)) return this.drop();
    const k = keyOf(arr);
    let pending = this.pendingItems.get(k);
    const dead = pending?.stores.get(this.indexKey(index));
    if (dead) {
      this.out[dead.at] = null;
      this.drop();
    }
    this.forgetItems(arr, index);
    const at = this.emit(op);
    const d = op.descr as ArrayDescr | null;
    const back = this.readBack(d, value);
    if (back !== null) this.knowItem(arr, index, back, true, { opcode: kindedOp('getarrayitem', back.kind), descr: d });
    if (!pending) this.pendingItems.set(k, (pending = { arr, stores: new Map() }));
    pending.stores.set(this.indexKey(index), { index, at });
  }

  /**
   * What a read of an item gives after storing `value` (see the header), or
   * null when the cache cannot say: a JS array or a Float64Array gives the
   * value back; an integer typed array the int32 an int_to_float made the
   * value from, when the store keeps it (ToInt32 of an int32 is itself, and
   * `x & C` with 0 <= C below 2^8 or 2^16 fits a Uint8 or Uint16 item).
   */
  private readBack(d: ArrayDescr | null, value: Value): Value | null {
    if (d === null || d.item === 'f64') return value;
    const def = value.tag === 'box' ? this.defs.get(value.id) : undefined;
    if (!isIntItem(d.item) || def === undefined || def.opcode !== 'int_to_float') return null;
    const int = this.resolve(def.args[0]);
    if (d.item === 'i32' || d.item === 'u32') return int;
    const limit = d.item === 'u8' ? 255 : d.item === 'u16' ? 65535 : -1;
    const mask = int.tag === 'box' ? this.defs.get(int.id) : undefined;
    if (mask === undefined || mask.opcode !== 'int_and') return null;
    const c = mask.args.find((a) => a.tag === 'const');
    return c !== undefined && (c.value as number) >= 0 && (c.value as number) <= limit ? int : null;
  }

  arraylen(op: Op): void {
    const arr = op.args[0];
    const res = op.result!;
    const known = this.lengths.get(keyOf(arr));
    if (known && this.forward(res, known.value)) return;
    this.observeItems(arr, null);
    this.observeField('length', arr);
    this.emit(op);
    this.lengths.set(keyOf(arr), { obj: arr, value: res });
  }

  // ---- allocations, guards, calls, labels ------------------------------------

  allocate(op: Op, at: number): void {
    this.emit(op);
    const obj = op.result!;
    this.fresh.add(obj.id);
    this.allocated.set(obj.id, at);
    if (op.opcode === 'new') {
      const cls = op.descr as ClassDescr;
      this.classes.set(obj.id, cls.cls);
      cls.ctorFields.forEach((f, k) => this.knowField(f, obj, op.args[k]));
    } else {
      op.args.forEach((v, k) => this.knowItem(obj, constOf('f', k), v, true, { opcode: kindedOp('getarrayitem', v.kind), descr: null }));
      this.lengths.set(keyOf(obj), { obj, value: constOf('f', op.args.length) });
    }
  }

  guardClass(op: Op): void {
    const [obj, cls] = op.args as [Value, Const];
    if (obj.tag === 'box' && typeof cls.value === 'function') this.classes.set(obj.id, cls.value);
    this.generic(op);
  }

  /** Every op without a handler, by its table columns. */
  generic(op: Op): void {
    const info = OPS[op.opcode];
    if ('call' in info && (op.descr as CallDescr).effect === 'write') this.forgetMutable();
    if ('call' in info || 'guard' in info || 'control' in info) this.observeAll();
    this.emit(op);
  }

  /** A call that may write: keep only immutable fields and what fresh allocations hold. */
  private forgetMutable(): void {
    const stale = (v: Value) => !this.isFresh(v);
    for (const [descr, cells] of this.fields) {
      if (descr.immutable) continue;
      for (const [k, c] of cells) if (stale(c.obj)) cells.delete(k);
    }
    for (const [k, c] of this.items) if (stale(c.arr)) this.items.delete(k);
    for (const [k, c] of this.lengths) if (stale(c.obj)) this.lengths.delete(k);
  }

  /** Anything may read the heap here: no pending store is dead. */
  private observeAll(): void {
    this.pendingFields.clear();
    this.pendingItems.clear();
  }

  label(op: Op, at: number): void {
    this.observeAll();
    this.fresh.clear();
    if (at <= this.firstLabel) {
      // The loop entry: nothing before it is in scope after it.
      this.items.clear();
      this.lengths.clear();
      this.fields.clear();
      this.allocated.clear();
      this.classes.clear();
    } else {
      // The loop body runs between two visits: keep what it cannot change.
      const body = this.trace.ops.slice(at + 1);
      const writes = body.some((o) => 'call' in OPS[o.opcode] && (o.descr as CallDescr).effect === 'write');
      const stored = new Set(body.filter((o) => o.opcode === 'setfield').map((o) => (o.descr as FieldDescr).name));
      const carried = this.carryItems(op, at);
      if (writes || stored.has('length') || body.some((o) => o.opcode === 'setarrayitem')) {
        this.items.clear();
        this.lengths.clear();
        stored.add('length');
      }
      for (const descr of this.fields.keys()) if (stored.has(descr.name) || (writes && !descr.immutable)) this.fields.delete(descr);
      if (carried.length > 0) {
        op = { ...op, args: [...op.args, ...carried.map((c) => c.phi)] };
        for (const c of carried) this.knowItem(c.arr, c.index, c.phi, true, c.reader);
        this.carried = carried;
        this.changed = true;
      }
    }
    this.emit(op);
  }

  /**
   * Items the loop proper carries in phis (store forwarding over the
   * back-edge): a cell known at the jump into the second label, at an array and
   * index fixed for the loop (defined before the label), starts each iteration
   * as a new label arg: the entry jump passes what the preamble knows, the
   * back-edge what the iteration knows (or a load made there). So a loop that
   * reads an item it stored in the iteration before needs no load.
   */
  private carryItems(label: Op, at: number): Carried[] {
    let entryAt = this.out.length - 1;
    while (entryAt >= 0 && this.out[entryAt] === null) entryAt--;
    const entry = entryAt >= 0 ? this.out[entryAt] : null;
    if (entry === null || entry.opcode !== 'jump' || entry.descr !== label.descr) return [];
    const fixed = (v: Value) => v.tag === 'const' || (this.born.get(v.id) ?? at) < at;
    // Only cells the loop stores: their value is known at the back-edge, which
    // then needs no load (a cell only read keeps its load in the loop).
    const stores = this.trace.ops.slice(at + 1).filter((o) => o.opcode === 'setarrayitem');
    const storedHere = (arr: Value, index: Value) => stores.some((o) => keyOf(o.args[0]) === keyOf(arr) && this.indexKey(o.args[1]) === this.indexKey(index));
    const carried: Carried[] = [];
    for (const cells of this.items.values()) {
      if (!fixed(cells.arr)) continue;
      for (const c of cells.items.values()) {
        if (!fixed(c.index) || !storedHere(cells.arr, c.index)) continue;
        carried.push({ arr: cells.arr, index: c.index, phi: this.ctx.boxes.box(c.value.kind), reader: c.reader });
      }
    }
    if (carried.length > 0) {
      this.out[entryAt] = { ...entry, args: [...entry.args, ...carried.map((c) => this.items.get(keyOf(c.arr))!.items.get(this.indexKey(c.index))!.value)] };
    }
    return carried;
  }

  /** The back-edge into the loop proper passes its carried items' values (see carryItems). */
  jump(op: Op): void {
    if (this.carried.length > 0 && op.descr === this.trace.ops[this.secondLabel].descr) {
      const values = this.carried.map((c) => {
        const known = this.items.get(keyOf(c.arr))?.items.get(this.indexKey(c.index));
        if (known !== undefined && known.value.kind === c.phi.kind) return known.value;
        const load = this.ctx.boxes.box(c.phi.kind);
        this.emit({ opcode: c.reader.opcode, args: [c.arr, c.index], result: load, descr: c.reader.descr, failArgs: null });
        return load;
      });
      op = { ...op, args: [...op.args, ...values] };
    }
    this.generic(op);
  }
}
