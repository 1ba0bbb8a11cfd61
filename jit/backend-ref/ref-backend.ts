// The reference backend: runs trace IR directly in JS. It defines what every
// other backend must do (the contract in backend.ts), and tests compare the
// wasm and x64 backends, and the optimizer's output, against it.
//
// Each trace is lowered once to closures (compile.ts); `execute` below is the
// only control loop. It moves between compiled traces in three ways:
//   jump      to the label of any loop compiled by this backend instance
//             (looked up in `entries` by TargetDescr, cached in the jump);
//   guard     failing with a bridge: into the bridge, the failArg values as its
//             inputs; failing without one: out of `run`, as a guard exit;
//   finish    out of `run`.
// A guard_no_exception that fails because its call raised always leaves `run`,
// even when it has a bridge: no trace op can receive the exception, so only the
// interpreter (the blackhole) can continue from there.

import type { Backend, BackendOptions, CompiledLoop, TraceExit } from '../backend.js';
import type { GuardDescr, TargetDescr } from '../ir/descr.js';
import type { Trace } from '../ir/trace.js';
import { verifyTrace } from '../ir/verify.js';
import { compileTrace } from './compile.js';
import type { Code, Entry, GuardExit, LoopState, RunContext } from './compile.js';

export class RefBackend implements Backend {
  readonly name = 'ref';
  /** Every label of every compiled trace. */
  private readonly entries = new Map<TargetDescr, Entry>();
  /** Every guard of every compiled trace, with the trace that holds it. */
  private readonly guards = new Map<GuardDescr, { readonly exit: GuardExit; readonly code: Code }>();

  constructor(private readonly options: BackendOptions = {}) {}

  compileLoop(trace: Trace): CompiledLoop {
    verifyTrace(trace);
    const first = trace.ops[0];
    if (first.opcode !== 'label' || first.args.length !== trace.inputs.length
      || first.args.some((a, k) => a.tag !== 'box' || a.id !== trace.inputs[k].id)) {
      throw new Error(`ref backend: loop ${trace.name} must start with a label of its inputs`);
    }
    const state: LoopState = { invalidated: false };
    this.install(trace, state);
    const target = first.descr as TargetDescr;
    return new RefLoop(target, state, this.entries.get(target)!, this.resolve);
  }

  attachBridge(guard: GuardDescr, trace: Trace): void {
    const site = this.guards.get(guard);
    if (site === undefined) throw new Error(`ref backend: guard:${guard.id} is not part of code compiled by this backend`);
    if (site.exit.bridge !== null) throw new Error(`ref backend: guard:${guard.id} already has a bridge`);
    if (trace.inputs.length !== site.exit.failSlots.length) {
      throw new Error(`ref backend: bridge ${trace.name} has ${trace.inputs.length} inputs, guard:${guard.id} has ${site.exit.failSlots.length} failArgs`);
    }
    verifyTrace(trace);
    const code = this.install(trace, site.code.owner);
    site.exit.bridge = code;
    guard.bridge = code;
  }

  /** Compiles a trace and records its labels and guards; nothing is recorded if it fails. */
  private install(trace: Trace, owner: LoopState): Code {
    const code = compileTrace(trace, owner, this.options);
    for (const t of code.labels.keys()) {
      if (this.entries.has(t)) throw new Error(`ref backend: target:${t.name} is already compiled`);
    }
    for (const g of code.guards.keys()) {
      if (this.guards.has(g)) throw new Error(`ref backend: guard:${g.id} is already compiled`);
    }
    for (const [t, e] of code.labels) this.entries.set(t, e);
    for (const [g, exit] of code.guards) this.guards.set(g, { exit, code });
    return code;
  }

  private readonly resolve = (target: TargetDescr): Entry => {
    const e = this.entries.get(target);
    if (e === undefined) throw new Error(`ref backend: jump to target:${target.name}, which is not compiled`);
    return e;
  };
}

class RefLoop implements CompiledLoop {
  constructor(
    readonly target: TargetDescr,
    private readonly state: LoopState,
    private readonly entry: Entry,
    private readonly resolve: (t: TargetDescr) => Entry,
  ) {}

  get invalidated(): boolean {
    return this.state.invalidated;
  }

  invalidate(): void {
    this.state.invalidated = true;
  }

  run(inputs: unknown[]): TraceExit {
    const { code, slots, step } = this.entry;
    if (inputs.length !== slots.length) throw new Error(`ref backend: ${code.name} takes ${slots.length} inputs, got ${inputs.length}`);
    const regs = code.template.slice();
    for (let k = 0; k < slots.length; k++) regs[slots[k]] = inputs[k];
    return execute(code, step, regs, this.resolve);
  }
}

/** Runs compiled code from `pc` until it leaves through a guard or a finish. */
function execute(start: Code, pc: number, regs: unknown[], resolve: (t: TargetDescr) => Entry): TraceExit {
  let code = start;
  let steps = code.steps;
  const cx: RunContext = { exc: null };
  for (;;) {
    const out = steps[pc++](regs, cx);
    if (out === undefined) continue;
    switch (out.t) {
      case 'jump': {
        const dest = out.entry ?? (out.entry = resolve(out.target));
        const { argSlots, scratch } = out;
        for (let k = 0; k < argSlots.length; k++) scratch[k] = regs[argSlots[k]];
        if (dest.code !== code) {
          code = dest.code;
          steps = code.steps;
          regs = code.template.slice();
        }
        for (let k = 0; k < scratch.length; k++) regs[dest.slots[k]] = scratch[k];
        pc = dest.step;
        break;
      }
      case 'finish':
        return { kind: 'finish', descr: out.descr, values: out.argSlots.map((k) => regs[k]) };
      case 'guard': {
        const values = out.failSlots.map((k) => regs[k]);
        const exception = out.noException ? cx.exc : null;
        cx.exc = null;
        const bridge = out.bridge;
        if (bridge === null || exception !== null) return { kind: 'guard', descr: out.descr, values, exception };
        code = bridge;
        steps = code.steps;
        regs = code.template.slice();
        for (let k = 0; k < values.length; k++) regs[code.inputSlots[k]] = values[k];
        pc = 0;
        break;
      }
    }
  }
}
