// The WebAssembly backend: traces -> a module description (lower.ts) -> wasm
// bytes (encode.ts on this thread, or binaryen in a worker, compiler.ts) ->
// WebAssembly.Instance, with a small JS dispatcher between compiled functions.
// It implements the backend contract of jit/backend.ts exactly as the
// reference backend does (the tests run the reference backend's tests and
// random traces on both). README.md has the design and its measurements.
//
// Units. Code is compiled per *unit*: one wasm function holding a loop, or a
// bridge, together with the bridges merged into it (lower.ts). A new bridge
// gets a unit of its own, entered through the dispatcher when its guard fails.
// Once it has been entered `bridgeMergeThreshold` times it is hot: it is
// merged into the unit of its guard, which is recompiled with it inside, so
// the side exit branches straight into the bridge and a bridge that jumps back
// to its loop never leaves wasm (WebAssembly cannot patch a guard's branch:
// recompiling is the wasm way to link). Cold bridges, often most of them
// (2-6% of guards ever fail, and bridge explosion is a known pain), never cost
// a recompile. Units stay below maxUnitTraces traces and maxUnitOps ops, so a
// recompile stays cheap.
//
// Dispatcher (`execute`). A unit's `run(entry, fuel)` returns an exit code:
//   jump     to a label of another unit: the args are in the slots in the
//            label's order; call that unit at the label's entry.
//   resume   a back-edge ran out of fuel: call the same code again at the
//            entry it names (lets V8 replace baseline code by optimized code).
//   guard    the failArgs are in the slots. If the guard has a bridge in
//            another unit, or in a newer version of this one (code compiled
//            before the bridge was attached may still be on the stack), and
//            no exception is pending, run the bridge there: its inputs are
//            exactly the failArgs, already in place (and count the entry: at
//            bridgeMergeThreshold the bridge is merged, see Units). Otherwise
//            return the exit.
//   finish   return it.
// Values become JS values again only when `run` returns (runtime.ts).
//
// Invalidation: each loop owns a mutable i32 WebAssembly.Global imported by
// its unit and by every unit of its bridges; guard_not_invalidated reads it.

import type { Backend, BackendOptions, CompiledLoop, TraceExit } from '../jit/backend.js';
import type { GuardDescr, TargetDescr } from '../jit/ir/descr.js';
import type { Trace } from '../jit/ir/trace.js';
import { verifyTrace } from '../jit/ir/verify.js';
import { DescrRegistry } from '../jit/ir/descr.js';
import { parseTrace } from '../jit/ir/parse.js';
import { compileModule, prestartCompiler } from './compiler.js';
import { encodeModule } from './encode.js';
import { exitSlotKinds, lowerTree, type ExitInfo, type TreeTrace } from './lower.js';
import { WasmRuntime, type SlotKinds } from './runtime.js';
import type { ModuleDesc } from './wasm-ir.js';
import { HelperCache } from './glue.js';

export interface WasmBackendOptions extends BackendOptions {
  /** Receives the WebAssembly text (binaryen's printer) of every compiled module, e.g. for --jit-log. */
  readonly log?: (text: string) => void;
  /** Back-edges a call may take before it returns to the dispatcher (lets V8 tier up a long-running loop). */
  readonly fuel?: number;
  /** Run binaryen's validator on every module it builds (tests; V8 validates every module anyway). */
  readonly validate?: boolean;
  /**
   * How modules become bytes: 'direct' (encode.ts, synchronous, on this
   * thread) or 'binaryen' (in the worker, compiler.ts). With `log`, binaryen
   * also prints the text of each module either way. Default 'direct'.
   */
  readonly encoder?: 'direct' | 'binaryen';
  /** binaryen optimization level (0: none; V8 optimizes the code anyway). Implies encoder 'binaryen'. */
  readonly optimize?: number;
  /**
   * A new bridge gets a module of its own, entered through the dispatcher;
   * after this many such entries it is merged into the unit of its guard
   * (which is recompiled), so that it runs without leaving wasm. 0: merge at
   * once, when the bridge is attached. Default 1000.
   */
  readonly bridgeMergeThreshold?: number;
  /** A unit takes no more traces than this (default 32) ... */
  readonly maxUnitTraces?: number;
  /** ... and no more ops in all (default 5000): recompiling a unit costs time in proportion. */
  readonly maxUnitOps?: number;
}

/** Compile-time measurements, for --jit-stats. */
export class WasmCompileStats {
  /** Modules built (a bridge attached to a unit rebuilds it). */
  modules = 0;
  /** Traces compiled (loops and bridges). */
  traces = 0;
  /** Wall time of every compileLoop/attachBridge, in ms, in order. */
  readonly perTraceMs: number[] = [];
  lowerMs = 0;
  /** Encoding the module: encode.ts, or the binaryen worker (including messaging and, the first time, starting it). */
  encodeMs = 0;
  /** Of encodeMs, the time binaryen worked in the worker. */
  workerMs = 0;
  instantiateMs = 0;
  wasmBytes = 0;
  /** Bridges merged into the unit of their guard after bridgeMergeThreshold entries (each rebuilds that unit). */
  merges = 0;
  mergeMs = 0;

  get totalMs(): number {
    return this.perTraceMs.reduce((a, b) => a + b, 0);
  }

  format(): string {
    const ms = [...this.perTraceMs].sort((a, b) => a - b);
    const median = ms.length === 0 ? 0 : ms[ms.length >> 1];
    return [
      'wasm backend:',
      `  traces compiled     ${this.traces} (${this.modules} modules, ${this.wasmBytes} bytes)`,
      `  compile time        ${this.totalMs.toFixed(1)} ms (first ${(this.perTraceMs[0] ?? 0).toFixed(1)} ms, median ${median.toFixed(2)} ms, max ${(ms[ms.length - 1] ?? 0).toFixed(1)} ms)`,
      `    lowering          ${this.lowerMs.toFixed(1)} ms`,
      `    encoding          ${this.encodeMs.toFixed(1)} ms${this.workerMs > 0 ? ` (binaryen worker ${this.workerMs.toFixed(1)} ms, the rest start-up and messaging)` : ''}`,
      `    instantiate       ${this.instantiateMs.toFixed(1)} ms`,
      `  bridges merged      ${this.merges} (${this.mergeMs.toFixed(1)} ms, while running)`,
    ].join('\n') + '\n';
  }
}

/** One compiled version of a unit. */
interface UnitCode {
  readonly run: (entry: number, fuel: number) => number;
  readonly exits: readonly ExitInfo[];
  readonly labelEntries: ReadonlyMap<TargetDescr, { readonly entry: number; readonly kinds: SlotKinds }>;
  readonly bridgeEntries: ReadonlyMap<GuardDescr, { readonly entry: number; readonly kinds: SlotKinds }>;
}

/** Invalidation state of a loop, shared by the units of its bridges. */
interface LoopState {
  invalidated: boolean;
  readonly flag: WebAssembly.Global;
}

interface Unit {
  readonly name: string;
  readonly traces: TreeTrace[];
  readonly loop: LoopState;
  code: UnitCode | null;
}

interface GuardSite {
  /** The unit holding the guard (changes when its trace is merged into another unit). */
  unit: Unit;
  readonly failArgs: number;
  /** How its exit writes the failArgs: its bridge's inputs read them so (lower.ts, exitSlotKinds). */
  readonly exitKinds: SlotKinds;
  /** The unit holding this guard's bridge, once attached. */
  bridge: Unit | null;
  /** Entries into the bridge through the dispatcher (see bridgeMergeThreshold). */
  hits: number;
}

const DEFAULT_FUEL = 1 << 16;
const DEFAULT_MAX_UNIT_TRACES = 32;
const DEFAULT_MAX_UNIT_OPS = 1000;
const DEFAULT_MERGE_THRESHOLD = 1000;

export class WasmBackend implements Backend {
  readonly name = 'wasm';
  readonly stats = new WasmCompileStats();

  statsText(): string {
    return this.stats.format();
  }

  private readonly rt = new WasmRuntime();
  private readonly helpers = new HelperCache();
  private readonly units = new Map<TargetDescr, Unit>();
  private readonly guards = new Map<GuardDescr, GuardSite>();
  private readonly fuel: number;
  private readonly mergeThreshold: number;
  /** Whether modules are built by binaryen in the worker (else by encode.ts). */
  private readonly binaryen: boolean;

  constructor(private readonly options: WasmBackendOptions = {}) {
    this.binaryen = options.encoder === 'binaryen' || (options.optimize ?? 0) > 0;
    this.fuel = Math.max(1, Math.min(options.fuel ?? DEFAULT_FUEL, 2 ** 31 - 1));
    this.mergeThreshold = Math.max(0, options.bridgeMergeThreshold ?? DEFAULT_MERGE_THRESHOLD);
  }

  /**
   * With the binaryen encoder (or a log): starts the compile worker (and
   * binaryen loading, ~0.4 s on another core) without waiting, for a runtime
   * that expects to compile soon (e.g. when a loop counter reaches half the
   * threshold). Optional: the first compile starts it anyway.
   */
  prepare(): void {
    if (this.binaryen || this.options.log !== undefined) prestartCompiler(warmupModule);
  }

  compileLoop(trace: Trace): CompiledLoop {
    const t0 = performance.now();
    verifyTrace(trace);
    const first = trace.ops[0];
    if (first.opcode !== 'label' || first.args.length !== trace.inputs.length
      || first.args.some((a, k) => a.tag !== 'box' || a.id !== trace.inputs[k].id)) {
      throw new Error(`wasm backend: loop ${trace.name} must start with a label of its inputs`);
    }
    this.checkNew(trace);
    const loop: LoopState = { invalidated: false, flag: new WebAssembly.Global({ value: 'i32', mutable: true }, 0) };
    const unit: Unit = { name: trace.name, traces: [{ trace, guard: null }], loop, code: null };
    unit.code = this.build(unit);
    this.register(unit, unit.traces[0]);
    this.stats.traces++;
    this.stats.perTraceMs.push(performance.now() - t0);
    const target = first.descr as TargetDescr;
    return new WasmLoop(target, loop, (inputs) => this.enter(unit, target, inputs));
  }

  attachBridge(guard: GuardDescr, trace: Trace): void {
    const t0 = performance.now();
    const site = this.guards.get(guard);
    if (site === undefined) throw new Error(`wasm backend: guard:${guard.id} is not part of code compiled by this backend`);
    if (site.bridge !== null) throw new Error(`wasm backend: guard:${guard.id} already has a bridge`);
    if (trace.inputs.length !== site.failArgs) {
      throw new Error(`wasm backend: bridge ${trace.name} has ${trace.inputs.length} inputs, guard:${guard.id} has ${site.failArgs} failArgs`);
    }
    verifyTrace(trace);
    this.checkNew(trace);
    const bridge: TreeTrace = { trace, guard, inputKinds: site.exitKinds };
    let unit: Unit = { name: trace.name, traces: [bridge], loop: site.unit.loop, code: null };
    if (this.mergeThreshold === 0 && this.fits(site.unit, unit.traces)) {
      unit = site.unit;
      unit.traces.push(bridge);
      try {
        unit.code = this.build(unit);
      } catch (e) {
        unit.traces.pop();
        throw e;
      }
    } else {
      unit.code = this.build(unit);
    }
    this.register(unit, bridge);
    site.bridge = unit;
    guard.bridge = unit;
    this.stats.traces++;
    this.stats.perTraceMs.push(performance.now() - t0);
  }

  /** Whether `traces` may join `unit` (see maxUnitTraces, maxUnitOps). */
  private fits(unit: Unit, traces: readonly TreeTrace[]): boolean {
    const ops = (ts: readonly TreeTrace[]) => ts.reduce((n, t) => n + t.trace.ops.length, 0);
    return unit.traces.length + traces.length <= (this.options.maxUnitTraces ?? DEFAULT_MAX_UNIT_TRACES)
      && ops(unit.traces) + ops(traces) <= (this.options.maxUnitOps ?? DEFAULT_MAX_UNIT_OPS);
  }

  /**
   * Moves the unit of `guard`'s bridge (the bridge and whatever was merged
   * into it) into the unit of the guard, and recompiles that. Code of the old
   * units may still be on the stack (re-entrant runs): it stays valid, and
   * its exits reach the new unit through the dispatcher.
   */
  private merge(guard: GuardDescr, site: GuardSite): void {
    const from = site.bridge!;
    const into = site.unit;
    if (from === into || from.traces[0].guard !== guard || !this.fits(into, from.traces)) return;
    const t0 = performance.now();
    const before = into.traces.length;
    into.traces.push(...from.traces);
    try {
      into.code = this.build(into);
    } catch (e) {
      into.traces.length = before;
      throw e;
    }
    for (const [target, unit] of this.units) if (unit === from) this.units.set(target, into);
    for (const s of this.guards.values()) {
      if (s.unit === from) s.unit = into;
      if (s.bridge === from) s.bridge = into;
    }
    this.stats.merges++;
    this.stats.mergeMs += performance.now() - t0;
  }

  /** Labels and guards of a new trace must not be compiled already. */
  private checkNew(trace: Trace): void {
    for (const op of trace.ops) {
      if (op.opcode === 'label' && this.units.has(op.descr as TargetDescr)) {
        throw new Error(`wasm backend: target:${(op.descr as TargetDescr).name} is already compiled`);
      }
      if (op.failArgs !== null && this.guards.has(op.descr as GuardDescr)) {
        throw new Error(`wasm backend: guard:${(op.descr as GuardDescr).id} is already compiled`);
      }
    }
  }

  private register(unit: Unit, t: TreeTrace): void {
    const kinds = exitSlotKinds(t);
    for (const op of t.trace.ops) {
      if (op.opcode === 'label') this.units.set(op.descr as TargetDescr, unit);
      const g = op.descr as GuardDescr;
      if (op.failArgs !== null) this.guards.set(g, { unit, failArgs: op.failArgs.length, exitKinds: kinds.get(g)!, bridge: null, hits: 0 });
    }
  }

  /** Lowers, compiles and instantiates the current traces of a unit. */
  private build(unit: Unit): UnitCode {
    const t0 = performance.now();
    const lowered = lowerTree(unit.traces, { rt: this.rt, helpers: this.helpers, forceGuardFailure: this.options.forceGuardFailure });
    this.rt.ensureSlots(lowered.slots);
    const t1 = performance.now();
    let bytes: Uint8Array<ArrayBuffer>;
    let text: string | null = null;
    if (this.binaryen) {
      const reply = compileModule({ desc: lowered.desc, text: this.options.log !== undefined, validate: this.options.validate ?? false, optimize: this.options.optimize ?? 0 }, warmupModule);
      this.stats.workerMs += reply.workerMs;
      bytes = reply.bytes;
      text = reply.text;
    } else {
      bytes = encodeModule(lowered.desc);
      if (this.options.log !== undefined) text = compileModule({ desc: lowered.desc, text: true, validate: false, optimize: 0 }, warmupModule).text;
    }
    const t2 = performance.now();
    const module = new WebAssembly.Module(bytes);
    const instance = new WebAssembly.Instance(module, lowered.imports.importObject({ mem: this.rt.memory, inv: unit.loop.flag }));
    const t3 = performance.now();
    const s = this.stats;
    s.modules++;
    s.lowerMs += t1 - t0;
    s.encodeMs += t2 - t1;
    s.instantiateMs += t3 - t2;
    s.wasmBytes += bytes.length;
    if (text !== null) this.options.log!(`;; wasm module for ${unit.traces.map((t) => t.trace.name || '(unnamed trace)').join(', ')}\n${text}`);
    return {
      run: instance.exports.run as (entry: number, fuel: number) => number,
      exits: lowered.exits,
      labelEntries: lowered.labelEntries,
      bridgeEntries: lowered.bridgeEntries,
    };
  }

  /** Enters a loop at its label with JS input values. */
  private enter(unit: Unit, target: TargetDescr, inputs: unknown[]): TraceExit {
    const code = unit.code!;
    const e = code.labelEntries.get(target)!;
    if (inputs.length !== e.kinds.length) throw new Error(`wasm backend: ${unit.name} takes ${e.kinds.length} inputs, got ${inputs.length}`);
    this.rt.write(e.kinds, inputs);
    this.rt.clearException();
    return this.execute(code, e.entry);
  }

  /** The dispatcher: runs compiled code until it leaves through a guard or a finish (see the file header). */
  private execute(code: UnitCode, entry: number): TraceExit {
    const rt = this.rt;
    for (;;) {
      const exit = code.exits[code.run(entry, this.fuel)];
      switch (exit.kind) {
        case 'resume':
          entry = exit.entry;
          break;
        case 'jump': {
          const unit = this.units.get(exit.target);
          if (unit === undefined) throw new Error(`wasm backend: jump to target:${exit.target.name}, which is not compiled`);
          code = unit.code!;
          entry = code.labelEntries.get(exit.target)!.entry;
          break;
        }
        case 'finish': {
          const values = rt.read(exit.kinds);
          rt.dropRefs();
          return { kind: 'finish', descr: exit.descr, values };
        }
        case 'guard': {
          const exception = exit.noException ? rt.takeException() : null;
          const site = this.guards.get(exit.descr)!;
          if (exception === null && site.bridge !== null) {
            if (++site.hits === this.mergeThreshold) this.merge(exit.descr, site);
            code = site.bridge.code!;
            const e = code.bridgeEntries.get(exit.descr)!;
            // The same kinds unless the bridge could not keep an unboxed input virtual (a label arg).
            if (e.kinds !== exit.kinds) rt.write(e.kinds, rt.read(exit.kinds));
            entry = e.entry;
            break;
          }
          const values = rt.read(exit.kinds);
          rt.dropRefs();
          return { kind: 'guard', descr: exit.descr, values, exception };
        }
      }
    }
  }
}

/** A small loop with a bridge, using the common kinds of code, that the worker compiles to warm binaryen up. */
const WARMUP_LOOP = `[i0, f1, r2]
label(i0, f1, r2, descr=target:W)
i3 = int_add(i0, 1)
f4 = getfield_f(r2, descr=W.x)
f5 = float_add(f1, f4)
f6 = float_mod(f5, 3.0)
i7 = float_lt(f6, 2.0)
guard_true(i7, descr=guard:1) [i3, f5, r2]
setfield(r2, f6, descr=W.x)
i8 = int_lt(i3, 100)
guard_true(i8, descr=guard:2) [i3, f5, r2]
jump(i3, f5, r2, descr=target:W)
`;
const WARMUP_BRIDGE = `[i0, f1, r2]
f3 = float_mul(f1, 0.5)
i4 = float_to_int32(f3)
i5 = int_and(i4, 7)
i6 = int_eq(i5, 3)
guard_false(i6, descr=guard:3) [i0, f3, r2]
jump(i0, f3, r2, descr=target:W)
`;

function warmupModule(): ModuleDesc {
  const descrs = new DescrRegistry();
  descrs.add({ kind: 'field', owner: 'W', name: 'x', valueKind: 'f', immutable: false, quasiImmutable: false });
  const loop = parseTrace(WARMUP_LOOP, descrs);
  const bridge = parseTrace(WARMUP_BRIDGE, descrs);
  return lowerTree([{ trace: loop, guard: null }, { trace: bridge, guard: descrs.get('guard:1') as GuardDescr }], { rt: new WasmRuntime() }).desc;
}

class WasmLoop implements CompiledLoop {
  constructor(readonly target: TargetDescr, private readonly state: LoopState, private readonly enter: (inputs: unknown[]) => TraceExit) {}

  get invalidated(): boolean {
    return this.state.invalidated;
  }

  invalidate(): void {
    this.state.invalidated = true;
    this.state.flag.value = 1;
  }

  run(inputs: unknown[]): TraceExit {
    return this.enter(inputs);
  }
}
