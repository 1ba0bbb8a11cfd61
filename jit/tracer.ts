// The tracing meta-interpreter (RPython's pyjitpl): runs the interpreter's
// jitcodes on real values and records what they do into a trace.
//
// Every register holds a trace value (a Box, or a Const when the value is known
// while tracing) and the real value. Pure ops on constants fold right away, so
// the dispatch on a constant opcode leaves no trace; reads of immutable fields
// and `readonly` arrays on constant objects fold too. Branches on boxes become
// guards whose resume data snapshots the frame stack.
//
// A loop trace starts at the portal's merge point with the reds as inputs and
// the greens as constants, and closes when the merge point is reached again
// with the same green key. A bridge starts from a guard's resume data and ends
// at the first merge point whose key has compiled code.

import type { AbortReason } from './aborts.js';
import type { BlackholeFrame } from './blackhole.js';
import type { CallDescr, FieldDescr, GuardDescr, LocDescr, TargetDescr } from './ir/descr.js';
import { OPS, opInfo, type Kind, type Opcode } from './ir/ops.js';
import { BoxFactory, constOf, type Box, type Op, type Trace, type Value } from './ir/trace.js';
import type { Insn, JitCode } from './jitcode.js';
import type { JitParams } from './params.js';
import type { FrameSnapshot, ResumeSnapshot } from './resume/snapshot.js';
import { fits, layoutOf, readSlots, sameLayout, type VableLayout } from './resume/virtualizable.js';

/** The virtualizable while tracing: its object's value and the current value of each slot. */
interface VableState {
  readonly obj: Value;
  /** The object itself, to recognize it when a call hands it back under another box. */
  readonly real: unknown;
  readonly layout: VableLayout;
  readonly values: Value[];
}

/** What the tracer needs from the JIT runtime. */
export interface TracerEnv {
  readonly params: JitParams;
  readonly portal: JitCode;
  readonly numGreens: number;
  newGuardId(): number;
  /** The compiled loop at a green key, if any (for jumps out of the trace). */
  compiledTarget(greens: unknown[]): { target: TargetDescr; layout: VableLayout | null } | null;
  /** The portal's virtualizable red, if the driver declares one. */
  readonly virtualizable: { readonly redIndex: number; fieldsOf(obj: unknown): FieldDescr[] } | null;
  location(greens: unknown[]): string;
  /** The trace relies on this quasi-immutable field keeping its value. */
  dependOn(descr: FieldDescr): void;
  invalidationCall(descr: FieldDescr): CallDescr;
  quasiImmutableWritten(descr: FieldDescr): void;
  /** Whether a guest call (the portal with these greens) may be traced into. */
  portalInlinable(greens: unknown[]): boolean;
  /** This guest call loops: call it from now on. */
  callNotInlinable(greens: unknown[]): void;
  /** The greens among the portal's arguments (in parameter order). */
  greensOfArgs(args: unknown[]): unknown[];
}

export type TraceOutcome =
  /** The trace ends at a merge point: jump to `target` (own label or another loop). */
  | { readonly kind: 'done'; readonly trace: Trace; readonly greens: unknown[]; readonly reds: unknown[]; readonly layout: VableLayout | null }
  /** Tracing stopped; the blackhole finishes from `frames` (raising `pending` first, if set). */
  | { readonly kind: 'aborted'; readonly reason: AbortReason; readonly location: string; readonly frames: BlackholeFrame[]; readonly pending: { value: unknown } | null }
  /** The portal returned or raised while tracing: hand that to the portal's caller. */
  | { readonly kind: 'returned'; readonly value: unknown }
  | { readonly kind: 'raised'; readonly value: unknown };

interface Frame {
  readonly code: JitCode;
  pc: number;
  readonly regs: Value[];
  readonly vals: unknown[];
  /** For a guest call traced into (an inner portal frame): its entry key and the merge points it passed. */
  portal?: { readonly entry: unknown[]; readonly seen: unknown[][] };
}

class Abort {
  constructor(readonly reason: AbortReason, readonly pending: { value: unknown } | null = null) {}
}

type Started = { kind: 'loop'; startKey: unknown[] | null; target: TargetDescr } | { kind: 'bridge' };

export class Tracer {
  private readonly frames: Frame[] = [];
  private ops: Op[] = [];
  private readonly boxes = new BoxFactory();
  private inputs: Box[] = [];
  private knownClass = new Map<Box, Function>();
  private qiGuarded = false;
  private lastLocation = '';
  private mode: Started;
  private vable: VableState | null = null;
  /** Values known to be an array field of the virtualizable, with the slot of its item 0. */
  private readonly vableArrays = new Map<Value, number>();

  constructor(private readonly env: TracerEnv, private readonly name: string) {
    this.mode = { kind: 'bridge' };
  }

  /** Traces a loop, starting the portal afresh with `args` (its parameters in order). */
  traceLoop(args: unknown[], target: TargetDescr): TraceOutcome {
    this.mode = { kind: 'loop', startKey: null, target };
    const code = this.env.portal;
    const regs: Value[] = code.kinds.map((k) => constOf(k === 'v' ? 'r' : k, undefined));
    const vals: unknown[] = new Array(code.numRegs);
    code.params.forEach((r, i) => {
      regs[r] = constOf(code.kinds[r] as Exclude<Kind, 'v'>, args[i]);
      vals[r] = args[i];
    });
    // Start at the merge point, not at the portal's entry: code before the dispatch
    // loop ran when the portal was called and must not run again (only greens and
    // reds are live at the merge point, so nothing before it is needed).
    const merge = code.insns.findIndex((insn) => insn.k === 'merge');
    this.frames.push({ code, pc: merge < 0 ? 0 : merge, regs, vals });
    return this.run();
  }

  /** Traces a bridge from a failing guard: frames rebuilt from its resume data. */
  traceBridge(snapshot: ResumeSnapshot, failArgs: readonly Value[], values: readonly unknown[]): TraceOutcome {
    this.mode = { kind: 'bridge' };
    this.lastLocation = snapshot.location ?? '';
    this.inputs = failArgs.map((v) => this.boxes.box(v.kind));
    const virtual = this.allocateVirtuals(snapshot);
    const valueOf = (k: number): Value => virtual.get(k) ?? (failArgs[k].tag === 'const' ? failArgs[k] : this.inputs[k]);
    for (const f of snapshot.frames) this.frames.push(this.frameFrom(f, valueOf, values));
    const v = snapshot.vable;
    if (v) {
      this.vable = { obj: valueOf(v.obj), real: values[v.obj], layout: v.layout, values: v.values.map(valueOf) };
      for (const a of v.arrays) this.vableArrays.set(valueOf(a.at), a.base);
      if (v.inHeap === true) this.reloadVirtualizable();
    }
    // A guard here resumes where the bridge starts: where its guard's loop left off.
    const top = this.frames[this.frames.length - 1];
    this.speculateInt32Inputs(top.pc, (box) => values[this.inputs.indexOf(box)]);
    return this.run();
  }

  /**
   * A bridge starts by allocating the objects its guard's loop had kept virtual
   * (the optimizer may make them virtual again in the bridge).
   */
  private allocateVirtuals(snapshot: ResumeSnapshot): Map<number, Value> {
    const boxes = new Map<number, Value>();
    if (snapshot.virtuals.length === 0) return boxes;
    const pending = new Set(snapshot.virtuals.map((v) => v.at));
    const input = (k: number): Value => boxes.get(k) ?? (snapshot.failArgs[k].tag === 'const' ? snapshot.failArgs[k] : this.inputs[k]);
    for (const v of snapshot.virtuals) {
      if (v.kind === 'array') {
        boxes.set(v.at, this.record('new_array', v.items.map(() => constOf('r', null)))!);
        continue;
      }
      const args = v.cls.ctorFields.map((cf) => {
        const f = v.fields.find((x) => x.field === cf);
        return f && !pending.has(f.value) ? input(f.value) : constOf(cf.valueKind === 'v' ? 'r' : cf.valueKind, null);
      });
      boxes.set(v.at, this.record('new', args, v.cls)!);
    }
    for (const v of snapshot.virtuals) {
      const obj = boxes.get(v.at)!;
      if (v.kind === 'object') for (const f of v.fields) this.record('setfield', [obj, input(f.value)], f.field);
      else v.items.forEach((k, i) => this.record('setarrayitem', [obj, constOf('f', i), input(k)]));
    }
    return boxes;
  }

  private frameFrom(f: FrameSnapshot, valueOf: (k: number) => Value, values: readonly unknown[]): Frame {
    const regs: Value[] = f.code.kinds.map((k) => constOf(k === 'v' ? 'r' : k, undefined));
    const vals: unknown[] = new Array(f.code.numRegs);
    f.regs.forEach((r, k) => {
      regs[r] = valueOf(f.values[k]);
      vals[r] = values[f.values[k]];
    });
    return { code: f.code, pc: f.pc, regs, vals };
  }

  // ------------------------------------------------------------ recording

  private record(opcode: Opcode, args: Value[], descr: Op['descr'] = null): Box | null {
    const kind = OPS[opcode].result;
    const result = kind === 'v' ? null : this.boxes.box(kind);
    this.ops.push({ opcode, args, result, descr, failArgs: null });
    return result;
  }

  /**
   * Records a guard whose resume point is `pc` of the innermost frame.
   * `vableInHeap`: the virtualizable's object holds its slots (see VableSnapshot).
   */
  private guard(opcode: Opcode, args: Value[], pc: number, alsoLiveAt = -1, vableInHeap = false): void {
    const failArgs: Value[] = [];
    const index = new Map<Value, number>();
    const indexOf = (v: Value): number => {
      let k = index.get(v);
      if (k === undefined) {
        k = failArgs.length;
        failArgs.push(v);
        index.set(v, k);
      }
      return k;
    };
    const frames: FrameSnapshot[] = this.frames.map((f, i) => {
      const top = i === this.frames.length - 1;
      const at = top ? pc : f.pc;
      const live = new Set(f.code.live[at] ?? []);
      if (top && alsoLiveAt >= 0) for (const r of f.code.live[alsoLiveAt] ?? []) live.add(r);
      const regs = [...live].sort((a, b) => a - b);
      return { code: f.code, pc: at, regs, values: regs.map((r) => indexOf(f.regs[r])) };
    });
    const v = this.vable;
    const arrays = [...this.vableArrays].filter(([a]) => index.has(a)).map(([a, base]) => ({ at: index.get(a)!, base }));
    const vable = v ? { obj: indexOf(v.obj), layout: v.layout, values: v.values.map(indexOf), arrays, ...(vableInHeap ? { inHeap: true } : {}) } : null;
    const descr: GuardDescr = { kind: 'guard', id: this.env.newGuardId(), resume: { frames, failArgs, vable, virtuals: [], location: this.lastLocation }, failures: 0, bridge: null };
    this.ops.push({ opcode, args, result: null, descr, failArgs });
  }

  // ------------------------------------------------------------ running

  private run(): TraceOutcome {
    try {
      for (;;) {
        const r = this.step();
        if (r) return r;
      }
    } catch (e) {
      if (e instanceof Abort) return this.aborted(e.reason, e.pending);
      throw e;
    }
  }

  private aborted(reason: AbortReason, pending: { value: unknown } | null): TraceOutcome {
    const frames = this.frames.map((f) => ({ code: f.code, pc: f.pc, regs: f.vals.slice() }));
    return { kind: 'aborted', reason, location: this.lastLocation, frames, pending };
  }

  private val(f: Frame, o: number): Value {
    return o >= 0 ? f.regs[o] : constOf(f.code.constKinds[-1 - o] as Exclude<Kind, 'v'>, f.code.consts[-1 - o]);
  }

  private real(f: Frame, o: number): unknown {
    return o >= 0 ? f.vals[o] : f.code.consts[-1 - o];
  }

  private set(f: Frame, dst: number, v: Value, real: unknown): void {
    if (dst < 0) return;
    f.regs[dst] = v;
    f.vals[dst] = real;
  }

  /** Executes one instruction of the innermost frame; returns an outcome when tracing ends. */
  private step(): TraceOutcome | null {
    if (this.ops.length > this.env.params.trace_limit) throw new Abort('trace_too_long');
    const f = this.frames[this.frames.length - 1];
    const insn: Insn = f.code.insns[f.pc];
    switch (insn.k) {
      case 'op': this.opInsn(f, insn); f.pc++; return null;
      case 'move': this.set(f, insn.dst, this.val(f, insn.src), this.real(f, insn.src)); f.pc++; return null;
      case 'goto': f.pc = insn.target; return null;
      case 'branch': {
        const c = this.val(f, insn.cond);
        const taken = !!this.real(f, insn.cond);
        if (c.tag === 'box') this.guard(taken ? 'guard_true' : 'guard_false', [c], f.pc);
        f.pc = taken ? f.pc + 1 : insn.target;
        return null;
      }
      case 'call': return this.callInsn(f, insn.descr, insn.args, insn.dst);
      case 'inline': return this.inlineInsn(f, insn.callee, insn.args, insn.dst);
      case 'invoke': {
        const recv = this.real(f, insn.args[0]);
        const cls = recv === null || recv === undefined ? null : (recv as object).constructor;
        const code = cls ? insn.targets.byClass.get(cls) : undefined;
        if (!code) return this.callInsn(f, insn.targets.residual, insn.args, insn.dst);
        const rv = this.val(f, insn.args[0]);
        if (rv.tag === 'box' && this.knownClass.get(rv) !== cls) {
          this.guard('guard_class', [rv, constOf('r', cls)], f.pc);
          this.knownClass.set(rv, cls!);
        }
        return this.inlineInsn(f, code, insn.args, insn.dst);
      }
      case 'promote': {
        const v = f.regs[insn.reg];
        if (v.tag === 'box') {
          const c = constOf(v.kind, f.vals[insn.reg]);
          this.guard('guard_value', [v, c], f.pc);
          this.replaceEverywhere(v, c);
        }
        f.pc++;
        return null;
      }
      case 'jitted': this.set(f, insn.dst, constOf('i', true), true); f.pc++; return null;
      case 'enter': f.pc++; return null;
      case 'qiread': return this.qiread(f, insn.obj, insn.descr, insn.dst);
      case 'qiwrite': {
        this.env.quasiImmutableWritten(insn.descr);
        this.record('call_n', [], this.env.invalidationCall(insn.descr));
        if (this.qiGuarded) throw new Abort('invalidated');
        f.pc++;
        return null;
      }
      case 'merge': return this.mergePoint(f, insn.greens, insn.reds);
      case 'return': {
        const rv = insn.value === null ? constOf('r', null) : this.val(f, insn.value);
        const real = insn.value === null ? null : this.real(f, insn.value);
        this.frames.pop();
        if (this.frames.length === 0) return { kind: 'returned', value: real };
        const caller = this.frames[this.frames.length - 1];
        const call = caller.code.insns[caller.pc];
        if ((call.k === 'inline' || call.k === 'invoke') && call.dst >= 0) this.set(caller, call.dst, rv, real);
        caller.pc++;
        return null;
      }
      case 'throw': return this.raise(this.val(f, insn.value), this.real(f, insn.value));
    }
  }

  private replaceEverywhere(from: Value, to: Value): void {
    for (const fr of this.frames) for (let r = 0; r < fr.regs.length; r++) if (fr.regs[r] === from) fr.regs[r] = to;
  }

  private opInsn(f: Frame, insn: Extract<Insn, { k: 'op' }>): void {
    const info = opInfo(insn.op);
    const args = insn.args.map((o) => this.val(f, o));
    const reals = insn.args.map((o) => this.real(f, o));
    const real = info.run!(reals, insn.descr);
    if (this.vable !== null && this.virtualizableAccess(f, insn, args, real)) return;
    const allConst = args.every((a) => a.tag === 'const');
    const kind = info.result;
    if (kind === 'v') {
      this.record(insn.op, args, insn.descr);
      return;
    }
    let folds = allConst && (info.pure === true);
    if (!folds && allConst && info.heapRead) {
      folds = insn.descr !== null && insn.descr.kind === 'field' ? insn.descr.immutable : insn.immutableItems;
    }
    if (folds) {
      this.set(f, insn.dst, constOf(kind, real), real);
      return;
    }
    const box = this.record(insn.op, args, insn.descr)!;
    if (insn.op === 'new' && insn.descr?.kind === 'class') this.knownClass.set(box, insn.descr.cls);
    this.set(f, insn.dst, box, real);
    this.unifyVirtualizable(f, box, real, insn.dst);
  }

  /**
   * A value just produced (a heap read such as a callee frame's parent, or a
   * residual call's result) may be the virtualizable object itself. One object
   * must have one box: writes through another box would not go to the slots, and
   * the slots' write-back would undo them. So guard it equal and use the
   * virtualizable's box. The guard resumes after the instruction that made it.
   */
  private unifyVirtualizable(f: Frame, box: Value, real: unknown, dst: number): void {
    const v = this.vable;
    if (v === null || real !== v.real || box === v.obj || dst < 0) return;
    const same = this.record('ptr_eq', [box, v.obj])!;
    this.guard('guard_true', [same], f.pc + 1);
    this.set(f, dst, v.obj, real);
  }

  /**
   * Field and item accesses of the virtualizable go to its slots instead of the
   * trace (the real access has already happened). Returns false for any other op.
   */
  private virtualizableAccess(f: Frame, insn: Extract<Insn, { k: 'op' }>, args: Value[], real: unknown): boolean {
    const v = this.vable!;
    const d = insn.descr;
    if (d !== null && d.kind === 'field' && d.virtualizable && args[0] === v.obj) {
      if (d.itemKind === undefined) {
        const k = v.layout.slots.findIndex((s) => s.field === d && s.index < 0);
        if (k < 0) return false;
        if (insn.op === 'setfield') v.values[k] = args[1];
        else this.set(f, insn.dst, v.values[k], real);
        return true;
      }
      if (insn.op === 'getfield_r') {
        const box = this.record('getfield_r', args, d)!;
        this.vableArrays.set(box, v.layout.slots.findIndex((s) => s.field === d && s.index === 0));
        this.set(f, insn.dst, box, real);
        return true;
      }
      return false;
    }
    const base = this.vableArrays.get(args[0]);
    if (base === undefined || base < 0) return false;
    const field = v.layout.slots[base].field;
    const length = v.layout.arrays.find((a) => a.field === field)!.length;
    if (insn.op === 'arraylen') {
      this.set(f, insn.dst, constOf('f', length), real);
      return true;
    }
    if (!insn.op.startsWith('getarrayitem') && insn.op !== 'setarrayitem') return false;
    let idx = args[1];
    const i = this.real(f, insn.args[1]) as number;
    if (!(Number.isInteger(i) && i >= 0 && i < length)) return false;
    if (idx.tag === 'box') {
      const c = constOf(idx.kind, i);
      this.guard('guard_value', [idx, c], f.pc);
      this.replaceEverywhere(idx, c);
      idx = c;
    }
    if (insn.op === 'setarrayitem') v.values[base + i] = args[2];
    else if (insn.op === 'getarrayitem_i' && v.values[base + i].kind === 'f') {
      // A typed read of a number slot: the slot holds the item as a number.
      this.set(f, insn.dst, this.record('float_to_int32', [v.values[base + i]])!, real);
    } else this.set(f, insn.dst, v.values[base + i], real);
    return true;
  }

  /** Writes the virtualizable's slots back to the object (before a call that may look at it). */
  private flushVirtualizable(): void {
    const v = this.vable!;
    const arrays = new Map<FieldDescr, Value>();
    v.layout.slots.forEach((s, k) => {
      if (s.index < 0) this.record('setfield', [v.obj, v.values[k]], s.field);
      else this.record('setarrayitem', [this.vableArray(arrays, s.field), constOf('f', s.index), v.values[k]]);
    });
  }

  /** Reads the slots again after such a call. */
  private reloadVirtualizable(): void {
    const v = this.vable!;
    const arrays = new Map<FieldDescr, Value>();
    v.layout.slots.forEach((s, k) => {
      if (s.index < 0) v.values[k] = this.record(`getfield_${s.kind}` as Opcode, [v.obj], s.field)!;
      else v.values[k] = this.record(`getarrayitem_${s.kind}` as Opcode, [this.vableArray(arrays, s.field), constOf('f', s.index)])!;
    });
  }

  private vableArray(cache: Map<FieldDescr, Value>, field: FieldDescr): Value {
    let a = cache.get(field);
    if (!a) cache.set(field, (a = this.record('getfield_r', [this.vable!.obj], field)!));
    return a;
  }

  private callInsn(f: Frame, descr: CallDescr, argOps: readonly number[], dst: number): TraceOutcome | null {
    const args = argOps.map((o) => this.val(f, o));
    const reals = argOps.map((o) => this.real(f, o));
    const v = this.vable;
    const seesVable = v !== null && (descr.forcesVirtualizable === true || args.some((a) => a === v.obj || this.vableArrays.has(a)));
    if (seesVable) this.flushVirtualizable();
    let real: unknown;
    try {
      real = (descr.fn as (...a: unknown[]) => unknown)(...reals);
    } catch (e) {
      // The call already ran; the blackhole re-raises its exception at this call.
      f.pc++;
      throw new Abort('residual_raised', { value: e });
    }
    const kind = descr.resultKind;
    if (descr.effect === 'elidable' && args.every((a) => a.tag === 'const')) {
      if (dst >= 0) this.set(f, dst, constOf(kind === 'v' ? 'r' : kind, real), real);
      f.pc++;
      return null;
    }
    const op: Opcode = kind === 'v' ? 'call_n' : (`call_${kind}` as Opcode);
    const box = this.record(op, args, descr);
    if (box && dst >= 0) this.set(f, dst, box, real);
    // Nothing may come between the call and its guard, so the slots are not read
    // back yet: where the call wrote them, the object has the only right values.
    if (descr.canRaise) this.guard('guard_no_exception', [], f.pc + 1, f.pc, seesVable);
    if (seesVable) this.reloadVirtualizable();
    // A helper that may switch the interpreter's frame can hand back this one.
    if (box) this.unifyVirtualizable(f, box, real, dst);
    if (this.qiGuarded && descr.effect === 'write') this.guard('guard_not_invalidated', [], f.pc + 1);
    f.pc++;
    return null;
  }

  private inlineInsn(f: Frame, callee: JitCode, argOps: readonly number[], dst: number): TraceOutcome | null {
    const depth = this.frames.length;
    const recursion = this.frames.filter((x) => x.code === callee).length;
    const portalCall = callee === this.env.portal;
    const entry = portalCall ? this.env.greensOfArgs(argOps.map((o) => this.real(f, o))) : null;
    // (the portal has a loop, so it is never `inlinable` as a helper: guest calls have their own rule)
    if ((portalCall ? !this.env.portalInlinable(entry!) : !callee.inlinable) || depth >= this.env.params.max_inline_depth || recursion >= this.env.params.max_unroll_recursion) {
      return this.callInsn(f, callee.residual!, argOps, dst);
    }
    const regs: Value[] = callee.kinds.map((k) => constOf(k === 'v' ? 'r' : k, undefined));
    const vals: unknown[] = new Array(callee.numRegs);
    callee.params.forEach((r, i) => {
      regs[r] = this.val(f, argOps[i]);
      vals[r] = this.real(f, argOps[i]);
    });
    this.frames.push({ code: callee, pc: 0, regs, vals, ...(entry !== null ? { portal: { entry, seen: [] } } : {}) });
    return null;
  }

  private qiread(f: Frame, objOp: number, descr: FieldDescr, dst: number): TraceOutcome | null {
    const obj = this.val(f, objOp);
    const real = (this.real(f, objOp) as Record<string, unknown>)[descr.name];
    if (obj.tag === 'const') {
      if (!this.qiGuarded) {
        this.guard('guard_not_invalidated', [], f.pc);
        this.qiGuarded = true;
      }
      this.env.dependOn(descr);
      this.set(f, dst, constOf(descr.valueKind === 'v' ? 'r' : descr.valueKind, real), real);
    } else {
      this.set(f, dst, this.record(`getfield_${descr.valueKind}` as Opcode, [obj], descr)!, real);
    }
    f.pc++;
    return null;
  }

  /** A thrown exception: continue at the matching handler, or leave the portal. */
  private raise(v: Value, thrown: unknown): TraceOutcome | null {
    for (;;) {
      const f = this.frames[this.frames.length - 1];
      const h = f.code.handlerAt(f.pc);
      if (h) {
        if (h.reg >= 0) this.set(f, h.reg, v, thrown);
        f.pc = h.target;
        return null;
      }
      if (this.frames.length === 1) return { kind: 'raised', value: thrown };
      this.frames.pop();
    }
  }

  private mergePoint(f: Frame, greenOps: readonly number[], redOps: readonly number[]): TraceOutcome | null {
    const greens = greenOps.map((o) => this.real(f, o));
    const reds = redOps.map((o) => this.real(f, o));
    for (const o of greenOps) {
      const v = this.val(f, o);
      if (v.tag === 'box') {
        if (this.mode.kind === 'loop' && this.mode.startKey === null) continue;
        const c = constOf(v.kind, this.real(f, o));
        this.guard('guard_value', [v, c], f.pc);
        this.replaceEverywhere(v, c);
      }
    }
    if (f !== this.frames[0]) return this.innerMergePoint(f, greens);
    const mode = this.mode;
    if (mode.kind === 'loop' && mode.startKey === null) {
      // First merge point: the loop starts here. What ran before (the portal's
      // prelude) is not part of the trace.
      mode.startKey = greens;
      this.ops = [];
      this.inputs = [];
      greenOps.forEach((o) => {
        if (o >= 0) f.regs[o] = constOf(f.code.kinds[o] as Exclude<Kind, 'v'>, f.vals[o]);
      });
      redOps.forEach((o) => {
        const box = this.boxes.box(f.code.kinds[o] as Exclude<Kind, 'v'>);
        this.inputs.push(box);
        if (o >= 0) f.regs[o] = box;
      });
      const vd = this.env.virtualizable;
      if (vd !== null) {
        const fields = vd.fieldsOf(reds[vd.redIndex]);
        if (fields.length > 0) {
          const layout = layoutOf(reds[vd.redIndex], fields);
          const values = layout.slots.map((slot) => this.boxes.box(slot.kind));
          this.inputs.push(...values);
          this.vable = { obj: this.inputs[vd.redIndex], real: reds[vd.redIndex], layout, values };
        }
      }
      this.record('label', [...this.inputs], mode.target);
      this.debugMergePoint(greens);
      const vd2 = this.env.virtualizable;
      const slotReals = this.vable !== null && vd2 !== null ? readSlots(reds[vd2.redIndex], this.vable.layout) : [];
      const real = (box: Box): unknown => {
        const k = this.inputs.indexOf(box);
        return k < reds.length ? reds[k] : slotReals[k - reds.length];
      };
      // A guard here resumes after the merge point: the blackhole runs that iteration.
      this.speculateInt32Inputs(f.pc + 1, real);
      f.pc++;
      return null;
    }
    const layout = this.vable?.layout ?? null;
    const redVals = redOps.map((o) => this.val(f, o));
    if (mode.kind === 'loop' && sameKey(mode.startKey!, greens)) {
      this.record('jump', [...redVals, ...this.virtualizableAtJump(redVals, reds)], mode.target);
      return { kind: 'done', trace: this.finish(), greens, reds, layout };
    }
    // Another key's loop: jump there only if the virtualizable here has its shape
    // (after a guest call it may be another frame, with more or fewer slots).
    const compiled = this.env.compiledTarget(greens);
    const vd = this.env.virtualizable;
    const shaped = layout === null || vd === null || fits(reds[vd.redIndex], layout);
    if (compiled && sameLayout(compiled.layout, layout) && shaped) {
      this.record('jump', [...redVals, ...this.virtualizableAtJump(redVals, reds)], compiled.target);
      return { kind: 'done', trace: this.finish(), greens, reds, layout };
    }
    this.debugMergePoint(greens);
    f.pc++;
    return null;
  }

  /**
   * A number input that is an int32 now is guarded to stay one and used as
   * int_to_float of its int32, so that the optimizer keeps the arithmetic on it
   * (counters, indices) in ints. The guards resume at `pc` of the innermost
   * frame; a bridge grows from one if the guess is often wrong.
   */
  private speculateInt32Inputs(pc: number, realOf: (input: Box) => unknown): void {
    const inUse = new Set<Value>([...this.frames.flatMap((f) => f.regs), ...(this.vable?.values ?? [])]);
    const replaced = new Map<Value, Value>();
    for (const box of this.inputs) {
      const real = realOf(box);
      if (box.kind !== 'f' || !inUse.has(box) || typeof real !== 'number' || !Object.is(real, real | 0)) continue;
      this.guard('guard_true', [this.record('float_is_int32', [box])!], pc);
      replaced.set(box, this.record('int_to_float', [this.record('float_to_int32', [box])!])!);
    }
    if (replaced.size === 0) return;
    for (const f of this.frames) for (let r = 0; r < f.regs.length; r++) f.regs[r] = replaced.get(f.regs[r]) ?? f.regs[r];
    if (this.vable !== null) this.vable.values.forEach((v, k, values) => { values[k] = replaced.get(v) ?? v; });
  }

  /**
   * A merge point of a guest call traced into (RPython inlines recursive portal
   * calls the same way): just a location, unless the callee loops (it reaches
   * a key twice, or one with a compiled loop). Then the trace aborts and that
   * call is a call from now on; the blackhole finishes it with the portal.
   */
  private innerMergePoint(f: Frame, greens: unknown[]): TraceOutcome | null {
    // (a frame rebuilt for a bridge has no entry key: its first merge point stands in)
    if (f.portal === undefined && f.code === this.env.portal) f.portal = { entry: greens, seen: [] };
    const p = f.portal;
    if (p !== undefined) {
      if (this.env.compiledTarget(greens) !== null || p.seen.some((k) => sameKey(k, greens))) {
        this.env.callNotInlinable(p.entry);
        throw new Abort('portal_loop');
      }
      p.seen.push(greens);
    }
    this.debugMergePoint(greens);
    f.pc++;
    return null;
  }

  /**
   * The slot values a jump passes. When the virtualizable red is now another
   * object than the one the trace started with (the interpreter switched
   * frames), the old object gets its slots back and the new one's are read.
   */
  private virtualizableAtJump(redVals: Value[], reds: unknown[]): Value[] {
    const v = this.vable;
    const vd = this.env.virtualizable;
    if (v === null || vd === null) return [];
    const now = redVals[vd.redIndex];
    if (now === v.obj) return v.values;
    if (!fits(reds[vd.redIndex], v.layout)) throw new Abort('virtualizable_shape');
    this.flushVirtualizable();
    const arrays = new Map<FieldDescr, Value>();
    return v.layout.slots.map((s) => {
      if (s.index < 0) return this.record(`getfield_${s.kind}` as Opcode, [now], s.field)!;
      let a = arrays.get(s.field);
      if (!a) arrays.set(s.field, (a = this.record('getfield_r', [now], s.field)!));
      return this.record(`getarrayitem_${s.kind}` as Opcode, [a, constOf('f', s.index)])!;
    });
  }

  private debugMergePoint(greens: unknown[]): void {
    this.lastLocation = this.env.location(greens);
    const loc: LocDescr = { kind: 'loc', text: this.lastLocation };
    this.record('debug_merge_point', [], loc);
  }

  private finish(): Trace {
    return { name: this.name, inputs: this.inputs, ops: this.ops };
  }
}

export function sameKey(a: readonly unknown[], b: readonly unknown[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
