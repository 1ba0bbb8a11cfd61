// Reference backend, lowering: turns a trace into an array of small closures
// ("steps") over a register array, once, so running it never re-reads Op objects.
//
// The register array of one activation of a compiled trace, copied from
// `template`:
//
//   slot  0 .. B-1                 B                 B+1 ..
//         boxes: the inputs, then  junk: "result"    constants: filled in the
//         op results, in order     of void ops       template, never written
//
// (the junk slot lets every computational step write its result unconditionally).
//
// A step returns `undefined` to fall through to the next step, or a Transfer
// that the executor (ref-backend.ts) acts on: a guard exit, a jump, a finish.
// `label` and `debug_merge_point` emit no step: a label only records where its
// body starts and which slots a jump to it writes.
//
// Ops with a `run` in the op table are all lowered the same way, by calling it;
// the others (guards, calls, control) are in SPECIAL, whose type makes adding such
// an op to the table fail to compile until it is handled here.

import type { BackendOptions } from '../backend.js';
import type { CallDescr, ExitDescr, GuardDescr, TargetDescr } from '../ir/descr.js';
import { OPS } from '../ir/ops.js';
import type { Opcode } from '../ir/ops.js';
import type { Op, Trace, Value } from '../ir/trace.js';

/** What `guard_not_invalidated` reads: the loop that owns a trace (a bridge's owner is its guard's). */
export interface LoopState {
  invalidated: boolean;
}

/** Per-activation state shared by the steps: the pending exception of the last call. */
export interface RunContext {
  exc: { value: unknown } | null;
}

export interface GuardExit {
  readonly t: 'guard';
  readonly descr: GuardDescr;
  readonly failSlots: readonly number[];
  /** A guard_no_exception: its exit carries the pending exception. */
  readonly noException: boolean;
  /** Set by attachBridge. */
  bridge: Code | null;
}

export interface JumpExit {
  readonly t: 'jump';
  readonly target: TargetDescr;
  readonly argSlots: readonly number[];
  /** Holds the values between reading and writing (a jump to its own label overlaps). */
  readonly scratch: unknown[];
  /** The label, found in the backend on the first jump. */
  entry: Entry | null;
}

export interface FinishExit {
  readonly t: 'finish';
  readonly descr: ExitDescr;
  readonly argSlots: readonly number[];
}

export type Transfer = GuardExit | JumpExit | FinishExit;

export type Step = (regs: unknown[], cx: RunContext) => Transfer | undefined;

/** Where a label's body starts in some compiled trace. */
export interface Entry {
  readonly code: Code;
  readonly step: number;
  readonly slots: readonly number[];
}

/** A compiled trace (loop or bridge). */
export interface Code {
  readonly name: string;
  readonly owner: LoopState;
  readonly steps: readonly Step[];
  readonly template: readonly unknown[];
  /** Slots of the trace inputs; a bridge starts at step 0 with its inputs there. */
  readonly inputSlots: readonly number[];
  readonly labels: ReadonlyMap<TargetDescr, Entry>;
  readonly guards: ReadonlyMap<GuardDescr, GuardExit>;
}

/** Compiles a verified trace. `owner` is the loop its guard_not_invalidated checks. */
export function compileTrace(trace: Trace, owner: LoopState, options: BackendOptions): Code {
  const boxSlots = new Map<number, number>();
  for (const b of trace.inputs) boxSlots.set(b.id, boxSlots.size);
  for (const op of trace.ops) {
    // A peeled loop's second label defines its args (see verify.ts [scope]).
    if (op.opcode === 'label') for (const a of op.args) if (a.tag === 'box' && !boxSlots.has(a.id)) boxSlots.set(a.id, boxSlots.size);
    if (op.result !== null) boxSlots.set(op.result.id, boxSlots.size);
  }
  const junk = boxSlots.size;
  const template: unknown[] = new Array<unknown>(junk + 1).fill(undefined);
  const steps: Step[] = [];
  const labels = new Map<TargetDescr, Entry>();
  const guards = new Map<GuardDescr, GuardExit>();
  const code: Code = { name: trace.name, owner, steps, template, inputSlots: trace.inputs.map((b) => boxSlots.get(b.id)!), labels, guards };

  const slot = (v: Value): number => {
    if (v.tag === 'const') {
      template.push(v.value);
      return template.length - 1;
    }
    const s = boxSlots.get(v.id);
    if (s === undefined) throw new Error(`ref backend: box ${v.kind}${v.id} has no definition in ${trace.name}`);
    return s;
  };
  const cx: LowerContext = {
    slot,
    slots: (vs) => vs.map(slot),
    dst: (op) => (op.result === null ? junk : slot(op.result)),
    owner,
    options,
    addGuard: (exit) => guards.set(exit.descr, exit),
    addLabel: (target, slots) => labels.set(target, { code, step: steps.length, slots }),
  };
  for (const op of trace.ops) {
    const lower: Lower = (SPECIAL as Partial<Record<Opcode, Lower>>)[op.opcode] ?? lowerRun;
    const step = lower(op, cx);
    if (step !== null) steps.push(step);
  }
  return code;
}

interface LowerContext {
  slot(v: Value): number;
  slots(vs: readonly Value[]): number[];
  /** The result slot, or the junk slot for void ops. */
  dst(op: Op): number;
  readonly owner: LoopState;
  readonly options: BackendOptions;
  addGuard(exit: GuardExit): void;
  addLabel(target: TargetDescr, slots: number[]): void;
}

type Lower = (op: Op, cx: LowerContext) => Step | null;

/** Every computational op: `regs[dst] = OPS[op].run(args, descr)`. */
function lowerRun(op: Op, cx: LowerContext): Step {
  const run = (OPS[op.opcode] as { run?: (args: unknown[], descr: unknown) => unknown }).run;
  if (run === undefined) throw new Error(`ref backend: ${op.opcode} has no run and no lowering`);
  const d = op.descr;
  const s = cx.slots(op.args);
  const dst = cx.dst(op);
  switch (s.length) {
    case 0: return (r) => { r[dst] = run([], d); return undefined; };
    case 1: { const [a] = s; return (r) => { r[dst] = run([r[a]], d); return undefined; }; }
    case 2: { const [a, b] = s; return (r) => { r[dst] = run([r[a], r[b]], d); return undefined; }; }
    case 3: { const [a, b, c] = s; return (r) => { r[dst] = run([r[a], r[b], r[c]], d); return undefined; }; }
    default: return (r) => { r[dst] = run(s.map((k) => r[k]), d); return undefined; };
  }
}

/** The ops without `run`: each needs its own lowering. */
type RunOpcode = { [K in Opcode]: (typeof OPS)[K] extends { readonly run: unknown } ? K : never }[Opcode];
type Condition = (r: unknown[], cx: RunContext) => boolean;

const SPECIAL = {
  guard_true: (op, cx) => { const a = cx.slot(op.args[0]); return guard(op, cx, (r) => !!r[a]); },
  guard_false: (op, cx) => { const a = cx.slot(op.args[0]); return guard(op, cx, (r) => !r[a]); },
  guard_value: (op, cx) => { const [a, b] = cx.slots(op.args); return guard(op, cx, (r) => Object.is(r[a], r[b])); },
  guard_class: (op, cx) => {
    const [a, b] = cx.slots(op.args);
    return guard(op, cx, (r) => { const x = r[a]; return x !== null && x !== undefined && (x as object).constructor === r[b]; });
  },
  guard_nonnull: (op, cx) => { const a = cx.slot(op.args[0]); return guard(op, cx, (r) => r[a] !== null); },
  guard_isnull: (op, cx) => { const a = cx.slot(op.args[0]); return guard(op, cx, (r) => r[a] === null); },
  guard_no_exception: (op, cx) => guard(op, cx, (_r, rc) => rc.exc === null),
  guard_not_invalidated: (op, cx) => { const owner = cx.owner; return guard(op, cx, () => !owner.invalidated); },
  call_i: lowerCall,
  call_f: lowerCall,
  call_r: lowerCall,
  call_n: lowerCall,
  label: (op, cx) => { cx.addLabel(op.descr as TargetDescr, cx.slots(op.args)); return null; },
  jump: (op, cx) => {
    const exit: JumpExit = { t: 'jump', target: op.descr as TargetDescr, argSlots: cx.slots(op.args), scratch: new Array<unknown>(op.args.length), entry: null };
    return () => exit;
  },
  finish: (op, cx) => {
    const exit: FinishExit = { t: 'finish', descr: op.descr as ExitDescr, argSlots: cx.slots(op.args) };
    return () => exit;
  },
  debug_merge_point: () => null,
} satisfies Record<Exclude<Opcode, RunOpcode>, Lower>;

/**
 * A guard fails when its condition does not hold, or when the testing option
 * forceGuardFailure selects it (asked each time the condition holds, so it may
 * be stateful).
 */
function guard(op: Op, cx: LowerContext, holds: Condition): Step {
  const exit: GuardExit = {
    t: 'guard',
    descr: op.descr as GuardDescr,
    failSlots: cx.slots(op.failArgs ?? []),
    noException: op.opcode === 'guard_no_exception',
    bridge: null,
  };
  cx.addGuard(exit);
  const force = cx.options.forceGuardFailure;
  if (force === undefined) return (r, rc) => (holds(r, rc) ? undefined : exit);
  return (r, rc) => (holds(r, rc) && !force(exit.descr) ? undefined : exit);
}

/** Value left in a call's result slot when the call raised (the guard exit reads no further). */
const RAISED: Record<string, unknown> = { i: 0, f: 0, r: null };

/**
 * A host call, as a plain function call (`this` is undefined). Only a call whose
 * descriptor says it can raise catches: its exception becomes pending for the
 * guard_no_exception that follows. An exception from a call that promised not to
 * raise propagates out of `run`: it is a bug in the descriptor, not guest behaviour.
 */
function lowerCall(op: Op, cx: LowerContext): Step {
  const d = op.descr as CallDescr;
  const fn = d.fn as (...args: unknown[]) => unknown;
  const s = cx.slots(op.args);
  const dst = cx.dst(op);
  const read = (r: unknown[]): unknown[] => s.map((k) => r[k]);
  if (!d.canRaise) return (r) => { r[dst] = fn(...read(r)); return undefined; };
  const raised = op.result === null ? undefined : RAISED[op.result.kind];
  return (r, rc) => {
    try {
      r[dst] = fn(...read(r));
      rc.exc = null;
    } catch (e) {
      r[dst] = raised;
      rc.exc = { value: e };
    }
    return undefined;
  };
}
