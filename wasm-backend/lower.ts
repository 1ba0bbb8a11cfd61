// Lowering: a unit of traces (a loop or a bridge, and the bridges merged into
// it) -> one WebAssembly function, described with wasm-ir.ts for the binaryen
// worker. Every op of the trace table has a row in the lowering table
// (lower-ops.ts), whose type makes a new op fail to compile until it is handled.
//
// Values. Each box is a wasm local: i -> i32, f -> f64, r -> externref.
// An `i` value is an int32 number or a JS boolean, and the two must come back
// to JS as they were (Object.is-identical to the reference backend), so an i
// box also has a *tag*: 1 if it holds a boolean (as 0/1), 0 if a number.
// Arithmetic and comparisons never need the tag (JS computes with booleans as
// 0/1 too); only identity (int_eq/int_ne/guard_value) and the way back to JS
// (exits, host-call arguments, setfield, box_int, ...) read it. The tag is
// static where the producing op fixes it (row `tag`: 'int' for arithmetic,
// 'bool' for comparisons, boolean constants), and a local otherwise: trace
// inputs, label args (values merge at a label), and results of host helpers
// ('dyn': getfield_i, call_i, ...), which report it in memory TAG.
//
// Function layout. `run(entry: i32, fuel: i32) -> i32` returns an exit code.
//
//   block $x(m-1) ... block $x0       shared guard exits (see below)
//     block $go                       prologue: br_table on `entry`; each entry
//       ...                           loads its inputs from the slots, sets $state
//     loop $dispatch                  br_table on $state over the segments:
//       block $s(n-1) ... block $s0 (br_table ...) <segment 0> ... <segment n-1>
//     unreachable
//   end $x0: write the slots of exit 0; return $code ... end $x(m-1): ...
//
// A segment is the code of one trace from its start or from one of its
// labels to the next label. A label segment is wrapped in `loop $Lk`. The
// preamble of a peeled loop ends with a jump directly followed by the label it
// targets: that jump only moves its args into the label's boxes (which that
// label defines) and falls through into the next segment. Locals are
// function-wide, so values defined before a second label stay visible after it.
//
// Control transfers:
//   jump to a label of this unit     parallel move into the label's locals;
//                                     `br $Lk` when inside that loop, else
//                                     `$state = k; br $dispatch`. Every such jump
//                                     spends one unit of fuel; at zero it writes
//                                     the loop's live values to the slots and
//                                     returns a `resume` exit, and the dispatcher
//                                     calls run again at the label's resume
//                                     entry (V8 switches to optimized code only
//                                     between calls: a long first call would
//                                     stay in the baseline tier, 2-5x slower).
//   jump elsewhere / finish / guard   write the args to the slots, return the
//   exit without bridge here          exit code; the JS dispatcher acts on it.
//                                     Guards whose failArgs are the same values
//                                     share that code: `$code = N; br $xk` (on
//                                     big traces exits are most of the code).
//   guard with a bridge in the unit   move the failArgs into the bridge's inputs,
//                                     `$state = bridge segment; br $dispatch`
//                                     (guard_no_exception: only when no
//                                     exception is pending; else it exits).

import type { ExitDescr, GuardDescr, TargetDescr } from '../jit/ir/descr.js';
import type { Opcode } from '../jit/ir/ops.js';
import type { Box, Op, Trace, Value } from '../jit/ir/trace.js';
import { HelperCache, ImportSet, type ArgConv } from './glue.js';
import { ROWS, type Cx, type HostCall, type ResultTag, type Tag } from './lower-ops.js';
import { EXC_ADDR, MAX_PAGES, slotTag, slotValue, TAG_ADDR, VIEW_BASE_ADDR, VIEW_KIND_ADDR, VIEW_LEN_ADDR, type SlotKinds, type WasmRuntime } from './runtime.js';
import { INDEXED_BY, type ViewLocs } from './typed-access.js';
import { w, type Expr, type ModuleDesc, type WType } from './wasm-ir.js';

/** One trace of a unit: a loop (guard null) or the bridge of `guard`. */
export interface TreeTrace {
  readonly trace: Trace;
  readonly guard: GuardDescr | null;
  /**
   * A bridge: how its guard's exit writes the failArgs (exitSlotKinds). An
   * input written unboxed (an f or i where the input is r) stays a virtual
   * box in the bridge too.
   */
  readonly inputKinds?: SlotKinds;
}

/**
 * The boxes of a trace that are virtual (see Loc.boxed), with the kind of what
 * they box: box_float/box_int results, and bridge inputs its guard's exit
 * writes unboxed (TreeTrace.inputKinds). Never label args: labels carry
 * externrefs.
 */
function virtualKinds(t: TreeTrace): Map<number, 'i' | 'f'> {
  const merged = new Set<number>();
  for (const op of t.trace.ops) if (op.opcode === 'label') for (const a of op.args) if (a.tag === 'box') merged.add(a.id);
  const out = new Map<number, 'i' | 'f'>();
  t.trace.inputs.forEach((b, n) => {
    const kind = t.inputKinds?.[n];
    if (kind !== undefined && kind !== b.kind && !merged.has(b.id)) out.set(b.id, kind as 'i' | 'f');
  });
  for (const op of t.trace.ops) {
    if ((op.opcode === 'box_float' || op.opcode === 'box_int') && !merged.has(op.result!.id)) out.set(op.result!.id, op.args[0].kind as 'i' | 'f');
  }
  return out;
}

/** How the exit of each guard of a trace writes its failArgs: virtual boxes as what they box (see TraceLowering.slotKinds). */
export function exitSlotKinds(t: TreeTrace): Map<GuardDescr, SlotKinds> {
  const virt = virtualKinds(t);
  const out = new Map<GuardDescr, SlotKinds>();
  for (const op of t.trace.ops) {
    if (op.failArgs !== null) out.set(op.descr as GuardDescr, op.failArgs.map((v) => (v.tag === 'box' ? virt.get(v.id) ?? v.kind : v.kind)).join(''));
  }
  return out;
}

/**
 * The import that asks forceGuardFailure. Made outside any method: a closure
 * shares its scope's context in V8, and one with `this` in it would keep the
 * whole lowering alive as long as the instance.
 */
function forceImport(force: (guard: GuardDescr) => boolean, guards: readonly GuardDescr[]): (n: number) => number {
  return (n) => (force(guards[n]) ? 1 : 0);
}

export type ExitInfo =
  | { readonly kind: 'guard'; readonly descr: GuardDescr; readonly kinds: SlotKinds; readonly noException: boolean }
  | { readonly kind: 'finish'; readonly descr: ExitDescr; readonly kinds: SlotKinds }
  | { readonly kind: 'jump'; readonly target: TargetDescr }
  /** A back-edge ran out of fuel: call run(entry) of the same code again; the slots hold the loop's live values. */
  | { readonly kind: 'resume'; readonly entry: number };

export interface LoweredTree {
  readonly desc: ModuleDesc;
  readonly imports: ImportSet;
  /** By exit code. */
  readonly exits: readonly ExitInfo[];
  /** Entry numbers (the `entry` argument of run) of the unit's labels, with their slot kinds. */
  readonly labelEntries: ReadonlyMap<TargetDescr, { readonly entry: number; readonly kinds: SlotKinds }>;
  /** Entry numbers of the unit's bridges, by the guard they hang on. */
  readonly bridgeEntries: ReadonlyMap<GuardDescr, { readonly entry: number; readonly kinds: SlotKinds }>;
  /** Every guard of the unit. */
  readonly guards: readonly GuardDescr[];
  /** The most slots one exit or entry uses. */
  readonly slots: number;
}

export interface LowerOptions {
  readonly rt: WasmRuntime;
  /** Generated helpers to reuse (the backend's); default: a fresh cache. */
  readonly helpers?: HelperCache;
  /** Testing: every guard whose condition holds asks this (see BackendOptions.forceGuardFailure). */
  readonly forceGuardFailure?: (guard: GuardDescr) => boolean;
}

interface Loc {
  readonly v: number;
  readonly type: WType;
  /** i boxes only. */
  readonly tag: Tag | null;
  /**
   * The result of box_float/box_int is virtual: no code computes it, it *is*
   * its argument. Host helpers receive the argument (the same JS value),
   * unbox_* read it back, guard and finish exits write it unboxed; only a
   * use as an externref (a jump into an r label arg, a guard on it) makes the
   * JS value, with a helper call. Boxes that only feed resume data (common:
   * interpreters box every register) thus cost nothing in the loop.
   */
  readonly boxed?: Value;
  /**
   * An r box indexed at least twice: the kind, byte offset and length of the
   * typed-heap array it holds (kind 0: not one), refreshed by the `view`
   * helper whenever the local is written (typed-access.ts).
   */
  readonly view?: ViewLocs;
}

const WTYPE = { i: 'i32', f: 'f64', r: 'externref' } as const;
const P_ENTRY = 0;
const P_FUEL = 1;
const L_STATE = 2;
/** The exit code, for exits that share their code (see FnBuilder.shared). */
const L_CODE = 3;

// ---------------------------------------------------------------- the function builder

interface Segment {
  readonly block: string;
  /** The loop label of a label segment. */
  readonly loop: string | null;
  readonly code: Expr[];
}

interface LabelInfo {
  readonly seg: number;
  readonly trace: number;
  readonly args: readonly Box[];
  /**
   * What the loop at this label needs when it is resumed after a fuel exit:
   * its args and, at a second label, the values defined before it and used
   * after it. `resume` is the entry that loads them.
   */
  readonly live: readonly Box[];
  readonly resume: number;
}

/** Boxes defined before op `at` of `trace` and used after it. */
function invariants(trace: Trace, at: number): Box[] {
  const after = new Set<number>();
  const used = new Map<number, Box>();
  trace.ops.forEach((op, i) => {
    if (i < at) return;
    if (op.opcode === 'label') for (const a of op.args) if (a.tag === 'box') after.add(a.id);
    if (op.opcode !== 'label') for (const a of [...op.args, ...(op.failArgs ?? [])]) if (a.tag === 'box') used.set(a.id, a);
    if (op.result !== null) after.add(op.result.id);
  });
  return [...used.values()].filter((b) => !after.has(b.id));
}

/** Ops whose row defines their r result by one host call, which can write the result's view too. */
const FUSES_VIEW: ReadonlySet<Opcode> = new Set<Opcode>(['getfield_r', 'getarrayitem_r', 'call_r']);

/** Loads the view words (runtime.ts writeView) into a view's locals; the kind too when `kind`. */
function loadView(v: ViewLocs, kind: boolean): Expr[] {
  return [
    ...(kind ? [w.set(v.kind, w.load('i32', VIEW_KIND_ADDR))] : []),
    w.set(v.base, w.load('i32', VIEW_BASE_ADDR)),
    w.set(v.len, w.load('i32', VIEW_LEN_ADDR)),
  ];
}

/** Lowers a unit of traces into one module; see the file header. */
export function lowerTree(traces: readonly TreeTrace[], options: LowerOptions): LoweredTree {
  return new FnBuilder(traces, options).build();
}

class FnBuilder {
  readonly imports: ImportSet;
  private readonly vars: WType[] = ['i32', 'i32']; // L_STATE, L_CODE
  /**
   * Guard exits whose failArgs are the same values (common: several guards
   * of one guest instruction) share one block that writes the slots and
   * returns $code; each guard only sets $code and branches there. Keyed by
   * trace and failArgs (exitKey); `uses` counted before lowering.
   */
  private readonly shared = new Map<string, { uses: number; label: string | null; writes: Expr[] | null }>();
  readonly segments: Segment[] = [];
  private readonly entries: { readonly seg: number; readonly loads: readonly Expr[] }[] = [];
  readonly exits: ExitInfo[] = [];
  private readonly jumpExits = new Map<TargetDescr, number>();
  readonly guards: GuardDescr[] = [];
  private readonly guardIndex = new Map<GuardDescr, number>();
  /** Per trace: box id -> local. */
  readonly locs: Map<number, Loc>[] = [];
  readonly labels = new Map<TargetDescr, LabelInfo>();
  /** The trace index of each bridge in the unit, by its guard. */
  readonly bridgeOf = new Map<GuardDescr, number>();
  /** First segment of each trace. */
  readonly startSeg: number[] = [];
  readonly labelEntries = new Map<TargetDescr, { entry: number; kinds: SlotKinds }>();
  readonly bridgeEntries = new Map<GuardDescr, { entry: number; kinds: SlotKinds }>();
  slots = 0;

  constructor(readonly traces: readonly TreeTrace[], readonly options: LowerOptions) {
    this.imports = new ImportSet(options.rt, options.helpers ?? new HelperCache());
  }

  local(type: WType): number {
    this.vars.push(type);
    return this.vars.length + 1; // after the two params
  }

  build(): LoweredTree {
    this.traces.forEach((t, k) => { if (t.guard !== null) this.bridgeOf.set(t.guard, k); });
    this.traces.forEach((t, k) => this.allocate(t, k));
    this.traces.forEach((t, k) => this.cutSegments(t, k));
    this.traces.forEach((t, k) => this.countExits(t.trace, k));
    this.traces.forEach((t, k) => new TraceLowering(this, t.trace, k, this.startSeg[k]).run());
    return {
      desc: this.describe(),
      imports: this.imports,
      exits: this.exits,
      labelEntries: this.labelEntries,
      bridgeEntries: this.bridgeEntries,
      guards: this.guards,
      slots: this.slots,
    };
  }

  /** Locals for every box of a trace (see "Values" for which tags are locals). */
  private allocate(t: TreeTrace, k: number): void {
    const trace = t.trace;
    const merged = new Set<number>();
    for (const op of trace.ops) if (op.opcode === 'label') for (const a of op.args) if (a.tag === 'box') merged.add(a.id);
    const locs = new Map<number, Loc>();
    const define = (b: Box, tag: ResultTag | null) => {
      const type = WTYPE[b.kind];
      const v = this.local(type);
      let t: Tag | null = null;
      if (b.kind === 'i') t = tag === 'dyn' || tag === null || merged.has(b.id) ? { l: this.local('i32') } : { s: tag === 'bool' ? 1 : 0 };
      locs.set(b.id, { v, type, tag: t });
    };
    const virt = virtualKinds(t);
    for (const b of trace.inputs) define(b, null);
    // A virtual bridge input boxes a shadow box (negative id) that its entry loads.
    trace.inputs.forEach((b, n) => {
      const kind = virt.get(b.id);
      if (kind === undefined) return;
      const shadow: Box = { tag: 'box', kind, id: -1 - n };
      define(shadow, null);
      locs.set(b.id, { ...locs.get(b.id)!, boxed: shadow });
    });
    for (const op of trace.ops) {
      // A peeled loop's second label defines its args (the loop's phis).
      if (op.opcode === 'label') for (const a of op.args) if (a.tag === 'box' && !locs.has(a.id)) define(a, null);
      if (op.result !== null) define(op.result, ROWS[op.opcode].tag ?? 'dyn');
      if (op.result !== null && virt.has(op.result.id)) locs.set(op.result.id, { ...locs.get(op.result.id)!, boxed: op.args[0] });
    }
    // Arrays indexed twice or more get their typed-heap view (one helper call where they are defined).
    const indexed = new Map<number, number>();
    for (const op of trace.ops) {
      const a = op.args[0];
      if (INDEXED_BY.has(op.opcode) && a.tag === 'box' && a.kind === 'r') indexed.set(a.id, (indexed.get(a.id) ?? 0) + 1);
    }
    for (const [id, n] of indexed) {
      const l = locs.get(id)!;
      if (n >= 2 && l.boxed === undefined) locs.set(id, { ...l, view: { kind: this.local('i32'), base: this.local('i32'), len: this.local('i32') } });
    }
    this.locs[k] = locs;
  }

  /** Creates the segments of a trace and its entries (labels, and the start of a bridge). */
  private cutSegments(t: TreeTrace, k: number): void {
    const { trace } = t;
    const locs = this.locs[k];
    this.startSeg[k] = this.segments.length;
    const first = trace.ops[0];
    this.segments.push({ block: `s${this.segments.length}`, loop: first.opcode === 'label' ? `L${this.segments.length}` : null, code: [] });
    if (t.guard !== null) {
      // Virtual inputs are loaded as what they box, so the entry reads the slots as the guard's exit wrote them.
      const loads = trace.inputs.map((b) => (locs.get(b.id)!.boxed as Box | undefined) ?? b);
      this.bridgeEntries.set(t.guard, { entry: this.addEntry(this.startSeg[k], loads, locs), kinds: loads.map((b) => b.kind).join('') });
    }
    trace.ops.forEach((op, i) => {
      if (op.opcode !== 'label') return;
      if (i > 0) this.segments.push({ block: `s${this.segments.length}`, loop: `L${this.segments.length}`, code: [] });
      const seg = this.segments.length - 1;
      const args = op.args as Box[];
      const target = op.descr as TargetDescr;
      const entry = this.addEntry(seg, args, locs);
      const live = i === 0 ? args : [...args, ...invariants(trace, i)];
      this.labels.set(target, { seg, trace: k, args, live, resume: live === args ? entry : this.addEntry(seg, live, locs) });
      this.labelEntries.set(target, { entry, kinds: args.map((a) => a.kind).join('') });
    });
  }

  /** The key under which guard exits of trace `k` with these failArgs share code. */
  exitKey(k: number, failArgs: readonly Value[]): string {
    const one = (v: Value): string => {
      if (v.tag === 'box') return `${v.kind}${v.id}`;
      const x = v.value;
      const text = typeof x === 'number' ? (Object.is(x, -0) ? '-0' : String(x))
        : typeof x === 'string' ? JSON.stringify(x)
        : typeof x === 'object' || typeof x === 'function' ? (x === null ? 'null' : `#${this.imports.id(x)}`)
        : String(x);
      return `${v.kind}:${typeof x}:${text}`;
    };
    return `${k}|${failArgs.map(one).join(',')}`;
  }

  private countExits(trace: Trace, k: number): void {
    for (const op of trace.ops) {
      if (op.failArgs === null || op.failArgs.length === 0) continue;
      if (this.bridgeOf.has(op.descr as GuardDescr) && op.opcode !== 'guard_no_exception') continue;
      const key = this.exitKey(k, op.failArgs);
      const e = this.shared.get(key);
      if (e === undefined) this.shared.set(key, { uses: 1, label: null, writes: null });
      else e.uses++;
    }
  }

  /** The label of the shared exit block for this key, making it from `writes` on first use; null if the exit is not shared. */
  sharedExit(key: string, writes: () => Expr[]): string | null {
    const e = this.shared.get(key);
    if (e === undefined || e.uses < 2) return null;
    if (e.label === null) {
      e.label = `x${this.sharedLabels.length}`;
      e.writes = writes();
      this.sharedLabels.push(e.label);
    }
    return e.label;
  }

  private readonly sharedLabels: string[] = [];

  /** An entry from JS: load `boxes` from slots 0.. and start at `seg`. */
  private addEntry(seg: number, boxes: readonly Box[], locs: Map<number, Loc>): number {
    this.useSlots(boxes.length);
    const loads: Expr[] = [];
    boxes.forEach((b, k) => {
      const loc = locs.get(b.id)!;
      switch (b.kind) {
        case 'i':
          loads.push(w.set(loc.v, w.load('i32', slotValue(k))));
          if ('l' in loc.tag!) loads.push(w.set(loc.tag.l, w.load('i32', slotTag(k))));
          break;
        case 'f':
          loads.push(w.set(loc.v, w.load('f64', slotValue(k))));
          break;
        case 'r':
          loads.push(w.set(loc.v, this.call('entry_r', ['i32'], 'externref', this.options.rt.entryRef, [w.i32(k)])));
          loads.push(...this.refreshView(loc));
          break;
      }
    });
    this.entries.push({ seg, loads });
    return this.entries.length - 1;
  }

  /** After a write of an r local with a view: the view of its new value (see Loc.view). */
  refreshView(loc: Loc): Expr[] {
    const v = loc.view;
    if (v === undefined) return [];
    return [w.set(v.kind, this.call('view', ['externref'], 'i32', this.options.rt.writeView, [w.get(loc.v, 'externref')])), ...loadView(v, false)];
  }

  useSlots(n: number): void {
    this.slots = Math.max(this.slots, n);
  }

  call(key: string, params: readonly WType[], result: WType, fn: unknown, args: readonly Expr[]): Expr {
    const f = this.imports.raw(key, params, result, fn);
    return w.call(f.name, args, result);
  }

  exitCode(info: ExitInfo): number {
    if (info.kind === 'jump') {
      const known = this.jumpExits.get(info.target);
      if (known !== undefined) return known;
      this.jumpExits.set(info.target, this.exits.length);
    }
    this.exits.push(info);
    return this.exits.length - 1;
  }

  guardNumber(g: GuardDescr): number {
    let n = this.guardIndex.get(g);
    if (n === undefined) {
      n = this.guards.length;
      this.guards.push(g);
      this.guardIndex.set(g, n);
    }
    return n;
  }

  private describe(): ModuleDesc {
    const prologueLabels = this.entries.map((_, k) => `p${k}`);
    let prologue: Expr[] = [w.switch(prologueLabels, prologueLabels[prologueLabels.length - 1], w.get(P_ENTRY, 'i32'))];
    this.entries.forEach((e, k) => {
      prologue = [w.block(`p${k}`, prologue), ...e.loads, w.set(L_STATE, w.i32(e.seg)), w.br('go')];
    });
    const segLabels = this.segments.map((s) => s.block);
    let dispatch: Expr[] = [w.switch(segLabels, segLabels[segLabels.length - 1], w.get(L_STATE, 'i32'))];
    for (const s of this.segments) {
      const code = s.loop === null ? s.code : [w.loop(s.loop, w.block(null, s.code))];
      dispatch = [w.block(s.block, dispatch), ...code];
    }
    let body: Expr[] = [w.block('go', prologue), w.loop('dispatch', w.block(null, [...dispatch, w.unreachable()])), w.unreachable()];
    for (const e of this.shared.values()) {
      if (e.label !== null) body = [w.block(e.label, body), ...e.writes!, w.return(w.get(L_CODE, 'i32'))];
    }
    return {
      memory: { module: 'env', base: 'mem', initial: MAX_PAGES, maximum: MAX_PAGES },
      funcImports: this.imports.funcs,
      globalImports: [{ name: 'inv', module: 'env', base: 'inv', type: 'i32', mutable: true }, ...this.imports.globals],
      params: ['i32', 'i32'],
      result: 'i32',
      vars: this.vars,
      body: w.block(null, body, 'i32'),
    };
  }
}

/** Lowers the ops of one trace of the unit into its segments. */
class TraceLowering implements Cx {
  private seg: number;
  /** Index of the op being lowered. */
  private pos = 0;
  private readonly locs: Map<number, Loc>;
  readonly invalidated = w.global('inv', 'i32');
  private readonly producers = new Map<number, Op>();
  private memos = new Map<string, unknown>();
  /** The box whose host call also wrote its view (glue.ts withView); def loads it. */
  private viewWritten = -1;

  constructor(private readonly fn: FnBuilder, private readonly trace: Trace, private readonly index: number, startSeg: number) {
    this.seg = startSeg;
    this.locs = fn.locs[index];
    for (const op of trace.ops) if (op.result !== null) this.producers.set(op.result.id, op);
  }

  run(): void {
    this.trace.ops.forEach((op, i) => {
      this.pos = i;
      if (op.opcode === 'label' && i > 0) {
        this.seg = this.fn.labels.get(op.descr as TargetDescr)!.seg;
        this.memos = new Map();
      }
      ROWS[op.opcode].emit(op, this);
    });
  }

  producer(v: Value): Op | null {
    return v.tag === 'box' ? this.producers.get(v.id) ?? null : null;
  }

  memo<T>(key: string, make: () => T): T {
    if (!this.memos.has(key)) this.memos.set(key, make());
    return this.memos.get(key) as T;
  }

  private loc(v: Box): Loc {
    const l = this.locs.get(v.id);
    if (l === undefined) throw new Error(`wasm backend: box ${v.kind}${v.id} has no definition in ${this.trace.name}`);
    return l;
  }

  stmt(e: Expr): void {
    this.fn.segments[this.seg].code.push(e);
  }

  val(v: Value): Expr {
    if (v.tag === 'box') {
      const l = this.loc(v);
      if (l.boxed !== undefined) return this.host(null, { key: 'box', result: 'externref', body: (x) => x[0] }, [l.boxed]);
      return w.get(l.v, l.type);
    }
    const x = v.value;
    switch (v.kind) {
      case 'i': return w.i32(typeof x === 'boolean' ? (x ? 1 : 0) : (x as number));
      case 'f': return w.f64(x as number);
      case 'r': return x === null ? w.refNull() : w.global(this.fn.imports.constant(x), 'externref');
    }
  }

  tagOf(v: Value): Tag {
    if (v.tag === 'const') return { s: typeof v.value === 'boolean' ? 1 : 0 };
    return this.loc(v).tag!;
  }

  tagExpr(v: Value): Expr {
    const t = this.tagOf(v);
    return 's' in t ? w.i32(t.s) : w.get(t.l, 'i32');
  }

  def(op: Op, value: Expr, tag?: Expr): void {
    const box = op.result!;
    const l = this.loc(box);
    this.stmt(w.set(l.v, value));
    const fused = this.viewWritten === box.id;
    this.viewWritten = -1;
    for (const e of fused ? loadView(l.view!, true) : this.fn.refreshView(l)) this.stmt(e);
    if (l.tag !== null && 'l' in l.tag) {
      const rowTag = ROWS[op.opcode].tag;
      this.stmt(w.set(l.tag.l, tag ?? (rowTag === 'dyn' ? w.load('i32', TAG_ADDR) : w.i32(rowTag === 'bool' ? 1 : 0))));
    }
  }

  boxedOf(v: Value): Value | null {
    return v.tag === 'box' ? this.loc(v).boxed ?? null : null;
  }

  view(v: Value): ViewLocs | null {
    return v.tag === 'box' ? this.loc(v).view ?? null : null;
  }

  temp(type: WType): number {
    return this.fn.local(type);
  }

  private conv(v: Value): ArgConv {
    if (v.kind !== 'i') return v.kind;
    const t = this.tagOf(v);
    return 's' in t ? (t.s === 1 ? 'bool' : 'int') : 'dyn';
  }

  host(op: Op | null, spec0: HostCall, args: readonly Value[] = op!.args): Expr {
    // A virtual box is passed as what it boxes: the helper sees the same JS value.
    args = args.map((a) => this.boxedOf(a) ?? a);
    // The result's view (if it needs one) comes with the result: see def.
    let spec = spec0;
    if (op !== null && FUSES_VIEW.has(op.opcode) && this.loc(op.result!).view !== undefined && spec.result === 'externref' && !spec.catches) {
      spec = { ...spec, withView: true };
      this.viewWritten = op.result!.id;
    }
    const convs = args.map((a) => this.conv(a));
    const key = spec.id === undefined ? spec.key : `${spec.key}#${this.fn.imports.id(spec.id)}`;
    const f = this.fn.imports.host({ ...spec, key, args: convs });
    const exprs = args.flatMap((a, k) => (convs[k] === 'dyn' ? [this.val(a), this.tagExpr(a)] : [this.val(a)]));
    return w.call(f.name, exprs, f.result);
  }

  raw(key: string, params: readonly WType[], result: WType, fn: unknown, args: readonly Expr[]): Expr {
    return this.fn.call(key, params, result, fn, args);
  }

  /**
   * Stores values into slots 0.. (see runtime.ts). `unboxed`: virtual boxes
   * are written as what they box (for exits whose values only JS reads; see
   * slotKinds). Otherwise they are made (a jump's target reads externrefs).
   */
  private writeSlots(values: readonly Value[], unboxed: boolean): Expr[] {
    this.fn.useSlots(values.length);
    const out: Expr[] = [];
    values.forEach((v0, k) => {
      const v = unboxed ? this.boxedOf(v0) ?? v0 : v0;
      switch (v.kind) {
        case 'i':
          out.push(w.store('i32', slotValue(k), this.val(v)));
          out.push(w.store('i32', slotTag(k), this.tagExpr(v)));
          break;
        case 'f':
          out.push(w.store('f64', slotValue(k), this.val(v)));
          break;
        case 'r':
          out.push(this.fn.call('exit_r', ['i32', 'externref'], 'none', this.fn.options.rt.exitRef, [w.i32(k), this.val(v)]));
          break;
      }
    });
    return out;
  }

  /** The kinds JS reads the slots of an exit with, when virtual boxes are written unboxed. */
  private slotKinds(values: readonly Value[]): SlotKinds {
    return values.map((v) => (this.boxedOf(v) ?? v).kind).join('');
  }

  leave(values: readonly Value[], info: ExitInfo): Expr {
    const unboxed = info.kind === 'guard' || info.kind === 'finish';
    return w.block(null, [...this.writeSlots(values, unboxed), w.return(w.i32(this.fn.exitCode(info)))]);
  }

  /**
   * Assigns `values` to the boxes `dests` of trace `destTrace` as one parallel
   * move. A virtual dest (a bridge input, see TreeTrace.inputKinds) gets the
   * value its source boxes.
   */
  private move(values0: readonly Value[], dests0: readonly Box[], destTrace: number): Expr[] {
    const destLocs0 = dests0.map((d) => this.fn.locs[destTrace].get(d.id)!);
    const dests = dests0.map((d, k) => (destLocs0[k].boxed as Box | undefined) ?? d);
    const values = values0.map((v, k) => (destLocs0[k].boxed !== undefined ? this.boxedOf(v)! : v));
    const destLocs = dests.map((d) => this.fn.locs[destTrace].get(d.id)!);
    const written = new Set<number>();
    for (const l of destLocs) {
      written.add(l.v);
      if (l.tag !== null && 'l' in l.tag) written.add(l.tag.l);
    }
    const first: Expr[] = [];
    const then: Expr[] = [];
    const source = (e: Expr, type: WType, dest: number): Expr => {
      // Constants and locals not written here are read in place; anything else (a local
      // written by this move, a virtual box being made) is computed first.
      if (e.o.endsWith('.const') || e.o === 'global.get' || e.o === 'ref.null') return e;
      if (e.o === 'local.get' && (e.a[0] === dest || !written.has(e.a[0] as number))) return e;
      const t = this.temp(type);
      first.push(w.set(t, e));
      return w.get(t, type);
    };
    // A dest's view comes with a value that has one (copied; else the helper looks).
    for (const l of destLocs) if (l.view !== undefined) for (const x of [l.view.kind, l.view.base, l.view.len]) written.add(x);
    const views: Expr[] = [];
    values.forEach((v, k) => {
      const d = destLocs[k];
      if (destTrace === this.index && v.tag === 'box' && v.id === dests[k].id) return;
      then.push(w.set(d.v, source(this.val(v), d.type, d.v)));
      if (d.tag !== null && 'l' in d.tag) then.push(w.set(d.tag.l, source(this.tagExpr(v), 'i32', d.tag.l)));
      const from = this.view(v);
      if (d.view === undefined) return;
      if (from === null) views.push(...this.fn.refreshView(d));
      else for (const [to, src] of [[d.view.kind, from.kind], [d.view.base, from.base], [d.view.len, from.len]]) then.push(w.set(to, source(w.get(src, 'i32'), 'i32', to)));
    });
    return [...first, ...then, ...views];
  }

  guard(op: Op, fails: Expr): void {
    const g = op.descr as GuardDescr;
    const number = this.fn.guardNumber(g);
    const failArgs = op.failArgs ?? [];
    const force = this.fn.options.forceGuardFailure;
    const cond = force === undefined ? fails
      : w.if(fails, w.i32(1), this.fn.call('force', ['i32'], 'i32', forceImport(force, this.fn.guards), [w.i32(number)]));
    const noException = op.opcode === 'guard_no_exception';
    const exit = () => {
      const code = this.fn.exitCode({ kind: 'guard', descr: g, kinds: this.slotKinds(failArgs), noException });
      const shared = failArgs.length === 0 ? null : this.fn.sharedExit(this.fn.exitKey(this.index, failArgs), () => this.writeSlots(failArgs, true));
      if (shared === null) return w.block(null, [...this.writeSlots(failArgs, true), w.return(w.i32(code))]);
      return w.block(null, [w.set(L_CODE, w.i32(code)), w.br(shared)]);
    };
    const bridge = this.fn.bridgeOf.get(g);
    let body: Expr;
    if (bridge === undefined) {
      body = exit();
    } else {
      const transfer = w.block(null, [
        ...this.move(failArgs, this.fn.traces[bridge].trace.inputs, bridge),
        w.set(L_STATE, w.i32(this.fn.startSeg[bridge])),
        w.br('dispatch'),
      ]);
      body = noException ? w.if(w.load('i32', EXC_ADDR), exit(), transfer) : transfer;
    }
    this.stmt(w.if(cond, body));
  }

  jump(op: Op): void {
    const target = op.descr as TargetDescr;
    const label = this.fn.labels.get(target);
    if (label === undefined) {
      this.stmt(this.leave(op.args, { kind: 'jump', target }));
      return;
    }
    const next = this.trace.ops[this.pos + 1];
    if (next !== undefined && next.opcode === 'label' && next.descr === target) {
      // The preamble of a peeled loop enters the loop: no back-edge, fall through into the label's segment.
      for (const e of this.move(op.args, label.args, label.trace)) this.stmt(e);
      return;
    }
    for (const e of this.move(op.args, label.args, label.trace)) this.stmt(e);
    this.stmt(w.set(P_FUEL, w.op('i32.sub', w.get(P_FUEL, 'i32'), w.i32(1))));
    const resume = new TraceLowering(this.fn, this.fn.traces[label.trace].trace, label.trace, label.seg);
    this.stmt(w.if(w.op('i32.eqz', w.get(P_FUEL, 'i32')), resume.leave(label.live, { kind: 'resume', entry: label.resume })));
    const seg = this.fn.segments[label.seg];
    if (label.seg === this.seg) {
      this.stmt(w.br(seg.loop!));
    } else {
      this.stmt(w.set(L_STATE, w.i32(label.seg)));
      this.stmt(w.br('dispatch'));
    }
  }

  finish(op: Op): void {
    this.stmt(this.leave(op.args, { kind: 'finish', descr: op.descr as ExitDescr, kinds: this.slotKinds(op.args) }));
  }
}
