// The JIT at run time, one per portal (RPython's warmstate + the driver glue):
// counts loop iterations per green key, starts tracing when a key gets hot,
// enters compiled loops, and turns their exits back into interpreter state.
//
// Handing control back: when compiled code or the blackhole stops at a merge
// point, the interpreter must go on there with the new greens and reds. A
// canEnterJit in the portal's own dispatch loop returns them (`enterOrContinue`):
// the loader's emitted code assigns them to the portal's parameters and continues
// the loop. Anywhere else, `canEnterJit` throws RPython's ContinueRunningNormally;
// the portal is wrapped by a runner (`runPortal`) that catches it and calls the
// portal again. Either way the portal's locals start afresh: everything live at
// the merge point is a green or a red, which the codewriter checks.

import type { Backend, CompiledLoop, TraceExit } from './backend.js';
import { ContinueRunningNormally, DoneWithThisFrame, PortalRaised } from './control.js';
import { blackhole, framesFromSnapshot, type BlackholeFrame, type BlackholeResult } from './blackhole.js';
import type { CallDescr, FieldDescr, GuardDescr, TargetDescr } from './ir/descr.js';
import type { Trace } from './ir/trace.js';
import type { OptEnv } from './opt/pass.js';
import type { JitCode } from './jitcode.js';
import { JitLog } from './log.js';
import type { JitParams } from './params.js';
import { JitStats } from './stats.js';
import { Tracer, type TraceOutcome } from './tracer.js';
import { fits, readSlots, writeSlots, type VableLayout } from './resume/virtualizable.js';
import { materialize } from './resume/materialize.js';

/** The portal's arguments, in parameter order, to go on with at a merge point. */
type PortalArgs = unknown[];

/** Optimizes a trace before it reaches the backend (the optimizer pipeline). */
export type TraceOptimizer = (trace: Trace, kind: 'loop' | 'bridge', env: OptEnv) => Trace;

export interface PortalSpec {
  readonly code: JitCode;
  readonly numGreens: number;
  readonly numReds: number;
  /** For each portal parameter, its index in greens ++ reds. */
  readonly paramOrder: readonly number[];
  readonly printLocation: (greens: unknown[]) => string;
  /** The red whose `@virtualizable` fields live in trace values (see resume/virtualizable.ts). */
  readonly virtualizable: { readonly redIndex: number; fieldsOf(obj: unknown): FieldDescr[] } | null;
}

export interface JitOptions {
  readonly params: JitParams;
  readonly backend: Backend;
  readonly optimize: TraceOptimizer;
  readonly log: JitLog | null;
  readonly stats: JitStats;
  /** Keep every recorded and optimized trace in `compiledTraces` (tests; a long run would hold them all). */
  readonly keepTraces?: boolean;
}

interface KeyCell {
  counter: number;
  aborts: number;
  blacklisted: boolean;
  loop: CompiledLoop | null;
}

/** Per compiled loop: the virtualizable slots its label carries after the reds. */
type Layouts = Map<TargetDescr, VableLayout | null>;

/** Maps a green key (a tuple of values compared with ===) to T. */
class GreenMap<T> {
  private readonly root = new Map<unknown, unknown>();
  constructor(private readonly width: number) {}

  get(key: readonly unknown[]): T | undefined {
    let m: Map<unknown, unknown> | undefined = this.root;
    for (let i = 0; i < this.width - 1 && m; i++) m = m.get(key[i]) as Map<unknown, unknown> | undefined;
    return m?.get(key[this.width - 1]) as T | undefined;
  }

  getOrCreate(key: readonly unknown[], make: () => T): T {
    let m = this.root;
    for (let i = 0; i < this.width - 1; i++) {
      let next = m.get(key[i]) as Map<unknown, unknown> | undefined;
      if (!next) m.set(key[i], (next = new Map()));
      m = next;
    }
    let v = m.get(key[this.width - 1]) as T | undefined;
    if (v === undefined) m.set(key[this.width - 1], (v = make()));
    return v;
  }
}

export class JitRuntime {
  private readonly cells: GreenMap<KeyCell>;
  private readonly layouts: Layouts = new Map();
  private readonly qiDependents = new Map<FieldDescr, Set<CompiledLoop>>();
  private readonly qiCalls = new Map<FieldDescr, CallDescr>();
  private tracing = false;
  /** The optimized trace of every compiled loop, by its first label (bridges inline its preamble). */
  private readonly optimizedLoops = new Map<TargetDescr, Trace>();
  private readonly optEnv: Omit<OptEnv, 'owner'> = {
    loopTrace: (t) => this.optimizedLoops.get(t) ?? null,
    newGuardId: () => this.nextGuard++,
  };
  /** The loop each compiled guard belongs to (a bridge's guards: its guard's loop). */
  private readonly ownerOf = new WeakMap<GuardDescr, TargetDescr>();
  private readonly loopsByTarget = new Map<TargetDescr, CompiledLoop>();
  /** Guest calls (portal entry keys) found to loop: tracing calls them instead of inlining them. */
  private readonly noInline: GreenMap<boolean>;
  private nextGuard = 0;
  private nextTrace = 0;
  readonly stats: JitStats;
  /** With JitOptions.keepTraces: every compiled trace, as recorded and as optimized. */
  readonly compiledTraces: { readonly kind: 'loop' | 'bridge'; readonly trace: Trace; readonly optimized: Trace }[] = [];

  constructor(readonly portal: PortalSpec, readonly options: JitOptions) {
    this.cells = new GreenMap(Math.max(1, portal.numGreens));
    this.noInline = new GreenMap(Math.max(1, portal.numGreens));
    this.stats = options.stats;
  }

  // ------------------------------------------------------- driver hooks

  runPortal(inner: (...args: unknown[]) => unknown, args: unknown[]): unknown {
    for (;;) {
      try {
        return inner(...args);
      } catch (e) {
        if (e instanceof ContinueRunningNormally && e.runtime === this) {
          args = e.args;
          continue;
        }
        if (e instanceof DoneWithThisFrame && e.runtime === this) return e.value;
        if (e instanceof PortalRaised && e.runtime === this) throw e.value;
        throw e;
      }
    }
  }

  /**
   * Called at every guest back-edge with the greens then the reds. When compiled
   * code or the blackhole ran and stopped at a merge point, it throws
   * ContinueRunningNormally for the runner to call the portal again.
   */
  canEnterJit(args: unknown[]): void {
    const next = this.enterOrContinue(args);
    if (next !== null) throw new ContinueRunningNormally(this, next);
  }

  /**
   * canEnterJit for a call site in the portal's own dispatch loop: returns the
   * portal's arguments to go on with at the merge point (the emitted code assigns
   * them to the parameters and continues the loop), or null to go on as before.
   * No exception unwinds the portal's frame.
   */
  enterOrContinue(args: unknown[]): PortalArgs | null {
    const ng = this.portal.numGreens;
    const greens = args.slice(0, ng);
    const cell = this.cells.getOrCreate(greens, newCell);
    if (cell.loop !== null) {
      const reds = args.slice(ng);
      if (!cell.loop.invalidated) return this.canEnter(cell.loop, reds) ? this.runFrom(cell.loop, reds) : null;
      cell.loop = null;
    }
    if (this.tracing || cell.blacklisted) return null;
    if (++cell.counter < this.options.params.threshold) return null;
    cell.counter = 0;
    return this.traceLoop(cell, greens, args);
  }

  // ------------------------------------------------------- tracing

  private tracerEnv() {
    return {
      params: this.options.params,
      portal: this.portal.code,
      numGreens: this.portal.numGreens,
      newGuardId: () => this.nextGuard++,
      compiledTarget: (greens: unknown[]) => {
        const loop = this.cells.get(greens)?.loop;
        return loop && !loop.invalidated ? { target: loop.target, layout: this.layouts.get(loop.target) ?? null } : null;
      },
      virtualizable: this.portal.virtualizable,
      location: (greens: unknown[]) => this.portal.printLocation(greens),
      dependOn: (d: FieldDescr) => this.pendingDeps.add(d),
      invalidationCall: (d: FieldDescr) => this.invalidationCall(d),
      portalInlinable: (greens: unknown[]) => this.options.params.inline_portal !== 0 && this.noInline.get(greens) === undefined,
      callNotInlinable: (greens: unknown[]) => this.noInline.getOrCreate(greens, () => true),
      greensOfArgs: (args: unknown[]) => this.greensOfArgs(args),
      quasiImmutableWritten: (d: FieldDescr) => this.quasiImmutableWritten(d),
    };
  }

  private pendingDeps = new Set<FieldDescr>();
  /** Guards of bridges: how many bridges lead to them from their loop (absent: a loop's guard). */
  private readonly bridgeDepth = new WeakMap<GuardDescr, number>();

  private depthOf(guard: GuardDescr): number {
    return this.bridgeDepth.get(guard) ?? 0;
  }
  /** Bridges of a guard that could not be compiled (aborted, or the portal returned). */
  private readonly bridgeAborts = new WeakMap<GuardDescr, number>();

  private traceLoop(cell: KeyCell, greens: unknown[], args: unknown[]): PortalArgs {
    const target: TargetDescr = { kind: 'target', name: `L${this.nextTrace++}` };
    const name = `loop ${target.name} at ${this.portal.printLocation(greens)}`;
    const outcome = this.withTracing(() => new Tracer(this.tracerEnv(), name).traceLoop(this.portalArgs(args), target));
    if (outcome.kind === 'done') {
      const loop = this.compile(outcome.trace, 'loop', target, 0, (t) => this.options.backend.compileLoop(t));
      this.layouts.set(loop.target, outcome.layout);
      this.loopsByTarget.set(target, loop);
      this.registerDeps(loop);
      cell.loop = loop;
      return this.continueAt(outcome.greens, outcome.reds);
    }
    // (portal_loop is no failure of the key: the next try calls that guest function)
    if (outcome.kind === 'aborted' && outcome.reason !== 'portal_loop') {
      if (++cell.aborts >= this.options.params.max_aborts) cell.blacklisted = true;
    }
    return this.afterFailedTrace(outcome);
  }

  private traceBridge(guard: GuardDescr, values: unknown[]): PortalArgs {
    const snapshot = guard.resume!;
    const name = `bridge from guard ${guard.id}`;
    const outcome = this.withTracing(() => new Tracer(this.tracerEnv(), name).traceBridge(snapshot, snapshot.failArgs, values));
    if (outcome.kind === 'done') {
      const trace = outcome.trace;
      const owner = this.ownerOf.get(guard) ?? null;
      this.compile(trace, 'bridge', owner, this.depthOf(guard) + 1, (t) => this.options.backend.attachBridge(guard, t));
      // A bridge is invalidated with its loop: what it relies on, the loop does.
      const loop = owner === null ? undefined : this.loopsByTarget.get(owner);
      if (loop !== undefined) this.registerDeps(loop);
      this.pendingDeps.clear();
      return this.continueAt(outcome.greens, outcome.reds);
    }
    // No bridge this time: try again after another bridge_threshold failures,
    // at most max_aborts times.
    const aborts = (this.bridgeAborts.get(guard) ?? 0) + 1;
    this.bridgeAborts.set(guard, aborts);
    guard.failures = aborts >= this.options.params.max_aborts ? -Infinity : 0;
    return this.afterFailedTrace(outcome);
  }

  private withTracing(run: () => TraceOutcome): TraceOutcome {
    const t0 = performance.now();
    this.tracing = true;
    this.pendingDeps.clear();
    try {
      return run();
    } finally {
      this.tracing = false;
      this.stats.tracingMs += performance.now() - t0;
    }
  }

  /**
   * Optimizes `trace`, hands it to the backend (`build`), and records and logs
   * both forms. `owner` is the loop the trace belongs to (a bridge: its guard's);
   * `depth` how many bridges lead to it from its loop (see max_bridge_depth).
   */
  private compile<T>(trace: Trace, what: 'loop' | 'bridge', owner: TargetDescr | null, depth: number, build: (optimized: Trace) => T): T {
    const t0 = performance.now();
    const optimized = this.options.optimize(trace, what, { ...this.optEnv, owner });
    for (const op of optimized.ops) {
      if (op.descr === null || op.descr.kind !== 'guard') continue;
      if (owner !== null) this.ownerOf.set(op.descr, owner);
      if (depth > 0) this.bridgeDepth.set(op.descr, depth);
    }
    const t1 = performance.now();
    const out = build(optimized);
    this.stats.optimizerMs += t1 - t0;
    this.stats.backendMs += performance.now() - t1;
    if (this.options.keepTraces) this.compiledTraces.push({ kind: what, trace, optimized });
    if (what === 'loop') this.optimizedLoops.set(optimized.ops[0].descr as TargetDescr, optimized);
    if (what === 'loop') this.stats.loops++;
    else this.stats.bridges++;
    this.options.log?.compiled(what, trace, optimized);
    return out;
  }


  private afterFailedTrace(outcome: Exclude<TraceOutcome, { kind: 'done' }>): PortalArgs {
    if (outcome.kind === 'returned') throw new DoneWithThisFrame(this, outcome.value);
    if (outcome.kind === 'raised') throw new PortalRaised(this, outcome.value);
    this.stats.aborts++;
    this.stats.abortReasons.set(outcome.reason, (this.stats.abortReasons.get(outcome.reason) ?? 0) + 1);
    this.options.log?.aborted(outcome.reason, outcome.location);
    return this.finishInBlackhole(outcome.frames, outcome.pending);
  }

  // ------------------------------------------------------- compiled code

  /** Whether compiled code can start from these reds (the virtualizable has the loop's shape). */
  private canEnter(loop: CompiledLoop, reds: unknown[]): boolean {
    const layout = this.layouts.get(loop.target) ?? null;
    return layout === null || fits(reds[this.portal.virtualizable!.redIndex], layout);
  }

  /** Runs compiled code from a loop header until it must return to the interpreter. */
  private runFrom(loop: CompiledLoop, reds: unknown[]): PortalArgs {
    let exit: TraceExit;
    const layout = this.layouts.get(loop.target) ?? null;
    const inputs = layout === null ? reds : [...reds, ...readSlots(reds[this.portal.virtualizable!.redIndex], layout)];
    const t0 = performance.now();
    try {
      exit = loop.run(inputs);
    } finally {
      this.stats.compiledMs += performance.now() - t0;
    }
    return this.handleExit(exit);
  }

  private handleExit(exit: TraceExit): PortalArgs {
    if (exit.kind === 'finish') return this.continueAt([...exit.descr.greens], exit.values);
    const guard = exit.descr;
    this.stats.guardFailures++;
    guard.failures++;
    const resume = guard.resume!;
    const values = materialize(resume, exit.values);
    const vable = resume.vable;
    if (vable && vable.inHeap !== true) writeSlots(values[vable.obj], vable.layout, vable.values.map((k) => values[k]));
    // A guard deep in a chain of bridges is left to the interpreter: a call site that
    // sees a new callee (or a value a new shape) on every iteration would otherwise grow
    // the chain by one bridge per callee, and every iteration would walk all of it.
    if (exit.exception === null && guard.bridge === null && !this.tracing && guard.failures >= this.options.params.bridge_threshold
      && this.depthOf(guard) < this.options.params.max_bridge_depth) {
      return this.traceBridge(guard, values);
    }
    return this.finishInBlackhole(framesFromSnapshot(resume, values), exit.exception);
  }

  private finishInBlackhole(frames: BlackholeFrame[], pending: { value: unknown } | null): PortalArgs {
    this.stats.blackholes++;
    let r: BlackholeResult;
    try {
      r = blackhole(frames, pending, {
        quasiImmutableWritten: (d) => this.quasiImmutableWritten(d),
        callPortal: (greens, reds) => (this.portal.code.residual!.fn as (...a: unknown[]) => unknown)(...this.portalArgs([...greens, ...reds])),
      });
    } catch (e) {
      // The exception left the portal frame in the blackhole: it leaves the portal.
      throw e instanceof PortalRaised ? e : new PortalRaised(this, e);
    }
    if (r.kind === 'return') throw new DoneWithThisFrame(this, r.value);
    return this.continueAt(r.greens, r.reds);
  }

  /** Resumes at a merge point: in compiled code if there is some, else in the interpreter. */
  private continueAt(greens: unknown[], reds: unknown[]): PortalArgs {
    const loop = this.cells.get(greens)?.loop;
    if (loop && !loop.invalidated && !this.tracing && this.canEnter(loop, reds)) return this.runFrom(loop, reds);
    return this.portalArgs([...greens, ...reds]);
  }

  /** The greens among the portal's parameters (`args` in parameter order). */
  private greensOfArgs(args: unknown[]): unknown[] {
    const greens = new Array<unknown>(this.portal.numGreens);
    this.portal.paramOrder.forEach((k, i) => { if (k < this.portal.numGreens) greens[k] = args[i]; });
    return greens;
  }

  private portalArgs(greensThenReds: unknown[]): unknown[] {
    return this.portal.paramOrder.map((i) => greensThenReds[i]);
  }

  // ------------------------------------------------------- quasi-immutables

  private dependents(d: FieldDescr): Set<CompiledLoop> {
    let s = this.qiDependents.get(d);
    if (!s) this.qiDependents.set(d, (s = new Set()));
    return s;
  }

  private registerDeps(loop: CompiledLoop): void {
    for (const d of this.pendingDeps) this.dependents(d).add(loop);
    this.pendingDeps.clear();
  }

  quasiImmutableWritten(d: FieldDescr): void {
    const deps = this.qiDependents.get(d);
    if (!deps || deps.size === 0) return;
    for (const loop of deps) {
      if (!loop.invalidated) {
        loop.invalidate();
        this.stats.invalidations++;
      }
    }
    deps.clear();
  }

  private invalidationCall(d: FieldDescr): CallDescr {
    let c = this.qiCalls.get(d);
    if (!c) {
      c = { kind: 'call', name: `invalidate ${d.owner}.${d.name}`, fn: () => this.quasiImmutableWritten(d), effect: 'write', canRaise: false, resultKind: 'v' };
      this.qiCalls.set(d, c);
    }
    return c;
  }
}

function newCell(): KeyCell {
  return { counter: 0, aborts: 0, blacklisted: false, loop: null };
}
